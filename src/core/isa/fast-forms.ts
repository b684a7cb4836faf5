/**
 * Specialized handlers for the operand forms that dominate real code (register/immediate/
 * simple memory MOV and ALU at 32 and 64 bits). Same semantics as the generic family
 * handlers — the differential tests run both — minus the operand-kind dispatch.
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { Handler, Insn, Op } from './insn.js';
import { LF, prepareIncDec } from './lazy-flags.js';
import { checkCanonical, effectiveAddress, numberHi, numberLo } from './operands.js';

const TWO32 = 4294967296;

// ---- stack and near branches (RSP is slot 4: dwords r[8], r[9]) ----

/** RSP − 8 as a dword pair written back, returning the new RSP as a number. */
function pushSlot(cpu: Cpu): number {
  const r = cpu.r;
  const lo = (r[8] >>> 0) - 8;
  const hi = lo < 0 ? r[9] - 1 : r[9];
  return hi * TWO32 + (lo < 0 ? lo + TWO32 : lo);
}

function commitRsp(cpu: Cpu, sp: number): void {
  const hi = Math.floor(sp / TWO32);
  cpu.r[8] = (sp - hi * TWO32) | 0;
  cpu.r[9] = hi | 0;
}

function pushR64(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  const sp = pushSlot(cpu);
  cpu.mem.write64(sp, r[2 * ins.r0], r[2 * ins.r0 + 1]);
  commitRsp(cpu, sp);
}

function popR64(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  const sp = r[9] * TWO32 + (r[8] >>> 0);
  const lo = cpu.mem.read64(sp);
  const hi = cpu.mem.hi;
  commitRsp(cpu, sp + 8);
  // pop %rsp: the loaded value wins over the increment.
  r[2 * ins.r0] = lo;
  r[2 * ins.r0 + 1] = hi;
}

/** CALL rel32: the return address is this instruction's nextRip. */
function callRel(cpu: Cpu, ins: Insn): void {
  const sp = pushSlot(cpu);
  cpu.mem.write64(sp, numberLo(ins.nextRip), numberHi(ins.nextRip));
  commitRsp(cpu, sp);
  cpu.rip = ins.target;
}

function retNear(cpu: Cpu): void {
  const r = cpu.r;
  const sp = r[9] * TWO32 + (r[8] >>> 0);
  const lo = cpu.mem.read64(sp);
  const target = cpu.mem.hi * TWO32 + (lo >>> 0);
  checkCanonical(target);
  commitRsp(cpu, sp + 8);
  cpu.rip = target;
}

function incDecReg(cpu: Cpu, ins: Insn, delta: 1 | -1): void {
  const r = cpu.r;
  const d = 2 * ins.r0;
  const a = r[d];
  const ah = r[d + 1];
  prepareIncDec(cpu);
  let res: number;
  let rh: number;
  if (ins.size === 8) {
    const lo = (a >>> 0) + delta;
    res = lo | 0;
    rh = (ah + (lo > 0xffffffff ? 1 : lo < 0 ? -1 : 0)) | 0;
    r[d] = res;
    r[d + 1] = rh;
    cpu.lfAh = ah;
    cpu.lfBh = 0;
  } else {
    res = (a + delta) | 0;
    rh = res;
    r[d] = res;
    r[d + 1] = 0;
    cpu.lfAh = a;
    cpu.lfBh = 1;
  }
  cpu.lfOp = delta === 1 ? LF.Inc : LF.Dec;
  cpu.lfMsb = 31;
  cpu.lfA = a;
  cpu.lfB = 1;
  cpu.lfR = res;
  cpu.lfRh = rh;
}

function movRR64(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  const d = 2 * ins.r0;
  const s = 2 * ins.r1;
  r[d] = r[s];
  r[d + 1] = r[s + 1];
}

function movRR32(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  r[2 * ins.r0] = r[2 * ins.r1];
  r[2 * ins.r0 + 1] = 0;
}

