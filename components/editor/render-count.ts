/**
 * Counts renders of named components, but only when a test asks for it by setting
 * `window.__TANDEM_COUNT_RENDERS__ = {}` before the app loads; otherwise it does nothing. The
 * large-document test uses it to prove that typing does not re-render React per keystroke.
 */
declare global {
  interface Window {
    __TANDEM_COUNT_RENDERS__?: Record<string, number>;
  }
}

export function useRenderCount(name: string): void {
  if (typeof window === 'undefined') return;
  const counts = window.__TANDEM_COUNT_RENDERS__;
  if (counts) counts[name] = (counts[name] ?? 0) + 1;
}
