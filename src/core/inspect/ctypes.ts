/**
 * The C types of the debugged program, read from its headers: `readCTypes` runs the headers
 * through the project's C preprocessor as C code (no `__ASSEMBLY__`, so the
 * `#ifndef __ASSEMBLY__` halves are seen) and parses structs, unions, enums, typedefs and
 * variable declarations (including Linux's `DECLARE_PER_CPU*`) into a `CTypeTable` with
 * x86-64 System V layouts. Nothing throws: problems become Diagnostics with file and line.
 */
import { preprocess, type CMacro } from '../asm/preprocess/index.js';
import type { Diagnostic, SourceFileSystem, SourceLine } from '../asm/types.js';
import { DeclParser, PER_CPU_DECLARATORS, type TypeBuilder } from './c-decl-parser.js';
import { ParseError } from './c-expr-parser.js';
import { lexC, type CToken, type LexProblem } from './c-lexer.js';
import {
  BUILTIN_INT_TYPEDEFS, alignOf as alignOfType, formatType as formatCType, intType, sizeOf as sizeOfType,
  type CEnumType, type CRecordType, type CType, type CVariable,
} from './ctype-model.js';

export * from './ctype-model.js';

export type TypeNameResult = { ok: true; type: CType } | { ok: false; message: string; column: number };

export class CTypeTable implements TypeBuilder {
  private readonly structs = new Map<string, CRecordType>();
  private readonly unions = new Map<string, CRecordType>();
  private readonly enums = new Map<string, CEnumType>();
  private readonly typedefs = new Map<string, CType>();
  private readonly variables = new Map<string, CVariable>();
  private readonly enumConstants = new Map<string, { value: bigint; type: CType }>();

  constructor() {
    for (const [name, size, signed] of BUILTIN_INT_TYPEDEFS) {
      const c = size === 1 ? 'char' : size === 2 ? 'short' : size === 4 ? 'int' : 'long';
      this.typedefs.set(name, { ...intType(signed ? (size === 1 ? 'signed char' : c) : `unsigned ${c}`, size, signed), alias: name });
    }
    this.typedefs.set('bool', { kind: 'bool', size: 1, alias: 'bool' });
  }

  struct(tag: string): CRecordType | undefined {
    return this.structs.get(tag);
  }
  union(tag: string): CRecordType | undefined {
    return this.unions.get(tag);
  }
  enum(tag: string): CEnumType | undefined {
    return this.enums.get(tag);
  }
  typedef(name: string): CType | undefined {
    return this.typedefs.get(name);
  }
  variable(name: string): CVariable | undefined {
    return this.variables.get(name);
  }
  enumConstant(name: string): { value: bigint; type: CType } | undefined {
    return this.enumConstants.get(name);
  }

  structTags(): string[] {
    return [...this.structs.keys()];
  }
  unionTags(): string[] {
    return [...this.unions.keys()];
  }
  typedefNames(): string[] {
    return [...this.typedefs.keys()];
  }
  variableNames(): string[] {
    return [...this.variables.keys()];
  }
  enumConstantNames(): string[] {
    return [...this.enumConstants.keys()];
  }

  tagged(kind: 'struct' | 'union' | 'enum', tag: string): CRecordType | CEnumType {
    if (kind === 'enum') {
      let e = this.enums.get(tag);
      if (!e) this.enums.set(tag, (e = { kind: 'enum', tag, size: 4, signed: false, values: [], complete: false }));
      return e;
    }
    const map = kind === 'struct' ? this.structs : this.unions;
    let r = map.get(tag);
    if (!r) map.set(tag, (r = { kind, tag, size: 0, align: 1, fields: [], complete: false }));
    return r;
  }
  defineTypedef(name: string, type: CType): void {
    this.typedefs.set(name, type);
  }
  defineVariable(name: string, variable: CVariable): void {
    const old = this.variables.get(name);
    // `extern T x[];` after `extern T x[4];` must not lose the length; per-CPU marks stick.
    if (old && old.type.kind === 'array' && variable.type.kind === 'array' && variable.type.length === undefined) return;
    this.variables.set(name, { type: variable.type, perCpu: variable.perCpu || (old?.perCpu ?? false) });
  }
  defineEnumConstant(name: string, value: bigint, type: CType): void {
    this.enumConstants.set(name, { value, type });
  }

  /** `"struct pt_regs *"` → the type; errors carry a 1-based column in `text`. */
  parseTypeName(text: string): TypeNameResult {
    const problems: LexProblem[] = [];
    const tokens = lexC(text, 0, problems);
    if (problems.length) return { ok: false, message: problems[0].message, column: problems[0].start + 1 };
    const parser = new DeclParser(tokens, this, { debugger: false }, true);
    try {
      const type = parser.parseTypeName();
      if (!parser.atEnd) return { ok: false, message: `unexpected '${parser.cursor.text}' after the type name`, column: parser.cursor.start + 1 };
      return { ok: true, type };
    } catch (e) {
      if (e instanceof ParseError) return { ok: false, message: e.message, column: e.start + 1 };
      return { ok: false, message: String(e), column: 1 };
    }
  }

