/**
 * System mode: N CPUs sharing physical memory and devices, run deterministically in fixed
 * instruction quanta (round robin in CPU order), so the same program and options give the
 * same run every time — the property reverse stepping and the tests rely on.
 */
import { Cpu, StopReason } from './cpu.js';
import { CpuState, restoreCpuState, saveCpuState } from './cpu-state.js';
import { Journal, JournalOptions } from './journal.js';
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
  /** The scheduler: whose turn it is and how much of its quantum is left. */
  private current = 0;
  quantum = DEFAULT_QUANTUM;
  private sliceLeft = DEFAULT_QUANTUM;
  private readonly uart: Uart16550;
  journal: Journal<MachineState> | null = null;
  private nextCheckpoint = Infinity;
  /** Re-executing after a rewind: device output is not repeated. */
  replaying = false;

  constructor(
    readonly phys: PhysicalMemory,
    cpuCount: number,
    pml4: number,
    readonly host: SystemHost,
  ) {
    this.ports = new PortBus((m) => host.warn(m));
    this.uart = new Uart16550(COM1, (b) => {
      if (!this.replaying) host.output(Uint8Array.of(b));
    });
    this.ports.attach(this.uart);
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

  /** Instructions retired by all CPUs together: the machine's time (journal, rewind). */
  get time(): number {
    return this.cpus.reduce((n, c) => n + c.retired, 0);
  }

  /**
   * Runs until `maxInstructions` have been retired in total (summed over CPUs), or something
   * stops the machine: an exit through the debug-exit port, a breakpoint or reported exception
   * on some CPU, a triple fault, or every CPU halted with no interrupt able to wake one.
   * The schedule (whose turn, how much of its quantum is left) persists across calls, so
   * run(a) followed by run(b) is the same execution as run(a + b).
   */
  run(maxInstructions: number, skipBreakpointAt = NaN): SystemStop {
    let budget = maxInstructions;
    let asleepInARow = 0;
    for (;;) {
      if (this.exitStatus !== null) return { kind: 'exit', status: this.exitStatus, cpu: this.current };
      if (budget <= 0) return { kind: 'limit', cpu: this.current };
      if (this.journal !== null && this.time >= this.nextCheckpoint) this.checkpoint();
      const n = this.current;
      const cpu = this.cpus[n];
      const timer = this.timers[n];
      this.acceptInterrupt(n);
      const untilTimer = timer.expiresAt - this.clock(n);
      if (cpu.halted) {
        // Sleeping: its quantum passes as idle time (the APIC timer still counts).
        const sleep = Math.min(this.sliceLeft, Math.max(1, untilTimer));
        this.idle[n] += sleep;
        this.sliceLeft -= sleep;
        if (this.clock(n) >= timer.expiresAt) timer.expire();
        this.acceptInterrupt(n);
        if (this.sliceLeft <= 0) this.nextCpu();
        if (cpu.halted && ++asleepInARow > 2 * this.cpus.length && this.nobodyCanWake()) {
          return { kind: 'halt', detail: 'every CPU is halted and no interrupt can wake one', cpu: n };
        }
        continue;
      }
      asleepInARow = 0;
      const slice = Math.min(this.sliceLeft, budget, Math.max(1, untilTimer), this.journal !== null ? Math.max(1, this.nextCheckpoint - this.time) : Infinity);
      const before = cpu.retired;
      const reason = cpu.run(slice, skipBreakpointAt);
      skipBreakpointAt = NaN;
      const ran = cpu.retired - before;
      budget -= ran;
      this.sliceLeft -= ran;
      if (this.clock(n) >= timer.expiresAt) timer.expire();
      if (this.sliceLeft <= 0) this.nextCpu();
      if (reason.kind !== 'limit' && reason.kind !== 'halt') return { ...reason, cpu: n };
    }
  }

  private nextCpu(): void {
    this.current = (this.current + 1) % this.cpus.length;
    this.sliceLeft = this.quantum;
  }

  private nobodyCanWake(): boolean {
    return this.cpus.every(
      (c, n) => c.halted && this.timers[n].pending.size === 0 && (!(c.flags & RFLAGS.IF) || this.timers[n].expiresAt === Infinity),
    );
  }

  // ---- reverse execution ----

  enableJournal(options: JournalOptions = {}): void {
    this.journal = new Journal<MachineState>(this.phys, () => this.cpus.forEach((c) => c.mem.flushFastWrites()), options);
    this.checkpoint();
  }

  private checkpoint(): void {
    const journal = this.journal!;
    journal.checkpoint(this.time, this.saveState());
    this.nextCheckpoint = this.time + journal.interval;
  }

  /** Puts the whole machine back to machine time `target` (all CPUs), exactly. */
  rewindTo(target: number): boolean {
    const journal = this.journal;
    if (journal === null || target > this.time || target < journal.horizon) return false;
    const point = journal.rewind(target);
    if (!point) return false;
    this.restoreState(point.state);
    this.nextCheckpoint = point.at + journal.interval;
    this.replaying = true;
    this.cpus.forEach((c) => (c.ignoreBreakpoints = true));
    try {
      while (this.time < target) {
        const r = this.run(target - this.time);
        if (r.kind !== 'limit') break;
      }
    } finally {
      this.replaying = false;
      this.cpus.forEach((c) => (c.ignoreBreakpoints = false));
    }
    return this.time === target;
  }

  private saveState(): MachineState {
    return {
      cpus: this.cpus.map(saveCpuState),
      idle: this.idle.slice(),
      current: this.current,
      sliceLeft: this.sliceLeft,
      exitStatus: this.exitStatus,
      timers: this.timers.map((t) => t.snapshot()),
      uart: this.uart.snapshot(),
    };
  }

  private restoreState(s: MachineState): void {
    s.cpus.forEach((st, i) => restoreCpuState(this.cpus[i], st));
    this.idle.splice(0, this.idle.length, ...s.idle);
    this.current = s.current;
    this.sliceLeft = s.sliceLeft;
    this.exitStatus = s.exitStatus;
    s.timers.forEach((t, i) => this.timers[i].restore(t));
    this.uart.restore(s.uart);
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

interface MachineState {
  cpus: CpuState[];
  idle: number[];
  current: number;
  sliceLeft: number;
  exitStatus: number | null;
  timers: Array<ReturnType<LapicTimer['snapshot']>>;
  uart: ReturnType<Uart16550['snapshot']>;
}
