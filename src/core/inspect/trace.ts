/**
 * One trace line per retired instruction: RIP, symbol+offset, AT&T text, and the registers
 * and flags it changed — for `x64emu run --trace` and the debugger's trace command.
 */
import { disassembleAt } from '../isa/disasm.js';
import { Cpu, GPR_NAMES } from '../machine/cpu.js';
import { RFLAGS_NAMES } from '../machine/rflags.js';

export interface CpuSnapshot {
  regs: Int32Array;
  rflags: number;
  fsBase: number;
  gsBase: number;
}

export function snapshot(cpu: Cpu): CpuSnapshot {
  return { regs: cpu.r.slice(), rflags: cpu.rflags, fsBase: cpu.fsBase, gsBase: cpu.gsBase };
}

export function hex64(lo: number, hi: number): string {
  return '0x' + ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16);
}

/** Register and flag changes between two snapshots, e.g. `rax=0x1 rsp=0x7ffe… +ZF -CF`. */
export function describeChanges(before: CpuSnapshot, after: CpuSnapshot): string {
  const parts: string[] = [];
  for (let s = 0; s < 16; s++) {
    if (before.regs[2 * s] !== after.regs[2 * s] || before.regs[2 * s + 1] !== after.regs[2 * s + 1]) {
      parts.push(`${GPR_NAMES[s]}=${hex64(after.regs[2 * s], after.regs[2 * s + 1])}`);
    }
  }
  for (const [name, bit] of RFLAGS_NAMES) {
    const was = before.rflags & bit;
    const now = after.rflags & bit;
    if (was !== now) parts.push(bit === (3 << 12) ? `IOPL=${(after.rflags >> 12) & 3}` : `${now ? '+' : '-'}${name}`);
  }
  if (before.fsBase !== after.fsBase) parts.push(`fs.base=0x${after.fsBase.toString(16)}`);
  if (before.gsBase !== after.gsBase) parts.push(`gs.base=0x${after.gsBase.toString(16)}`);
  return parts.join(' ');
}

export function formatTraceLine(cpu: Cpu, rip: number, symbol: string, changes: string): string {
  const dis = disassembleAt(cpu.mem, rip);
  const where = `0x${rip.toString(16).padStart(12, '0')} ${symbol.padEnd(24)}`;
  return `${where} ${dis.text.padEnd(36)} ${changes}`.trimEnd();
}