  sizeOf(t: CType): number | undefined {
    return sizeOfType(t);
  }
  alignOf(t: CType): number {
    return alignOfType(t);
  }
  formatType(t: CType): string {
    return formatCType(t);
  }
}

export interface ReadCTypesOptions {
  fs: SourceFileSystem;
  includePaths?: string[];
  defines?: Array<[string, string]>;
}

export interface ReadCTypesResult {
  types: CTypeTable;
  diagnostics: Diagnostic[];
  /** The C-side macros at the end of the headers (what a C file including them would see). */
  macros: Map<string, CMacro>;
}

/** Name of the generated translation unit that includes every header once, in order. */
const MAIN_FILE = '<x64emu-headers>';

/**
 * Reads the C declarations of `headers` (file paths, included in order into one translation
 * unit, so include guards work across them as in a C file including them all).
 */
export function readCTypes(headers: string[], opts: ReadCTypesOptions): ReadCTypesResult {
  const types = new CTypeTable();
  const diagnostics: Diagnostic[] = [];
  const main = headers.map((h) => `#include "${h}"\n`).join('');
  const fs: SourceFileSystem = {
    readFile: (path) => (path === MAIN_FILE ? main : withoutPerCpuDefinitions(opts.fs.readFile(path))),
    resolve: (dir, relative) => opts.fs.resolve(dir, relative),
    dirname: (path) => (path === MAIN_FILE ? '' : opts.fs.dirname(path)),
  };
  const pre = preprocess(MAIN_FILE, {
    fs,
    includePaths: opts.includePaths ?? [],
    defines: opts.defines,
    // The preprocessor is the assembler's: it predefines these as `gcc -x assembler-with-cpp` does.
    undefines: ['__ASSEMBLY__', '__ASSEMBLER__'],
  });
  diagnostics.push(...pre.diagnostics);
  const lines = pre.lines;
  const tokens: CToken[] = [];
  const lexProblems: LexProblem[] = [];
  lines.forEach((line, index) => {
    const lineTokens = lexC(line.text, index, lexProblems);
    lineTokens.pop(); // per-line eof
    tokens.push(...lineTokens);
  });
  tokens.push({ kind: 'eof', text: '', start: 0, end: 0, line: Math.max(lines.length - 1, 0) });
  const locate = (line: number, offset: number) => locateIn(lines, line, offset);
  for (const p of lexProblems) diagnostics.push({ severity: 'error', message: p.message, ...locate(p.line, p.start) });
  const parser = new DeclParser(tokens, types, { debugger: false });
  try {
    parser.parseTranslationUnit({
      diagnostic: (severity, message, at) => diagnostics.push({ severity, message, ...locate(at.line, at.start) }),
    });
  } catch (e) {
    // Never throw on bad input: a pathological header (e.g. exhausting the stack) ends here.
    diagnostics.push({ severity: 'error', message: `reading C declarations stopped: ${e instanceof Error ? e.message : String(e)}`, ...locate(parser.cursor.line, parser.cursor.start) });
  }
  return { types, diagnostics, macros: pre.macros };
}

function locateIn(lines: SourceLine[], line: number, offset: number): Pick<Diagnostic, 'location' | 'chain'> {
  const source = lines[line];
  if (!source) return { location: { file: MAIN_FILE, line: 1, column: 1 }, chain: [] };
  const origin = source.locate(offset + 1);
  // The synthetic main file is not the user's: drop the include frame that points into it.
  return { location: origin.location, chain: origin.chain.filter((f) => f.location.file !== MAIN_FILE) };
}

const PER_CPU_DEFINITION = new RegExp(`^\\s*#\\s*(?:define|undef)\\s+(?:${PER_CPU_DECLARATORS.join('|')})\\b`);

/**
 * Blanks the header's own `#define DECLARE_PER_CPU...` lines (keeping line numbers), so that
 * the declarations reach the parser by name, which marks them per-CPU, instead of whatever the
 * header expands them to.
 */
function withoutPerCpuDefinitions(text: string | undefined): string | undefined {
  if (text === undefined || !text.includes('PER_CPU')) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!PER_CPU_DEFINITION.test(lines[i])) continue;
    let continued: boolean;
    do {
      continued = /\\\r?$/.test(lines[i]);
      lines[i] = '';
    } while (continued && ++i < lines.length);
  }
  return lines.join('\n');
}
