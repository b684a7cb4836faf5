/**
 * Flag instructions, no-ops and fences, ENTER/LEAVE, CPUID, RDTSC/RDTSCP, SYSCALL (through
 * the personality hook), INT3/INT n/UD2/HLT.
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { CpuFault, Vector, fault } from '../machine/faults.js';
import { POPF_USER_MASK, RFLAGS, STATUS_FLAGS } from '../machine/rflags.js';
import { describeCpuid } from './cpuid.js';
import type { Insn } from './insn.js';
import { materializeFlags } from './lazy-flags.js';
import { pop, push, readMem, rspNumber, setRsp, writeMem, writeReg } from './operands.js';
import type { HandlerTable } from './table.js';

const nop = (): void => {};

/** AH ← SF:ZF:0:AF:0:PF:1:CF. */
function lahf(cpu: Cpu): void {
  const f = materializeFlags(cpu);
  cpu.r[0] = (cpu.r[0] & ~0xff00) | ((f & 0xd5) | 2) << 8;
}

function sahf(cpu: Cpu): void {
  const ah = (cpu.r[0] >> 8) & 0xd5;
  const f = materializeFlags(cpu);
  cpu.flags = (f & ~0xd5) | ah;
}

function pushf(cpu: Cpu, ins: Insn): void {
  // The image pushed has VM and RF cleared.
  const f = materializeFlags(cpu) & ~(RFLAGS.VM | RFLAGS.RF);
  push(cpu, ins.size, ins.size === 2 ? f & 0xffff : f, 0);
}

function popf(cpu: Cpu, ins: Insn): void {
  const v = pop(cpu, ins.size);
  const old = materializeFlags(cpu);
  const iopl = (old & RFLAGS.IOPL) >> 12;
  let mask = POPF_USER_MASK;
  if (cpu.cpl === 0) mask |= RFLAGS.IOPL;
  if (cpu.cpl <= iopl) mask |= RFLAGS.IF;
  if (ins.size === 2) mask &= 0xffff;
  cpu.flags = (old & ~mask) | (v & mask) | RFLAGS.FIXED1;
}

function setFlag(bit: number, value: 0 | 1 | 'toggle') {
  return (cpu: Cpu): void => {
    const f = bit & STATUS_FLAGS ? materializeFlags(cpu) : cpu.flags;
    cpu.flags = value === 'toggle' ? f ^ bit : value ? f | bit : f & ~bit;
  };
}

/** CLI/STI: allowed when CPL ≤ IOPL, else #GP(0). */
function setInterruptFlag(value: boolean) {
  return (cpu: Cpu): void => {
    if (cpu.cpl > (cpu.flags & RFLAGS.IOPL) >> 12) throw fault.gp(0, `${value ? 'sti' : 'cli'} at CPL ${cpu.cpl}`);
    cpu.flags = value ? cpu.flags | RFLAGS.IF : cpu.flags & ~RFLAGS.IF;
  };
}

function leave(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  const sp = rspNumber(cpu);
  setRsp(cpu, r[11] * 4294967296 + (r[10] >>> 0));
  try {
    const lo = pop(cpu, ins.size);
    writeReg(cpu, 5, ins.size, lo, cpu.hi);
  } catch (e) {
    setRsp(cpu, sp);
    throw e;
  }
}

/** ENTER imm16, imm8 (SDM pseudo-code, 64-bit stack). */
function enter(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const allocation = ins.immLo & 0xffff;
  const level = ins.imm2 & 31;
  const r = cpu.r;
  const sp0 = rspNumber(cpu);
  const bp0 = r[11] * 4294967296 + (r[10] >>> 0);
  // Compute everything first, then write, so a fault leaves registers untouched.
  let sp = sp0 - size;
  writeMem(cpu, sp, size, r[10], r[11]);
  const frameTemp = sp;
  let bp = bp0;
  for (let i = 1; i < level; i++) {
    bp -= size;
    const v = readMem(cpu, bp, size);
    const vh = cpu.hi;
    sp -= size;
    writeMem(cpu, sp, size, v, vh);
  }
  if (level > 0) {
    sp -= size;
    writeMem(cpu, sp, size, frameTemp | 0, Math.floor(frameTemp / 4294967296));
  }
  const finalSp = sp - allocation;
  if (size === 8) {
    r[10] = frameTemp | 0;
    r[11] = Math.floor(frameTemp / 4294967296) | 0;
  } else {
    r[10] = (r[10] & ~0xffff) | (frameTemp & 0xffff);
  }
  setRsp(cpu, finalSp);
}

