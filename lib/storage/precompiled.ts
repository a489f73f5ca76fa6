import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * A query built and compiled once, run many times with new arguments. Building a Kysely query
 * (its operation tree, then SQL) took more CPU than SQLite took to run it: about half of the
 * session and access checks done at every WebSocket upgrade (bench idle-10k profile).
 *
 * `build` is called once with placeholder arguments; every parameter of the compiled query
 * that is one of the placeholders is replaced by the matching argument at each call. Each
 * placeholder must show up among the parameters, so an argument can never be left out
 * silently; parameters that are not placeholders (constants in the query) stay as they are.
 */
export function precompiled<Args extends (string | number)[]>(db: Kysely<Database>, arity: Args['length'], build: (...args: Args) => Compilable): (...args: Args) => CompiledQuery {
  // Strings stand in for every argument, numbers too: the builder only passes them through as
  // parameters, and a number could be mistaken for a constant of the query.
  const placeholders = Array.from({ length: arity }, (_, i) => `\u0000precompiled-argument-${i}\u0000`) as unknown as Args;
  const compiled = build(...placeholders).compile();
  const slots = compiled.parameters.map((p) => placeholders.indexOf(p as Args[number]));
  placeholders.forEach((_, i) => {
    if (!slots.includes(i)) throw new Error(`argument ${i} does not appear among the parameters of ${compiled.sql}`);
  });
  return (...args: Args) => ({ ...compiled, parameters: compiled.parameters.map((p, i) => (slots[i] >= 0 ? args[slots[i]] : p)) });
}
