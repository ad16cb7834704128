// The browser build's answer (tsup.config.ts swaps it in for default-wasm-paths.ts): the three
// binaries that the build copies into dist/, beside this bundle. `new URL('./file', import.meta.url)`
// with a literal path is the pattern bundlers (Vite, webpack 5, Rollup, Parcel, esbuild with a
// loader) recognise: they emit the file as an asset and rewrite the URL, so a page finds the
// binaries without configuration; served unbundled, the URL is the file next to the module.

/** File name → URL of tfjs's WASM binaries shipped in @backprop/tensor's dist/. */
export function defaultWasmPaths(): Record<string, string> | null {
  return {
    'tfjs-backend-wasm.wasm': new URL('./tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  };
}
