// Runs GNU as on a list of single-instruction lines and splits the result per line: bytes,
// relocations, or the error GAS reported. Used by the encoder corpus test and the corpus tools.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GasReloc {
  /** Offset within the instruction. */
  offset: number;
  type: number;
  typeName: string;
  size: 1 | 2 | 4 | 8;
  symbol: string;
  addend: bigint;
}

export interface GasLine {
  line: string;
  /** Undefined when GAS rejected the line. */
  bytes?: Uint8Array;
  /** Offset of the line's first byte in .text. */
  offset?: number;
  relocs?: GasReloc[];
  error?: string;
  warning?: string;
  /** GAS aborted with an internal error on this line (not comparable). */
  crashed?: boolean;
}

export function haveGas(): boolean {
  const r = spawnSync('sh', ['-c', 'command -v as'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

const RELOC_NAMES: Record<number, [string, 1 | 2 | 4 | 8]> = {
  1: ['R_X86_64_64', 8],
  2: ['R_X86_64_PC32', 4],
  4: ['R_X86_64_PLT32', 4],
  10: ['R_X86_64_32', 4],
  11: ['R_X86_64_32S', 4],
  12: ['R_X86_64_16', 2],
  13: ['R_X86_64_PC16', 2],
  14: ['R_X86_64_8', 1],
  15: ['R_X86_64_PC8', 1],
  24: ['R_X86_64_PC64', 8],
};

/** Label that marks line i (global-looking so that it lands in the symbol table). */
export const lineLabel = (i: number) => `L__${i}`;

function runAs(source: string): { stderr: string; obj?: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'asm-encoder-'));
  try {
    const src = join(dir, 'c.s');
    const obj = join(dir, 'c.o');
    writeFileSync(src, source);
    const r = spawnSync('as', ['--64', '-o', obj, src], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.error) throw r.error;
    return { stderr: r.stderr, obj: r.status === 0 ? readFileSync(obj) : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Messages per 1-based source line from GAS's stderr. */
function parseMessages(stderr: string): Map<number, { error?: string; warning?: string }> {
  const out = new Map<number, { error?: string; warning?: string }>();
  for (const l of stderr.split('\n')) {
    const m = /^[^:]*:(\d+): (Error|Warning): (.*)$/.exec(l);
    if (!m) continue;
    const n = Number(m[1]);
    const e = out.get(n) ?? {};
    if (m[2] === 'Error') e.error ??= m[3];
    else e.warning ??= m[3];
    out.set(n, e);
  }
  return out;
}

interface Elf {
  text: Uint8Array;
  symbols: Map<string, number>;
  relocs: Array<{ offset: number; type: number; symbol: string; addend: bigint }>;
}

function parseElf(buf: Buffer): Elf {
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const sec = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      name: buf.readUInt32LE(o),
      type: buf.readUInt32LE(o + 4),
      offset: Number(buf.readBigUInt64LE(o + 0x18)),
      size: Number(buf.readBigUInt64LE(o + 0x20)),
      link: buf.readUInt32LE(o + 0x28),
      info: buf.readUInt32LE(o + 0x2c),
    };
  };
  const shstr = sec(shstrndx);
  const cstr = (off: number) => {
    let e = off;
    while (buf[e] !== 0) e++;
    return buf.toString('latin1', off, e);
  };
  const secs = Array.from({ length: shnum }, (_, i) => ({ ...sec(i), index: i }));
  const named = secs.map((s) => ({ ...s, nameStr: cstr(shstr.offset + s.name) }));
  const text = named.find((s) => s.nameStr === '.text')!;
  const symtab = named.find((s) => s.type === 2)!;
  const strtab = secs[symtab.link];
  const syms: Array<{ name: string; value: number; shndx: number }> = [];
  for (let o = symtab.offset; o < symtab.offset + symtab.size; o += 24) {
    syms.push({
      name: cstr(strtab.offset + buf.readUInt32LE(o)),
      shndx: buf.readUInt16LE(o + 6),
      value: Number(buf.readBigUInt64LE(o + 8)),
    });
  }
  const symbols = new Map<string, number>();
  for (const s of syms) if (s.shndx === text.index && s.name) symbols.set(s.name, s.value);
  const relocs: Elf['relocs'] = [];
  const rela = named.find((s) => s.type === 4 && s.info === text.index);
  if (rela) {
    for (let o = rela.offset; o < rela.offset + rela.size; o += 24) {
      const info = buf.readBigUInt64LE(o + 8);
      const sym = syms[Number(info >> 32n)];
      relocs.push({
        offset: Number(buf.readBigUInt64LE(o)),
        type: Number(info & 0xffffffffn),
        symbol: sym.name || (sym.shndx === 0xfff1 ? '*ABS*' : `section${sym.shndx}`),
        addend: buf.readBigInt64LE(o + 16),
      });
    }
  }
  return { text: new Uint8Array(buf.subarray(text.offset, text.offset + text.size)), symbols, relocs };
}

/**
 * Assembles every line separately (in one `as` run, each line preceded by a label) and returns
 * per line its bytes and relocations, or the GAS error. `prologue` lines (e.g. `.set` symbols)
 * go first.
 */
export function assembleLines(lines: string[], prologue: string[] = []): GasLine[] {
  const head = ['.text', ...prologue];
  const body = (ls: Array<{ i: number; line: string }>) =>
    [...head, ...ls.map(({ i, line }) => `${lineLabel(i)}: ${line}`), `${lineLabel(lines.length)}:`, ''].join('\n');
  // Rejected lines keep their label (branch targets may refer to it) but lose the instruction.
  // Pass 1: find the lines GAS rejects. GAS aborts on an internal error (e.g. `shld` with three
  // 32-bit registers): such a line is marked and blanked, and the pass repeated.
  const lineNo = (i: number) => head.length + i + 1;
  const crashed = new Set<number>();
  const source = () => body(lines.map((line, i) => ({ i, line: crashed.has(i) ? '' : line })));
  let first = runAs(source());
  for (;;) {
    const m = /:(\d+): Internal error/.exec(first.stderr);
    if (!m) break;
    crashed.add(Number(m[1]) - head.length - 1);
    first = runAs(source());
  }
  const msgs = parseMessages(first.stderr);
  const result: GasLine[] = lines.map((line, i) => {
    const m = msgs.get(lineNo(i));
    if (crashed.has(i)) return { line, error: 'GAS internal error', crashed: true };
    return { line, error: m?.error, warning: m?.warning };
  });
  let obj = first.obj;
  if (!obj) {
    const second = runAs(body(lines.map((line, i) => ({ i, line: result[i].error === undefined ? line : '' }))));
    if (!second.obj) {
      const errs = second.stderr.split('\n').filter((l) => /Error/.test(l));
      throw new Error(`as failed on the accepted lines:\n${errs.slice(0, 20).join('\n')}`);
    }
    obj = second.obj;
  }
  const elf = parseElf(obj);
  const starts: Array<{ i: number; off: number }> = [];
  for (let i = 0; i <= lines.length; i++) {
    const off = elf.symbols.get(lineLabel(i));
    if (off !== undefined) starts.push({ i, off });
  }
  starts.sort((a, b) => a.off - b.off || a.i - b.i);
  for (let k = 0; k < starts.length; k++) {
    const { i, off } = starts[k];
    if (i === lines.length) continue;
    const end = k + 1 < starts.length ? starts[k + 1].off : elf.text.length;
    result[i].offset = off;
    if (result[i].error !== undefined) continue;
    result[i].bytes = elf.text.slice(off, end);
    result[i].relocs = elf.relocs
      .filter((r) => r.offset >= off && r.offset < end)
      .map((r) => {
        const [typeName, size] = RELOC_NAMES[r.type] ?? [`R_${r.type}`, 4];
        return { offset: r.offset - off, type: r.type, typeName, size, symbol: r.symbol, addend: r.addend };
      });
  }
  return result;
}
