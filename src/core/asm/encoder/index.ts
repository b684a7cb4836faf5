/**
 * The instruction encoder: one AT&T instruction (mnemonic as written, prefixes, operands) →
 * machine code bytes plus fixups for symbolic values, choosing the encoding GNU as 2.40 chooses.
 * Forms come from iced-x86's opcode table (templates.ts); iced's Encoder produces the bytes.
 */
import type { AsmValue, Fixup } from '../object.js';
import { encode } from './encode.js';

export type AsmOperand =
  /** Lower case, no '%': rax eax ax al ah r8 r8d r8w r8b (= r8l) spl..dil, cr0-cr15, dr0-dr15, es..gs, xmm0-15. */
  | { kind: 'reg'; name: string }
  /** `$expr` */
  | { kind: 'imm'; value: AsmValue }
  /** base may be 'rip' or 'eip'; an absolute `sym` without base/index is disp only. */
  | { kind: 'mem'; segment?: string; disp?: AsmValue; base?: string; index?: string; scale?: 1 | 2 | 4 | 8 }
  /** A bare expression as the direct target of jmp/call/jcc/loop*\/jrcxz/jecxz. */
  | { kind: 'target'; value: AsmValue };

export interface EncodeRequest {
  /** Lower case as written, with any size suffix: mov movq movb movzbl movslq cltq jne jmpq retq ... */
  mnemonic: string;
  /**
   * Written before the mnemonic: lock rep repe repz repne repnz xacquire xrelease data16 addr32
   * cs ds es fs gs ss notrack bnd rex rex.w rex.wrxb..., and the pseudo prefixes {disp8} {disp32}
   * {load} {store}.
   */
  prefixes: string[];
  /** AT&T order, as written (source first). */
  operands: AsmOperand[];
  /** '*' before the branch operand (jmp *%rax, call *8(%rbx)). */
  indirect: boolean;
  /** Address of the instruction's first byte (for constant pc-relative targets). */
  address: bigint;
  /** For relaxable branches: the form the caller wants; undefined = short if a constant target fits. */
  branch?: 'short' | 'near';
}

export type EncodeResult =
  | {
      ok: true;
      bytes: Uint8Array;
      /** Offsets are within the instruction. */
      fixups: Array<Omit<Fixup, 'location'>>;
      /** A jmp/jcc with a direct target: the caller may re-encode it with `branch` short or near. */
      relaxable: boolean;
      /** GAS's warnings for this instruction (value truncated, default operand size used, ...). */
      warnings?: string[];
    }
  | { ok: false; message: string; operand?: number };

/** Encodes one instruction. Never throws: problems come back as `{ ok: false, message }`. */
export function encodeInstruction(req: EncodeRequest): EncodeResult {
  try {
    return encode(req);
  } catch (e) {
    return { ok: false, message: `internal encoder error: ${e instanceof Error ? e.message : String(e)}` };
  }
}
