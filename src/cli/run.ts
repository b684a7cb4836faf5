/** `x64emu run`: run a static Linux x86-64 program headless. */
import { readFileSync, readSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { Vector, VECTOR_NAMES, describePageFaultErrorCode } from '../core/machine/faults.js';
import { formatLinear } from '../core/machine/linear-memory.js';
import type { Cpu, StopReason } from '../core/machine/cpu.js';
import type { SymbolMap } from '../core/loader/symbols.js';
import { LinuxProcess, ProcessHost } from '../core/loader/linux-process.js';
import { describeChanges, formatTraceLine, snapshot } from '../core/inspect/trace.js';
import { SourceMap } from '../core/inspect/source-map.js';
import { disassembleAt } from '../core/isa/disasm.js';
import { bootSystem } from '../core/loader/system-boot.js';
import { assembleForRun } from './asm.js';
import type { BuildOptions } from '../core/asm/build.js';
import { SystemStop } from '../core/machine/system-machine.js';
import { signalFor } from '../core/loader/signals.js';

export interface RunOptions {
  mode: 'user' | 'system';
  cpus: number;
  /** The ELF file, or the first of `sources` (argv[0] in user mode, the name in reports). */
  program: string;
  /** .S/.s files to assemble and link in memory instead of reading an ELF (empty: none). */
  sources: string[];
  /** -I/-D/-U/-T for `sources`. */
  build: Omit<BuildOptions, 'fs' | 'files'>;
  args: string[];
  maxInstructions: number;
  trace: boolean;
  stats: boolean;
  breakAt: string[];
  memoryMiB: number;
  /** Keep the execution journal (reverse stepping) while running: for measuring its cost. */
  journal: boolean;
}

const nodeHost: ProcessHost = {
  write(fd, data) {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
  },
  read(fd, max) {
    const buf = Buffer.alloc(max);
    try {
      const n = readSync(fd, buf, 0, max, null);
      return new Uint8Array(buf.subarray(0, n));
    } catch {
      return new Uint8Array(0);
    }
  },
  warn(message) {
    process.stderr.write(`x64emu: ${message}\n`);
  },
};

export function runCommand(opts: RunOptions): number {
  let bytes: Uint8Array;
  if (opts.sources.length > 0) {
    // Assembly sources are assembled and linked in memory first (ld's default layout unless -T).
    const elf = assembleForRun({ ...opts.build, files: opts.sources });
    if (!elf) return 1;
    bytes = elf;
  } else {
    try {
      bytes = readFileSync(opts.program);
    } catch (e) {
      process.stderr.write(`x64emu: ${opts.program}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (opts.mode === 'system') return runSystem(bytes, opts);
  let proc: LinuxProcess;
  try {
    proc = new LinuxProcess(bytes, nodeHost, { argv: [opts.program, ...opts.args], envp: [], memoryMiB: opts.memoryMiB }, opts.program);
  } catch (e) {
    // ElfError and loader errors already name the file and the problem.
    process.stderr.write(`x64emu: ${(e as Error).message}\n`);
    return 2;
  }
  const cpu = proc.cpu;
  if (opts.journal) proc.enableJournal();
  for (const spec of opts.breakAt) {
    const addr = /^(0x)?[0-9a-f]+$/i.test(spec) && !proc.symbols.address(spec) ? Number(BigInt(spec.startsWith('0x') ? spec : '0x' + spec)) : proc.symbols.address(spec);
    if (addr === undefined) {
      process.stderr.write(`x64emu: --break ${spec}: no such symbol in ${opts.program}\n`);
      return 2;
    }
    cpu.breakpoints.add(addr);
  }
  cpu.invalidateAllCode();

  const started = performance.now();
  let reason: StopReason;
  if (opts.trace) {
    reason = traceRun(proc, opts.maxInstructions, SourceMap.fromElf(bytes));
  } else {
    reason = proc.run(opts.maxInstructions);
  }
  const seconds = (performance.now() - started) / 1000;
  if (opts.stats) {
    process.stderr.write(`instructions: ${cpu.retired}\n`);
    process.stderr.write(`seconds: ${seconds.toFixed(3)}\n`);
    process.stderr.write(`emulator: ${(cpu.retired / seconds / 1e6).toFixed(1)} MIPS\n`);
  }
  return report(proc, reason, opts);
}

function traceRun(proc: LinuxProcess, max: number, sources: SourceMap | undefined): StopReason {
  const cpu = proc.cpu;
  const out: string[] = [];
  const flush = () => {
    if (out.length) process.stderr.write(out.join('\n') + '\n');
    out.length = 0;
  };
  let reason: StopReason = { kind: 'limit' };
  const limit = cpu.retired + max;
  while (cpu.retired < limit) {
    const rip = cpu.rip;
    const before = snapshot(cpu);
    const retiredBefore = cpu.retired;
    reason = proc.run(1);
    if (cpu.retired > retiredBefore) {
      const line = formatTraceLine(cpu, rip, proc.symbols.format(rip), describeChanges(before, snapshot(cpu)));
      const where = sources?.format(rip);
      out.push(where ? `${line}${line.length < 100 ? ' '.repeat(100 - line.length) : ' '} ; ${where}` : line);
    }
    if (out.length > 1000) flush();
    if (reason.kind !== 'limit') break;
  }
  flush();
  return reason;
}

function report(proc: LinuxProcess, reason: StopReason, opts: RunOptions): number {
  const cpu = proc.cpu;
  const where = (rip: number) => {
    const sym = proc.symbols.format(rip);
    return `${formatLinear(rip)}${sym ? ` <${sym}>` : ''}: ${disassembleAt(cpu.mem, rip).text}`;
  };
  switch (reason.kind) {
    case 'exit':
      return reason.status;
    case 'limit':
      process.stderr.write(`x64emu: ${basename(opts.program)}: stopped after ${cpu.retired} instructions (--max-instructions) at ${where(cpu.rip)}\n`);
      return 124;
    case 'breakpoint':
      process.stderr.write(`x64emu: breakpoint at ${where(reason.rip)} after ${cpu.retired} instructions\n`);
      return 133;
    case 'halt':
      process.stderr.write(`x64emu: halted (${reason.detail}) at ${where(cpu.rip)}\n`);
      return 0;
    case 'triple-fault':
      process.stderr.write(`x64emu: ${reason.detail}; the machine shut down at ${where(reason.rip)}\n`);
      return 128 + 9;
    case 'watchpoint':
      process.stderr.write(`x64emu: watchpoint: ${reason.hit.write ? 'write' : 'read'} of 0x${reason.hit.linear.toString(16)} by ${where(reason.rip)}\n`);
      return 133;
    case 'fault': {
      const f = reason.fault;
      const [sig, sigName] = signalFor(f.vector);
      const lines = [
        `x64emu: ${basename(opts.program)}: ${VECTOR_NAMES[f.vector] ?? `exception ${f.vector}`} (${sigName}) after ${cpu.retired} instructions`,
        `  at ${where(reason.rip)}`,
      ];
      if (f.address !== undefined) lines.push(`  faulting address: 0x${f.address.toString(16)}${describePfError(f.errorCode)}`);
      else if (f.errorCode > 0) lines.push(`  error code: 0x${f.errorCode.toString(16)}`);
      if (f.detail) lines.push(`  ${f.detail}`);
      process.stderr.write(lines.join('\n') + '\n');
      return 128 + sig;
    }
  }
}

function describePfError(code: number): string {
  return code < 0 ? '' : ` (${describePageFaultErrorCode(code)})`;
}

/** System mode: boot the ELF on N CPUs; COM1 goes to stdout, debug-exit ends the run. */
function runSystem(bytes: Uint8Array, opts: RunOptions): number {
  let booted;
  try {
    booted = bootSystem(bytes, opts.program, { cpus: opts.cpus, memoryMiB: opts.memoryMiB }, {
      output: (data) => nodeHost.write(1, data),
      warn: (m) => nodeHost.warn(m),
    });
  } catch (e) {
    process.stderr.write(`x64emu: ${(e as Error).message}\n`);
    return 2;
  }
  const { machine, symbols } = booted;
  if (opts.journal) machine.enableJournal();
  for (const spec of opts.breakAt) {
    const addr = symbols.address(spec) ?? (/^(0x)?[0-9a-f]+$/i.test(spec) ? Number(BigInt(spec.startsWith('0x') ? spec : '0x' + spec)) : undefined);
    if (addr === undefined) {
      process.stderr.write(`x64emu: --break ${spec}: no such symbol in ${opts.program}\n`);
      return 2;
    }
    for (const cpu of machine.cpus) {
      cpu.breakpoints.add(addr);
      cpu.invalidateAllCode();
    }
  }
  const started = performance.now();
  const stop = machine.run(opts.maxInstructions);
  const seconds = (performance.now() - started) / 1000;
  const retired = machine.cpus.reduce((n, c) => n + c.retired, 0);
  if (opts.stats) {
    process.stderr.write(`instructions: ${retired}\nseconds: ${seconds.toFixed(3)}\nemulator: ${(retired / seconds / 1e6).toFixed(1)} MIPS\n`);
  }
  return reportSystem(machine.cpus[stop.cpu], stop, symbols, retired);
}

function reportSystem(cpu: Cpu, stop: SystemStop, symbols: SymbolMap, retired: number): number {
  const where = (rip: number) => {
    const sym = symbols.format(rip);
    return `${formatLinear(rip)}${sym ? ` <${sym}>` : ''}: ${disassembleAt(cpu.mem, rip).text}`;
  };
  const on = `CPU ${stop.cpu}`;
  switch (stop.kind) {
    case 'exit':
      return stop.status;
    case 'limit':
      process.stderr.write(`x64emu: stopped after ${retired} instructions (--max-instructions); ${on} at ${where(cpu.rip)}\n`);
      return 124;
    case 'breakpoint':
      process.stderr.write(`x64emu: breakpoint on ${on} at ${where(stop.rip)}\n`);
      return 133;
    case 'halt':
      process.stderr.write(`x64emu: ${stop.detail}\n`);
      return 0;
    case 'triple-fault':
      process.stderr.write(`x64emu: ${on}: ${stop.detail}; the machine shut down at ${where(stop.rip)}\n`);
      return 128 + 9;
    case 'fault':
      process.stderr.write(`x64emu: ${on}: ${stop.fault.describe()} at ${where(stop.rip)}\n`);
      return 128 + 11;
    case 'watchpoint':
      process.stderr.write(`x64emu: ${on}: watchpoint: ${stop.hit.write ? 'write' : 'read'} of 0x${stop.hit.linear.toString(16)} by ${where(stop.rip)}\n`);
      return 133;
  }
}
