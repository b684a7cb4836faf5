/**
 * System mode: N CPUs sharing physical memory and devices, run deterministically in fixed
 * instruction quanta (round robin in CPU order), so the same program and options give the
 * same run every time — the property reverse stepping and the tests rely on.
 */
import { Cpu, StopReason } from './cpu.js';
import { CpuFault } from './faults.js';
import { deliverEvent } from './interrupts.js';
import { DebugExit } from './devices/debug-exit.js';
import { LapicTimer } from './devices/lapic-timer.js';
import { PortBus } from './devices/port-bus.js';
import { Uart16550 } from './devices/uart.js';
import { PhysicalMemory } from './physical-memory.js';
import { RFLAGS } from './rflags.js';

export const COM1 = 0x3f8;
export const DEBUG_EXIT_PORT = 0xf4;
/** Instructions each CPU runs before the next one gets its turn. */
export const DEFAULT_QUANTUM = 10_000;

export interface SystemHost {
  /** Bytes the guest transmits on the UART. */
  output(data: Uint8Array): void;
  warn(message: string): void;
}

export type SystemStop = StopReason & { cpu: number };

export class SystemMachine {
  readonly cpus: Cpu[] = [];
  readonly timers: LapicTimer[] = [];
  readonly ports: PortBus;
  /** Idle ticks per CPU (time a halted CPU spends waiting; the APIC timer counts them). */
  private readonly idle: number[] = [];
  private exitStatus: number | null = null;
  private current = 0;
  quantum = DEFAULT_QUANTUM;

  constructor(
    readonly phys: PhysicalMemory,
    cpuCount: number,
    pml4: number,
    readonly host: SystemHost,
  ) {
    this.ports = new PortBus((m) => host.warn(m));
    this.ports.attach(new Uart16550(COM1, (b) => host.output(Uint8Array.of(b))));
    this.ports.attach(
      new DebugExit(DEBUG_EXIT_PORT, (status) => {
        this.exitStatus = status;
        this.cpus[this.current].stop = { kind: 'exit', status };
      }),
    );
    for (let n = 0; n < cpuCount; n++) {
      const cpu = new Cpu(phys, pml4, n);
      cpu.deliversExceptions = true;
      cpu.ports = this.ports;
      this.idle.push(0);
      const timer = new LapicTimer(n, () => cpu.retired + this.idle[n]);
      cpu.apic = timer;
      cpu.tscAux = n;
      this.cpus.push(cpu);
      this.timers.push(timer);
    }
  }

  /** Ticks of CPU n's clock (retired plus idle instructions). */
  clock(n: number): number {
    return this.cpus[n].retired + this.idle[n];
  }

  /**
   * Runs until `maxInstructions` have been retired in total (summed over CPUs), or something
   * stops the machine: an exit through the debug-exit port, a breakpoint or reported exception
   * on some CPU, a triple fault, or every CPU halted with interrupts off.
   */
  run(maxInstructions: number): SystemStop {
    let budget = maxInstructions;
    for (;;) {
      let progressed = false;
      for (let n = 0; n < this.cpus.length; n++) {
        if (budget <= 0) return { kind: 'limit', cpu: this.current };
        this.current = n;
        const cpu = this.cpus[n];
        const timer = this.timers[n];
        this.acceptInterrupt(n);
        const untilTimer = timer.expiresAt - this.clock(n);
        if (cpu.halted) {
          // Sleeping: time passes until the next timer expiry (or a quantum).
          const sleep = Math.min(this.quantum, Math.max(1, untilTimer));
          if (untilTimer !== Infinity) this.idle[n] += sleep;
          if (this.clock(n) >= timer.expiresAt) timer.expire();
          this.acceptInterrupt(n);
          continue;
        }
        const slice = Math.min(this.quantum, budget, Math.max(1, untilTimer));
        const before = cpu.retired;
        const reason = cpu.run(slice);
        budget -= cpu.retired - before;
        progressed ||= cpu.retired > before;
        if (this.clock(n) >= timer.expiresAt) timer.expire();
        switch (reason.kind) {
          case 'limit':
            break;
          case 'halt':
            progressed = true; // hlt is progress: the CPU now waits for an interrupt
            break;
          default:
            return { ...reason, cpu: n };
        }
      }
      if (this.exitStatus !== null) return { kind: 'exit', status: this.exitStatus, cpu: this.current };
      const allAsleep = this.cpus.every((c, n) => c.halted && (!(c.flags & RFLAGS.IF) || this.timers[n].expiresAt === Infinity) && this.timers[n].pending.size === 0);
      if (allAsleep) return { kind: 'halt', detail: 'every CPU is halted and no interrupt can wake one', cpu: this.current };
      void progressed;
    }
  }

  /** Delivers a pending timer interrupt at an instruction boundary when RFLAGS.IF allows. */
  private acceptInterrupt(n: number): void {
    const cpu = this.cpus[n];
    if (!(cpu.flags & RFLAGS.IF)) return;
    const vector = this.timers[n].takeInterrupt();
    if (vector === undefined) return;
    cpu.halted = false;
    try {
      deliverEvent(cpu, new CpuFault(vector, -1, undefined, 'external interrupt'), cpu.rip, true);
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      // A broken IDT entry for an interrupt: report it on this CPU at the next run.
      cpu.pendingException = { fault: e, returnRip: cpu.rip };
    }
  }
}
