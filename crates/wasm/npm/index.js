// The package's entry module (`import { Auth } from 'cognito-wasm'`): wasm-bindgen's glue
// (`--target web`) behind an `Auth` that loads the WebAssembly module by itself, so apps never
// call `init()`.
//
// Why this shape (scripts/package.sh builds the package around it):
// - `--target web` glue needs `await init()` before the first `new Auth`; `--target bundler`
//   needs a bundler that imports `.wasm` as ES modules (a Vite plugin); a top-level `await` in
//   here breaks Vite's default build target (es2020) and older bundlers.
// - `new URL('./cognito_wasm_bg.wasm', import.meta.url)` is understood by browsers (a plain
//   `<script type="module">`) and by Vite (it emits the file and rewrites the URL), both tested
//   in tests/web; webpack 5 and Parcel treat it as an asset too (not tested here).
// So the module starts loading at the first `new Auth(...)` (or `preload()`), and every method
// waits for it; `on()` subscriptions made before it is ready are attached when it is.
// Plain ES2020: no private fields, static blocks or `??=`, so it ships unchanged to every target.
import init, { Auth as WasmAuth, initSync as wasmInitSync } from './cognito_wasm.js';

const WASM_URL = new URL('./cognito_wasm_bg.wasm', import.meta.url);

/** Set once the module is instantiated: from then on `new Auth` is synchronous. */
let loaded = false;
/** The load in progress or done; cleared after a failure, so a later call can try again. */
let loading = null;

function moduleLoadError(cause) {
  const e = new Error(
    'cognito-wasm: could not load its WebAssembly module (cognito_wasm_bg.wasm); check that it ' +
      'is served next to the JavaScript with Content-Type application/wasm',
    { cause },
  );
  e.name = 'ModuleLoadError';
  e.recoverySuggestion = 'Check the network and the server, then call again.';
  return e;
}

/**
 * Starts loading the WebAssembly module now (it is otherwise loaded by the first `new Auth`)
 * and resolves when it is ready. Optional; `moduleOrPath` overrides where it comes from.
 */
export function preload(moduleOrPath) {
  if (loaded) return Promise.resolve();
  if (!loading) {
    loading = init({ module_or_path: moduleOrPath === undefined ? WASM_URL : moduleOrPath }).then(
      () => {
        loaded = true;
      },
      (cause) => {
        loading = null;
        throw moduleLoadError(cause);
      },
    );
  }
  return loading;
}

/** Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`
 *  (workers, tests); `new Auth` is then synchronous. */
export function initSync(module) {
  wasmInitSync({ module: module && module.module !== undefined ? module.module : module });
  loaded = true;
}

/** Per wrapper: the module's `Auth` once built, the Promise of it, listeners waiting for it. */
const states = new WeakMap();

function stateOf(auth) {
  const s = states.get(auth);
  if (!s) throw new TypeError('cognito-wasm: Auth method called on an object that is not an Auth');
  return s;
}

/** Hands one deferred `on()` registration to the module's `Auth`, reporting a bad event name
 *  as an uncaught error instead of stopping the others. */
function attach(auth, entry) {
  if (entry.cancelled) return;
  try {
    entry.off = auth.on(entry.event, entry.callback);
  } catch (e) {
    if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
    else setTimeout(() => { throw e; });
  }
}

/** The Promise of the module's `Auth` for wrapper state `s`: loads the module, then builds it
 *  with the saved config. A failed load is forgotten, so the next call tries again; a bad config
 *  stays the answer (the config will not change). */
function ready(s) {
  if (!s.ready) {
    s.ready = preload().then(
      () => {
        s.auth = new WasmAuth(s.config);
        s.config = null;
        const pending = s.pending;
        s.pending = [];
        for (const entry of pending) attach(s.auth, entry);
        return s.auth;
      },
      (e) => {
        s.ready = null;
        throw e;
      },
    );
    // The failure reaches the app through the calls it makes; an app that makes none has no
    // one to tell, so this Promise itself must not count as unhandled.
    s.ready.catch(() => {});
  }
  return s.ready;
}

export class Auth {
  /**
   * Once the module is loaded this builds the client at once and throws a `ConfigError` for a
   * bad config; before that, it starts loading, and every call rejects with that error.
   * `await Auth.create(config)` gives the error at construction in both cases.
   */
  constructor(config) {
    const s = { auth: null, ready: null, config, pending: [] };
    states.set(this, s);
    if (loaded) {
      s.auth = new WasmAuth(config);
      s.config = null;
      s.ready = Promise.resolve(s.auth);
      return;
    }
    ready(s);
  }

  /** Loads the module if needed, then builds the client: a bad config rejects here. */
  static create(config) {
    return preload().then(() => new Auth(config));
  }

  on(event, callback) {
    const s = stateOf(this);
    if (s.auth) return s.auth.on(event, callback);
    const entry = { event, callback, off: null, cancelled: false };
    s.pending.push(entry);
    return () => {
      entry.cancelled = true;
      if (entry.off) {
        entry.off();
        entry.off = null;
      }
    };
  }

  free() {
    const s = stateOf(this);
    if (s.auth) s.auth.free();
    else if (s.ready) s.ready.then((a) => a.free(), () => {});
  }
}

// Every other method of the module's `Auth` returns a Promise: forward each, after the module is
// ready. Read from the glue's prototype (which exists before the module loads), so a method added
// on the Rust side needs no change here.
for (const name of Object.getOwnPropertyNames(WasmAuth.prototype)) {
  if (name === 'constructor' || name.startsWith('__') || name in Auth.prototype) continue;
  if (typeof WasmAuth.prototype[name] !== 'function') continue;
  Object.defineProperty(Auth.prototype, name, {
    configurable: true,
    writable: true,
    value: function (...args) {
      const s = stateOf(this);
      return s.auth ? s.auth[name](...args) : ready(s).then((a) => a[name](...args));
    },
  });
}
