// Types of the package's entry module (index.js). Every type of the API (config, inputs,
// results, the signInStep union, events, error names) is declared once, by hand, in
// crates/wasm/src/typescript.rs and arrives here through `cognito_wasm.d.ts`; this file only
// adds what the entry module itself provides.
import type { AuthConfig, InitInput, SyncInitInput } from './cognito_wasm.js';
import { Auth as WasmAuth } from './cognito_wasm.js';

export * from './cognito_wasm.js';

/**
 * An Amazon Cognito user-pool client; method names and shapes follow Amplify v6.
 *
 * No `init()` call is needed: the first `new Auth(...)` starts loading the WebAssembly module and
 * every method waits for it. Once it is loaded (`await preload()`, or an earlier `Auth`), the
 * constructor throws an `AuthError` named `ConfigError` for a bad config; before that, every call
 * rejects with it. `await Auth.create(config)` rejects with it in both cases.
 *
 * `on()` may be called at once; before the module has loaded, an unknown event name is reported
 * as an uncaught error when it has (TypeScript refuses one at compile time).
 */
export declare class Auth extends WasmAuth {
  constructor(config: AuthConfig);
  /** Loads the module if needed, then builds the client; rejects with a `ConfigError`
   *  (or a `ModuleLoadError`) instead of deferring it to the first call. */
  static create(config: AuthConfig): Promise<Auth>;
}

/** Our name for a failure to fetch or compile the WebAssembly module (with the cause); the next
 *  call tries again. */
export type PackageErrorName = 'ModuleLoadError';

/**
 * Starts loading the WebAssembly module now instead of at the first `new Auth`, e.g. while the
 * page renders; resolves when it is ready. `moduleOrPath` overrides where it comes from (default:
 * `cognito_wasm_bg.wasm` next to this file). Rejects with an `Error` named `ModuleLoadError`.
 */
export declare function preload(moduleOrPath?: InitInput | Promise<InitInput>): Promise<void>;

/** Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`
 *  (in a worker, or a test); `new Auth` is synchronous afterwards. */
export declare function initSync(module: SyncInitInput | { module: SyncInitInput }): void;
