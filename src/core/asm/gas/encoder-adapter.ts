/** Binds the front end to the project's instruction encoder (injectable via AssembleOptions). */
import type { EncodeFn } from './encoder-api.js';
import { encodeInstruction } from '../encoder/index.js';

export const defaultEncoder: EncodeFn = encodeInstruction;
