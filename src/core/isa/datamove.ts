/**
 * Data movement: MOV (incl. movabs and moffs), MOVZX/MOVSX/MOVSXD, LEA, XCHG, CMPXCHG,
 * CMPXCHG8B/16B, XADD, BSWAP, PUSH/POP, CMOVcc, SETcc, CBW…CQO.
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { fault } from '../machine/faults.js';
import { RFLAGS } from '../machine/rflags.js';
import { Insn, Op } from './insn.js';
import { CONDITION_SUFFIXES, LF, materializeFlags, setLazy, testCondition } from './lazy-flags.js';
import {
  effectiveAddress,
  effectiveOffset,
  pop,
  push,
  readDst,
  readMem,
  readOp0,
  readReg,
  readSrc,
  rspNumber,
  setRsp,
  storeDst,
  writeDst,
  writeMem,
  writeReg,
} from './operands.js';
import { movToSegment, popSegment } from './system.js';
import type { HandlerTable } from './table.js';

function mov(cpu: Cpu, ins: Insn): void {
  if (ins.k0 === Op.Seg) {
    movToSegment(cpu, ins);
    return;
  }
  if (ins.k1 === Op.Seg) {
    const selector = cpu.sel[ins.r1];
    // To a register: zero-extended to the register size; to memory: always 16 bits.
    storeDst(cpu, ins, ins.k0 === Op.Mem ? 2 : ins.size, selector, 0);
    return;
  }
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  storeDst(cpu, ins, size, lo, cpu.hi);
}

/** Sign-extends the low `fromSize` bytes of lo to a dword pair; high dword in cpu.hi. */
function signExtend(cpu: Cpu, lo: number, hi: number, fromSize: number): number {
  let v: number;
  if (fromSize === 1) v = (lo << 24) >> 24;
  else if (fromSize === 2) v = (lo << 16) >> 16;
  else if (fromSize === 4) v = lo | 0;
  else {
    cpu.hi = hi;
    return lo;
  }
  cpu.hi = v >> 31;
  return v;
}

function movzx(cpu: Cpu, ins: Insn): void {
  const v = readSrc(cpu, ins, ins.size2);
  writeReg(cpu, ins.r0, ins.size, v, 0);
}

function movsx(cpu: Cpu, ins: Insn): void {
  const v = readSrc(cpu, ins, ins.size2);
  const lo = signExtend(cpu, v, 0, ins.size2);
  writeReg(cpu, ins.r0, ins.size, lo, cpu.hi);
}

function lea(cpu: Cpu, ins: Insn): void {
  const lo = effectiveOffset(cpu, ins);
  writeReg(cpu, ins.r0, ins.size, lo, cpu.hi);
}

function xchg(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  const b = readReg(cpu, ins.r1, size);
  const bh = cpu.hi;
  writeDst(cpu, ins, b, bh);
  writeReg(cpu, ins.r1, size, a, ah);
}

function cmpxchg(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const d = readDst(cpu, ins);
  const dh = cpu.hi;
  const acc = readReg(cpu, 0, size);
  const acch = cpu.hi;
  // Flags as CMP accumulator, destination.
  const m = size === 8 ? -1 : size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  const equal = (acc & m) === (d & m) && (size !== 8 || acch === dh);
  let rl: number;
  let rh = 0;
  if (size === 8) {
    const lo = (acc >>> 0) - (d >>> 0);
    rl = lo | 0;
    rh = (acch - dh - (lo < 0 ? 1 : 0)) | 0;
  } else {
    rl = (acc - d) | 0;
  }
  if (equal) {
    const s = readReg(cpu, ins.r1, size);
    writeDst(cpu, ins, s, cpu.hi);
  } else {
    // The processor writes the destination back in either case (a locked read-modify-write).
    if (ins.k0 === Op.Mem) writeDst(cpu, ins, d, dh);
    writeReg(cpu, 0, size, d, dh);
  }
  setLazy(cpu, LF.Sub, size, acc, acch, d, dh, rl, rh);
}

/** CMPXCHG8B (m64, EDX:EAX) and CMPXCHG16B (m128, RDX:RAX; 16-byte alignment required). */
function cmpxchgWide(cpu: Cpu, ins: Insn, half: 4 | 8): void {
  const a = effectiveAddress(cpu, ins);
  if (half === 8 && a % 16 !== 0) throw fault.gp(0, 'cmpxchg16b operand is not 16-byte aligned');
  const r = cpu.r;
  const m0 = readMem(cpu, a, half);
  const m0h = cpu.hi;
  const m1 = readMem(cpu, a + half, half);
  const m1h = cpu.hi;
  const equal = half === 8
    ? m0 === r[0] && m0h === r[1] && m1 === r[4] && m1h === r[5]
    : m0 === r[0] && m1 === r[4];
  if (equal) {
    writeMem(cpu, a, half, r[6], r[7]);
    writeMem(cpu, a + half, half, r[2], r[3]);
  } else {
    writeMem(cpu, a, half, m0, m0h);
    writeMem(cpu, a + half, half, m1, m1h);
    writeReg(cpu, 0, half, m0, m0h);
    writeReg(cpu, 2, half, m1, m1h);
  }
  const f = materializeFlags(cpu);
  cpu.flags = equal ? f | RFLAGS.ZF : f & ~RFLAGS.ZF;
}

