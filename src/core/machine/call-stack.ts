/**
 * A shadow call stack for the debugger's Call Stack pane: CALL/RET plus the privilege
 * transitions the hardware makes (SYSCALL, interrupts and exceptions in; SYSRET/IRETQ out),
 * so that a stop inside entry_SYSCALL_64 shows the user frames below the kernel ones.
 * Attached on demand: when it is not attached, call and ret run uninstrumented.
 */
import type { Cpu, Transition } from './cpu.js';

export interface ShadowFrame {
  kind: 'call' | Transition['kind'];
  /** Address of the transferring instruction (call) or the interrupted/returning RIP. */
  from: number;
  /** Where control went (the callee, the entry point, the handler). */
  to: number;
  /** Return address (calls) or the RIP the kernel returns to (transitions). */
  returnTo: number;
  /** RSP right after the transfer (calls: the slot holding the return address). */
  sp: number;
  cpl: number;
  vector: number;
  /** The CPU's retired count before the transfer: reverse stepping jumps back to it. */
  retired: number;
}

export class ShadowCallStack {
  readonly frames: ShadowFrame[] = [];

  /** For the journal: the frames as they are now, and back. */
  save(): ShadowFrame[] {
    return this.frames.map((f) => ({ ...f }));
  }

  restore(state: unknown): void {
    this.frames.splice(0, this.frames.length, ...(state as ShadowFrame[]).map((f) => ({ ...f })));
  }

  private cpu: Cpu | null = null;

  attach(cpu: Cpu): void {
    this.cpu = cpu;
    cpu.onCallRet = (kind, ins, c) => (kind === 'call' ? this.call(ins, c) : this.ret(c));
    const previous = cpu.onTransition;
    cpu.onTransition = (t) => {
      previous?.(t);
      this.transition(t);
    };
    cpu.invalidateAllCode();
  }

  private call(ins: { rip: number; nextRip: number }, cpu: Cpu): void {
    this.frames.push({ kind: 'call', from: ins.rip, to: cpu.rip, returnTo: ins.nextRip, sp: cpu.regNumber(4), cpl: cpu.cpl, vector: -1, retired: cpu.retired });
  }

  /** RET: drop the frames it returns out of (matching by stack position, robust to longjmp). */
  private ret(cpu: Cpu): void {
    const sp = cpu.regNumber(4);
    while (this.frames.length > 0) {
      const top = this.frames[this.frames.length - 1];
      if (top.kind !== 'call' || top.sp >= sp) break;
      this.frames.pop();
    }
  }

  private transition(t: Transition): void {
    if (t.kind === 'sysret' || t.kind === 'iret') {
      // Back out of everything down to (and including) the matching entry.
      for (let i = this.frames.length - 1; i >= 0; i--) {
        const f = this.frames[i];
        if (f.kind !== 'call' && f.returnTo === t.to) {
          this.frames.length = i;
          return;
        }
      }
      // No matching entry (e.g. the first entry to user mode): frames above the new CPL go.
      while (this.frames.length > 0 && this.frames[this.frames.length - 1].cpl < t.toCpl) this.frames.pop();
      return;
    }
    this.frames.push({ kind: t.kind, from: t.from, to: t.to, returnTo: t.from, sp: NaN, cpl: t.toCpl, vector: t.vector, retired: this.cpu?.retired ?? NaN });
  }
}
