/**
 * An EvalContext over plain data for the expression tests: sparse 4 KiB pages of memory,
 * a register file, a symbol table with a per-CPU section, and per-CPU bases.
 */
import { CTypeTable } from './ctypes.js';
import type { EvalContext, SegmentRegister } from './expression.js';

const PAGE = 4096n;

export class FakeMachine implements EvalContext {
  readonly pages = new Map<bigint, Uint8Array>();
  readonly registers = new Map<string, bigint>();
  readonly symbols = new Map<string, bigint>();
  readonly perCpuSymbols = new Set<string>();
  readonly perCpuBases: bigint[] = [];
  readonly segmentBases: Partial<Record<SegmentRegister, bigint>> = {};
  cpu = 0;
  cpuCount = 1;
  macros?: (text: string) => string;
  pagewalkText?: (addr: bigint, cr3?: bigint) => string;

  constructor(public types: CTypeTable = new CTypeTable()) {}

  map(address: bigint, length: number): this {
    for (let page = address & ~(PAGE - 1n); page < address + BigInt(length); page += PAGE) {
      if (!this.pages.has(page)) this.pages.set(page, new Uint8Array(Number(PAGE)));
    }
    return this;
  }
  poke(address: bigint, bytes: Uint8Array | number[]): this {
    const data = Uint8Array.from(bytes);
    this.map(address, data.length);
    if (this.writeMemory(address, data)) throw new Error('poke failed');
    return this;
  }
  pokeU64(address: bigint, value: bigint): this {
    const bytes: number[] = [];
    for (let i = 0n; i < 8n; i++) bytes.push(Number((BigInt.asUintN(64, value) >> (8n * i)) & 0xffn));
    return this.poke(address, bytes);
  }
  peekU64(address: bigint): bigint {
    const b = this.readMemory(address, 8)!;
    return b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  }

  register(name: string): bigint | undefined {
    return this.registers.get(name);
  }
  setRegister(name: string, value: bigint): string | undefined {
    if (!this.registers.has(name)) return `no register ${name}`;
    this.registers.set(name, value);
    return undefined;
  }
  symbol(name: string): bigint | undefined {
    return this.symbols.get(name);
  }
  symbolNames(): Iterable<string> {
    return this.symbols.keys();
  }
  isPerCpuSymbol(name: string): boolean {
    return this.perCpuSymbols.has(name);
  }
  perCpuBase(cpu: number): bigint | undefined {
    return this.perCpuBases[cpu];
  }
  segmentBase(seg: SegmentRegister): bigint {
    return this.segmentBases[seg] ?? 0n;
  }
  readMemory(address: bigint, size: number): Uint8Array | undefined {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const a = BigInt.asUintN(64, address + BigInt(i));
      const page = this.pages.get(a & ~(PAGE - 1n));
      if (!page) return i === 0 ? undefined : out.slice(0, i);
      out[i] = page[Number(a & (PAGE - 1n))];
    }
    return out;
  }
  writeMemory(address: bigint, bytes: Uint8Array): string | undefined {
    for (let i = 0; i < bytes.length; i++) {
      const a = BigInt.asUintN(64, address + BigInt(i));
      const page = this.pages.get(a & ~(PAGE - 1n));
      if (!page) return `0x${a.toString(16)} is not mapped`;
      page[Number(a & (PAGE - 1n))] = bytes[i];
    }
    return undefined;
  }
  expandMacros(text: string): string {
    return this.macros ? this.macros(text) : text;
  }
  pagewalk(addr: bigint, cr3?: bigint): string {
    return this.pagewalkText ? this.pagewalkText(addr, cr3) : `walk of 0x${addr.toString(16)}${cr3 === undefined ? '' : ` under 0x${cr3.toString(16)}`}`;
  }
  describeAddress(address: bigint): string | undefined {
    for (const [name, value] of this.symbols) if (value === address) return name;
    return undefined;
  }
}
