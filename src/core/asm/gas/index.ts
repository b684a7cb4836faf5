/**
 * The GNU-as-compatible front end: AT&T x86-64 assembly (as GNU as 2.40 reads it) to an
 * ObjectModule. Pure TypeScript; never throws on bad input — everything becomes a Diagnostic.
 *
 *   const r = assembleLines(linesOfText(text, 'foo.s'), { fileName: 'foo.s' });
 *   if (r.module) ... else r.diagnostics.map(formatDiagnostic)
 */
import type { Diagnostic, SourceFileSystem, SourceLine, SourceLocation } from '../types.js';
import type { AsmSymbol, ObjectModule } from '../object.js';
import { FrontEnd } from './assembler.js';
import type { EncodeFn } from './encoder-api.js';
import { defaultEncoder } from './encoder-adapter.js';
import { Layout } from './layout.js';
import { linesOfText, originAt } from './source.js';
import { asConstant, evaluate, reduce } from './value.js';
import type { Section } from './model.js';
import { IndexRecorder, type SourceIndex } from './source-index.js';

export type { IndexedInclude, IndexedMacroCall, IndexedMacroDefinition, IndexedStatement, IndexedSymbolUse, SourceIndex } from './source-index.js';

export { linesOfText };
export type { AsmOperand, EncodeFn, EncodeRequest, EncodeResult } from './encoder-api.js';

export interface AssembleOptions {
  /** Name used for the module (and for `.include` resolution). */
  fileName: string;
  /** The instruction encoder; defaults to the project's encoder (see encoder-adapter.ts). */
  encoder?: EncodeFn;
  /** Maximum macro nesting depth before "macros nested too deeply" (GNU as: 100). */
  maxMacroDepth?: number;
  /** Enables `.include "file"` (looked up next to the including file, then in includeDirs). */
  fs?: SourceFileSystem;
  includeDirs?: string[];
  /** Also return a SourceIndex (definitions, uses, expanded statements) for editors. */
  recordIndex?: boolean;
}

export interface MacroParamInfo {
  name: string;
  required: boolean;
  vararg: boolean;
  default?: string;
}
export interface MacroInfo {
  name: string;
  params: MacroParamInfo[];
  /** Where the macro name is in its `.macro` line. */
  location: SourceLocation;
  /** Body statements (after comment removal). */
  bodyLength: number;
}

export interface SymbolInfo {
  name: string;
  kind: 'label' | 'equ' | 'undefined';
  /** Section of a label (or of a .set alias of one). */
  section?: string;
  /** Offset in the section, or the absolute value; undefined when it could not be computed. */
  value?: bigint;
  binding: AsmSymbol['binding'];
  type: AsmSymbol['type'];
  /** Definition (or first reference, for undefined symbols). */
  location?: SourceLocation;
}

export interface AssembleResult {
  /** Undefined when there are errors. */
  module?: ObjectModule;
  diagnostics: Diagnostic[];
  /** Macros defined at the end of the run (by lower-case name). */
  macros: Map<string, MacroInfo>;
  /** Named symbols, including `.L` locals (numeric local labels excluded). */
  symbols: Map<string, SymbolInfo>;
  /** With `recordIndex`. */
  index?: SourceIndex;
}

export function assembleLines(lines: SourceLine[], options: AssembleOptions): AssembleResult {
  const recorder = options.recordIndex ? new IndexRecorder() : undefined;
  const fe = new FrontEnd({
    fileName: options.fileName,
    encoder: options.encoder ?? defaultEncoder,
    maxMacroDepth: options.maxMacroDepth ?? 100,
    fs: options.fs,
    includeDirs: options.includeDirs,
    ...(recorder ? { recorder } : {}),
  });
  let module: ObjectModule | undefined;
  try {
    fe.run(lines);
    module = new Layout(fe).run();
  } catch (e) {
    // Never throw at the caller: an internal failure is a diagnostic too.
    fe.diagnostics.push({
      severity: 'error',
      message: `internal assembler error: ${e instanceof Error ? e.message : String(e)}`,
      location: { file: options.fileName, line: 1, column: 1 },
      chain: [],
    });
    module = undefined;
  }
  if (fe.diagnostics.some((d) => d.severity === 'error')) module = undefined;
  const macros = new Map<string, MacroInfo>();
  for (const [k, m] of fe.macros) {
    macros.set(k, {
      name: m.name,
      params: m.params.map((p) => ({ name: p.name, required: p.kind === 'req', vararg: p.kind === 'vararg', ...(p.def ? { default: p.def } : {}) })),
      location: originAt(m.where.stmt, m.where.pos).location,
      bodyLength: m.body.length,
    });
  }
  const symbols = new Map<string, SymbolInfo>();
  for (const s of fe.symbols.values()) {
    if (s.temp) continue;
    const location = s.where ? originAt(s.where.stmt, s.where.pos).location : undefined;
    const binding = s.def.kind === 'undef' ? (s.binding === 'weak' ? 'weak' : 'global') : (s.binding ?? 'local');
    const info: SymbolInfo = { name: s.name, kind: s.def.kind === 'label' ? 'label' : s.def.kind === 'undef' ? 'undefined' : 'equ', binding, type: s.type, ...(location ? { location } : {}) };
    if (s.def.kind === 'label') {
      info.section = s.def.frag.section.name;
      info.value = BigInt(s.def.frag.address + s.def.offset);
    } else if (s.def.kind === 'equ') {
      const r = evaluate(s.def.expr, { mode: 'final' });
      if (r.ok) {
        const k = asConstant(r.val, 'final');
        if (k !== undefined) info.value = k;
        else {
          const red = reduce(r.val, 'final');
          if (!red.undef.length && red.groups.length === 1 && red.groups[0].coeff === 1n) {
            info.section = (red.groups[0].base as Section).name;
            info.value = red.c;
          }
        }
      }
    }
    symbols.set(s.name, info);
  }
  const result: AssembleResult = { module, diagnostics: fe.diagnostics, macros, symbols };
  if (recorder) result.index = recorder.finish();
  return result;
}

/** Convenience: assemble `.s` text. */
export function assembleText(text: string, options: AssembleOptions): AssembleResult {
  return assembleLines(linesOfText(text, options.fileName), options);
}
