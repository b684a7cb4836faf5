// A test case and the builder the family generators use to make one.
import { Rng, mask, u64 } from './prng.js';
import {
  BASE_RFLAGS, COMPARED_FLAGS, DEFAULT_RSP, MEM, MEM_MAX, RSP, regName, type Width,
} from './layout.js';

/** A register's initial value: a number, or an assembler expression (e.g. a label) resolved at link time. */
export type RegInit = bigint | string;

export interface Case {
  family: string;
  /** The instruction(s) under test as a human reads them (labels shown as written). */
  text: string;
  /**
   * The single instruction under test, self-contained (no labels), when the case is exactly one
   * instruction: used to cross-check the flag table against iced-x86.
   */
  insn?: string;
  /** Mnemonic key into flags-table.json and operand width, for the cross-check. */
  flagKey?: { mnemonic: string; width: Width; count?: number };
  /** Assembly lines executed between the initial state and the capture. '@' becomes a per-case label prefix. */
  body: string[];
  regs: RegInit[];
  /** Initial RFLAGS (loaded with pushq/popfq). */
  flags: number;
  /** Initial contents of the compared memory region MEM .. MEM+mem.length (length multiple of 8). */
  mem: Uint8Array;
  /** 8-byte slots of the region initialised with an assembler expression (label addresses) instead. */
  memSyms: [offset: number, expr: string][];
  /** RFLAGS bits (among the compared ones) that are undefined and not compared. */
  flagsUndefined: number;
  /** Per-register mask of the bits compared (absent = all 64 bits). */
  regMask: (bigint | undefined)[];
  /** Byte ranges [start, end) of the region that are not compared. */
  memIgnore: [number, number][];
  /** Upper bound of instructions the body retires (for the emulator's --max-instructions). */
  steps: number;
}

// ---------------------------------------------------------------------------------------------
// Operand values

/** Interesting values of a given width: 0, +-1, sign boundaries of every width up to it, patterns. */
export function edgeValues(width: number): bigint[] {
  const out = new Set<bigint>();
  const m = mask(width);
  const add = (v: bigint): void => { out.add(v & m); };
  for (const v of [0n, 1n, 2n, 3n, m, m - 1n, 0x55n, 0xaan]) add(v);
  for (let k = 8; k <= width; k *= 2) {
    const top = 1n << BigInt(k - 1);
    for (const v of [top - 1n, top, top + 1n, top - 2n, (top << 1n) - 1n, top << 1n, -top, -top - 1n]) add(v);
    add(0x5555555555555555n & mask(k));
    add(0xaaaaaaaaaaaaaaaan & mask(k));
  }
  return [...out];
}

/** A value of `width` bits: about half edge values, the rest random with various shapes. */
export function operandValue(rng: Rng, width: number): bigint {
  const m = mask(width);
  switch (rng.int(8)) {
    case 0: case 1: case 2: case 3:
      return rng.pick(edgeValues(width));
    case 4: return rng.bits(width);
    case 5: return BigInt(rng.range(-40, 40)) & m; // small signed
    case 6: { // few bits set
      let v = 0n;
      for (let i = rng.int(4); i >= 0; i--) v |= 1n << BigInt(rng.int(width));
      return v;
    }
    default: { // random with a random-length run of top bits forced
      const v = rng.bits(width);
      const k = BigInt(rng.int(width));
      return rng.bool() ? v | (m ^ ((1n << k) - 1n)) : v & ((1n << k) - 1n);
    }
  }
}

/** A full 64-bit register value for a register that is not an operand (varied but mostly random). */
export function fillerValue(rng: Rng): bigint {
  return rng.int(4) === 0 ? operandValue(rng, 64) : rng.u64();
}

export function randomFlags(rng: Rng): number {
  return BASE_RFLAGS | (rng.u32() & COMPARED_FLAGS);
}

// ---------------------------------------------------------------------------------------------
// Builder

export interface RegOperand { reg: number; width: Width; high: boolean; name: string }

export class CaseBuilder {
  readonly regs: RegInit[] = [];
  flags: number;
  mem: Uint8Array;
  readonly memSyms: [number, string][] = [];
  readonly body: string[] = [];
  flagsUndefined = 0;
  readonly regMask: (bigint | undefined)[] = new Array(16).fill(undefined);
  readonly memIgnore: [number, number][] = [];
  steps = 1;
  insn?: string;
  flagKey?: { mnemonic: string; width: Width; count?: number };
  private readonly used = new Set<number>();

