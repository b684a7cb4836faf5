/**
 * The Linux user-mode personality: a static x86-64 ELF runs at CPL 3 on real page tables, and
 * `syscall` is served by the emulator (syscalls.ts) instead of a kernel. Host I/O comes
 * through an injected ProcessHost, so this file stays free of Node APIs.
 */
import { BareMachine } from '../machine/bare-machine.js';
import { StopReason } from '../machine/cpu.js';
import { PF_ERR, Vector } from '../machine/faults.js';
import { Access } from '../machine/paging.js';
import { OutOfGuestMemory } from '../machine/physical-memory.js';
import { AddressSpace, PROT, Vma, pageFlags } from './address-space.js';
import { CpuState, restoreCpuState, saveCpuState } from '../machine/cpu-state.js';
import { Journal, JournalOptions } from '../machine/journal.js';
import type { JournalAttachment } from '../machine/system-machine.js';
import { ElfImage, PF_R, PF_W, PF_X, PT_INTERP, PT_LOAD, parseElf } from './elf.js';
import { SymbolMap } from './symbols.js';
import { serveIa32Syscall, serveSyscall } from './syscalls.js';

export interface ProcessHost {
  /** Guest output on fd 1 or 2. */
  write(fd: number, data: Uint8Array): void;
  /** Up to `max` bytes of guest input on fd 0; an empty array means end of file. */
  read(fd: number, max: number): Uint8Array;
  /** One-line diagnostics (unknown syscalls...), shown to the user. */
  warn(message: string): void;
}

export interface ProcessOptions {
  argv: string[];
  envp?: string[];
  memoryMiB?: number;
  /** Wall-clock time at start, in ns since the epoch; guest time advances 1 ns per instruction. */
  startTimeNs?: bigint;
}

export const STACK_TOP = 0x7ffffffff000;
/** RLIMIT_STACK-style bound for on-demand stack growth. */
export const STACK_LIMIT = 8 << 20;
const INITIAL_STACK = 128 << 10;
export const MMAP_TOP = 0x7ffff7fff000;
const PAGE = 4096;

const AT = {
  NULL: 0,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  PLATFORM: 15,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  RANDOM: 25,
  EXECFN: 31,
} as const;

export class LinuxProcess {
  readonly machine: BareMachine;
  readonly space: AddressSpace;
  readonly image: ElfImage;
  readonly symbols: SymbolMap;
  readonly pid = 1;
  brkStart = 0;
  brk = 0;
  exitStatus: number | null = null;
  readonly startTimeNs: bigint;
  /** Syscall numbers already reported as unsupported (each is reported once). */
  readonly reportedSyscalls = new Set<number>();
  /** Reverse execution (enableJournal); null when off. */
  journal: Journal<ProcessState> | null = null;
  private nextCheckpoint = Infinity;
  /** The checkpoint the last rewind re-executed from. */
  replayedFrom = 0;
  /** Re-executing after a rewind: output is not repeated, input comes from the record. */
  replaying = false;
  /** State beside the process (the debugger's shadow call stack) saved at checkpoints. */
  readonly attachments: JournalAttachment[] = [];
  /** Every byte the program read, so re-execution reads the same. */
  private readonly inputLog: Uint8Array[] = [];
  private inputCursor = 0;

  constructor(
    elfBytes: Uint8Array,
    readonly host: ProcessHost,
    readonly options: ProcessOptions,
    fileName = 'program',
  ) {
    this.image = parseElf(elfBytes, fileName);
    if (this.image.programHeaders.some((p) => p.type === PT_INTERP)) {
      throw new Error(`${fileName}: dynamically linked programs are not supported; link with -static`);
    }
    if (this.image.type !== 'exec') {
      throw new Error(`${fileName}: position-independent executables are not supported yet; link with -static -no-pie`);
    }
    this.symbols = new SymbolMap(this.image.symbols);
    this.machine = new BareMachine((options.memoryMiB ?? 256) << 20);
    this.space = new AddressSpace(this.machine);
    this.startTimeNs = options.startTimeNs ?? 1_700_000_000_000_000_000n;
    this.loadSegments(fileName);
    this.buildStack();
    const cpu = this.machine.cpu;
    cpu.rip = this.image.entry;
    cpu.sel.set([0, 0x33, 0x2b, 0, 0, 0]);
    cpu.syscallHook = (c) => serveSyscall(this, c);
    // int $0x80: the 32-bit system call gate Linux keeps for 64-bit processes.
    cpu.softwareInterruptHook = (c, vector) => vector === 0x80 && (serveIa32Syscall(this, c), true);
  }