function movRI(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  r[2 * ins.r0] = ins.immLo;
  r[2 * ins.r0 + 1] = ins.size === 8 ? ins.immHi : 0;
}

function movRM64(cpu: Cpu, ins: Insn): void {
  const lo = cpu.mem.read64(effectiveAddress(cpu, ins));
  const r = cpu.r;
  r[2 * ins.r0] = lo;
  r[2 * ins.r0 + 1] = cpu.mem.hi;
}

function movRM32(cpu: Cpu, ins: Insn): void {
  const lo = cpu.mem.read32(effectiveAddress(cpu, ins));
  cpu.r[2 * ins.r0] = lo;
  cpu.r[2 * ins.r0 + 1] = 0;
}

function movMR64(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  cpu.mem.write64(effectiveAddress(cpu, ins), r[2 * ins.r1], r[2 * ins.r1 + 1]);
}

function movMR32(cpu: Cpu, ins: Insn): void {
  cpu.mem.write32(effectiveAddress(cpu, ins), cpu.r[2 * ins.r1]);
}

const incReg: Handler = (cpu, ins) => incDecReg(cpu, ins, 1);
const decReg: Handler = (cpu, ins) => incDecReg(cpu, ins, -1);

const enum Alu {
  Add,
  Sub,
  Cmp,
  And,
  Or,
  Xor,
  Test,
}

/** 64-bit ALU op on register destination with source (b, bh); records lazy flags. */
function alu64(cpu: Cpu, op: Alu, d: number, b: number, bh: number): void {
  const r = cpu.r;
  const a = r[d];
  const ah = r[d + 1];
  let rl: number;
  let rh: number;
  let lf: LF;
  switch (op) {
    case Alu.Add: {
      const lo = (a >>> 0) + (b >>> 0);
      rl = lo | 0;
      rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
      lf = LF.Add;
      break;
    }
    case Alu.Sub:
    case Alu.Cmp: {
      const lo = (a >>> 0) - (b >>> 0);
      rl = lo | 0;
      rh = (ah - bh - (lo < 0 ? 1 : 0)) | 0;
      lf = LF.Sub;
      break;
    }
    case Alu.And:
    case Alu.Test:
      rl = a & b;
      rh = ah & bh;
      lf = LF.Logic;
      break;
    case Alu.Or:
      rl = a | b;
      rh = ah | bh;
      lf = LF.Logic;
      break;
    default:
      rl = a ^ b;
      rh = ah ^ bh;
      lf = LF.Logic;
  }
  if (op !== Alu.Cmp && op !== Alu.Test) {
    r[d] = rl;
    r[d + 1] = rh;
  }
  cpu.lfOp = lf;
  cpu.lfMsb = 31;
  cpu.lfA = a;
  cpu.lfAh = ah;
  cpu.lfB = b;
  cpu.lfBh = bh;
  cpu.lfR = rl;
  cpu.lfRh = rh;
}

function alu32(cpu: Cpu, op: Alu, d: number, b: number): void {
  const r = cpu.r;
  const a = r[d];
  let res: number;
  let lf: LF;
  switch (op) {
    case Alu.Add:
      res = (a + b) | 0;
      lf = LF.Add;
      break;
    case Alu.Sub:
    case Alu.Cmp:
      res = (a - b) | 0;
      lf = LF.Sub;
      break;
    case Alu.And:
    case Alu.Test:
      res = a & b;
      lf = LF.Logic;
      break;
    case Alu.Or:
      res = a | b;
      lf = LF.Logic;
      break;
    default:
      res = a ^ b;
      lf = LF.Logic;
  }
  if (op !== Alu.Cmp && op !== Alu.Test) {
    r[d] = res;
    r[d + 1] = 0;
  }
  cpu.lfOp = lf;
  cpu.lfMsb = 31;
  cpu.lfA = cpu.lfAh = a;
  cpu.lfB = cpu.lfBh = b | 0;
  cpu.lfR = cpu.lfRh = res;
}

