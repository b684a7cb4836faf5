/**
 * The debugger's execution control over a DebugTarget: continue, pause, step by line or
 * instruction (into/over/out, across macros and the user/kernel boundary), reverse steps and
 * reverse continue through the journal, and the stop decisions (conditions, hit counts,
 * logpoints, exception filters). Long operations are generators that yield between chunks,
 * so the adapter can answer `pause` while the machine runs. Protocol-free: the DAP session
 * translates.
 */
import { disassembleAt } from '../isa/disasm.js';
import type { Cpu } from '../machine/cpu.js';
import type { CpuFault } from '../machine/faults.js';
import { ShadowCallStack } from '../machine/call-stack.js';
import type { SystemStop } from '../machine/system-machine.js';
import { signalFor } from '../loader/signals.js';
import { BreakpointTable, hitConditionMet } from './breakpoints.js';
import { readRegister } from './program-view.js';
import { Level, LineTable, samePos } from './line-table.js';
import type { DebugTarget } from './target.js';

export type StopCause = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto';

export type EngineStop =
  | { kind: 'stopped'; reason: StopCause; cpu: number; description: string; breakpointIds?: number[]; fault?: CpuFault }
  | { kind: 'exited'; status: number; description: string };

export interface EngineHooks {
  /** Evaluates a condition or log-message expression on a CPU; numbers for conditions. */
  evaluate(expression: string, cpu: number): { ok: true; value: bigint; text: string } | { ok: false; message: string };
  output(text: string): void;
}

/** Exception breakpoint filters → the vectors they stop on (before delivery). */
export const EXCEPTION_FILTERS: ReadonlyArray<{ filter: string; label: string; vectors: number[]; default: boolean }> = [
  { filter: 'page-fault', label: 'Page fault (#PF)', vectors: [14], default: false },
  { filter: 'general-protection', label: 'General protection (#GP)', vectors: [13], default: false },
  { filter: 'double-fault', label: 'Double fault (#DF)', vectors: [8], default: true },
  { filter: 'any-exception', label: 'Any exception', vectors: [0, 1, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 16, 17, 18, 19], default: false },
];

/** Instructions per chunk between yields (≈ a few milliseconds). */
const CHUNK = 200_000;
/** Single steps per chunk for line stepping. */
const STEP_CHUNK = 5_000;

type Run = Generator<void, EngineStop, void>;

export class DebugEngine {
  readonly breakpoints: BreakpointTable;
  readonly stacks: ShadowCallStack[];
  /** Per CPU: inner macro levels hidden at the current stop (the user is "on" an invocation line). */
  readonly hidden: number[];
  /** The CPU that reported the last stop (the one that resumes from a breakpoint). */
  lastCpu = 0;
  private exited: { status: number; description: string } | null = null;
  /** A user-mode process that died of a fault: continuing ends it with the signal. */
  private fatal: CpuFault | null = null;

  constructor(
    readonly target: DebugTarget,
    readonly lines: LineTable,
    private readonly hooks: EngineHooks,
    journal = true,
  ) {
    this.breakpoints = new BreakpointTable(target.cpus);
    this.stacks = target.cpus.map((cpu) => {
      const s = new ShadowCallStack();
      s.attach(cpu);
      target.attach(s);
      return s;
    });
    this.hidden = target.cpus.map(() => 0);
    // After the shadow stacks are attached, so every checkpoint carries them.
    if (journal && !target.journaling) target.enableJournal();
  }

  get cpus(): readonly Cpu[] {
    return this.target.cpus;
  }

  setExceptionFilters(filters: string[]): void {
    const vectors = new Set(EXCEPTION_FILTERS.filter((f) => filters.includes(f.filter)).flatMap((f) => f.vectors));
    for (const cpu of this.cpus) {
      cpu.stopOnVectors.clear();
      vectors.forEach((v) => cpu.stopOnVectors.add(v));
    }
  }

  /** Visible source levels of CPU n (innermost first, hidden macro levels dropped). */
  visibleLevels(n: number): Level[] {
    return this.lines.levels(this.cpus[n].rip).slice(this.hidden[n]);
  }

