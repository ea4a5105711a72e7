// The same package with one profile override, cognito-srp at opt-level 3 (scripts/bench.sh):
// measures what opt-level "z" costs the SRP kernel.
import * as glue from '../dist/pkg-bench-opt3/cognito_wasm.js';
import { ours } from './impl-ours.js';
import { harness } from './harness.js';

harness(ours(glue, './pkg-bench-opt3/cognito_wasm_bg.wasm', 'cognito-wasm, cognito-srp at opt-level 3'));