  get cpu() {
    return this.machine.cpu;
  }

  /**
   * PT_LOAD segments become VMAs with the segments' protections; pages holding file bytes are
   * populated now, the rest (.bss) on first touch. Pages shared by two segments get both.
   */
  private loadSegments(fileName: string): void {
    const pageProt = new Map<number, number>();
    const loads = this.image.programHeaders.filter((p) => p.type === PT_LOAD && p.memsz > 0);
    for (const ph of loads) {
      if (ph.vaddr < PAGE || ph.vaddr + ph.memsz > MMAP_TOP - (64 << 20)) {
        throw new Error(`${fileName}: segment at 0x${ph.vaddr.toString(16)} is outside the user address range`);
      }
      const prot = (ph.flags & PF_R ? PROT.READ : 0) | (ph.flags & PF_W ? PROT.WRITE : 0) | (ph.flags & PF_X ? PROT.EXEC : 0);
      for (let page = Math.floor(ph.vaddr / PAGE) * PAGE; page < ph.vaddr + ph.memsz; page += PAGE) {
        pageProt.set(page, (pageProt.get(page) ?? 0) | prot);
      }
    }
    if (pageProt.size === 0) throw new Error(`${fileName}: no loadable segments`);
    // One VMA per run of consecutive pages with equal protection.
    const pages = [...pageProt.keys()].sort((a, b) => a - b);
    let runStart = pages[0];
    for (let i = 1; i <= pages.length; i++) {
      const prev = pages[i - 1];
      if (i < pages.length && pages[i] === prev + PAGE && pageProt.get(pages[i]) === pageProt.get(prev)) continue;
      this.space.add(runStart, prev + PAGE, pageProt.get(prev)!, 'image');
      if (i < pages.length) runStart = pages[i];
    }
    for (const ph of loads) {
      if (ph.filesz === 0) continue;
      for (let page = Math.floor(ph.vaddr / PAGE) * PAGE; page < ph.vaddr + ph.filesz; page += PAGE) {
        if (this.machine.tables.frameOf(page) === undefined) {
          this.machine.tables.map(page, this.machine.frames.allocate(), pageFlags(pageProt.get(page)!));
        }
      }
      this.machine.cpu.flushTlb();
      this.machine.load(ph.vaddr, this.image.bytes.subarray(ph.offset, ph.offset + ph.filesz));
    }
    this.brkStart = this.brk = pages[pages.length - 1] + PAGE;
    this.space.add(this.brk, this.brk, PROT.READ | PROT.WRITE, 'heap');
  }

