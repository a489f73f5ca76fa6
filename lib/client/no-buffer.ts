/**
 * The browser build's `buffer` module. Bundlers give the browser a copy of Node's Buffer (about
 * 7 KB gzipped) wherever a module merely mentions the global; the only mention in the editor's
 * packages is lib0/buffer's Node branch, which it never takes in a browser (it checks
 * `isBrowser` and uses btoa/atob there). next.config.mjs points the browser's `buffer` here, so
 * `Buffer` is undefined as in any browser, and code that did call it would fail loudly.
 */
export const Buffer: undefined = undefined;
export default { Buffer };
