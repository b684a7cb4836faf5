// Builds corpus programs with GNU as, links them with GNU ld and with our linker, and compares
// what a loader sees: PT_LOAD segments (addresses, flags, sizes, bytes), entry point, symbols.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { link, type LinkResult } from '../../src/core/asm/link/index.js';
import type { ObjectModule } from '../../src/core/asm/object.js';
import { formatDiagnostic } from '../../src/core/asm/types.js';
import { readElf, type ElfFile } from './elf-file.js';
import { readObject } from './read-object.js';

export const CACHE = '.cache/asm-link';
export const CORPUS = 'test/asm-link/corpus';

export const hasBinutils =
  spawnSync('as', ['--version']).status === 0 && spawnSync('ld', ['--version']).status === 0 && spawnSync('readelf', ['--version']).status === 0;

export interface CorpusCase {
  name: string;
  dir: string;
  sources: string[];
  script?: string;
  entry?: string;
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(CORPUS, d.name);
      const files = readdirSync(dir);
      const order = files.includes('order') ? readFileSync(join(dir, 'order'), 'utf8').split(/\s+/).filter(Boolean) : files.filter((f) => /\.[sS]$/.test(f)).sort();
      const script = files.find((f) => f.endsWith('.lds'));
      const entry = files.includes('entry') ? readFileSync(join(dir, 'entry'), 'utf8').trim() : undefined;
      return { name: d.name, dir, sources: order.map((f) => join(dir, f)), script: script ? join(dir, script) : undefined, entry };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface Built {
  objects: string[];
  modules: ObjectModule[];
  gnu: string;
  gnuStderr: string;
  ours: LinkResult;
  oursPath: string;
}

/** Assembles (with -g for line records), links with ld and with our linker. */
export function build(c: CorpusCase): Built {
  const out = join(CACHE, c.name);
  mkdirSync(out, { recursive: true });
  const objects = c.sources.map((src) => {
    const obj = join(out, basename(src).replace(/\.[sS]$/, '.o'));
    const r = run('as', ['-g', '-o', obj, src]);
    if (r.status !== 0) throw new Error(`as ${src} failed:\n${r.stderr}`);
    return obj;
  });
  const gnu = join(out, 'gnu.elf');
  const ldArgs = ['-static', '-o', gnu];
  if (c.script) ldArgs.push('-T', c.script);
  if (c.entry) ldArgs.push('-e', c.entry);
  const ld = run('ld', [...ldArgs, ...objects]);
  if (ld.status !== 0) throw new Error(`ld failed:\n${ld.stderr}`);
  const modules = objects.map((o) => readObject(new Uint8Array(readFileSync(o)), basename(o)));
  const ours = link(modules, {
    script: c.script ? { text: readFileSync(c.script, 'utf8'), fileName: c.script } : undefined,
    entry: c.entry,
  });
  const oursPath = join(out, 'ours.elf');
  if (ours.elf) writeFileSync(oursPath, ours.elf);
  return { objects, modules, gnu, gnuStderr: ld.stderr, ours, oursPath };
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** Differences a loader could observe between ld's output and ours (empty when they agree). */
export function compareExecutables(gnuBytes: Uint8Array, ourBytes: Uint8Array): string[] {
  const g = readElf(gnuBytes);
  const o = readElf(ourBytes);
  const diffs: string[] = [];
  if (g.entry !== o.entry) diffs.push(`entry: ld ${hex(g.entry)}, ours ${hex(o.entry)}`);
  const loads = (e: ElfFile) => e.phdrs.filter((p) => p.type === 1);
  const gl = loads(g);
  const ol = loads(o);
  if (gl.length !== ol.length) diffs.push(`PT_LOAD count: ld ${gl.length}, ours ${ol.length}`);
  const hdrEnd = (e: ElfFile) => BigInt(64 + 56 * e.phdrs.length);
  for (let i = 0; i < Math.min(gl.length, ol.length); i++) {
    const a = gl[i];
    const b = ol[i];
    for (const k of ['vaddr', 'paddr', 'flags', 'filesz', 'memsz', 'offset', 'align'] as const) {
      if (a[k] !== b[k]) diffs.push(`PT_LOAD[${i}].${k}: ld ${hex(BigInt(a[k]))}, ours ${hex(BigInt(b[k]))}`);
    }
    // Loaded bytes, except the ELF and program headers themselves (section counts differ).
    const skipG = a.offset === 0n ? hdrEnd(g) : 0n;
    const skipO = b.offset === 0n ? hdrEnd(o) : 0n;
    const skip = skipG > skipO ? skipG : skipO;
    const len = a.filesz < b.filesz ? a.filesz : b.filesz;
    const ga = g.bytes.subarray(Number(a.offset + skip), Number(a.offset + len));
    const ob = o.bytes.subarray(Number(b.offset + skip), Number(b.offset + len));
    for (let k = 0; k < ga.length; k++) {
      if (ga[k] !== ob[k]) {
        diffs.push(`PT_LOAD[${i}] byte at ${hex(a.vaddr + skip + BigInt(k))}: ld ${ga[k].toString(16)}, ours ${ob[k].toString(16)}`);
        break;
      }
    }
  }
  const otherPhdrs = (e: ElfFile) => e.phdrs.filter((p) => p.type !== 1).map((p) => `${hex(BigInt(p.type))}:${hex(p.vaddr)}:${hex(p.memsz)}:${p.flags}`).join(' ');
  if (otherPhdrs(g) !== otherPhdrs(o)) diffs.push(`other program headers: ld [${otherPhdrs(g)}], ours [${otherPhdrs(o)}]`);
  // Allocated sections: name, address, size, type, flags.
  const allocs = (e: ElfFile) => e.sections.filter((s) => (s.flags & 2n) !== 0n).map((s) => `${s.name}@${hex(s.addr)}+${hex(BigInt(s.size))}:${s.type}:${s.flags}`);
  const ga = allocs(g).join(' ');
  const oa = allocs(o).join(' ');
  if (ga !== oa) diffs.push(`allocated sections:\n  ld   ${ga}\n  ours ${oa}`);
  // Symbols: globals by name/value/binding; locals by name/value.
  const globals = (e: ElfFile) => new Map(e.symbols.filter((s) => s.bind !== 0).map((s) => [s.name, `${hex(s.value)}/${s.bind}/${s.shndx === 0 ? 'UND' : 'def'}`]));
  const gg = globals(g);
  const og = globals(o);
  for (const [n, v] of gg) if (og.get(n) !== v) diffs.push(`global ${n}: ld ${v}, ours ${og.get(n) ?? 'missing'}`);
  for (const [n, v] of og) if (!gg.has(n)) diffs.push(`global ${n}: ours ${v}, ld missing`);
  const locals = (e: ElfFile) => e.symbols.filter((s) => s.bind === 0 && s.type !== 4 && s.type !== 3).map((s) => `${s.name}=${hex(s.value)}`).sort().join(' ');
  if (locals(g) !== locals(o)) diffs.push(`locals:\n  ld   ${locals(g)}\n  ours ${locals(o)}`);
  return diffs;
}

export function diagnosticsText(r: LinkResult): string {
  return r.diagnostics.map(formatDiagnostic).join('\n');
}

export function ensureCache(): void {
  if (!existsSync(CACHE)) mkdirSync(CACHE, { recursive: true });
}