  constructor(readonly rng: Rng, readonly family: string, memLen = 32) {
    for (let r = 0; r < 16; r++) this.regs.push(fillerValue(rng));
    this.regs[RSP] = BigInt(DEFAULT_RSP);
    this.flags = randomFlags(rng);
    this.mem = rng.bytes(memLen);
  }

  /** Grow the compared memory region to at least `len` bytes (rounded up to 8) with random bytes. */
  useMem(len: number): void {
    len = Math.ceil(len / 8) * 8;
    if (len > MEM_MAX) throw new Error(`memory region ${len} too large`);
    if (len <= this.mem.length) return;
    const grown = this.rng.bytes(len);
    grown.set(this.mem);
    this.mem = grown;
  }

  reserve(...regs: number[]): void {
    for (const r of regs) this.used.add(r);
  }

  isFree(reg: number): boolean {
    return !this.used.has(reg);
  }

  /** Choose a free register (never %rsp unless allowRsp) and reserve it. */
  pickReg(opts: { allowRsp?: boolean; exclude?: number[]; from?: number[] } = {}): number {
    const pool = (opts.from ?? [...Array(16).keys()]).filter(
      (r) => !this.used.has(r) && (r !== RSP || opts.allowRsp) && !(opts.exclude ?? []).includes(r),
    );
    if (!pool.length) throw new Error('no free register');
    const r = this.rng.pick(pool);
    this.used.add(r);
    return r;
  }

  /**
   * Choose a register operand of `width` (possibly %ah..%bh for 8-bit when `allowHigh`) and reserve it.
   * %rsp is used occasionally when allowRsp is set.
   */
  pickOperand(width: Width, opts: { allowHigh?: boolean; allowRsp?: boolean; exclude?: number[] } = {}): RegOperand {
    const high = width === 8 && !!opts.allowHigh && this.rng.int(4) === 0
      && [0, 1, 2, 3].some((r) => this.isFree(r) && !(opts.exclude ?? []).includes(r));
    const allowRsp = !!opts.allowRsp && this.rng.int(12) === 0;
    const reg = high
      ? this.pickReg({ from: [0, 1, 2, 3], exclude: opts.exclude })
      : this.pickReg({ allowRsp, exclude: opts.exclude });
    return { reg, width, high, name: regName(reg, width, high) };
  }

  /** An operand register at a fixed register number. */
  fixedOperand(reg: number, width: Width, high = false): RegOperand {
    this.used.add(reg);
    return { reg, width, high, name: regName(reg, width, high) };
  }

  /** Set the operand's bits in its register; the other bits keep their random filler. */
  setOperand(op: RegOperand, value: bigint): void {
    const shift = op.high ? 8n : 0n;
    const m = mask(op.width) << shift;
    const old = typeof this.regs[op.reg] === 'bigint' ? (this.regs[op.reg] as bigint) : this.rng.u64();
    this.regs[op.reg] = u64((old & ~m) | ((value << shift) & m));
  }

  setReg(reg: number, value: RegInit): void {
    this.regs[reg] = typeof value === 'bigint' ? u64(value) : value;
  }

