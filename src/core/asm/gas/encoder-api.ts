/**
 * The contract between the GAS front end and the instruction encoder
 * (src/core/asm/encoder/index.ts), whose types are the reference.
 */
import type { EncodeRequest, EncodeResult } from '../encoder/index.js';

export type { AsmOperand, EncodeRequest, EncodeResult } from '../encoder/index.js';

export type EncodeFn = (req: EncodeRequest) => EncodeResult;
