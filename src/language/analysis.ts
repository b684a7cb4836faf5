/**
 * One compilation unit as the assembler reads it: C preprocessing (for `.S`), then the GAS front
 * end with its source index — the same calls `buildProgram` makes, minus the link (a single file
 * may reference symbols defined elsewhere). Everything the language features answer comes from
 * here; nothing in src/language parses assembly on its own.
 */
import { assembleLines, linesOfText, type AssembleResult } from '../core/asm/gas/index.js';
import { preprocess, type CMacro, type MacroUse } from '../core/asm/preprocess/index.js';
import type { Diagnostic, SourceFileSystem, SourceLine } from '../core/asm/types.js';

export interface UnitOptions {
  /** -I directories (absolute). */
  includePaths: string[];
  /** -D NAME=VALUE in order. */
  defines: Array<[string, string]>;
}

export interface Analysis {
  /** The main file of the unit (absolute path). */
  main: string;
  /** The main file and every file it includes (#include and .include). */
  files: Set<string>;
  diagnostics: Diagnostic[];
  /** C macros defined at the end of preprocessing (empty for `.s`). */
  cMacros: Map<string, CMacro>;
  /** Every #define processed, in order. */
  cDefinitions: CMacro[];
  /** Every expansion/test/#undef of a C macro name. */
  cUses: MacroUse[];
  /** Output of the preprocessor (or the raw lines for `.s`). */
  lines: SourceLine[];
  gas: AssembleResult;
  /** Milliseconds spent (preprocess + assemble). */
  elapsedMs: number;
}

export function isPreprocessed(path: string): boolean {
  return path.endsWith('.S') || path.endsWith('.h');
}

/** Analyses `main`; never throws (the assembler turns bad input into diagnostics). */
export function analyse(main: string, fs: SourceFileSystem, options: UnitOptions): Analysis {
  const t0 = performance.now();
  const files = new Set<string>([main]);
  let lines: SourceLine[];
  let cMacros = new Map<string, CMacro>();
  let cDefinitions: CMacro[] = [];
  let cUses: MacroUse[] = [];
  const diagnostics: Diagnostic[] = [];
  let ppFailed = false;
  if (isPreprocessed(main)) {
    const pp = preprocess(main, { fs, includePaths: options.includePaths, defines: options.defines, recordUses: true });
    lines = pp.lines;
    cMacros = pp.macros;
    cDefinitions = pp.definitions ?? [];
    cUses = pp.uses ?? [];
    for (const f of pp.includedFiles) files.add(f);
    diagnostics.push(...pp.diagnostics);
    ppFailed = pp.diagnostics.some((d) => d.severity === 'error');
  } else {
    const text = fs.readFile(main);
    lines = text === undefined ? [] : linesOfText(text, main);
    if (text === undefined) {
      diagnostics.push({ severity: 'error', message: `cannot read ${main}`, location: { file: main, line: 1, column: 1 }, chain: [] });
    }
  }
  // Assembled even when preprocessing failed, so navigation keeps working; but then, as the
  // command line does, only the preprocessor's diagnostics are reported (the assembler's would
  // mostly be consequences, such as macros from a missing header).
  const gas = assembleLines(lines, {
    fileName: main,
    fs,
    includeDirs: [fs.dirname(main), ...options.includePaths],
    recordIndex: true,
  });
  for (const inc of gas.index?.includes ?? []) files.add(inc.path);
  if (!ppFailed) diagnostics.push(...gas.diagnostics);
  return { main, files, diagnostics, cMacros, cDefinitions, cUses, lines, gas, elapsedMs: performance.now() - t0 };
}