  // ---- forward execution ----

  *continue(): Run {
    if (this.exited) return this.exitStop();
    if (this.fatal) return this.die();
    if (this.breakpoints.data.some((d) => d.register)) return yield* this.continueWatchingRegisters();
    let skipCpu = this.lastCpu;
    for (;;) {
      const stop = this.target.run(CHUNK, this.cpus[skipCpu].rip, skipCpu);
      skipCpu = stop.cpu;
      if (stop.kind === 'limit') {
        yield;
        continue;
      }
      const decided = this.decide(stop);
      if (decided) return decided;
      skipCpu = stop.cpu;
    }
  }

  /**
   * Continue with register data breakpoints: registers have no watch hardware to lean on, so
   * the machine runs one instruction at a time (in its normal schedule) and the watched
   * registers of every CPU are compared after each. Slower (a few MIPS), exact.
   */
  private *continueWatchingRegisters(): Run {
    const watched = this.breakpoints.data.filter((d) => d.register);
    const read = () => this.cpus.map((c) => watched.map((d) => readRegister(c, d.register!)));
    let before = read();
    let skipCpu = this.lastCpu;
    let skip = this.cpus[skipCpu].rip;
    for (let steps = 1; ; steps++) {
      const stop = this.target.run(1, skip, skipCpu);
      skip = NaN;
      if (stop.kind !== 'limit') {
        const decided = this.decide(stop);
        if (decided) return decided;
        skipCpu = stop.cpu;
        skip = this.cpus[skipCpu].rip;
      }
      const after = read();
      for (let n = 0; n < this.cpus.length; n++) {
        const k = watched.findIndex((_d, i) => after[n][i] !== before[n][i]);
        if (k < 0) continue;
        const d = watched[k];
        const was = before[n][k];
        before = after;
        if (!this.passes(d, n)) continue;
        this.lastCpu = n;
        this.hidden[n] = 0;
        const hex = (v: bigint | undefined) => '0x' + (v ?? 0n).toString(16);
        return { kind: 'stopped', reason: 'data breakpoint', cpu: n, description: `%${d.register} changed: ${hex(was)} → ${hex(after[n][k])}`, breakpointIds: [d.id] };
      }
      before = after;
      if (steps % 50_000 === 0) yield;
    }
  }

  /** One instruction of CPU n (into calls). */
  *stepInstruction(n: number, over: boolean): Run {
    if (this.exited) return this.exitStop();
    if (this.fatal) return this.die();
    const cpu = this.cpus[n];
    if (over && this.isCallLike(cpu)) return (yield* this.runToReturn(n, cpu.rip + this.insnLength(cpu), cpu.regNumber(4) - 1, cpu.cpl)) ?? this.stopped('step', n, 'step');
    const stop = this.stepOne(n);
    if (stop) return stop;
    this.hidden[n] = 0;
    return this.stopped('step', n, 'step');
  }

