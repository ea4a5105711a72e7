import * as impl from './impl-bigint.js';
import { harness } from './harness.js';

harness(impl);
