// Assembling/linking generated programs and running processes.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XBASE } from './layout.js';

export function haveTool(name: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
}

export function run(cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string; stdoutLimit?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outLen = 0;
    let err = '';
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (d: Buffer) => {
      outLen += d.length;
      if (opts.stdoutLimit && outLen > opts.stdoutLimit) { child.kill('SIGKILL'); return; }
      out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => { if (err.length < 1 << 16) err += d.toString('utf8'); });
    child.on('error', (e) => { if (timer) clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal, timedOut, ms: performance.now() - t0 });
    });
  });
}

/**
 * Assemble and link `source` into an executable inside `dir`, reusing a previous build of the same
 * source. Returns the executable's path.
 */
export async function buildProgram(source: string, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha1').update(source).digest('hex').slice(0, 16);
  const exe = join(dir, `${name}-${hash}`);
  if (existsSync(exe)) { pruneStale(dir, name, hash); return exe; }
  const asm = `${exe}.s`;
  const obj = `${exe}.o`;
  writeFileSync(asm, source);
  const a = await run('as', ['--64', '-o', obj, asm]);
  if (a.code !== 0) throw new Error(`as failed for ${asm}:\n${a.stderr.slice(0, 4000)}`);
  const tmp = `${exe}.tmp`;
  const l = await run('ld', ['-static', '-nostdlib', `--section-start=.xmem=0x${XBASE.toString(16)}`, '-o', tmp, obj]);
  if (l.code !== 0) throw new Error(`ld failed for ${obj}:\n${l.stderr.slice(0, 4000)}`);
  renameSync(tmp, exe);
  rmSync(obj, { force: true });
  rmSync(asm, { force: true });
  pruneStale(dir, name, hash);
  return exe;
}

/** Drop stale builds of the same program (older generator versions or seeds). */
function pruneStale(dir: string, name: string, hash: string): void {
  for (const f of readdirSync(dir)) {
    if (f.startsWith(`${name}-`) && !f.startsWith(`${name}-${hash}`)) rmSync(join(dir, f), { force: true });
  }
}

/** Keep the assembly source next to an executable (for programs with mismatches). */
export function keepSource(exe: string, source: string): string {
  const asm = `${exe}.s`;
  writeFileSync(asm, source);
  return asm;
}

/** Run async tasks with at most `limit` in flight, preserving result order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Split a command line into words (supports simple '...' and "..." quoting). */
export function splitCommand(cmd: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd))) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}
