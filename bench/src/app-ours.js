// Start-up and size entry for cognito-wasm: the npm package as an app takes it
// (`import { Auth } from 'cognito-wasm'`, the package's entry module index.js and wasm-bindgen's
// glue behind it, bundled by esbuild like the peers; scripts/bench.sh packs the package with
// scripts/package.sh). `Auth.create` loads the .wasm (found next to the bundle through
// `new URL(..., import.meta.url)`, where an esbuild user copies it), compiles and instantiates it,
// and constructs the client: the module is ready when it resolves.
import { Auth } from 'cognito-wasm';

window.__client = await Auth.create({ userPoolId: 'eu-west-1_BenchPool1', userPoolClientId: 'benchclient' });
window.__ready = performance.now();
dispatchEvent(new Event('bench-ready'));
