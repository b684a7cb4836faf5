/**
 * Integer arithmetic and logic: ADD ADC SUB SBB CMP INC DEC NEG AND OR XOR NOT TEST.
 * 64-bit operations work on dword pairs with explicit carries; flags are recorded lazily.
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import type { Insn } from './insn.js';
import { LF, getCF, prepareIncDec, setLazy } from './lazy-flags.js';
import { readDst, readSrc, writeDst } from './operands.js';
import type { HandlerTable } from './table.js';

/** a + b + carryIn; writes the result unless `store` is false (never for add). */
function addWith(cpu: Cpu, ins: Insn, carryIn: number): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  const b = readSrc(cpu, ins, size);
  const bh = cpu.hi;
  if (size === 8) {
    const lo = (a >>> 0) + (b >>> 0) + carryIn;
    const rl = lo | 0;
    const rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
    writeDst(cpu, ins, rl, rh);
    setLazy(cpu, LF.Add, 8, a, ah, b, bh, rl, rh);
  } else {
    const r = (a + b + carryIn) | 0;
    writeDst(cpu, ins, r, 0);
    setLazy(cpu, LF.Add, size, a, 0, b, 0, r, 0);
  }
}

/** a - b - borrowIn; CMP passes store = false. */
function subWith(cpu: Cpu, ins: Insn, borrowIn: number, store: boolean): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  const b = readSrc(cpu, ins, size);
  const bh = cpu.hi;
  if (size === 8) {
    const lo = (a >>> 0) - (b >>> 0) - borrowIn;
    const rl = lo | 0;
    const rh = (ah - bh - (lo < 0 ? 1 : 0)) | 0;
    if (store) writeDst(cpu, ins, rl, rh);
    setLazy(cpu, LF.Sub, 8, a, ah, b, bh, rl, rh);
  } else {
    const r = (a - b - borrowIn) | 0;
    if (store) writeDst(cpu, ins, r, 0);
    setLazy(cpu, LF.Sub, size, a, 0, b, 0, r, 0);
  }
}

const enum Logic {
  And,
  Or,
  Xor,
}

function logic(cpu: Cpu, ins: Insn, kind: Logic, store: boolean): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  const b = readSrc(cpu, ins, size);
  const bh = cpu.hi;
  let r: number;
  let rh: number;
  if (kind === Logic.And) {
    r = a & b;
    rh = ah & bh;
  } else if (kind === Logic.Or) {
    r = a | b;
    rh = ah | bh;
  } else {
    r = a ^ b;
    rh = ah ^ bh;
  }
  if (size !== 8) rh = 0;
  if (store) writeDst(cpu, ins, r, rh);
  setLazy(cpu, LF.Logic, size, 0, 0, 0, 0, r, rh);
}

function incDec(cpu: Cpu, ins: Insn, delta: 1 | -1): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  let r: number;
  let rh = 0;
  if (size === 8) {
    const lo = (a >>> 0) + delta;
    r = lo | 0;
    rh = (ah + (lo > 0xffffffff ? 1 : lo < 0 ? -1 : 0)) | 0;
  } else {
    r = (a + delta) | 0;
  }
  writeDst(cpu, ins, r, rh);
  prepareIncDec(cpu);
  setLazy(cpu, delta === 1 ? LF.Inc : LF.Dec, size, a, ah, 1, 0, r, rh);
}

function neg(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const b = readDst(cpu, ins);
  const bh = cpu.hi;
  if (size === 8) {
    const lo = -(b >>> 0);
    const rl = lo | 0;
    const rh = (-bh - (lo < 0 ? 1 : 0)) | 0;
    writeDst(cpu, ins, rl, rh);
    setLazy(cpu, LF.Sub, 8, 0, 0, b, bh, rl, rh);
  } else {
    const r = -b | 0;
    writeDst(cpu, ins, r, 0);
    setLazy(cpu, LF.Sub, size, 0, 0, b, 0, r, 0);
  }
}

function not(cpu: Cpu, ins: Insn): void {
  const a = readDst(cpu, ins);
  writeDst(cpu, ins, ~a, ins.size === 8 ? ~cpu.hi : 0);
}

export const ALU_HANDLERS: HandlerTable = {
  [Mnemonic.Add]: (cpu, ins) => addWith(cpu, ins, 0),
  [Mnemonic.Adc]: (cpu, ins) => addWith(cpu, ins, getCF(cpu)),
  [Mnemonic.Sub]: (cpu, ins) => subWith(cpu, ins, 0, true),
  [Mnemonic.Sbb]: (cpu, ins) => subWith(cpu, ins, getCF(cpu), true),
  [Mnemonic.Cmp]: (cpu, ins) => subWith(cpu, ins, 0, false),
  [Mnemonic.And]: (cpu, ins) => logic(cpu, ins, Logic.And, true),
  [Mnemonic.Or]: (cpu, ins) => logic(cpu, ins, Logic.Or, true),
  [Mnemonic.Xor]: (cpu, ins) => logic(cpu, ins, Logic.Xor, true),
  [Mnemonic.Test]: (cpu, ins) => logic(cpu, ins, Logic.And, false),
  [Mnemonic.Inc]: (cpu, ins) => incDec(cpu, ins, 1),
  [Mnemonic.Dec]: (cpu, ins) => incDec(cpu, ins, -1),
  [Mnemonic.Neg]: neg,
  [Mnemonic.Not]: not,
};