function cpuid(cpu: Cpu): void {
  const r = cpu.r;
  const out = describeCpuid(r[0] >>> 0, r[2] >>> 0, cpu.cpuNumber);
  writeReg(cpu, 0, 4, out[0], 0);
  writeReg(cpu, 3, 4, out[1], 0);
  writeReg(cpu, 1, 4, out[2], 0);
  writeReg(cpu, 2, 4, out[3], 0);
}

/** The TSC counts retired instructions (deterministic: the same run reads the same values). */
export function readTsc(cpu: Cpu): bigint {
  return BigInt.asUintN(64, BigInt(cpu.retired) + cpu.tscOffset);
}

function rdtsc(cpu: Cpu, ins: Insn): void {
  const t = readTsc(cpu);
  writeReg(cpu, 0, 4, Number(t & 0xffffffffn) | 0, 0);
  writeReg(cpu, 2, 4, Number(t >> 32n) | 0, 0);
  if (ins.mnemonic === Mnemonic.Rdtscp) writeReg(cpu, 1, 4, cpu.cpuNumber, 0);
}

export const MISC_HANDLERS: HandlerTable = {
  [Mnemonic.Nop]: nop,
  [Mnemonic.Endbr64]: nop,
  [Mnemonic.Endbr32]: nop,
  [Mnemonic.Pause]: nop,
  [Mnemonic.Lfence]: nop,
  [Mnemonic.Mfence]: nop,
  [Mnemonic.Sfence]: nop,
  [Mnemonic.Prefetchnta]: nop,
  [Mnemonic.Prefetcht0]: nop,
  [Mnemonic.Prefetcht1]: nop,
  [Mnemonic.Prefetcht2]: nop,
  [Mnemonic.Prefetchw]: nop,
  [Mnemonic.Lahf]: lahf,
  [Mnemonic.Sahf]: sahf,
  [Mnemonic.Pushf]: pushf,
  [Mnemonic.Pushfq]: pushf,
  [Mnemonic.Popf]: popf,
  [Mnemonic.Popfq]: popf,
  [Mnemonic.Clc]: setFlag(RFLAGS.CF, 0),
  [Mnemonic.Stc]: setFlag(RFLAGS.CF, 1),
  [Mnemonic.Cmc]: setFlag(RFLAGS.CF, 'toggle'),
  [Mnemonic.Cld]: setFlag(RFLAGS.DF, 0),
  [Mnemonic.Std]: setFlag(RFLAGS.DF, 1),
  [Mnemonic.Cli]: setInterruptFlag(false),
  [Mnemonic.Sti]: setInterruptFlag(true),
  [Mnemonic.Leave]: leave,
  [Mnemonic.Enter]: enter,
  [Mnemonic.Cpuid]: cpuid,
  [Mnemonic.Rdtsc]: rdtsc,
  [Mnemonic.Rdtscp]: rdtsc,
  [Mnemonic.Int3]: () => {
    throw new CpuFault(Vector.BP, -1, undefined, 'int3', true, true);
  },
  [Mnemonic.Int]: (cpu, ins) => {
    const vector = ins.immLo & 0xff;
    if (cpu.softwareInterruptHook?.(cpu, vector)) return;
    // With an IDT (system mode) the gate decides; a user-mode personality has none, and
    // behaves as Linux's DPL-0 gates do for user code: #GP(vector·8+2).
    if (cpu.deliversExceptions) throw new CpuFault(vector, -1, undefined, `int $0x${vector.toString(16)}`, true, true);
    throw fault.gp((vector << 3) | 2, `int $0x${vector.toString(16)}`);
  },
  [Mnemonic.Ud2]: () => {
    throw fault.ud('ud2');
  },
  [Mnemonic.Ud0]: () => {
    throw fault.ud('ud0');
  },
  [Mnemonic.Ud1]: () => {
    throw fault.ud('ud1');
  },
};
