/**
 * iced-x86 → Insn. Called once per instruction address (the CPU caches the result), so this
 * path may use BigInt and wasm calls freely; the hot path never sees them.
 */
import { Code, Decoder, DecoderError, DecoderOptions, Instruction, MemorySizeExt, Mnemonic, OpKind, Register } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { fault } from '../machine/faults.js';
import { Insn, NO_REG, Op, SegBase } from './insn.js';
import { specialize } from './fast-forms.js';
import { movControl } from './system.js';
import { handlerFor, invalidOpcode } from './table.js';

const MAX_INSN = 15;
const PAGE = 4096;
const scratch = new Instruction();

/** Register → GPR slot (0–15, or 16–19 for AH CH DH BH) and width in bytes, or undefined. */
export function gprSlot(reg: number): { slot: number; size: number } | undefined {
  if (reg >= Register.AL && reg <= Register.R15L) {
    const i = reg - Register.AL;
    if (i < 4) return { slot: i, size: 1 };
    if (i < 8) return { slot: 16 + (i - 4), size: 1 };
    return { slot: i - 4, size: 1 };
  }
  if (reg >= Register.AX && reg <= Register.R15W) return { slot: reg - Register.AX, size: 2 };
  if (reg >= Register.EAX && reg <= Register.R15D) return { slot: reg - Register.EAX, size: 4 };
  if (reg >= Register.RAX && reg <= Register.R15) return { slot: reg - Register.RAX, size: 8 };
  return undefined;
}

function isMemoryKind(kind: number): boolean {
  return kind >= OpKind.MemorySegSI && kind <= OpKind.Memory;
}

function isImmediateKind(kind: number): boolean {
  return kind >= OpKind.Immediate8 && kind <= OpKind.Immediate32to64;
}

