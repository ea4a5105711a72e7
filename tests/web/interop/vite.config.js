// Builds the interop page (tests/web/run.sh, with web/'s Vite): acij from tests/node_modules,
// cognito-wasm from the packed tarball installed in web/node_modules; served at /interop/.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/interop/',
  resolve: { alias: { 'cognito-wasm': `${root}web/node_modules/cognito-wasm/index.js` } },
  // acij's browser build still reads Node's `global` in places.
  define: { global: 'globalThis' },
  build: { outDir: `${root}target/web-interop`, emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
};
