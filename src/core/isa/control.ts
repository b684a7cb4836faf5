/** Control flow: JMP, Jcc, CALL, RET [imm16], LOOP/LOOPE/LOOPNE, JRCXZ/JECXZ (near, 64-bit mode). */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { Insn, Op } from './insn.js';
import { CONDITION_SUFFIXES, getZF, testCondition } from './lazy-flags.js';
import { checkCanonical, numberHi, numberLo, pairToNumber, pop, push, readOp0, rspNumber, setRsp } from './operands.js';
import type { HandlerTable } from './table.js';

/** The branch destination: the decoded target, or the 64-bit register/memory operand. */
function destination(cpu: Cpu, ins: Insn): number {
  if (ins.k0 === Op.Imm) return ins.target;
  const lo = readOp0(cpu, ins, 8);
  const target = pairToNumber(lo, cpu.hi);
  checkCanonical(target);
  return target;
}

function jmp(cpu: Cpu, ins: Insn): void {
  cpu.rip = destination(cpu, ins);
}

function jcc(cpu: Cpu, ins: Insn): void {
  if (testCondition(cpu, ins.cond)) cpu.rip = ins.target;
}

function call(cpu: Cpu, ins: Insn): void {
  const target = destination(cpu, ins);
  push(cpu, 8, numberLo(ins.nextRip), numberHi(ins.nextRip));
  cpu.rip = target;
}

function ret(cpu: Cpu, ins: Insn): void {
  const sp = rspNumber(cpu);
  const lo = pop(cpu, 8);
  const target = pairToNumber(lo, cpu.hi);
  try {
    checkCanonical(target);
  } catch (e) {
    setRsp(cpu, sp);
    throw e;
  }
  if (ins.k0 === Op.Imm) setRsp(cpu, rspNumber(cpu) + (ins.immLo & 0xffff));
  cpu.rip = target;
}

/** Decrements RCX (ECX with 67h) without touching flags; returns whether it is now non-zero. */
function decrementCounter(cpu: Cpu, ins: Insn): boolean {
  const r = cpu.r;
  if (ins.addr32) {
    // ECX is the counter; writing it zero-extends into RCX.
    r[2] = (r[2] - 1) | 0;
    r[3] = 0;
    return r[2] !== 0;
  }
  const lo = (r[2] >>> 0) - 1;
  r[2] = lo | 0;
  if (lo < 0) r[3] = (r[3] - 1) | 0;
  return (r[2] | r[3]) !== 0;
}

function loop(cpu: Cpu, ins: Insn): void {
  if (decrementCounter(cpu, ins)) cpu.rip = ins.target;
}

function loope(cpu: Cpu, ins: Insn): void {
  if (decrementCounter(cpu, ins) && getZF(cpu) === 1) cpu.rip = ins.target;
}

function loopne(cpu: Cpu, ins: Insn): void {
  if (decrementCounter(cpu, ins) && getZF(cpu) === 0) cpu.rip = ins.target;
}

function jrcxz(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  if ((r[2] | (ins.addr32 ? 0 : r[3])) === 0) cpu.rip = ins.target;
}

const JCC: HandlerTable = {};
for (const cc of CONDITION_SUFFIXES) JCC[(Mnemonic as unknown as Record<string, Mnemonic>)[`J${cc}`]] = jcc;

export const CONTROL_HANDLERS: HandlerTable = {
  ...JCC,
  [Mnemonic.Jmp]: jmp,
  [Mnemonic.Call]: call,
  [Mnemonic.Ret]: ret,
  [Mnemonic.Loop]: loop,
  [Mnemonic.Loope]: loope,
  [Mnemonic.Loopne]: loopne,
  [Mnemonic.Jrcxz]: jrcxz,
  [Mnemonic.Jecxz]: jrcxz,
};

/** Wraps CALL/RET handlers so the CPU's onCallRet observer sees them (shadow call stack). */
export function observeCallRet(ins: Insn): void {
  const inner = ins.handler;
  if (ins.mnemonic === Mnemonic.Call) {
    ins.handler = (cpu, i) => {
      inner(cpu, i);
      cpu.onCallRet?.('call', i, cpu);
    };
  } else if (ins.mnemonic === Mnemonic.Ret) {
    ins.handler = (cpu, i) => {
      inner(cpu, i);
      cpu.onCallRet?.('ret', i, cpu);
    };
  }
}
