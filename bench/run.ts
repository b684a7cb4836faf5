// CPU-bound benchmark: native vs qemu-x86_64 vs x64emu (npm run bench).
//   node --import tsx bench/run.ts [--emulator 'CMD ...'] [--runs N]
// Builds bench/cpu-bound.S with as/ld, runs it natively, under qemu-x86_64 (if installed) and in
// the emulator (with --stats and a breakpoint armed on a symbol that is never reached), checks
// that all print the same checksum, and reports instructions retired, MIPS and time ratios
// (best of N runs each, all measured in this same invocation).
import { runDebuggerBench } from './debugger.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsmBench } from './asm-throughput.js';
import { runLanguageBench } from './language.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.cache', 'bench');
const BREAK_SYMBOL = 'never_reached';

interface Timed { ms: number; stdout: string; stderr: string; code: number | null; signal: string | null }

function timedRun(cmd: string, args: string[], timeoutMs = 600_000): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ ms: performance.now() - t0, stdout, stderr, code, signal });
    });
  });
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

function words(cmd: string): string[] {
  return [...cmd.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

async function best(label: string, runs: number, cmd: string[]): Promise<Timed> {
  let result: Timed | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await timedRun(cmd[0]!, cmd.slice(1));
    if (r.code !== 0) {
      throw new Error(`${label} failed (status ${r.code}, signal ${r.signal}):\n${r.stderr.slice(-2000)}`);
    }
    process.stderr.write(`  ${label} run ${i + 1}: ${(r.ms / 1000).toFixed(3)} s\n`);
    if (!result || r.ms < result.ms) result = r;
  }
  return result!;
}

function perfInstructions(exe: string): number | undefined {
  if (!have('perf')) return undefined;
  const r = spawnSync('perf', ['stat', '-x', ',', '-e', 'instructions:u', exe], { encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.includes('instructions'));
  const n = line ? Number(line.split(',')[0]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let emulator = 'node dist/cli.js run';
  let runs = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--emulator') emulator = argv[++i]!;
    else if (argv[i] === '--runs') runs = Number(argv[++i]);
    else { console.error(`usage: bench/run.ts [--emulator 'CMD ...'] [--runs N]`); return 2; }
  }

  // Build.
  mkdirSync(OUT, { recursive: true });
  const exe = join(OUT, 'cpu-bound');
  const as = spawnSync('as', ['--64', '-o', `${exe}.o`, join(ROOT, 'bench', 'cpu-bound.S')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`as failed: ${as.stderr}`);
  const ld = spawnSync('ld', ['-static', '-o', exe, `${exe}.o`], { encoding: 'utf8' });
  if (ld.status !== 0) throw new Error(`ld failed: ${ld.stderr}`);

  process.stderr.write(`benchmark: ${exe} (best of ${runs})\n`);
  const native = await best('native', runs, [exe]);
  const qemu = have('qemu-x86_64') ? await best('qemu-x86_64', runs, ['qemu-x86_64', exe]) : undefined;
  const emuCmd = words(emulator);
  const cli = emuCmd.find((w) => w.endsWith('cli.js'));
  if (cli && !existsSync(resolve(ROOT, cli))) throw new Error(`${cli} not found: run "npm run build" first`);
  const emu = await best('emulator', runs, [...emuCmd, exe, '--stats', '--break', BREAK_SYMBOL]);

  // Checksums.
  const checksum = native.stdout.trim();
  let ok = true;
  console.log(`checksum: native ${checksum}`);
  for (const [name, r] of [['qemu', qemu], ['emulator', emu]] as const) {
    if (!r) continue;
    const c = r.stdout.trim();
    const same = c === checksum;
    ok &&= same;
    console.log(`checksum: ${name} ${c} ${same ? '(same)' : '(DIFFERENT)'}`);
  }

  // Instructions retired and MIPS.
  const count = /instructions:\s*([\d_,]+)/.exec(emu.stderr)?.[1]?.replace(/[_,]/g, '');
  const mips = /emulator:\s*([\d.]+)\s*MIPS/.exec(emu.stderr)?.[1];
  const instructions = count ? Number(count) : undefined;
  console.log(`instructions retired: ${instructions ?? 'unknown (no "instructions: N" in --stats output)'}`);
  const perf = perfInstructions(exe);
  if (perf !== undefined && instructions !== undefined) {
    const diff = Math.abs(perf - instructions) / instructions;
    console.log(`perf stat instructions:u (native): ${perf} (${(diff * 100).toFixed(3)}% from the emulator's count)`);
    if (diff > 0.001) { console.log('  WARNING: emulator instruction count differs from the CPU count by more than 0.1%'); }
  } else {
    console.log('perf stat instructions:u: not available here (skipped cross-check)');
  }
  console.log(`emulator: ${mips ?? '?'} MIPS (as reported by --stats)${instructions ? `; ${(instructions / (emu.ms / 1000) / 1e6).toFixed(1)} MIPS over the whole process run` : ''}`);
  console.log(`time (best of ${runs}): native ${(native.ms / 1000).toFixed(3)} s${qemu ? `, qemu ${(qemu.ms / 1000).toFixed(3)} s` : ''}, emulator ${(emu.ms / 1000).toFixed(3)} s`);
  console.log(`ratio emulator/native: ${(emu.ms / native.ms).toFixed(1)}x`);
  if (qemu) console.log(`ratio emulator/qemu: ${(emu.ms / qemu.ms).toFixed(1)}x`);
  else console.log('ratio emulator/qemu: n/a (qemu-x86_64 not installed: apt-get install qemu-user)');
  // System mode: the same program as a kernel (CPL 0, paging on, 4-level walks behind the TLB).
  const sysExe = join(OUT, 'cpu-bound-system');
  const sysAs = spawnSync('as', ['--64', '--defsym', 'SYSTEM=1', '-o', `${sysExe}.o`, join(ROOT, 'bench', 'cpu-bound.S')], { encoding: 'utf8' });
  if (sysAs.status !== 0) throw new Error(`as failed: ${sysAs.stderr}`);
  const sysLd = spawnSync('ld', ['-T', join(ROOT, 'bench', 'system.lds'), '-o', sysExe, `${sysExe}.o`], { encoding: 'utf8' });
  if (sysLd.status !== 0) throw new Error(`ld failed: ${sysLd.stderr}`);
  const sys = await best('emulator (system mode)', runs, [...emuCmd, sysExe, '--mode', 'system', '--cpus', '1', '--memory', '64', '--stats', '--break', BREAK_SYMBOL]);
  const sysSame = sys.stdout.trim() === checksum;
  ok &&= sysSame;
  const sysMips = /emulator:\s*([\d.]+)\s*MIPS/.exec(sys.stderr)?.[1];
  console.log(`checksum: system mode ${sys.stdout.trim()} ${sysSame ? '(same)' : '(DIFFERENT)'}`);
  console.log(`system mode (journal off): ${sysMips ?? '?'} MIPS; ratio to user mode ${sysMips && mips ? (Number(sysMips) / Number(mips)).toFixed(2) : '?'}`);
  const sysJ = await best('emulator (system mode, journal on)', runs, [...emuCmd, sysExe, '--mode', 'system', '--cpus', '1', '--memory', '64', '--stats', '--journal', '--break', BREAK_SYMBOL]);
  const sysJMips = /emulator:\s*([\d.]+)\s*MIPS/.exec(sysJ.stderr)?.[1];
  ok &&= sysJ.stdout.trim() === checksum;
  console.log(`system mode (journal on): ${sysJMips ?? '?'} MIPS; ratio to user mode ${sysJMips && mips ? (Number(sysJMips) / Number(mips)).toFixed(2) : '?'}`);
  // Assembler throughput against GNU as + ld (same file, same run, best of 3).
  const a = runAsmBench(join(OUT, 'asm'));
  console.log(`assembler: ${a.lines} lines; x64emu asm ${a.oursSeconds.toFixed(2)} s (${Math.round(a.lines / a.oursSeconds)} lines/s), GNU as+ld ${a.gnuSeconds.toFixed(2)} s (${Math.round(a.lines / a.gnuSeconds)} lines/s); ratio ours/GNU ${(a.oursSeconds / a.gnuSeconds).toFixed(1)}x`);
  if (!ok) console.log('FAIL: checksums differ');
  await runLanguageBench();
  await runDebuggerBench();
  return ok ? 0 : 1;
}

main().then((c) => process.exit(c), (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
