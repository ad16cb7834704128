// Where tfjs-backend-wasm's `.wasm` binaries are, when initBackend is given no `wasmPaths`.
// From sources (vitest, the workspace's Vite app) and in the Node build, tfjs finds its own files
// in its package, so there is nothing to say. The browser build (tsup.config.ts) swaps this file
// for default-wasm-paths.browser.ts, which points at the copies shipped beside the bundle.

/** File name → URL of tfjs's WASM binaries, or null to let tfjs find them itself. */
export function defaultWasmPaths(): Record<string, string> | null {
  return null;
}