  /**
   * Source-line step of CPU n. `in`: stop at the next different line, entering calls,
   * `syscall` (to the LSTAR target) and macro bodies; `over`: calls, system calls and macro
   * invocations run to completion.
   */
  *stepLine(n: number, kind: 'in' | 'over'): Run {
    if (this.exited) return this.exitStop();
    if (this.fatal) return this.die();
    const cpu = this.cpus[n];
    const start = this.lines.levels(cpu.rip);
    if (start.length === 0) return yield* this.stepInstruction(n, kind === 'over');
    if (kind === 'in' && this.hidden[n] > 0) {
      // On a macro invocation line: stepping in reveals the body without executing anything.
      this.hidden[n]--;
      return this.stopped('step', n, 'step');
    }
    const level = this.hidden[n];
    const depth = start.length - level; // the user's level counted from the outermost
    const startRip = cpu.rip;
    const startFrames = this.stacks[n].frames.length;
    let steps = 0;
    for (;;) {
      if (kind === 'over' && this.isCallLike(cpu)) {
        const returned = yield* this.runToReturn(n, cpu.rip + this.insnLength(cpu), cpu.regNumber(4) - 1, cpu.cpl, true);
        if (returned) return returned;
      } else {
        const stop = this.stepOne(n);
        if (stop) return stop;
      }
      if (++steps % STEP_CHUNK === 0) yield;
      const now = this.lines.levels(cpu.rip);
      if (now.length === 0) {
        // No source here: leave a function we called into; otherwise show the instruction.
        const top = this.stacks[n].frames[this.stacks[n].frames.length - 1];
        if (kind === 'in' && top?.kind === 'call' && this.stacks[n].frames.length > startFrames) {
          const back = yield* this.runToReturn(n, top.returnTo, top.sp, cpu.cpl, true);
          if (back) return back;
          continue;
        }
        this.hidden[n] = 0;
        return this.stopped('step', n, 'step');
      }
      if (cpu.rip === startRip) return this.stopAt(n, now, depth);
      if (kind === 'in') {
        if (sameChain(now, 0, start, 0)) continue;
        this.hidden[n] = 0;
        return this.stopped('step', n, 'step');
      }
      const here = now.length - depth;
      if (here >= 0 && sameChain(now, here, start, level)) continue;
      return this.stopAt(n, now, depth);
    }
  }

  /** Leaves the innermost visible frame: a macro body, a function, or the kernel (to user mode). */
  *stepOut(n: number): Run {
    if (this.exited) return this.exitStop();
    if (this.fatal) return this.die();
    const cpu = this.cpus[n];
    const levels = this.lines.levels(cpu.rip);
    const level = this.hidden[n];
    if (levels.length - level > 1) {
      // Inside a macro body: run until the invocation is left.
      const depth = levels.length - level;
      let steps = 0;
      for (;;) {
        if (this.isCallLike(cpu)) {
          const r = yield* this.runToReturn(n, cpu.rip + this.insnLength(cpu), cpu.regNumber(4) - 1, cpu.cpl, true);
          if (r) return r;
        } else {
          const stop = this.stepOne(n);
          if (stop) return stop;
        }
        if (++steps % STEP_CHUNK === 0) yield;
        const now = this.lines.levels(cpu.rip);
        // Still inside the same invocation: the same chain of invocation sites around us.
        if (now.length >= depth && sameChain(now, now.length - depth + 1, levels, level + 1)) continue;
        if (now.length === 0) {
          this.hidden[n] = 0;
          return this.stopped('step', n, 'step');
        }
        return this.stopAt(n, now, depth - 1);
      }
    }
    const frames = this.stacks[n].frames;
    const top = frames[frames.length - 1];
    if (top === undefined) return yield* this.continue();
    if (top.kind === 'call') return (yield* this.runToReturn(n, top.returnTo, top.sp, cpu.cpl)) ?? this.stopped('step', n, 'step');
    // A kernel entry (syscall, interrupt, exception): run until the CPU is back where it came from.
    return (yield* this.runToReturn(n, top.returnTo, NaN, cpu.cpl)) ?? this.stopped('step', n, 'step');
  }

  /**
   * Runs CPU n alone until it is back at `address` with the stack popped past `sp` (or, for
   * NaN, at a different privilege level than `cpl`). With `quiet`, reaching it returns
   * undefined so a line step can go on; otherwise it is a step stop.
   */
  private *runToReturn(n: number, address: number, sp: number, cpl: number, quiet = false): Generator<void, EngineStop | undefined, void> {
    const cpu = this.cpus[n];
    const arrived = () => cpu.rip === address && (Number.isNaN(sp) ? cpu.cpl !== cpl : cpu.regNumber(4) > sp);
    this.breakpoints.armTemporary(cpu, address);
    try {
      let skip = cpu.rip;
      for (;;) {
        // A halted CPU waits for an interrupt: the whole machine runs until it wakes.
        const stop = cpu.halted ? this.target.run(CHUNK, NaN, n) : this.target.runCpu(n, CHUNK, skip);
        skip = NaN;
        if (stop.kind === 'limit' || (stop.kind === 'halt' && cpu.halted && !this.allHalted(stop))) {
          yield;
          continue;
        }
        if (stop.kind === 'breakpoint' && stop.cpu === n && stop.rip === address && arrived()) {
          if (this.breakpoints.at(address).length > 0) {
            const user = this.decide(stop);
            if (user) return user;
          }
          if (quiet) return undefined;
          return this.stopAt(n, this.lines.levels(cpu.rip), Infinity);
        }
        if (stop.kind === 'breakpoint' && stop.cpu === n && stop.rip === address && this.breakpoints.at(address).length === 0) {
          skip = address;
          continue;
        }
        const decided = this.decide(stop);
        if (decided) return decided;
        if (stop.kind === 'breakpoint' && stop.cpu === n) skip = stop.rip;
      }
    } finally {
      this.breakpoints.disarmTemporary(cpu, address);
    }
  }

