/**
 * The Linux user-mode personality: a static x86-64 ELF runs at CPL 3 on real page tables, and
 * `syscall` is served by the emulator (syscalls.ts) instead of a kernel. Host I/O comes
 * through an injected ProcessHost, so this file stays free of Node APIs.
 */
import { BareMachine } from '../machine/bare-machine.js';
import { StopReason } from '../machine/cpu.js';
import { Vector } from '../machine/faults.js';
import { ElfImage, PF_W, PF_X, PT_INTERP, PT_LOAD, parseElf } from './elf.js';
import { SymbolMap } from './symbols.js';
import { serveSyscall } from './syscalls.js';

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
  readonly image: ElfImage;
  readonly symbols: SymbolMap;
  readonly pid = 1;
  brkStart = 0;
  brk = 0;
  mmapNext = MMAP_TOP;
  stackBottom = STACK_TOP - INITIAL_STACK;
  exitStatus: number | null = null;
  readonly startTimeNs: bigint;
  /** Syscall numbers already reported as unsupported (each is reported once). */
  readonly reportedSyscalls = new Set<number>();

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
    this.startTimeNs = options.startTimeNs ?? 1_700_000_000_000_000_000n;
    this.loadSegments(fileName);
    this.buildStack();
    const cpu = this.machine.cpu;
    cpu.rip = this.image.entry;
    cpu.sel.set([0, 0x33, 0x2b, 0, 0, 0]);
    cpu.syscallHook = (c) => serveSyscall(this, c);
  }

  get cpu() {
    return this.machine.cpu;
  }

  private loadSegments(fileName: string): void {
    let end = 0;
    for (const ph of this.image.programHeaders) {
      if (ph.type !== PT_LOAD || ph.memsz === 0) continue;
      if (ph.vaddr < PAGE || ph.vaddr + ph.memsz > MMAP_TOP - (64 << 20)) {
        throw new Error(`${fileName}: segment at 0x${ph.vaddr.toString(16)} is outside the user address range`);
      }
      this.machine.map(ph.vaddr, ph.memsz, { user: true, write: (ph.flags & PF_W) !== 0, exec: (ph.flags & PF_X) !== 0 });
      this.machine.load(ph.vaddr, this.image.bytes.subarray(ph.offset, ph.offset + ph.filesz));
      end = Math.max(end, ph.vaddr + ph.memsz);
    }
    if (end === 0) throw new Error(`${fileName}: no loadable segments`);
    this.brkStart = this.brk = Math.ceil(end / PAGE) * PAGE;
  }

  /** argc, argv, envp, auxv and their strings, as the kernel lays them out (16-byte aligned). */
  private buildStack(): void {
    this.machine.map(this.stackBottom, STACK_TOP - this.stackBottom, { user: true, write: true, exec: false });
    const enc = new TextEncoder();
    let sp = STACK_TOP;
    const pushBytes = (data: Uint8Array): number => {
      sp -= data.length;
      this.machine.load(sp, data);
      return sp;
    };
    const cstr = (s: string) => {
      const b = enc.encode(s);
      const out = new Uint8Array(b.length + 1);
      out.set(b);
      return out;
    };
    const envp = this.options.envp ?? [];
    const argv = this.options.argv;
    const execfn = pushBytes(cstr(argv[0] ?? 'program'));
    const envPtrs = envp.map((e) => pushBytes(cstr(e)));
    const argPtrs = argv.map((a) => pushBytes(cstr(a)));
    const platform = pushBytes(cstr('x86_64'));
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
    this.machine.load(sp, block);
    this.cpu.setRegNumber(4, sp);
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
   * Runs until exit, an unhandled fault, a breakpoint or the instruction budget. Stack
   * faults just below the stack grow it, as the kernel does.
   */
  run(maxInstructions: number): StopReason {
    const cpu = this.cpu;
    const target = cpu.retired + maxInstructions;
    for (;;) {
      const reason = cpu.run(target - cpu.retired);
      if (reason.kind === 'fault' && this.growStack(reason)) continue;
      return reason;
    }
  }

  private growStack(reason: Extract<StopReason, { kind: 'fault' }>): boolean {
    const f = reason.fault;
    if (f.vector !== Vector.PF || f.address === undefined) return false;
    const addr = Number(BigInt.asIntN(64, f.address));
    if (addr >= this.stackBottom || addr < STACK_TOP - STACK_LIMIT) return false;
    const newBottom = Math.floor(addr / PAGE) * PAGE;
    this.machine.map(newBottom, this.stackBottom - newBottom, { user: true, write: true, exec: false });
    this.stackBottom = newBottom;
    return true;
  }
}