function xadd(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  const b = readReg(cpu, ins.r1, size);
  const bh = cpu.hi;
  let rl: number;
  let rh = 0;
  if (size === 8) {
    const lo = (a >>> 0) + (b >>> 0);
    rl = lo | 0;
    rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
  } else {
    rl = (a + b) | 0;
  }
  // Source register gets the old destination first; if both name the same register the sum wins.
  writeReg(cpu, ins.r1, size, a, ah);
  writeDst(cpu, ins, rl, rh);
  setLazy(cpu, LF.Add, size, a, ah, b, bh, rl, rh);
}

function byteSwap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

function bswap(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  const s = 2 * ins.r0;
  if (ins.size === 8) {
    const lo = r[s];
    r[s] = byteSwap32(r[s + 1]);
    r[s + 1] = byteSwap32(lo);
  } else if (ins.size === 4) {
    r[s] = byteSwap32(r[s]);
    r[s + 1] = 0;
  } else {
    // BSWAP r16 is undefined by the SDM; Intel processors clear the low word. We do the same.
    r[s] &= ~0xffff;
  }
}

function pushHandler(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  let lo: number;
  let hi: number;
  if (ins.k0 === Op.Seg) {
    lo = cpu.sel[ins.r0];
    hi = 0;
  } else {
    lo = readOp0(cpu, ins, size);
    hi = cpu.hi;
  }
  push(cpu, size, lo, hi);
}

function popHandler(cpu: Cpu, ins: Insn): void {
  if (ins.k0 === Op.Seg) {
    popSegment(cpu, ins);
    return;
  }
  const size = ins.size;
  const oldSp = rspNumber(cpu);
  const lo = pop(cpu, size);
  const hi = cpu.hi;
  if (ins.k0 === Op.Reg) {
    writeReg(cpu, ins.r0, size, lo, hi);
    return;
  }
  // A memory destination is addressed with the incremented RSP (SDM: POP).
  try {
    writeMem(cpu, effectiveAddress(cpu, ins), size, lo, hi);
  } catch (e) {
    setRsp(cpu, oldSp);
    throw e;
  }
}

function cmov(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const lo = readSrc(cpu, ins, size);
  const hi = cpu.hi;
  if (testCondition(cpu, ins.cond)) writeReg(cpu, ins.r0, size, lo, hi);
  else if (size === 4) cpu.r[2 * ins.r0 + 1] = 0; // a 32-bit destination is zero-extended regardless
}

function setcc(cpu: Cpu, ins: Insn): void {
  storeDst(cpu, ins, 1, testCondition(cpu, ins.cond) ? 1 : 0, 0);
}

/** CBW/CWDE/CDQE: sign-extend the accumulator's low half into the whole of it. */
function extendAccumulator(cpu: Cpu, from: number, to: number): void {
  const lo = signExtend(cpu, cpu.r[0], cpu.r[1], from);
  writeReg(cpu, 0, to, lo, cpu.hi);
}

/** CWD/CDQ/CQO: fill DX/EDX/RDX with the accumulator's sign. */
function signIntoDx(cpu: Cpu, size: number): void {
  const r = cpu.r;
  const sign = size === 8 ? r[1] >> 31 : size === 4 ? r[0] >> 31 : (r[0] << 16) >> 31;
  writeReg(cpu, 2, size, sign, sign);
}

const CONDITIONAL: HandlerTable = {};
for (const cc of CONDITION_SUFFIXES) {
  CONDITIONAL[(Mnemonic as unknown as Record<string, Mnemonic>)[`Cmov${cc}`]] = cmov;
  CONDITIONAL[(Mnemonic as unknown as Record<string, Mnemonic>)[`Set${cc}`]] = setcc;
}

export const DATA_MOVE_HANDLERS: HandlerTable = {
  ...CONDITIONAL,
  [Mnemonic.Mov]: mov,
  [Mnemonic.Movzx]: movzx,
  [Mnemonic.Movsx]: movsx,
  [Mnemonic.Movsxd]: movsx,
  [Mnemonic.Lea]: lea,
  [Mnemonic.Xchg]: xchg,
  [Mnemonic.Cmpxchg]: cmpxchg,
  [Mnemonic.Cmpxchg8b]: (cpu, ins) => cmpxchgWide(cpu, ins, 4),
  [Mnemonic.Cmpxchg16b]: (cpu, ins) => cmpxchgWide(cpu, ins, 8),
  [Mnemonic.Xadd]: xadd,
  [Mnemonic.Bswap]: bswap,
  [Mnemonic.Push]: pushHandler,
  [Mnemonic.Pop]: popHandler,
  [Mnemonic.Cbw]: (cpu) => extendAccumulator(cpu, 1, 2),
  [Mnemonic.Cwde]: (cpu) => extendAccumulator(cpu, 2, 4),
  [Mnemonic.Cdqe]: (cpu) => extendAccumulator(cpu, 4, 8),
  [Mnemonic.Cwd]: (cpu) => signIntoDx(cpu, 2),
  [Mnemonic.Cdq]: (cpu) => signIntoDx(cpu, 4),
  [Mnemonic.Cqo]: (cpu) => signIntoDx(cpu, 8),
};
