import * as impl from './impl-ours.js';
import { harness } from './harness.js';

harness(impl);
