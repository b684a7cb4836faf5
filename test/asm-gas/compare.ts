/**
 * The corpus comparison: every test/asm-gas/corpus/*.s is assembled by GNU as and by our front
 * end; section contents and attributes, symbol tables and relocations must agree.
 *
 *   npx tsx test/asm-gas/compare.ts [--encoder=oracle|project] [file.s ...]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { assembleLines, linesOfText } from '../../src/core/asm/gas/index.js';
import type { EncodeFn } from '../../src/core/asm/gas/encoder-api.js';
import type { ObjectModule } from '../../src/core/asm/object.js';
import { formatDiagnostic } from '../../src/core/asm/types.js';
import { readElf, RELOC_KINDS } from './elf.js';

export const CORPUS = join('test', 'asm-gas', 'corpus');

export function haveGnuAs(): boolean {
  try {
    execFileSync('as', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const IGNORED_SECTIONS = new Set(['', '.symtab', '.strtab', '.shstrtab', '.comment']);
const BIND = ['local', 'global', 'weak'];
const TYPE: Record<number, string> = { 0: 'notype', 1: 'object', 2: 'func', 3: 'section', 4: 'file' };

/** Differences between GNU as's object file and our module (empty when they agree). */
export function compareWithGas(file: string, encoder: EncodeFn, includeDirs: string[] = []): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gas-cmp-'));
  try {
    const obj = join(dir, 'o.o');
    try {
      execFileSync('as', ['--64', ...includeDirs.flatMap((d) => ['-I', d]), '-o', obj, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      return [`GNU as failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`];
    }
    const elf = readElf(readFileSync(obj));
    const fs = {
      readFile: (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
      resolve: (d: string, rel: string) => join(d, rel),
      dirname: (p: string) => dirname(p),
    };
    const r = assembleLines(linesOfText(readFileSync(file, 'utf8'), basename(file)), { fileName: basename(file), encoder, fs, includeDirs });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (!r.module) return [`we failed:\n${errors.map(formatDiagnostic).join('\n')}`];
    return diff(elf, r.module);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function diff(elf: ReturnType<typeof readElf>, m: ObjectModule): string[] {
  const out: string[] = [];
  const secName = (i: number) => elf.sections[i]?.name ?? `#${i}`;
  const gasSections = elf.sections.filter((s) => !IGNORED_SECTIONS.has(s.name) && s.type !== 4 && s.type !== 2 && s.type !== 3);
  for (const g of gasSections) {
    const o = m.sections.find((s) => s.name === g.name);
    if (!o) {
      out.push(`section ${g.name}: missing in ours`);
      continue;
    }
    if (o.type !== g.type) out.push(`section ${g.name}: type ${o.type}, GNU as ${g.type}`);
    if (o.flags !== g.flags) out.push(`section ${g.name}: flags 0x${o.flags.toString(16)}, GNU as 0x${g.flags.toString(16)}`);
    if (o.size !== g.size) out.push(`section ${g.name}: size ${o.size}, GNU as ${g.size}`);
    if (o.alignment !== g.align) out.push(`section ${g.name}: alignment ${o.alignment}, GNU as ${g.align}`);
    if (g.type !== 8) {
      const n = Math.min(o.bytes.length, g.bytes.length);
      for (let i = 0; i < n; i++) {
        if (o.bytes[i] !== g.bytes[i]) {
          const ctx = (b: Uint8Array) => Buffer.from(b.subarray(Math.max(0, i - 4), i + 12)).toString('hex');
          out.push(`section ${g.name}: first byte difference at 0x${i.toString(16)}: ours ${ctx(o.bytes)}, GNU as ${ctx(g.bytes)}`);
          break;
        }
      }
    }
    const rel = (elf.relocs.get(g.index) ?? []).map((r) => {
      const s = elf.symbols[r.sym];
      const k = RELOC_KINDS[r.type];
      const name = s.type === 3 ? secName(s.shndx) : s.name;
      return `${r.offset.toString(16)} ${k ? k.kind + k.size : 'type' + r.type} ${name}${r.addend >= 0n ? '+' : ''}${r.addend}`;
    });
    const ours = o.fixups.map((f) => `${f.offset.toString(16)} ${f.kind}${f.size} ${f.symbol}${f.addend >= 0n ? '+' : ''}${f.addend}`);
    setDiff(`relocations of ${g.name}`, ours, rel, out);
  }
  for (const o of m.sections) {
    if (!gasSections.some((g) => g.name === o.name)) out.push(`section ${o.name}: only in ours`);
  }
  const gsyms = elf.symbols.slice(1).filter((s) => s.type !== 3).map((s) => {
    const where = s.shndx === 0 ? 'UND' : s.shndx === 0xfff1 ? 'ABS' : secName(s.shndx);
    return `${s.name} ${where} ${s.value.toString(16)} ${BIND[s.bind] ?? s.bind} ${TYPE[s.type] ?? s.type} ${s.size}`;
  });
  const osyms = m.symbols.filter((s) => s.type !== 'section').map((s) => {
    const where = !s.defined ? 'UND' : s.section ?? 'ABS';
    return `${s.name} ${where} ${s.defined ? BigInt.asUintN(64, s.value).toString(16) : '0'} ${s.binding} ${s.type} ${s.size ?? 0n}`;
  });
  setDiff('symbols', osyms, gsyms, out);
  return out;
}

function setDiff(what: string, ours: string[], gas: string[], out: string[]): void {
  const a = [...ours].sort();
  const b = [...gas].sort();
  const onlyOurs = a.filter((x) => !b.includes(x));
  const onlyGas = b.filter((x) => !a.includes(x));
  if (onlyOurs.length || onlyGas.length) {
    out.push(`${what}: only ours [${onlyOurs.join('; ')}], only GNU as [${onlyGas.join('; ')}]`);
  }
}

export function corpusFiles(): string[] {
  return readdirSync(CORPUS).filter((f) => f.endsWith('.s')).sort().map((f) => join(CORPUS, f));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const which = args.find((a) => a.startsWith('--encoder='))?.slice(10) ?? 'oracle';
  const files = args.filter((a) => !a.startsWith('--'));
  let encoder: EncodeFn;
  let dispose = () => {};
  if (which === 'project') {
    encoder = (await import('../../src/core/asm/gas/encoder-adapter.js')).defaultEncoder;
  } else {
    const { GasOracle } = await import('./oracle.js');
    const o = new GasOracle();
    encoder = o.encode;
    dispose = () => o.dispose();
  }
  const list = files.length ? files : corpusFiles();
  let bad = 0;
  for (const f of list) {
    const d = compareWithGas(f, encoder);
    if (d.length) {
      bad++;
      console.log(`MISMATCH ${f}\n  ${d.join('\n  ')}`);
    }
  }
  dispose();
  console.log(`gas-vs-ours: ${list.length} files, ${bad} mismatches`);
}

if (process.argv[1] && process.argv[1].endsWith('compare.ts')) void main();