  /** Executes one instruction of CPU n; a stop only if something other than the step ended it.
   * A halted CPU has no instruction to run: the machine runs until an interrupt wakes it. */
  private stepOne(n: number): EngineStop | undefined {
    const cpu = this.cpus[n];
    for (let waited = 0; cpu.halted && waited < 100 * CHUNK; waited += 1000) {
      const stop = this.target.run(1000, NaN, n);
      if (stop.kind !== 'limit' && !(stop.kind === 'halt' && !this.allHalted(stop))) return this.decide(stop);
    }
    if (cpu.halted) return undefined;
    const stop = this.target.runCpu(n, 1, cpu.rip);
    if (stop.kind === 'limit' || (stop.kind === 'halt' && !this.allHalted(stop))) return undefined;
    if (stop.kind === 'breakpoint' && stop.cpu === n) return undefined; // reached the next instruction's breakpoint
    return this.decide(stop) ?? undefined;
  }

  // ---- reverse execution ----

  /** Back one instruction of CPU n, exactly. */
  *stepBackInstruction(n: number): Run {
    if (!this.target.journaling) return this.stopped('step', n, 'reverse execution is off (launch with "journal": true)');
    const t = this.timeBefore(n, this.cpus[n].retired - 1);
    if (t === undefined || !this.target.rewindTo(t)) return this.stopped('step', n, 'the journal does not reach further back');
    this.exited = null;
    this.fatal = null;
    this.hidden[n] = 0;
    yield;
    return this.stopped('step', n, 'step back');
  }

  /** Back to the start of the previous source line of CPU n (over calls, as `next` is forward). */
  *stepBackLine(n: number): Run {
    const cpu = this.cpus[n];
    const start = this.lines.levels(cpu.rip);
    if (start.length === 0 || !this.target.journaling) return yield* this.stepBackInstruction(n);
    const depth = start.length - this.hidden[n];
    const startFrames = this.stacks[n].frames.length;
    let seen: Level[] | undefined;
    let steps = 0;
    for (;;) {
      const t = this.timeBefore(n, cpu.retired - 1);
      if (t === undefined || !this.target.rewindTo(t)) break;
      this.exited = null;
      this.fatal = null;
      if (++steps % 200 === 0) yield;
      // Came back out of a callee's `ret`: jump straight to its call.
      const frames = this.stacks[n].frames;
      if (frames.length > startFrames) {
        const tc = this.timeBefore(n, frames[startFrames].retired);
        if (tc === undefined || !this.target.rewindTo(tc)) break;
      }
      const now = this.lines.levels(cpu.rip);
      const here = now.length - depth;
      const onStartLine = here >= 0 && sameChain(now, here, start, this.hidden[n]);
      if (seen === undefined) {
        if (onStartLine || now.length === 0) continue;
        seen = now;
      } else {
        // Keep going while still on the line we found; stop at its first instruction.
        const hereSeen = now.length - depth;
        const seenHere = seen.length - depth;
        if (!(hereSeen >= 0 && seenHere >= 0 && sameChain(now, hereSeen, seen, seenHere))) {
          // One too far (the line was entered in its middle): forward to its first instruction.
          yield* this.stepInstruction(n, false);
          return this.stopAt(n, this.lines.levels(cpu.rip), depth, 'step back');
        }
      }
      // Where straight-line code enters the line: no need to look further back.
      const level = Math.max(0, now.length - depth);
      const pos = now[level].pos;
      if (this.lines.bind(pos.file, pos.line).some((b) => b.address === cpu.rip && b.level === level)) break;
    }
    return this.stopAt(n, this.lines.levels(cpu.rip), depth, 'step back');
  }

