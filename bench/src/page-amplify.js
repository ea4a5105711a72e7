import * as impl from './impl-amplify.js';
import { harness } from './harness.js';

harness(impl);
