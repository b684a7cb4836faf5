// Whole-program differential suite: every test/programs/*.S is assembled and linked (GNU as,
// ld -static, no libc) into .cache/programs/, run natively and on the emulator
// (`node dist/cli.js run --stats`), and the two runs must agree on the stdout bytes and the
// exit status (a native death by signal N counts as 128 + N, as the emulator reports it).
//
//   node --import tsx test/programs/run.ts [NAME-SUBSTRING...]
//
// prints one line per program (with the emulator's instruction count) and a summary
// `programs: N, mismatches: M`; exits 1 on any mismatch. Needs dist/cli.js (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIR = join(ROOT, 'test', 'programs');
const BUILD_DIR = join(ROOT, '.cache', 'programs');
const CLI = join('dist', 'cli.js');
const NATIVE_TIMEOUT_MS = 30_000;
const EMULATOR_TIMEOUT_MS = 300_000;

export interface ProgramCase {
  /** file name without .S */
  name: string;
  source: string;
  args: string[];
  stdin?: Buffer;
  /** What the program is written to end with natively; a different native status means the test program itself is wrong. */
  nativeStatus?: number;
}

export interface Outcome {
  stdout: Buffer;
  stderr: string;
  /** exit status, or 128 + signal number; -1 if the process could not be run or timed out */
  status: number;
  error?: string;
  ms: number;
  instructions?: number;
}

export interface Comparison {
  program: ProgramCase;
  native: Outcome;
  emulator: Outcome;
  /** empty when native and emulated runs agree */
  problems: string[];
}

/** Input for 08_stdin: ~200 KB of deterministic text (more than a pipe buffer), last line unterminated. */
function stdinText(): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'x', 'emulator', 'native', '42', 'ünïcödé', 'tab\there', 'end.', '—', 'a_b_c'];
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const lines: string[] = ['The first line of the input for 08_stdin.'];
  let size = 0;
  while (size < 200_000) {
    const n = next() % 14;
    const line = Array.from({ length: n }, () => words[next() % words.length]).join(next() % 5 === 0 ? '  ' : ' ');
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(lines.join('\n') + '\n  last line without a newline');
}

/** Per-program arguments, input and expected native ending; programs not listed run without arguments or input. */
const SETUP: Record<string, Partial<Omit<ProgramCase, 'name' | 'source'>>> = {
  '07_args': { args: ['alpha', '', 'with space', 'ünïcödé', '--flag=1', 'x'.repeat(300), '*?$HOME'] },
  '08_stdin': { stdin: stdinText() },
  '10_fault_null': { nativeStatus: 128 + 11 },
  '11_fault_divide': { nativeStatus: 128 + 8 },
  '12_fault_readonly': { nativeStatus: 128 + 11 },
  '13_guard_page': { nativeStatus: 128 + 11 },
  '14_read_readonly': { stdin: Buffer.from('Input that must not be lost by a failed read.\n'.repeat(40)) },
};

export function listPrograms(): ProgramCase[] {
  return readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith('.S'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -2);
      return { name, source: join(SOURCE_DIR, f), args: [], ...SETUP[name] };
    });
}

