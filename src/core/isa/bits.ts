/**
 * Bit test and bit scan: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT.
 *
 * Bit offsets (SDM vol. 2, BT): with a register destination, or an imm8 offset, the offset is
 * taken modulo the operand width. With a memory destination and a *register* offset, the offset
 * is a signed operand-size integer indexing a bit string that starts at the effective address:
 * the operand-size unit at  EA + size * floor(offset / width)  is accessed (read, and written back
 * by BTS/BTR/BTC), and bit  offset mod width  of it is selected. With a 67h prefix the sum is
 * truncated to 32 bits like the effective address itself (before the FS/GS base is added).
 *
 * Flags the SDM leaves undefined (documented choices):
 *  - BT BTS BTR BTC: only CF is written (the selected bit); ZF (unaffected per the SDM) and the
 *    undefined OF SF AF PF keep their previous values.
 *  - BSF BSR: ZF = 1 if the source is 0, else 0; CF OF SF AF PF keep their previous values.
 *    With a zero source the destination is not written at all (for a 32-bit destination the
 *    upper half of the register is kept too) — what AMD documents and Intel implements for the
 *    low bits.
 *  - TZCNT LZCNT: CF = (source == 0), ZF = (result == 0); OF SF AF PF keep their previous values.
 *  - POPCNT: ZF = (source == 0); OF SF AF CF PF are cleared (as the SDM defines).
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { Insn, Op, SegBase } from './insn.js';
import { materializeFlags, setStatusFlags } from './lazy-flags.js';
import { effectiveAddress, readMem, readReg, readSrc, storeDst, writeMem, writeReg } from './operands.js';
import type { HandlerTable } from './table.js';

const TWO32 = 4294967296;
const CF = 0x1;
const ZF = 0x40;

const enum BitOp {
  Test,
  Set,
  Reset,
  Complement,
}

function setCF(cpu: Cpu, cf: number): void {
  cpu.flags = (materializeFlags(cpu) & ~CF) | cf;
}

/** Applies `op` to bit `b` (0..31) of dword `v`. */
function apply(v: number, b: number, op: BitOp): number {
  switch (op) {
    case BitOp.Set:
      return v | (1 << b);
    case BitOp.Reset:
      return v & ~(1 << b);
    default:
      return v ^ (1 << b);
  }
}

/** Byte displacement of the operand-size unit holding bit `offset` (register offset, memory operand). */
function bitStringDisplacement(cpu: Cpu, ins: Insn, size: number): number {
  const v = readReg(cpu, ins.r1, size);
  switch (size) {
    case 2:
      return ((v << 16) >> 20) * 2;
    case 4:
      return (v >> 5) * 4;
    default:
      // Signed 64-bit offset (hi:lo); floor(offset / 64) * 8. Exact for |offset| < 2^53; larger
      // offsets give non-canonical addresses (#GP) either way.
      if (cpu.hi === v >> 31) return (v >> 6) * 8;
      return Math.floor((cpu.hi * TWO32 + (v >>> 0)) / 64) * 8;
  }
}

function bitTest(cpu: Cpu, ins: Insn, op: BitOp): void {
  const size = ins.size;
  const bitMask = size * 8 - 1;
  if (ins.k0 === Op.Reg) {
    const b = (ins.k1 === Op.Imm ? ins.immLo : readReg(cpu, ins.r1, size)) & bitMask;
    const lo = readReg(cpu, ins.r0, size);
    const hi = cpu.hi;
    if (b < 32) {
      setCF(cpu, (lo >>> b) & 1);
      if (op !== BitOp.Test) writeReg(cpu, ins.r0, size, apply(lo, b, op), hi);
    } else {
      setCF(cpu, (hi >>> (b - 32)) & 1);
      if (op !== BitOp.Test) writeReg(cpu, ins.r0, size, lo, apply(hi, b - 32, op));
    }
    return;
  }
  let a = effectiveAddress(cpu, ins);
  let b: number;
  if (ins.k1 === Op.Imm) {
    b = ins.immLo & bitMask;
  } else {
    b = readReg(cpu, ins.r1, size) & bitMask;
    const disp = bitStringDisplacement(cpu, ins, size);
    if (ins.addr32) {
      const segBase = ins.seg === SegBase.None ? 0 : ins.seg === SegBase.Fs ? cpu.fsBase : cpu.gsBase;
      const off = a - segBase + disp;
      a = off - Math.floor(off / TWO32) * TWO32 + segBase;
    } else {
      a += disp;
    }
  }
  const lo = readMem(cpu, a, size);
  const hi = cpu.hi;
  if (b < 32) {
    if (op !== BitOp.Test) writeMem(cpu, a, size, apply(lo, b, op), hi);
    setCF(cpu, (lo >>> b) & 1);
  } else {
    if (op !== BitOp.Test) writeMem(cpu, a, size, lo, apply(hi, b - 32, op));
    setCF(cpu, (hi >>> (b - 32)) & 1);
  }
}

// ---- scans and counts ----

/** Index of the lowest set bit of a non-zero dword. */
function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

function bsf(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  const hi = cpu.hi;
  const flags = materializeFlags(cpu) & ~ZF;
  if ((lo | hi) === 0) {
    cpu.flags = flags | ZF;
    return;
  }
  storeDst(cpu, ins, size, lo !== 0 ? ctz32(lo) : 32 + ctz32(hi), 0);
  cpu.flags = flags;
}

function bsr(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  const hi = cpu.hi;
  const flags = materializeFlags(cpu) & ~ZF;
  if ((lo | hi) === 0) {
    cpu.flags = flags | ZF;
    return;
  }
  storeDst(cpu, ins, size, hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo), 0);
  cpu.flags = flags;
}

function tzcnt(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  const hi = cpu.hi;
  let n: number;
  if (lo !== 0) n = ctz32(lo);
  else if (size === 8 && hi !== 0) n = 32 + ctz32(hi);
  else n = size * 8;
  storeDst(cpu, ins, size, n, 0);
  const cf = n === size * 8 ? CF : 0;
  cpu.flags = (materializeFlags(cpu) & ~(CF | ZF)) | cf | (n === 0 ? ZF : 0);
}

function lzcnt(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  const hi = cpu.hi;
  let n: number;
  if (size === 8) n = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
  else n = Math.clz32(lo) - (32 - size * 8);
  storeDst(cpu, ins, size, n, 0);
  const cf = n === size * 8 ? CF : 0;
  cpu.flags = (materializeFlags(cpu) & ~(CF | ZF)) | cf | (n === 0 ? ZF : 0);
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

function popcnt(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  const hi = size === 8 ? cpu.hi : 0;
  const n = popcount32(lo) + popcount32(hi);
  storeDst(cpu, ins, size, n, 0);
  setStatusFlags(cpu, n === 0 ? ZF : 0);
}

export const BIT_HANDLERS: HandlerTable = {
  [Mnemonic.Bt]: (cpu, ins) => bitTest(cpu, ins, BitOp.Test),
  [Mnemonic.Bts]: (cpu, ins) => bitTest(cpu, ins, BitOp.Set),
  [Mnemonic.Btr]: (cpu, ins) => bitTest(cpu, ins, BitOp.Reset),
  [Mnemonic.Btc]: (cpu, ins) => bitTest(cpu, ins, BitOp.Complement),
  [Mnemonic.Bsf]: bsf,
  [Mnemonic.Bsr]: bsr,
  [Mnemonic.Tzcnt]: tzcnt,
  [Mnemonic.Lzcnt]: lzcnt,
  [Mnemonic.Popcnt]: popcnt,
};
