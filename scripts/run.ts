import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { buildIsFresh, writeBuildStamp } from './build-stamp';

const BIN = path.join(process.cwd(), 'node_modules', '.bin');

/** Runs a command to completion, inheriting output; rejects on a non-zero exit. */
export function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`))));
    child.on('error', reject);
  });
}

/** Builds the Next.js app unless `.next` already holds a build of the current sources. */
export async function ensureBuild(): Promise<void> {
  if (buildIsFresh()) return;
  console.log('[tandem] building the web app (first start, or sources changed)…');
  await runToEnd(path.join(BIN, 'next'), ['build'], { ...process.env, NEXT_TELEMETRY_DISABLED: '1' });
  writeBuildStamp();
}

/** Starts a long-running child whose output lines are prefixed with `[name]`. */
export function startChild(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
    stream.on('end', () => rest && out.write(`[${name}] ${rest}\n`));
  };
  prefix(child.stdout!, process.stdout);
  prefix(child.stderr!, process.stderr);
  return child;
}

export const bin = (name: string) => path.join(BIN, name);

/** Node arguments that start the web app (Next behind web/main.ts), as production runs it. */
export const webAppArgs = (dev = false) => ['--import', 'tsx', 'web/main.ts', ...(dev ? ['--dev'] : [])];
