import * as impl from './impl-acij.js';
import { harness } from './harness.js';

harness(impl);
