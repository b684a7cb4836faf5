/**
 * The `x64emu` launch configuration: checks the attributes, assembles and links `.S`/`.s`
 * sources (or loads an ELF), boots the machine in user or system mode and gathers what the
 * debugger shows (line table, C types from the headers, #defines).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { buildProgram } from '../core/asm/build.js';
import { readLineMap } from '../core/asm/link/index.js';
import { preprocess, type CMacro } from '../core/asm/preprocess/index.js';
import { formatDiagnostic, type Diagnostic } from '../core/asm/types.js';
import { LineTable } from '../core/debug/line-table.js';
import { DebugTarget, systemTarget, userTarget } from '../core/debug/target.js';
import { readCTypes, type CTypeTable } from '../core/inspect/ctypes.js';
import { createMacroExpander } from '../core/inspect/macro-expander.js';
import { LinuxProcess } from '../core/loader/linux-process.js';
import { bootSystem } from '../core/loader/system-boot.js';
import { nodeFileSystem } from '../cli/node-fs.js';

export interface LaunchArguments {
  program: string | string[];
  mode?: 'user' | 'system';
  includePaths?: string[];
  defines?: Record<string, string | number | boolean | null> | string[];
  linkerScript?: string;
  cpus?: number;
  memoryMiB?: number;
  args?: string[];
  stopOnEntry?: boolean;
  journal?: boolean;
  typeHeaders?: string[];
  cwd?: string;
}

export interface GuestIo {
  output(text: string, category: 'stdout' | 'stderr' | 'console'): void;
}

export interface Launched {
  target: DebugTarget;
  lines: LineTable;
  types: CTypeTable;
  macros: Map<string, CMacro>;
  expand: (text: string) => string;
  programName: string;
  /** Keep the reverse-execution journal (the engine enables it once its state is attached). */
  journal: boolean;
}

export class LaunchError extends Error {
  constructor(
    message: string,
    readonly diagnostics: string[] = [],
  ) {
    super(message);
  }
}

const SOURCE = /\.(S|s|asm)$/;

export function launchProgram(args: LaunchArguments, io: GuestIo): Launched {
  const base = args.cwd ?? process.cwd();
  const abs = (p: string) => (isAbsolute(p) ? p : resolvePath(base, p));
  if (args.program === undefined || (Array.isArray(args.program) && args.program.length === 0) || args.program === '') {
    throw new LaunchError('launch: "program" is required: a .S/.s file, a list of them, or an ELF executable');
  }
  const programs = (Array.isArray(args.program) ? args.program : [args.program]).map(abs);
  for (const p of programs) if (!existsSync(p)) throw new LaunchError(`launch: program ${p} does not exist`);
  const includePaths = (args.includePaths ?? []).map(abs);
  const defines = normaliseDefines(args.defines);
  const mode = args.mode ?? (args.linkerScript ? 'system' : 'user');
  if (mode !== 'user' && mode !== 'system') throw new LaunchError(`launch: "mode" must be "user" or "system", not ${JSON.stringify(mode)}`);
  const cpus = args.cpus ?? (mode === 'system' ? 2 : 1);
  const memoryMiB = args.memoryMiB ?? (mode === 'system' ? 64 : 256);

  let elf: Uint8Array;
  let lineRecords;
  const sources = programs.filter((p) => SOURCE.test(p));
  if (sources.length > 0) {
    if (sources.length !== programs.length) throw new LaunchError('launch: "program" mixes sources and other files; give .S/.s files or one ELF');
    const built = buildProgram({ files: sources, fs: nodeFileSystem, includePaths, defines, linkerScript: args.linkerScript ? abs(args.linkerScript) : undefined });
    const errors = built.diagnostics.filter((d) => d.severity === 'error');
    for (const d of built.diagnostics.filter((d) => d.severity === 'warning')) io.output(formatDiagnostic(d) + '\n', 'console');
    if (errors.length > 0 || !built.elf) {
      throw new LaunchError(`launch: ${errors.length} assembly error${errors.length === 1 ? '' : 's'} in ${sources.map((s) => s.split('/').pop()).join(', ')}`, built.diagnostics.filter((d) => d.severity !== 'warning').map(formatDiagnostic));
    }
    elf = built.elf;
    lineRecords = built.lineMap;
  } else {
    if (programs.length !== 1) throw new LaunchError('launch: give one ELF executable');
    elf = new Uint8Array(readFileSync(programs[0]));
    lineRecords = readLineMap(elf) ?? [];
  }
  const name = programs[0];
  let target: DebugTarget;
  try {
    if (mode === 'user') {
      const proc = new LinuxProcess(
        elf,
        {
          write: (fd, data) => io.output(Buffer.from(data).toString('utf8'), fd === 2 ? 'stderr' : 'stdout'),
          read: () => new Uint8Array(0),
          warn: (m) => io.output(`x64emu: ${m}\n`, 'console'),
        },
        { argv: [name, ...(args.args ?? [])], envp: [], memoryMiB },
        name,
      );
      target = userTarget(proc);
    } else {
      const booted = bootSystem(elf, name, { cpus, memoryMiB }, {
        output: (data) => io.output(Buffer.from(data).toString('latin1'), 'stdout'),
        warn: (m) => io.output(`x64emu: ${m}\n`, 'console'),
      });
      target = systemTarget(booted);
    }
  } catch (e) {
    throw new LaunchError(`launch: ${(e as Error).message}`);
  }

  // C types and #defines from every header the sources include (and any extra ones asked for).
  const headers = new Set<string>((args.typeHeaders ?? []).map(abs));
  const macros = new Map<string, CMacro>();
  for (const src of sources.filter((s) => s.endsWith('.S'))) {
    const pp = preprocess(src, { fs: nodeFileSystem, includePaths, defines });
    for (const f of pp.includedFiles) headers.add(f);
    for (const [k, v] of pp.macros) macros.set(k, v);
  }
  // Types the assembly never includes (struct pt_regs lives in a header only C code reads):
  // every header under the include paths, as far as a small tree goes.
  for (const h of headersUnder(includePaths, MAX_SCANNED_HEADERS)) headers.add(h);
  // Without headers the table still knows the fixed-width and kernel integer types (casts).
  const typeRead = readCTypes([...headers], { fs: nodeFileSystem, includePaths, defines });
  const types = typeRead.types;
  for (const d of typeRead.diagnostics.filter((x: Diagnostic) => x.severity === 'error')) io.output(`types: ${formatDiagnostic(d)}\n`, 'console');
  const expand = createMacroExpander(macros);
  return { target, lines: new LineTable(lineRecords), types, macros, expand, programName: name, journal: args.journal !== false };
}

const MAX_SCANNED_HEADERS = 200;

function headersUnder(dirs: string[], limit: number): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || out.length >= limit) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (out.length >= limit) return;
      const p = join(dir, name);
      if (name.endsWith('.h')) out.push(p);
      else if (!name.includes('.')) walk(p, depth + 1);
    }
  };
  dirs.forEach((d) => walk(d, 0));
  return out;
}

function normaliseDefines(d: LaunchArguments['defines']): Array<[string, string]> {
  if (d === undefined) return [];
  if (Array.isArray(d)) {
    return d.map((s) => {
      const i = s.indexOf('=');
      return i < 0 ? [s, '1'] : [s.slice(0, i), s.slice(i + 1)];
    });
  }
  return Object.entries(d).map(([k, v]) => [k, v === null || v === true ? '1' : v === false ? '0' : String(v)]);
}