export function haveBinutils(): boolean {
  return ['as', 'ld'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** Why the suite cannot run on this machine, or undefined if it can. */
export function unavailableReason(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `needs an x86-64 Linux host (this is ${process.platform}/${process.arch})`;
  if (!haveBinutils()) return 'GNU as and ld not found (apt-get install binutils)';
  if (!existsSync(join(ROOT, CLI))) return `${CLI} is missing (npm run build)`;
  return undefined;
}

/** Assembles and links one program; returns the executable's path relative to ROOT. */
export function buildProgram(p: ProgramCase): string {
  mkdirSync(BUILD_DIR, { recursive: true });
  const exe = join(BUILD_DIR, p.name);
  const obj = `${exe}.o`;
  const tmp = `${exe}.tmp`;
  const a = spawnSync('as', ['--64', '-I', dirname(p.source), '-o', obj, p.source], { encoding: 'utf8' });
  if (a.status !== 0) throw new Error(`as failed for ${p.source}:\n${a.stderr}`);
  const l = spawnSync('ld', ['-static', '-o', tmp, obj], { encoding: 'utf8' });
  if (l.status !== 0) throw new Error(`ld failed for ${obj}:\n${l.stderr}`);
  renameSync(tmp, exe);
  rmSync(obj, { force: true });
  return relative(ROOT, exe);
}

function execute(cmd: string, args: string[], p: ProgramCase, timeout: number): Outcome {
  const t0 = performance.now();
  // Same working directory and argv[0] for both runs; the emulator passes no environment, so
  // neither does the native run.
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env: cmd === process.execPath ? process.env : {},
    input: p.stdin ?? Buffer.alloc(0),
    timeout,
    killSignal: 'SIGKILL',
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  const stderr = r.stderr?.toString('utf8') ?? '';
  const stdout = r.stdout ?? Buffer.alloc(0);
  if (r.error) return { stdout, stderr, status: -1, error: (r.error as Error).message, ms };
  const status = r.status ?? 128 + (constants.signals[r.signal as keyof typeof constants.signals] ?? 0);
  return { stdout, stderr, status, ms };
}

export function runNative(exe: string, p: ProgramCase): Outcome {
  return execute(exe, p.args, p, NATIVE_TIMEOUT_MS);
}

export function runEmulator(exe: string, p: ProgramCase): Outcome {
  const o = execute(process.execPath, [CLI, 'run', '--stats', exe, '--', ...p.args], p, EMULATOR_TIMEOUT_MS);
  const m = /^instructions: (\d+)$/m.exec(o.stderr);
  if (m) o.instructions = Number(m[1]);
  // Leave only what the program or a fault report wrote.
  o.stderr = o.stderr.replace(/^(instructions|seconds|emulator): .*\n/gm, '');
  return o;
}

/** First differing line of two outputs, for messages. */
export function firstDifference(a: Buffer, b: Buffer): string {
  const la = a.toString('latin1').split('\n');
  const lb = b.toString('latin1').split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      const show = (s: string | undefined) => (s === undefined ? '(no line)' : JSON.stringify(s.length > 200 ? s.slice(0, 200) + '…' : s));
      return `line ${i + 1}:\n    native:   ${show(la[i])}\n    emulator: ${show(lb[i])}`;
    }
  }
  return '(identical)';
}

export function compareProgram(p: ProgramCase): Comparison {
  const exe = buildProgram(p);
  const native = runNative(exe, p);
  const emulator = runEmulator(exe, p);
  const problems: string[] = [];
  if (native.error) problems.push(`native run failed: ${native.error}`);
  if (emulator.error) problems.push(`emulator run failed: ${emulator.error}`);
  if (p.nativeStatus !== undefined && native.status !== p.nativeStatus) {
    problems.push(`native status ${native.status}, but the program is meant to end with ${p.nativeStatus} (test program bug?)`);
  }
  if (native.status !== emulator.status) problems.push(`exit status: native ${native.status}, emulator ${emulator.status}`);
  if (!native.stdout.equals(emulator.stdout)) {
    problems.push(`stdout differs (native ${native.stdout.length} bytes, emulator ${emulator.stdout.length} bytes), ${firstDifference(native.stdout, emulator.stdout)}`);
  }
  if (problems.length && emulator.stderr.trim()) {
    problems.push(`emulator stderr:\n    ${emulator.stderr.trimEnd().split('\n').slice(0, 20).join('\n    ')}`);
  }
  return { program: p, native, emulator, problems };
}

function main(filters: string[]): number {
  const why = unavailableReason();
  if (why) {
    console.error(`programs: cannot run: ${why}`);
    return 2;
  }
  const programs = listPrograms().filter((p) => filters.length === 0 || filters.some((f) => p.name.includes(f)));
  let mismatches = 0;
  const width = Math.max(...programs.map((p) => p.name.length));
  for (const p of programs) {
    let c: Comparison;
    try {
      c = compareProgram(p);
    } catch (e) {
      mismatches++;
      console.log(`FAIL ${p.name.padEnd(width)}  ${(e as Error).message}`);
      continue;
    }
    const ok = c.problems.length === 0;
    if (!ok) mismatches++;
    const insns = c.emulator.instructions === undefined ? '?' : c.emulator.instructions.toLocaleString('en-US');
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${p.name.padEnd(width)}  status ${String(c.native.status).padStart(3)}` +
        `  stdout ${String(c.native.stdout.length).padStart(6)} B  instructions ${insns.padStart(11)}` +
        `  (emulator ${(c.emulator.ms / 1000).toFixed(2)} s, native ${c.native.ms.toFixed(0)} ms)`,
    );
    for (const problem of c.problems) console.log(`       ${problem}`);
  }
  console.log(`programs: ${programs.length}, mismatches: ${mismatches}`);
  return mismatches === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
