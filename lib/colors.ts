/** Caret colours with enough contrast against white text labels. */
export const PALETTE = [
  '#c2410c', '#b91c1c', '#be185d', '#7e22ce', '#4338ca', '#1d4ed8',
  '#0e7490', '#047857', '#4d7c0f', '#a16207', '#9f1239', '#6d28d9',
] as const;

/** A stable colour for an account: the same id always gets the same colour. */
export function colorFor(userId: string): string {
  let h = 2166136261;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return PALETTE[(h >>> 0) % PALETTE.length];
}