  /** Runs backwards to the most recent breakpoint or data-breakpoint hit on any CPU. */
  *reverseContinue(): Run {
    if (!this.target.journaling) return this.stopped('step', this.lastCpu, 'reverse execution is off (launch with "journal": true)');
    let until = this.target.time;
    while (until > this.target.horizon) {
      // Re-execute the epoch before `until` with breakpoints passed over but observed.
      const hits: Array<{ time: number; cpu: number; rip: number; kind: 'breakpoint' | 'watchpoint' }> = [];
      this.cpus.forEach((c, i) => {
        c.onIgnoredStop = (kind, rip) => hits.push({ time: this.target.time + (kind === 'watchpoint' ? 1 : 0), cpu: i, rip, kind });
      });
      let ok: boolean;
      try {
        ok = this.target.rewindTo(until, true);
      } finally {
        this.cpus.forEach((c) => (c.onIgnoredStop = null));
      }
      if (!ok) break;
      const from = this.target.replayedFrom;
      // A hit at `until` itself is the breakpoint we stand on.
      const last = hits.filter((h) => h.time < until).pop();
      yield;
      if (last) {
        this.target.rewindTo(last.time);
        this.exited = null;
        this.fatal = null;
        this.lastCpu = last.cpu;
        this.hidden[last.cpu] = this.breakpoints.at(last.rip)[0]?.addresses.get(last.rip) ?? 0;
        const ids = last.kind === 'breakpoint' ? this.breakpoints.at(last.rip).map((b) => b.id) : this.breakpoints.data.map((d) => d.id);
        return this.stopped(last.kind === 'breakpoint' ? 'breakpoint' : 'data breakpoint', last.cpu, 'reverse continue', ids);
      }
      if (from >= until) break;
      until = from;
    }
    this.target.rewindTo(this.target.horizon);
    this.exited = null;
    this.fatal = null;
    return this.stopped('step', this.lastCpu, 'reached the oldest point the journal holds');
  }

  /** Machine time just before CPU n executed its k-th instruction. */
  private timeBefore(n: number, k: number): number | undefined {
    if (k < 0) return undefined;
    if (this.target.mode === 'user') return k;
    return this.target.timeOfInstruction(n, k);
  }

  // ---- stop decisions ----

  /** Whether a run that ended with `stop` stops the debugger (undefined: keep running). */
  private decide(stop: SystemStop): EngineStop | undefined {
    const n = stop.cpu;
    switch (stop.kind) {
      case 'limit':
        return undefined;
      case 'exit':
        this.exited = { status: stop.status, description: `exited with status ${stop.status}` };
        return this.exitStop();
      case 'halt':
        this.exited = { status: 0, description: stop.detail };
        return this.exitStop();
      case 'triple-fault':
        this.exited = { status: 137, description: `CPU ${n}: ${stop.detail}; the machine shut down` };
        return this.exitStop();
      case 'fault': {
        if (this.target.mode === 'user') this.fatal = stop.fault;
        this.lastCpu = n;
        this.hidden[n] = 0;
        return { kind: 'stopped', reason: 'exception', cpu: n, description: stop.fault.describe(), fault: stop.fault };
      }
      case 'watchpoint': {
        const hit = stop.hit;
        const d = this.breakpoints.dataAt(hit.physical, hit.length);
        if (d && !this.passes(d, n)) return undefined;
        this.lastCpu = n;
        this.hidden[n] = 0;
        const what = `${hit.write ? 'write' : 'read'} of ${d?.description ?? '0x' + hit.linear.toString(16)}`;
        return { kind: 'stopped', reason: 'data breakpoint', cpu: n, description: what, breakpointIds: d ? [d.id] : [] };
      }
      case 'breakpoint': {
        const bps = this.breakpoints.at(stop.rip);
        const stopping = bps.filter((b) => this.passes(b, n));
        if (stopping.length === 0) return undefined;
        this.lastCpu = n;
        this.hidden[n] = Math.max(...stopping.map((b) => b.addresses.get(stop.rip) ?? 0));
        const reason: StopCause = stopping[0].kind === 'source' ? 'breakpoint' : stopping[0].kind === 'function' ? 'function breakpoint' : 'instruction breakpoint';
        return { kind: 'stopped', reason, cpu: n, description: reason, breakpointIds: stopping.map((b) => b.id) };
      }
    }
  }

