/**
 * The assembler pipeline as one call: C preprocessing for `.S` files, the GAS front end per
 * file, then the linker — what `x64emu asm`, `x64emu run FILE.S` and the debugger use. Host
 * files come through the injected SourceFileSystem; nothing here throws on bad input.
 */
import { assembleLines, linesOfText } from './gas/index.js';
import { LinkedLine, link } from './link/index.js';
import type { ObjectModule } from './object.js';
import { preprocess } from './preprocess/index.js';
import type { Diagnostic, SourceFileSystem } from './types.js';

export interface BuildOptions {
  files: string[];
  fs: SourceFileSystem;
  includePaths?: string[];
  defines?: Array<[string, string]>;
  undefines?: string[];
  /** Path of a GNU ld linker script; without one, ld's default static layout. */
  linkerScript?: string;
  entry?: string;
}

export interface BuildResult {
  /** The executable, only when there were no errors. */
  elf?: Uint8Array;
  diagnostics: Diagnostic[];
  lineMap: LinkedLine[];
  symbols: Map<string, bigint>;
  modules: ObjectModule[];
}

const at = (file: string) => ({ file, line: 1, column: 1 });

export function buildProgram(opts: BuildOptions): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const modules: ObjectModule[] = [];
  const includePaths = opts.includePaths ?? [];
  for (const file of opts.files) {
    const text = opts.fs.readFile(file);
    if (text === undefined) {
      diagnostics.push({ severity: 'error', message: `cannot read ${file}: no such file`, location: at(file), chain: [] });
      continue;
    }
    let lines;
    if (file.endsWith('.S')) {
      const pp = preprocess(file, { fs: opts.fs, includePaths, defines: opts.defines, undefines: opts.undefines });
      diagnostics.push(...pp.diagnostics);
      if (pp.diagnostics.some((d) => d.severity === 'error')) continue;
      lines = pp.lines;
    } else {
      lines = linesOfText(text, file);
    }
    const result = assembleLines(lines, { fileName: file, fs: opts.fs, includeDirs: [opts.fs.dirname(file), ...includePaths] });
    diagnostics.push(...result.diagnostics);
    if (result.module) modules.push(result.module);
  }
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (failed || modules.length !== opts.files.length) return { diagnostics, lineMap: [], symbols: new Map(), modules };
  let script: { text: string; fileName: string } | undefined;
  if (opts.linkerScript !== undefined) {
    const text = opts.fs.readFile(opts.linkerScript);
    if (text === undefined) {
      diagnostics.push({ severity: 'error', message: `cannot read linker script ${opts.linkerScript}`, location: at(opts.linkerScript), chain: [] });
      return { diagnostics, lineMap: [], symbols: new Map(), modules };
    }
    script = { text, fileName: opts.linkerScript };
  }
  const linked = link(modules, { script, entry: opts.entry });
  diagnostics.push(...linked.diagnostics);
  return { elf: linked.elf, diagnostics, lineMap: linked.lineMap, symbols: linked.symbols, modules };
}