  /**
   * argc, argv, envp and auxv, and above them the strings in the kernel's order (argv strings
   * ascending, then envp strings, then the executable name at the top), 16-byte aligned.
   */
  private buildStack(): void {
    this.space.add(STACK_TOP - INITIAL_STACK, STACK_TOP, PROT.READ | PROT.WRITE, 'stack', { limit: STACK_LIMIT });
    const enc = new TextEncoder();
    const envp = this.options.envp ?? [];
    const argv = this.options.argv;
    const strings = [...argv, ...envp, argv[0] ?? 'program'].map((x) => enc.encode(x + '\0'));
    const total = strings.reduce((n, b) => n + b.length, 0);
    let at = STACK_TOP - 8 - total;
    const addresses: number[] = [];
    for (const b of strings) {
      this.copyToUser(at, b);
      addresses.push(at);
      at += b.length;
    }
    const argPtrs = addresses.slice(0, argv.length);
    const envPtrs = addresses.slice(argv.length, argv.length + envp.length);
    const execfn = addresses[addresses.length - 1];
    let sp = STACK_TOP - 8 - total;
    const pushBytes = (data: Uint8Array): number => {
      sp -= data.length;
      this.copyToUser(sp, data);
      return sp;
    };
    const platform = pushBytes(enc.encode('x86_64\0'));
    sp = Math.floor(sp / 16) * 16;
    // AT_RANDOM: 16 bytes; deterministic so runs repeat exactly.
    const random = pushBytes(Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff));
    const phdr = this.programHeaderAddress();
    const auxv: Array<[number, number]> = [
      [AT.PHDR, phdr],
      [AT.PHENT, 56],
      [AT.PHNUM, this.image.programHeaders.length],
      [AT.PAGESZ, PAGE],
      [AT.BASE, 0],
      [AT.FLAGS, 0],
      [AT.ENTRY, this.image.entry],
      [AT.UID, 1000],
      [AT.EUID, 1000],
      [AT.GID, 1000],
      [AT.EGID, 1000],
      [AT.SECURE, 0],
      [AT.HWCAP, 0],
      [AT.CLKTCK, 100],
      [AT.RANDOM, random],
      [AT.PLATFORM, platform],
      [AT.EXECFN, execfn],
      [AT.NULL, 0],
    ];
    const words: number[] = [argv.length, ...argPtrs, 0, ...envPtrs, 0, ...auxv.flat()];
    sp = Math.floor((sp - words.length * 8) / 16) * 16;
    const block = new Uint8Array(words.length * 8);
    const view = new DataView(block.buffer);
    words.forEach((w, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(w)), true));
    this.copyToUser(sp, block);
    this.cpu.setRegNumber(4, sp);
  }

  /** copy_to_user: false (EFAULT) unless the whole range is writable by the program. */
  copyToUser(addr: number, data: Uint8Array): boolean {
    if (this.space.accessible(addr, data.length, true) < data.length) return false;
    return this.machine.cpu.mem.poke(addr, data);
  }

  /** copy_from_user: the readable prefix of [addr, addr + len) (shorter if it runs into a hole). */
  copyFromUser(addr: number, len: number): Uint8Array {
    const n = this.space.accessible(addr, len, false);
    return this.machine.cpu.mem.peek(addr, n);
  }

  /** Where the program headers are in memory (inside the first segment that maps the header). */
  private programHeaderAddress(): number {
    const phoff = new DataView(this.image.bytes.buffer, this.image.bytes.byteOffset).getBigUint64(32, true);
    for (const ph of this.image.programHeaders) {
      if (ph.type === PT_LOAD && BigInt(ph.offset) <= phoff && phoff < BigInt(ph.offset + ph.filesz)) {
        return ph.vaddr + Number(phoff) - ph.offset;
      }
    }
    return 0;
  }

  /**
   * Runs until exit, an unhandled fault, a breakpoint or the instruction budget. Page faults
   * on valid but untouched memory are served as the kernel does (demand paging, stack growth);
   * running out of guest RAM ends the process as the OOM killer would.
   */
  run(maxInstructions: number, skipBreakpointAt = NaN): StopReason {
    const cpu = this.cpu;
    const target = cpu.retired + maxInstructions;
    for (;;) {
      if (this.journal !== null && cpu.retired >= this.nextCheckpoint) this.checkpoint();
      const slice = Math.min(target, this.nextCheckpoint) - cpu.retired;
      const reason = cpu.run(slice, skipBreakpointAt);
      skipBreakpointAt = NaN;
      if (reason.kind === 'limit' && cpu.retired < target) continue;
      if (reason.kind !== 'fault' || reason.fault.vector !== Vector.PF || reason.fault.address === undefined) return reason;
      const code = reason.fault.errorCode;
      const access = code & PF_ERR.W ? Access.Write : code & PF_ERR.I ? Access.Execute : Access.Read;
      try {
        if (!this.space.fault(Number(BigInt.asIntN(64, reason.fault.address)), access)) return reason;
      } catch (e) {
        if (!(e instanceof OutOfGuestMemory)) throw e;
        this.host.warn(`${e.message}: the process was killed (raise the machine's memory with --memory)`);
        this.exitStatus = 137;
        return { kind: 'exit', status: 137 };
      }
    }
  }

  // ---- reverse execution ----

  enableJournal(options: JournalOptions = {}): void {
    this.journal = new Journal<ProcessState>(this.machine.phys, () => this.cpu.mem.flushFastWrites(), options);
    this.checkpoint();
  }

  /**
   * The debugger changed registers or memory: start a new epoch here so rewinding to this
   * moment or later re-executes from the changed state, and earlier from the recorded one.
   */
  noteExternalChange(): void {
    if (this.journal === null) return;
    this.journal.checkpoint(this.cpu.retired, this.saveState(), true);
    this.nextCheckpoint = this.cpu.retired + this.journal.interval;
  }

  private checkpoint(): void {
    const journal = this.journal!;
    journal.checkpoint(this.cpu.retired, this.saveState());
    this.nextCheckpoint = this.cpu.retired + journal.interval;
  }

  /**
   * Puts the process back to the moment `target` instructions had retired (exactly: every
   * register, flag, byte of memory and TLB entry). False if the journal no longer reaches it.
   */
  rewindTo(target: number, fromEarlierCheckpoint = false): boolean {
    const journal = this.journal;
    if (journal === null || target > this.cpu.retired || target < journal.horizon) return false;
    const point = journal.rewind(target, fromEarlierCheckpoint);
    if (!point) return false;
    this.replayedFrom = point.at;
    this.restoreState(point.state);
    this.nextCheckpoint = point.at + journal.interval;
    this.replaying = true;
    this.cpu.ignoreBreakpoints = true;
    try {
      while (this.cpu.retired < target) {
        const r = this.run(target - this.cpu.retired);
        if (r.kind !== 'limit') break;
      }
    } finally {
      this.replaying = false;
      this.cpu.ignoreBreakpoints = false;
    }
    return this.cpu.retired === target;
  }

  /** Guest input through the record (re-execution reads what the first run read). */
  readInput(max: number): Uint8Array {
    if (this.inputCursor < this.inputLog.length) {
      const recorded = this.inputLog[this.inputCursor++];
      return recorded.subarray(0, max);
    }
    const data = this.host.read(0, max);
    if (this.journal !== null) {
      this.inputLog.push(data);
      this.inputCursor++;
    }
    return data;
  }

  /** Diagnostics, also not repeated while re-executing. */
  warn(message: string): void {
    if (!this.replaying) this.host.warn(message);
  }

  /** Guest output, suppressed while re-executing (it already happened). */
  writeOutput(fd: number, data: Uint8Array): void {
    if (!this.replaying) this.host.write(fd, data);
  }

  private saveState(): ProcessState {
    return {
      cpu: saveCpuState(this.cpu),
      brk: this.brk,
      vmas: this.space.vmas.map((v) => ({ ...v, growsDown: v.growsDown ? { ...v.growsDown } : undefined })),
      frames: this.machine.frames.snapshot(),
      exitStatus: this.exitStatus,
      reported: [...this.reportedSyscalls],
      inputCursor: this.inputCursor,
      attached: this.attachments.map((a) => a.save()),
    };
  }

  private restoreState(s: ProcessState): void {
    this.brk = s.brk;
    this.space.vmas.splice(0, this.space.vmas.length, ...s.vmas.map((v) => ({ ...v, growsDown: v.growsDown ? { ...v.growsDown } : undefined })));
    this.machine.frames.restore(s.frames);
    this.exitStatus = s.exitStatus;
    this.reportedSyscalls.clear();
    s.reported.forEach((n) => this.reportedSyscalls.add(n));
    this.inputCursor = s.inputCursor;
    restoreCpuState(this.cpu, s.cpu);
    s.attached.forEach((a, i) => this.attachments[i]?.restore(a));
  }
}

interface ProcessState {
  cpu: CpuState;
  brk: number;
  vmas: Vma[];
  frames: { next: number; freed: number[] };
  exitStatus: number | null;
  reported: number[];
  inputCursor: number;
  attached: unknown[];
}