  /** Condition, hit count and log message of one breakpoint; true if it stops. */
  private passes(bp: { condition?: string; hitCondition?: string; logMessage?: string; hits: number }, n: number): boolean {
    if (bp.condition) {
      const r = this.hooks.evaluate(bp.condition, n);
      if (!r.ok) {
        this.hooks.output(`breakpoint condition '${bp.condition}': ${r.message} (stopping)\n`);
        return true;
      }
      if (r.value === 0n) return false;
    }
    bp.hits++;
    if (bp.hitCondition) {
      const met = hitConditionMet(bp.hitCondition, bp.hits);
      if (met === undefined) this.hooks.output(`hit count '${bp.hitCondition}' is not understood: use N, >= N, > N, == N, < N or % N\n`);
      else if (!met) return false;
    }
    if (bp.logMessage) {
      this.hooks.output(this.interpolate(bp.logMessage, n) + '\n');
      return false;
    }
    return true;
  }

  /** `{expression}` parts of a log message, evaluated on CPU n. */
  private interpolate(message: string, n: number): string {
    return message.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
      const r = this.hooks.evaluate(expr, n);
      return r.ok ? r.text : `<${r.message}>`;
    });
  }

  private stopAt(n: number, now: Level[], depth: number, description = 'step'): EngineStop {
    this.hidden[n] = Math.max(0, now.length - Math.max(1, Math.min(depth, now.length)));
    return this.stopped('step', n, description);
  }

  private stopped(reason: StopCause, n: number, description: string, breakpointIds?: number[]): EngineStop {
    this.lastCpu = n;
    return { kind: 'stopped', reason, cpu: n, description, breakpointIds };
  }

  private exitStop(): EngineStop {
    return { kind: 'exited', ...this.exited! };
  }

  private die(): EngineStop {
    const [signal, name] = signalFor(this.fatal!.vector);
    this.exited = { status: 128 + signal, description: `killed by ${name} (${this.fatal!.describe()})` };
    return this.exitStop();
  }

  /** The machine's own "every CPU is halted" stop, as opposed to one CPU executing HLT. */
  private allHalted(stop: SystemStop): boolean {
    return stop.kind === 'halt' && stop.detail.startsWith('every CPU');
  }

  private isCallLike(cpu: Cpu): boolean {
    const text = disassembleAt(cpu.mem, cpu.rip).text;
    return /^(call|syscall|int\s|into)/.test(text);
  }

  private insnLength(cpu: Cpu): number {
    return disassembleAt(cpu.mem, cpu.rip).length;
  }
}

/** Same source line at level `i` of `a` and `j` of `b`, reached through the same invocations. */
function sameChain(a: Level[], i: number, b: Level[], j: number): boolean {
  if (i < 0 || j < 0 || a.length - i !== b.length - j) return false;
  if (i < a.length && !samePos(a[i].pos, b[j].pos)) return false;
  // The invocation sites outside it must be the very same (same line and column).
  for (let k = 1; i + k < a.length; k++) {
    const p = a[i + k].pos;
    const q = b[j + k].pos;
    if (!samePos(p, q) || p.column !== q.column) return false;
  }
  return true;
}