  setMem(offset: number, width: number, value: bigint): void {
    this.useMem(offset + width / 8);
    for (let i = 0; i < width / 8; i++) this.mem[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  }

  getMem(offset: number, width: number): bigint {
    let v = 0n;
    for (let i = width / 8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.mem[offset + i]!);
    return v;
  }

  setMemSym(offset: number, expr: string): void {
    if (offset % 8) throw new Error('symbol slots must be 8-aligned');
    this.useMem(offset + 8);
    this.memSyms.push([offset, expr]);
  }

  undefinedFlags(bits: number): void {
    this.flagsUndefined |= bits;
  }

  /** Do not compare the bits of `bits` of register `reg`. */
  ignoreRegBits(reg: number, bits: bigint): void {
    this.regMask[reg] = (this.regMask[reg] ?? mask(64)) & ~bits;
  }

  ignoreMem(start: number, end: number): void {
    this.memIgnore.push([start, end]);
  }

  /**
   * An AT&T memory operand addressing MEM+offset through a random addressing form
   * (absolute, RIP-relative, base, base+index*scale+disp, index*scale+disp, 32-bit address size).
   * Registers used for the address are reserved and given values that produce the address.
   */
  memOperand(offset: number, opts: { allowRsp?: boolean; simple?: boolean } = {}): string {
    // Now and then a segment override (CS/SS/ES/DS are ignored in 64-bit mode).
    const seg = this.rng.int(16) === 0 ? this.rng.pick(['%cs:', '%ss:', '%es:']) : '';
    return seg + this.memAddress(offset, opts);
  }

  private memAddress(offset: number, opts: { allowRsp?: boolean; simple?: boolean }): string {
    const rng = this.rng;
    const addr = BigInt(MEM + offset);
    const form = opts.simple ? rng.int(2) : rng.int(9);
    const hexs = (v: bigint): string => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));
    const disp = (): bigint => {
      switch (rng.int(4)) {
        case 0: return 0n;
        case 1: return BigInt(rng.range(-128, 127));
        case 2: return BigInt(rng.range(-0x10000, 0x10000));
        default: return BigInt(rng.range(-0x7fff0000, 0x7fff0000));
      }
    };
    const free = (allowRsp: boolean): boolean => [...Array(16).keys()].some((r) => this.isFree(r) && (r !== RSP || allowRsp));
    switch (form) {
      case 0:
        return hexs(addr);
      case 1:
        return `mem+${offset}(%rip)`;
      case 2: case 3: {
        if (!free(!!opts.allowRsp)) return hexs(addr);
        const b = this.pickReg({ allowRsp: !!opts.allowRsp && rng.int(4) === 0 });
        const d = disp();
        this.setReg(b, addr - d);
        return `${d === 0n && rng.bool() ? '' : hexs(d)}(${regName(b, 64)})`;
      }
      case 4: case 5: case 6: {
        if (!free(false) || !free(!!opts.allowRsp)) return hexs(addr);
        const b = this.pickReg({ allowRsp: !!opts.allowRsp && rng.int(4) === 0 });
        if (!free(false)) { this.setReg(b, addr); return `(${regName(b, 64)})`; }
        const i = this.pickReg();
        const scale = rng.pick([1n, 2n, 4n, 8n]);
        const iv = rng.int(3) === 0 ? rng.u64() : BigInt(rng.range(-64, 64));
        const d = disp();
        this.setReg(i, iv);
        this.setReg(b, addr - d - iv * scale);
        return `${hexs(d)}(${regName(b, 64)},${regName(i, 64)},${scale})`;
      }
      case 7: {
        if (!free(false)) return hexs(addr);
        const i = this.pickReg();
        const scale = rng.pick([1n, 2n, 4n, 8n]);
        const iv = BigInt(rng.range(-64, 64));
        this.setReg(i, iv);
        return `${hexs(addr - iv * scale)}(,${regName(i, 64)},${scale})`;
      }
      default: {
        // 32-bit address size: the upper halves of base and index are ignored, the sum wraps at 2^32.
        if (!free(false) || !free(false)) return hexs(addr);
        const b = this.pickReg();
        const i = this.pickReg();
        const scale = rng.pick([1n, 2n, 4n, 8n]);
        const iv = rng.bits(32);
        const d = BigInt(rng.range(-128, 127));
        const base32 = (addr - d - iv * scale) & mask(32);
        this.setReg(i, (rng.bits(32) << 32n) | iv);
        this.setReg(b, (rng.bits(32) << 32n) | base32);
        return `${hexs(d)}(${regName(b, 32)},${regName(i, 32)},${scale})`;
      }
    }
  }

  /** Record the single instruction under test (also the text and the flag-table key). */
  op(line: string, flagKey?: { mnemonic: string; width: Width; count?: number }): void {
    this.body.push(line);
    this.insn = line;
    this.flagKey = flagKey;
  }

  build(text?: string): Case {
    if (this.mem.length > MEM_MAX) throw new Error('memory region too large');
    return {
      family: this.family,
      text: text ?? this.body.join('; '),
      insn: this.body.length === 1 && !this.body[0]!.includes('@') ? this.insn : undefined,
      flagKey: this.flagKey,
      body: [...this.body],
      regs: [...this.regs],
      flags: this.flags,
      mem: this.mem,
      memSyms: [...this.memSyms],
      flagsUndefined: this.flagsUndefined & COMPARED_FLAGS,
      regMask: [...this.regMask],
      memIgnore: [...this.memIgnore],
      steps: this.steps,
    };
  }
}
