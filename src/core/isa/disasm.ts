/** AT&T (GNU) disassembly of guest memory through iced-x86's GAS formatter. */
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction } from 'iced-x86';
import type { LinearMemory } from '../machine/linear-memory.js';

let formatter: Formatter | undefined;
const scratch = new Instruction();

export interface Disassembly {
  text: string;
  length: number;
  bytes: Uint8Array;
}

/** Disassembles one instruction at `rip` without side effects (debugger path). */
export function disassembleAt(mem: LinearMemory, rip: number): Disassembly {
  const bytes = mem.peek(rip, 15);
  if (bytes.length === 0) return { text: '(unmapped)', length: 0, bytes };
  return disassembleBytes(bytes, rip);
}

export function disassembleBytes(bytes: Uint8Array, rip: number): Disassembly {
  if (!formatter) {
    formatter = new Formatter(FormatterSyntax.Gas);
    formatter.spaceAfterOperandSeparator = false;
    formatter.uppercaseHex = false;
    formatter.branchLeadingZeros = false;
  }
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  try {
    decoder.ip = BigInt.asUintN(64, BigInt(rip));
    decoder.decodeOut(scratch);
    if (scratch.isInvalid) return { text: '(bad)', length: 1, bytes: bytes.subarray(0, 1) };
    return { text: formatter.format(scratch), length: scratch.length, bytes: bytes.subarray(0, scratch.length) };
  } finally {
    decoder.free();
  }
}