function aluForms(op: Alu): Record<string, Handler> {
  return {
    rr8: (cpu, ins) => alu64(cpu, op, 2 * ins.r0, cpu.r[2 * ins.r1], cpu.r[2 * ins.r1 + 1]),
    ri8: (cpu, ins) => alu64(cpu, op, 2 * ins.r0, ins.immLo, ins.immHi),
    rm8: (cpu, ins) => {
      const b = cpu.mem.read64(effectiveAddress(cpu, ins));
      alu64(cpu, op, 2 * ins.r0, b, cpu.mem.hi);
    },
    rr4: (cpu, ins) => alu32(cpu, op, 2 * ins.r0, cpu.r[2 * ins.r1]),
    ri4: (cpu, ins) => alu32(cpu, op, 2 * ins.r0, ins.immLo),
    rm4: (cpu, ins) => alu32(cpu, op, 2 * ins.r0, cpu.mem.read32(effectiveAddress(cpu, ins))),
  };
}

const ALU_FORMS = new Map<number, Record<string, Handler>>([
  [Mnemonic.Add, aluForms(Alu.Add)],
  [Mnemonic.Sub, aluForms(Alu.Sub)],
  [Mnemonic.Cmp, aluForms(Alu.Cmp)],
  [Mnemonic.And, aluForms(Alu.And)],
  [Mnemonic.Or, aluForms(Alu.Or)],
  [Mnemonic.Xor, aluForms(Alu.Xor)],
  [Mnemonic.Test, aluForms(Alu.Test)],
]);

const MOV_FORMS: Record<string, Handler> = {
  rr8: movRR64,
  rr4: movRR32,
  ri8: movRI,
  ri4: movRI,
  rm8: movRM64,
  rm4: movRM32,
  mr8: movMR64,
  mr4: movMR32,
};

function formKey(ins: Insn): string | undefined {
  if (ins.opCount !== 2 || (ins.size !== 8 && ins.size !== 4)) return undefined;
  // AH..BH and 8/16-bit forms stay generic.
  if ((ins.k0 === Op.Reg && ins.r0 >= 16) || (ins.k1 === Op.Reg && ins.r1 >= 16)) return undefined;
  const k = (kind: Op) => (kind === Op.Reg ? 'r' : kind === Op.Mem ? 'm' : kind === Op.Imm ? 'i' : '?');
  if (ins.k1 === Op.Reg && ins.size2 !== ins.size) return undefined;
  if (ins.k1 === Op.Mem && ins.memSize !== ins.size) return undefined;
  return k(ins.k0) + k(ins.k1) + ins.size;
}

/** A faster handler with identical semantics for common forms, or undefined. */
export function specialize(ins: Insn): Handler | undefined {
  if (ins.lock) return undefined;
  const reg64 = ins.k0 === Op.Reg && ins.size === 8;
  switch (ins.mnemonic) {
    case Mnemonic.Push:
      return reg64 && ins.opCount === 1 ? pushR64 : undefined;
    case Mnemonic.Pop:
      return reg64 && ins.opCount === 1 ? popR64 : undefined;
    case Mnemonic.Call:
      return ins.k0 === Op.Imm ? callRel : undefined;
    case Mnemonic.Ret:
      return ins.opCount === 0 ? retNear : undefined;
    case Mnemonic.Inc:
    case Mnemonic.Dec:
      if (ins.k0 !== Op.Reg || (ins.size !== 8 && ins.size !== 4)) return undefined;
      return ins.mnemonic === Mnemonic.Inc ? incReg : decReg;
  }
  const key = formKey(ins);
  if (key === undefined) return undefined;
  if (ins.mnemonic === Mnemonic.Mov) return MOV_FORMS[key];
  return ALU_FORMS.get(ins.mnemonic)?.[key];
}