const TWO32 = 4294967296;
export function bigToNumber(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** Fetches instruction bytes at `rip`: the rest of its page, and the next page only if needed. */
function fetchBytes(cpu: Cpu, rip: number, wantSecondPage: boolean): Uint8Array {
  const pa = cpu.mem.fetchAddress(rip);
  const inPage = Math.min(MAX_INSN, PAGE - (pa % PAGE));
  if (inPage >= MAX_INSN || !wantSecondPage) return cpu.phys.bytes.slice(pa, pa + inPage);
  const out = new Uint8Array(MAX_INSN);
  out.set(cpu.phys.bytes.subarray(pa, pa + inPage));
  const pa2 = cpu.mem.fetchAddress(rip + inPage);
  out.set(cpu.phys.bytes.subarray(pa2, pa2 + MAX_INSN - inPage), inPage);
  return out;
}

/** Decodes into the shared scratch Instruction; returns the decoder error. */
function decodeInto(bytes: Uint8Array, rip: number): number {
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  try {
    decoder.ip = BigInt.asUintN(64, BigInt(rip));
    decoder.decodeOut(scratch);
    return decoder.lastError;
  } finally {
    decoder.free();
  }
}

export function decodeAt(cpu: Cpu, rip: number): Insn {
  let bytes = fetchBytes(cpu, rip, false);
  let error = decodeInto(bytes, rip);
  if (error === DecoderError.NoMoreBytes && bytes.length < MAX_INSN) {
    // The instruction straddles a page boundary: only now is the next page touched (#PF there).
    bytes = fetchBytes(cpu, rip, true);
    error = decodeInto(bytes, rip);
  }
  if (error !== DecoderError.None || scratch.code === Code.INVALID) {
    const ins = new Insn(invalidOpcode);
    ins.rip = rip;
    ins.length = 1;
    ins.nextRip = rip + 1;
    return ins;
  }
  return buildInsn(scratch, rip);
}

/** Builds an Insn from a decoded iced Instruction (also used by tests and the disassembler). */
export function buildInsn(x: Instruction, rip: number): Insn {
  const ins = new Insn(handlerFor(x.mnemonic));
  ins.rip = rip;
  ins.length = x.length;
  ins.nextRip = rip + x.length;
  ins.mnemonic = x.mnemonic;
  ins.code = x.code;
  ins.opCount = x.opCount;
  const cc = x.conditionCode;
  ins.cond = cc === 0 ? -1 : cc - 1;
  ins.lock = x.hasLockPrefix;
  ins.rep = x.hasRepnePrefix ? 2 : x.hasRepePrefix || x.hasRepPrefix ? 1 : 0;

  let memSeen = false;
  for (let i = 0; i < Math.min(x.opCount, 3); i++) {
    const kind = x.opKind(i);
    let k = Op.None;
    let slot = NO_REG;
    let size = 0;
    if (kind === OpKind.Register) {
      const reg = x.opRegister(i);
      const g = gprSlot(reg);
      if (g) {
        k = Op.Reg;
        slot = g.slot;
        size = g.size;
      } else if (reg >= Register.ES && reg <= Register.GS) {
        k = Op.Seg;
        slot = reg - Register.ES;
        size = 2;
      } else if (reg >= Register.CR0 && reg <= Register.CR15) {
        k = Op.Cr;
        slot = reg - Register.CR0;
        size = 8;
      } else if (reg >= Register.DR0 && reg <= Register.DR15) {
        k = Op.Dr;
        slot = reg - Register.DR0;
        size = 8;
      } else {
        // Control, debug, vector or x87 registers: not part of the integer core.
        ins.handler = unsupportedOperands;
        k = Op.None;
      }
    } else if (isImmediateKind(kind)) {
      k = Op.Imm;
      const v = BigInt.asUintN(64, x.immediate(i));
      if (kind === OpKind.Immediate8_2nd) {
        ins.imm2 = Number(v & 0xffn);
      } else {
        ins.immLo = Number(v & 0xffffffffn) | 0;
        ins.immHi = Number(v >> 32n) | 0;
      }
      size = kind === OpKind.Immediate8 || kind === OpKind.Immediate8_2nd ? 1 : kind === OpKind.Immediate16 ? 2 : 0;
    } else if (isMemoryKind(kind)) {
      k = Op.Mem;
      size = MemorySizeExt.size(x.memorySize);
      if (!memSeen) decodeMemoryOperand(x, kind, ins);
      memSeen = true;
    } else if (kind === OpKind.NearBranch64 || kind === OpKind.NearBranch32 || kind === OpKind.NearBranch16) {
      k = Op.Imm;
      ins.target = bigToNumber(x.nearBranchTarget);
      if (kind !== OpKind.NearBranch64) ins.handler = unsupportedOperands;
    } else {
      ins.handler = unsupportedOperands;
    }
    if (i === 0) {
      ins.k0 = k;
      ins.r0 = slot;
      ins.size = size;
    } else if (i === 1) {
      ins.k1 = k;
      ins.r1 = slot;
      ins.size2 = size;
    } else {
      ins.k2 = k;
      ins.r2 = slot;
    }
  }
  // Operand size: the first operand's, else the memory operand's (string ops), else the
  // stack width (push imm), else 8.
  const spInc = Math.abs(x.stackPointerIncrement);
  if (ins.k0 === Op.Cr || ins.k0 === Op.Dr) ins.size = 8;
  if (ins.k0 === Op.Imm || ins.k0 === Op.None || ins.k0 === Op.Seg) {
    const memBytes = MemorySizeExt.size(x.memorySize);
    ins.size = memBytes > 0 && memBytes <= 8 && ins.k0 !== Op.Seg ? memBytes : spInc === 2 ? 2 : 8;
    if (ins.k0 === Op.Seg) ins.size = spInc === 2 ? 2 : 8;
  }
  if (ins.k0 === Op.Mem || ins.k1 === Op.Mem) ins.memSize = MemorySizeExt.size(x.memorySize);
  if (ins.size === 16) ins.size = 8; // cmpxchg16b: handler uses memSize
  // Forms whose width the operands do not show: 67h counters (loopl, jecxz), 66h leave.
  const codeName = Code[x.code];
  if (codeName.endsWith('_ECX') || x.code === Code.Jecxz_rel8_64) ins.addr32 = true;
  if (x.code === Code.Leavew) ins.size = 2;
  if (ins.mnemonic === Mnemonic.Mov && (ins.k0 === Op.Cr || ins.k1 === Op.Cr || ins.k0 === Op.Dr || ins.k1 === Op.Dr)) {
    ins.handler = movControl;
  }
  if (ins.handler === handlerFor(ins.mnemonic)) ins.handler = specialize(ins) ?? ins.handler;
  return ins;
}

function decodeMemoryOperand(x: Instruction, kind: number, ins: Insn): void {
  const seg = x.memorySegment;
  ins.seg = seg === Register.FS ? SegBase.Fs : seg === Register.GS ? SegBase.Gs : SegBase.None;
  if (kind !== OpKind.Memory) {
    // String operands: [rsi]/[rdi] (or esi/edi with 67h), handled by the string handlers.
    // The segment override applies to the [rsi] source only; ES:[rdi] has base 0.
    ins.addr32 = kind === OpKind.MemorySegESI || kind === OpKind.MemorySegEDI || kind === OpKind.MemoryESEDI;
    let hasSource = false;
    for (let i = 0; i < x.opCount; i++) {
      const k = x.opKind(i);
      if (k === OpKind.MemorySegRSI || k === OpKind.MemorySegESI || k === OpKind.MemorySegSI) hasSource = true;
    }
    if (!hasSource) ins.seg = SegBase.None;
    return;
  }
  const base = x.memoryBase;
  const index = x.memoryIndex;
  const disp = BigInt.asUintN(64, x.memoryDisplacementU64);
  ins.dispLo = Number(disp & 0xffffffffn) | 0;
  ins.dispHi = Number(disp >> 32n) | 0;
  if (base === Register.RIP || base === Register.EIP) {
    // iced folds RIP-relative into an absolute displacement.
    ins.base = NO_REG;
    ins.addr32 = base === Register.EIP;
  } else if (base !== Register.None) {
    const g = gprSlot(base)!;
    ins.base = g.slot;
    ins.addr32 = g.size === 4;
  }
  if (index !== Register.None) {
    const g = gprSlot(index);
    if (!g) {
      ins.handler = unsupportedOperands; // VSIB
      return;
    }
    ins.index = g.slot;
    // XLAT's index is AL, which says nothing about the address size.
    if (g.size === 4) ins.addr32 = true;
    ins.scale = x.memoryIndexScale;
  }
  if (ins.addr32) {
    ins.dispHi = 0;
  }
}

function unsupportedOperands(cpu: Cpu, ins: Insn): void {
  throw fault.ud(`${Mnemonic[ins.mnemonic]?.toLowerCase() ?? 'instruction'} with these operands is not implemented (${Code[ins.code]})`);
}

export { TWO32 };
