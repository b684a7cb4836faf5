// The differential test: generate programs, run them natively and in the emulator, compare.
import { cpus } from 'node:os';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Case } from './case.js';
import { buildProgram, haveTool, keepSource, pool, run, splitCommand, type RunResult } from './build.js';
import { FAMILIES, type Family } from './families/index.js';
import {
  COMPARED_FLAGS, FLAG_NAMES, MEM, REC_HEADER, REG64, flagsText, hex,
} from './layout.js';
import { Rng, hashString } from './prng.js';
import { programLayout, programSource, recordLength } from './program.js';

export const REPO_ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const DEFAULT_EMULATOR = 'node dist/cli.js run';
export const LONG_FACTOR = 40;

export interface Options {
  long?: boolean;
  families?: string[];
  emulator?: string;
  seed?: string;
  /** Cases per generated program. */
  chunk?: number;
  jobs?: number;
  cacheDir?: string;
  /** Scale the default per-family counts (overrides --long). */
  scale?: number;
  /** Print progress to stderr. */
  progress?: boolean;
  /** Mismatches to print in full. */
  detail?: number;
  /** Stop re-running a program after this many emulator faults. */
  maxFaults?: number;
  log?: (line: string) => void;
}

export interface Mismatch {
  family: string;
  program: string;
  index: number;
  c: Case;
  lines: string[];
}

export interface FamilyResult { cases: number; mismatches: number }

export interface Result {
  cases: number;
  mismatches: number;
  perFamily: Map<string, FamilyResult>;
  details: Mismatch[];
  programs: number;
  seconds: number;
}

interface Program {
  family: Family;
  name: string;
  /** Number of cases; generated on demand by `cases()` (deterministic). */
  count: number;
  cases: () => Case[];
}

/** The programs of a run (deterministic for a given seed); cases are generated lazily per program. */
export function generatePrograms(opts: Options): Program[] {
  const scale = opts.scale ?? (opts.long ? LONG_FACTOR : 1);
  const chunk = opts.chunk ?? (opts.long ? 2500 : 1500);
  const seed = opts.seed ?? (opts.long ? 'long-1' : 'default-1');
  const wanted = opts.families?.length ? opts.families : FAMILIES.map((f) => f.name);
  for (const name of wanted) {
    if (!FAMILIES.some((f) => f.name === name)) throw new Error(`unknown family "${name}" (known: ${FAMILIES.map((f) => f.name).join(' ')})`);
  }
  const programs: Program[] = [];
  for (const family of FAMILIES.filter((f) => wanted.includes(f.name))) {
    const total = Math.max(1, Math.round(family.count * scale));
    for (let p = 0, first = 0; first < total; p++, first += chunk) {
      const start = first;
      const end = Math.min(total, first + chunk);
      const programSeed = hashString(`${seed}:${family.name}:${p}`);
      programs.push({
        family,
        name: `${family.name}-${p}`,
        count: end - start,
        cases: () => {
          const rng = new Rng(programSeed);
          const cases: Case[] = [];
          for (let i = start; i < end; i++) cases.push(family.gen(rng, i));
          return cases;
        },
      });
    }
  }
  return programs;
}

/** Command line for running `exe` under an emulator command, starting at case `start`. */
export function emulatorArgs(emulator: string, exe: string, start: number, maxInstructions: number): string[] {
  const words = splitCommand(emulator);
  const args = start > 0 ? [String(start)] : [];
  if (words.includes('{prog}')) {
    return words.flatMap((w) => (w === '{prog}' ? [exe] : w === '{args}' ? args : [w]));
  }
  if (isX64emu(words)) {
    return [...words, exe, '--max-instructions', String(maxInstructions), ...(args.length ? ['--', ...args] : [])];
  }
  return [...words, exe, ...args];
}

function isX64emu(words: string[]): boolean {
  return words.some((w) => /(^|\/)cli\.js$/.test(w) || /x64emu$/.test(w));
}

// ---------------------------------------------------------------------------------------------
// Comparison

const FULL = 0xffffffffffffffffn;

function reg(buf: Buffer, rec: number, r: number): bigint {
  return buf.readBigUInt64LE(rec + 8 * r);
}

function flagNames(bits: number): string {
  return FLAG_NAMES.filter(([b]) => bits & b).map(([, n]) => n).join(' ') || '-';
}

