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

/** State kept beside the machine (the debugger's shadow call stacks) that the journal must
 * save at checkpoints and put back on a rewind. */
export interface JournalAttachment {
  save(): unknown;
  restore(state: unknown): void;
}

/** A stretch of machine time during which one CPU ran: the schedule as it happened. */
export interface Slice {
  /** Machine time at the start, and the CPU's own retired count then. */
  at: number;
  retired: number;
  cpu: number;
  count: number;
  /** Run alone by the debugger (runCpu), out of the round-robin schedule. */
  solo: boolean;
}

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
  /** The checkpoint the last rewind re-executed from. */
  replayedFrom = 0;
  /** Re-executing after a rewind: device output is not repeated. */
  replaying = false;
  readonly attachments: JournalAttachment[] = [];
  /** The CPU running alone (runCpu), or -1 while the schedule runs. */
  private solo = -1;
  /** Who ran when, while journaling: a rewind re-executes solo slices where they were, and
   * the debugger finds the machine time of any CPU's n-th instruction (reverse stepping). */
  readonly slices: Slice[] = [];
  /** Breakpoint address each CPU resumes from, consumed by that CPU's next run. */
  private readonly resumeFrom: number[] = [];

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
        this.cpus[this.solo >= 0 ? this.solo : this.current].stop = { kind: 'exit', status };
      }),
    );
    for (let n = 0; n < cpuCount; n++) {
      const cpu = new Cpu(phys, pml4, n);
      cpu.deliversExceptions = true;
      cpu.ports = this.ports;
      this.idle.push(0);
      this.resumeFrom.push(NaN);
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
   * run(a) followed by run(b) is the same execution as run(a + b). `skipBreakpointAt` is the
   * breakpoint CPU `skipCpu` (default: the one whose turn it is) resumes from.
   */
  run(maxInstructions: number, skipBreakpointAt = NaN, skipCpu = this.current): SystemStop {
    if (!Number.isNaN(skipBreakpointAt)) this.resumeFrom[skipCpu] = skipBreakpointAt;
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
      const reason = cpu.run(slice, this.resumeFrom[n]);
      this.resumeFrom[n] = NaN;
      const ran = cpu.retired - before;
      this.logSlice(this.time - ran, before, n, false);
      budget -= ran;
      this.sliceLeft -= ran;
      if (this.clock(n) >= timer.expiresAt) timer.expire();
      if (this.sliceLeft <= 0) this.nextCpu();
      if (reason.kind !== 'limit' && reason.kind !== 'halt') return { ...reason, cpu: n };
    }
  }

  /**
   * Runs CPU `n` alone — the others wait and no interrupt is accepted — for a debugger step
   * ("step the selected CPU only"). The stretch is logged so that a rewind re-executes it at
   * the same machine time, keeping reverse execution exact.
   */
  runCpu(n: number, maxInstructions: number, skipBreakpointAt = NaN): SystemStop {
    const cpu = this.cpus[n];
    if (this.exitStatus !== null) return { kind: 'exit', status: this.exitStatus, cpu: n };
    if (cpu.halted) return { kind: 'halt', detail: `CPU ${n} is halted`, cpu: n };
    if (!Number.isNaN(skipBreakpointAt)) this.resumeFrom[n] = skipBreakpointAt;
    const startedAt = this.time;
    const startedRetired = cpu.retired;
    let budget = maxInstructions;
    let stop: SystemStop = { kind: 'limit', cpu: n };
    this.solo = n;
    try {
      while (budget > 0) {
        if (this.journal !== null && this.time >= this.nextCheckpoint) this.checkpoint();
        const slice = Math.min(budget, this.journal !== null ? Math.max(1, this.nextCheckpoint - this.time) : Infinity);
        const before = cpu.retired;
        const reason = cpu.run(slice, this.resumeFrom[n]);
        this.resumeFrom[n] = NaN;
        budget -= cpu.retired - before;
        if (this.clock(n) >= this.timers[n].expiresAt) this.timers[n].expire();
        if (reason.kind !== 'limit') {
          stop = { ...reason, cpu: n };
          break;
        }
      }
    } finally {
      this.solo = -1;
      this.logSlice(startedAt, startedRetired, n, true);
    }
    if (this.exitStatus !== null) return { kind: 'exit', status: this.exitStatus, cpu: n };
    return stop;
  }

  private logSlice(at: number, retired: number, cpu: number, solo: boolean): void {
    const count = this.time - at;
    if (count <= 0 || this.replaying || this.journal === null) return;
    const last = this.slices[this.slices.length - 1];
    if (last && last.cpu === cpu && last.solo === solo && last.at + last.count === at) last.count += count;
    else this.slices.push({ at, retired, cpu, count, solo });
  }

  /** Machine time just before CPU `n` executed the instruction it retired as number `k`
   * (counting from 0), if the journal's slice log reaches back that far. */
  timeOfInstruction(n: number, k: number): number | undefined {
    for (let i = this.slices.length - 1; i >= 0; i--) {
      const s = this.slices[i];
      if (s.cpu !== n || s.retired > k) continue;
      return k < s.retired + s.count ? s.at + (k - s.retired) : undefined;
    }
    return undefined;
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

  /**
   * The debugger changed registers or memory: start a new epoch here so rewinding to this
   * moment or later re-executes from the changed state, and earlier from the recorded one.
   */
  noteExternalChange(): void {
    if (this.journal === null) return;
    this.journal.checkpoint(this.time, this.saveState(), true);
    this.nextCheckpoint = this.time + this.journal.interval;
  }

  private checkpoint(): void {
    const journal = this.journal!;
    journal.checkpoint(this.time, this.saveState());
    this.nextCheckpoint = this.time + journal.interval;
  }

  /** Puts the whole machine back to machine time `target` (all CPUs), exactly; with
   * `fromEarlierCheckpoint` it re-executes from the checkpoint before `target` even if one
   * sits exactly at it (reverse continue watches that re-execution for breakpoints). */
  rewindTo(target: number, fromEarlierCheckpoint = false): boolean {
    const journal = this.journal;
    if (journal === null || target > this.time || target < journal.horizon) return false;
    const point = journal.rewind(target, fromEarlierCheckpoint);
    if (!point) return false;
    this.replayedFrom = point.at;
    this.restoreState(point.state);
    this.nextCheckpoint = point.at + journal.interval;
    this.replaying = true;
    this.cpus.forEach((c) => (c.ignoreBreakpoints = true));
    this.resumeFrom.fill(NaN);
    try {
      while (this.time < target) {
        // Re-execute the schedule up to the next solo stretch, then that stretch, as it ran.
        const t = this.time;
        const solo = this.slices.find((r) => r.solo && r.at + r.count > t);
        let r: SystemStop;
        if (solo !== undefined && solo.at <= t) r = this.runCpu(solo.cpu, Math.min(solo.at + solo.count, target) - t);
        else r = this.run(Math.min(solo?.at ?? Infinity, target) - t);
        if (r.kind !== 'limit' || this.time === t) break;
      }
    } finally {
      this.replaying = false;
      this.cpus.forEach((c) => (c.ignoreBreakpoints = false));
    }
    // What ran after `target` is history no longer: new solo runs will be logged afresh.
    while (this.slices.length > 0 && this.slices[this.slices.length - 1].at >= target) this.slices.pop();
    const last = this.slices[this.slices.length - 1];
    if (last && last.at + last.count > target) last.count = target - last.at;
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
      attached: this.attachments.map((a) => a.save()),
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
    s.attached.forEach((a, i) => this.attachments[i]?.restore(a));
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
  attached: unknown[];
}
