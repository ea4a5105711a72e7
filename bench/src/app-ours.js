// Start-up entry for cognito-wasm (the release package, unbundled, as wasm-pack emits it):
// the module loaded, the .wasm fetched, compiled and instantiated, an Auth constructed.
import init, { Auth } from '../dist/pkg/cognito_wasm.js';

await init({ module_or_path: new URL('./pkg/cognito_wasm_bg.wasm', location.href) });
window.__client = new Auth({ userPoolId: 'eu-west-1_BenchPool1', userPoolClientId: 'benchclient', storage: 'memory' });
window.__ready = performance.now();