function hexBytes(bytes: Uint8Array | Buffer, from: number, to: number): string {
  return Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Differences between the native and emulator records of one case (empty = equal). */
export function compareRecord(c: Case, native: Buffer, nOff: number, emu: Buffer, eOff: number): string[] {
  const lines: string[] = [];
  for (let r = 0; r < 16; r++) {
    const m = c.regMask[r] ?? FULL;
    const a = reg(native, nOff, r);
    const b = reg(emu, eOff, r);
    if ((a & m) !== (b & m)) {
      lines.push(`  ${REG64[r]!.padEnd(5)} native ${hex(a)}  emulator ${hex(b)}${m !== FULL ? `  (compared bits ${hex(m)})` : ''}`);
    }
  }
  const compared = COMPARED_FLAGS & ~c.flagsUndefined;
  const fa = Number(native.readBigUInt64LE(nOff + 128));
  const fb = Number(emu.readBigUInt64LE(eOff + 128));
  if ((fa & compared) !== (fb & compared)) {
    lines.push(`  flags native ${hex(fa, 4)} [${flagsText(fa)}]  emulator ${hex(fb, 4)} [${flagsText(fb)}]  differ in ${flagNames((fa ^ fb) & compared)}  (compared: ${flagNames(compared)})`);
  }
  const len = c.mem.length;
  const ignored = (i: number): boolean => c.memIgnore.some(([s, e]) => i >= s && i < e);
  let i = 0;
  while (i < len) {
    if (native[nOff + REC_HEADER + i] === emu[eOff + REC_HEADER + i] || ignored(i)) { i++; continue; }
    const start = i & ~7;
    let end = start + 8;
    while (end < len) {
      let diff = false;
      for (let k = end; k < end + 8; k++) if (native[nOff + REC_HEADER + k] !== emu[eOff + REC_HEADER + k] && !ignored(k)) diff = true;
      if (!diff) break;
      end += 8;
    }
    lines.push(`  mem[+${start}..+${end}) @${hex(MEM + start, 8)}  native ${hexBytes(native, nOff + REC_HEADER + start, nOff + REC_HEADER + end)}`);
    lines.push(`  ${' '.repeat(`mem[+${start}..+${end}) @${hex(MEM + start, 8)}`.length)}  emulator ${hexBytes(emu, eOff + REC_HEADER + start, eOff + REC_HEADER + end)}`);
    i = end;
  }
  return lines;
}

/** Human-readable initial state of a case. */
export function describeInitial(c: Case): string[] {
  const out: string[] = [];
  const regs = c.regs.map((v, r) => `${REG64[r]}=${typeof v === 'bigint' ? hex(v) : v}`);
  for (let r = 0; r < 16; r += 4) out.push('  ' + regs.slice(r, r + 4).join(' '));
  out.push(`  rflags=${hex(c.flags, 4)} [${flagsText(c.flags)}]  undefined (not compared): ${flagNames(c.flagsUndefined)}`);
  const syms = new Map(c.memSyms);
  for (let off = 0; off < c.mem.length; off += 32) {
    const parts: string[] = [];
    for (let q = off; q < Math.min(off + 32, c.mem.length); q += 8) parts.push(syms.has(q) ? `<${syms.get(q)}>`.padEnd(23) : hexBytes(c.mem, q, q + 8));
    out.push(`  mem+${String(off).padEnd(3)} ${parts.join('  ')}`);
  }
  if (c.memIgnore.length) out.push(`  mem bytes not compared: ${c.memIgnore.map(([s, e]) => `[+${s}, +${e})`).join(' ')}`);
  return out;
}

function faultText(r: RunResult): string {
  const why = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit status ${r.code}`;
  const err = r.stderr.trim().split('\n').slice(-6).map((l) => '    ' + l).join('\n');
  return `  emulator stopped in this case (${why})${err ? ':\n' + err : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Running

interface ProgramOutcome {
  program: Program;
  mismatches: Mismatch[];
  mismatchCount: number;
}

/** Mismatches kept in full per program (the rest are only counted). */
const KEEP_PER_PROGRAM = 40;

async function runProgram(program: Program, cases: Case[], exe: string, emulator: string, opts: Options, nativeOut: Buffer): Promise<ProgramOutcome> {
  const layout = programLayout(cases);
  const { offsets } = layout;
  const n = cases.length;
  const mismatches: Mismatch[] = [];
  let count = 0;
  const add = (index: number, lines: string[]): void => {
    count++;
    if (mismatches.length < KEEP_PER_PROGRAM) mismatches.push({ family: program.family.name, program: program.name, index, c: cases[index]!, lines });
  };
  let start = 0;
  let faults = 0;
  const maxFaults = opts.maxFaults ?? 25;
  while (start < n) {
    const args = emulatorArgs(emulator, exe, start, layout.maxInstructions);
    const r = await run(args[0]!, args.slice(1), { cwd: REPO_ROOT, timeoutMs: 600_000, stdoutLimit: offsets[n]! * 2 + 65536 });
    const out = r.stdout;
    // Walk the complete records the emulator produced.
    let pos = 0;
    let i = start;
    while (i < n && pos + recordLength(cases[i]!) <= out.length) {
      const lines = compareRecord(cases[i]!, nativeOut, offsets[i]!, out, pos);
      if (lines.length) add(i, lines);
      pos += recordLength(cases[i]!);
      i++;
    }
    const clean = r.code === 0 && !r.signal && !r.timedOut;
    if (i === n) {
      if (pos !== out.length) add(n - 1, [`  emulator wrote ${out.length - pos} bytes more than expected after the last case`]);
      if (!clean) add(n - 1, [faultText(r).replace('stopped in this case', 'failed after the last case')]);
      break;
    }
    // The emulator stopped (or wrote a short/garbled record) inside case i: report it, resume after it.
    add(i, [faultText(r) + (pos !== out.length ? `\n  (${out.length - pos} stray bytes after the last complete record)` : '')]);
    faults++;
    start = i + 1;
    if (faults >= maxFaults && start < n) {
      for (let k = start; k < n; k++) add(k, ['  not run: too many emulator faults in this program']);
      break;
    }
  }
  return { program, mismatches, mismatchCount: count };
}

export async function runDifferential(opts: Options = {}): Promise<Result> {
  const t0 = performance.now();
  const log = opts.log ?? ((l: string) => console.log(l));
  const progress = (l: string): void => { if (opts.progress) process.stderr.write(l + '\n'); };
  const emulator = opts.emulator ?? DEFAULT_EMULATOR;
  const words = splitCommand(emulator);
  if (isX64emu(words)) {
    const cli = words.find((w) => /cli\.js$/.test(w));
    if (cli && !existsSync(resolve(REPO_ROOT, cli))) throw new Error(`${cli} does not exist: run "npm run build" first`);
  }
  if (!haveTool('as') || !haveTool('ld')) throw new Error('GNU as and ld are required');
  const cacheDir = opts.cacheDir ?? join(REPO_ROOT, '.cache', 'differential', opts.long ? 'long' : 'default');
  const programs = generatePrograms(opts);
  const total = programs.reduce((s, p) => s + p.count, 0);
  progress(`differential: ${programs.length} programs, ${total} cases, emulator: ${emulator}`);
  const jobs = opts.jobs ?? Math.max(1, cpus().length);
  let done = 0;
  const outcomes = await pool(programs, jobs, async (program) => {
    const cases = program.cases();
    const source = programSource(cases);
    const exe = await buildProgram(source, cacheDir, program.name);
    const layout = programLayout(cases);
    const native = await run(exe, [], { timeoutMs: 120_000 });
    if (native.code !== 0 || native.stdout.length !== layout.offsets[cases.length]) {
      keepSource(exe, source);
      throw new Error(`native run of ${exe} failed (status ${native.code}, signal ${native.signal}, ${native.stdout.length}/${layout.offsets[cases.length]} bytes): ${native.stderr}`);
    }
    const outcome = await runProgram(program, cases, exe, emulator, opts, native.stdout);
    if (outcome.mismatchCount) keepSource(exe, source);
    else {
      rmSync(`${exe}.s`, { force: true });
      if (opts.long) rmSync(exe, { force: true });
    }
    done++;
    progress(`  [${done}/${programs.length}] ${program.name}: ${cases.length} cases, ${outcome.mismatchCount} mismatches`);
    return outcome;
  });

  const perFamily = new Map<string, FamilyResult>();
  const details: Mismatch[] = [];
  let mismatches = 0;
  for (const o of outcomes) {
    const f = perFamily.get(o.program.family.name) ?? { cases: 0, mismatches: 0 };
    f.cases += o.program.count;
    f.mismatches += o.mismatchCount;
    perFamily.set(o.program.family.name, f);
    mismatches += o.mismatchCount;
    details.push(...o.mismatches);
  }
  const result: Result = { cases: total, mismatches, perFamily, details, programs: programs.length, seconds: (performance.now() - t0) / 1000 };
  report(result, opts.detail ?? 20, log, cacheDir);
  return result;
}

export function report(r: Result, detail: number, log: (l: string) => void, cacheDir: string): void {
  // Spread the detailed examples over families: round-robin by family, first mismatches first.
  const byFamily = new Map<string, Mismatch[]>();
  for (const m of r.details) byFamily.set(m.family, [...(byFamily.get(m.family) ?? []), m]);
  const shown: Mismatch[] = [];
  for (let k = 0; shown.length < detail && shown.length < r.details.length; k++) {
    for (const list of byFamily.values()) if (list[k] && shown.length < detail) shown.push(list[k]!);
  }
  for (const m of shown) {
    log(`MISMATCH [${m.family}] ${m.program} case ${m.index}: ${m.c.text}`);
    log(' initial state:');
    for (const l of describeInitial(m.c)) log(l);
    log(' differences (native vs emulator):');
    for (const l of m.lines) log(l);
    log('');
  }
  if (r.mismatches) log(`(programs with mismatches keep their .s source in ${cacheDir})`);
  log(`differential: ${r.cases} cases, ${r.mismatches} mismatches`);
  for (const [name, f] of r.perFamily) log(`  ${name}: ${f.cases} cases, ${f.mismatches} mismatches`);
  log(`(${r.programs} programs, ${r.seconds.toFixed(1)} s)`);
}
