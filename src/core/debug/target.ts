/**
 * What the debugger drives: one machine (a Linux process on one CPU, or a booted system on N
 * CPUs) behind one interface, so the stepping engine and the views do not care which.
 */
import type { ElfImage } from '../loader/elf.js';
import type { LinuxProcess } from '../loader/linux-process.js';
import type { SymbolMap } from '../loader/symbols.js';
import type { BootedSystem } from '../loader/system-boot.js';
import type { Cpu } from '../machine/cpu.js';
import type { JournalOptions } from '../machine/journal.js';
import type { PhysicalMemory } from '../machine/physical-memory.js';
import type { JournalAttachment, SystemStop } from '../machine/system-machine.js';

export interface DebugTarget {
  readonly mode: 'user' | 'system';
  readonly cpus: readonly Cpu[];
  readonly image: ElfImage;
  readonly symbols: SymbolMap;
  readonly phys: PhysicalMemory;
  /** Instructions retired by all CPUs: the machine's clock (journal positions). */
  readonly time: number;
  /** Runs the whole machine (every CPU, in its deterministic schedule). */
  run(maxInstructions: number, skipBreakpointAt: number, skipCpu: number): SystemStop;
  /** Runs CPU `n` alone (a step of the selected CPU). */
  runCpu(n: number, maxInstructions: number, skipBreakpointAt: number): SystemStop;
  enableJournal(options?: JournalOptions): void;
  readonly journaling: boolean;
  /** Earliest time a rewind can reach (Infinity without a journal). */
  readonly horizon: number;
  rewindTo(time: number, fromEarlierCheckpoint?: boolean): boolean;
  /** The checkpoint the last rewind re-executed from. */
  readonly replayedFrom: number;
  /** Machine time just before CPU n executed the instruction it retired as number k. */
  timeOfInstruction(n: number, k: number): number | undefined;
  /** Registers or memory were changed from outside the program (debugger writes). */
  noteExternalChange(): void;
  /** State the journal must carry along (shadow call stacks). */
  attach(a: JournalAttachment): void;
}

export function userTarget(proc: LinuxProcess): DebugTarget {
  return {
    mode: 'user',
    cpus: [proc.cpu],
    image: proc.image,
    symbols: proc.symbols,
    phys: proc.machine.phys,
    get time() {
      return proc.cpu.retired;
    },
    run: (max, skip) => withCpu(proc.exitStatus !== null ? { kind: 'exit', status: proc.exitStatus } : proc.run(max, skip)),
    runCpu: (_n, max, skip) => withCpu(proc.exitStatus !== null ? { kind: 'exit', status: proc.exitStatus } : proc.run(max, skip)),
    enableJournal: (o) => proc.enableJournal(o),
    get journaling() {
      return proc.journal !== null;
    },
    get horizon() {
      return proc.journal?.horizon ?? Infinity;
    },
    rewindTo: (t, earlier) => proc.rewindTo(t, earlier),
    timeOfInstruction: (_n, k) => k,
    get replayedFrom() {
      return proc.replayedFrom;
    },
    attach: (a) => proc.attachments.push(a),
    noteExternalChange: () => proc.noteExternalChange(),
  };
}

function withCpu(stop: Omit<SystemStop, 'cpu'>): SystemStop {
  return { ...stop, cpu: 0 } as SystemStop;
}

export function systemTarget(booted: BootedSystem): DebugTarget {
  const m = booted.machine;
  return {
    mode: 'system',
    cpus: m.cpus,
    image: booted.image,
    symbols: booted.symbols,
    phys: m.phys,
    get time() {
      return m.time;
    },
    run: (max, skip, skipCpu) => m.run(max, skip, skipCpu),
    runCpu: (n, max, skip) => m.runCpu(n, max, skip),
    enableJournal: (o) => m.enableJournal(o),
    get journaling() {
      return m.journal !== null;
    },
    get horizon() {
      return m.journal?.horizon ?? Infinity;
    },
    rewindTo: (t, earlier) => m.rewindTo(t, earlier),
    timeOfInstruction: (n, k) => m.timeOfInstruction(n, k),
    get replayedFrom() {
      return m.replayedFrom;
    },
    attach: (a) => m.attachments.push(a),
    noteExternalChange: () => m.noteExternalChange(),
  };
}
