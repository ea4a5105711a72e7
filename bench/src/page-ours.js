import * as glue from '../dist/pkg-bench/cognito_wasm.js';
import { ours } from './impl-ours.js';
import { harness } from './harness.js';

harness(ours(glue, './pkg-bench/cognito_wasm_bg.wasm'));
