// `vite build` needs no configuration for cognito-wasm (no plugin: the package finds its .wasm
// with `new URL(..., import.meta.url)`, which Vite emits as an asset). Only the dev server needs
// this line: its dependency pre-bundling moves the JS into node_modules/.vite/deps but not the
// .wasm next to it (vitejs/vite#8427), so the package is served as it is instead.
export default {
  optimizeDeps: { exclude: ['cognito-wasm'] },
};
