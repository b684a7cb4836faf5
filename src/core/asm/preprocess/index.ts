/**
 * C preprocessor for `.S` files, behaving like `gcc -E -P -x assembler-with-cpp`.
 * See README.md in this folder for the behaviour, the origin model and the known differences.
 */
import type { Diagnostic, SourceFileSystem, SourceLine, SourceLocation } from '../types.js';
import { Engine, type Builtin, type MacroDef, type MacroUse } from './engine.js';

export type { MacroUse };
import { Printer } from './output.js';
import { PREDEFINED, PREDEFINED_ASSERTIONS } from './predefined.js';
import { PASTE_LEFT, PREV_WHITE, STRINGIFY_ARG } from './tokens.js';

export interface PreprocessOptions {
  fs: SourceFileSystem;
  /** -I directories, searched in order for <...>, and after the including file's directory for "...". */
  includePaths: string[];
  /** -D NAME=VALUE, in order (VALUE '1' for -D NAME; NAME may be `F(x)`). */
  defines?: Array<[string, string]>;
  /** -U NAME, applied after all defines. */
  undefines?: string[];
  /** Also return every macro use and every #define seen (for editors; off by default). */
  recordUses?: boolean;
}

export interface CMacro {
  name: string;
  /** Parameter names of a function-like macro (`__VA_ARGS__` for `...`); undefined for object-like. */
  params?: string[];
  variadic: boolean;
  /** Replacement list, spelled like `gcc -dD` does (single spaces, `#x`, `a ## b`). */
  body: string;
  /** The macro name in its #define (file `<built-in>` / `<command-line>` for predefined / -D). */
  location: SourceLocation;
}

export interface PreprocessResult {
  /** One per output line (the text gcc -E -P gives). */
  lines: SourceLine[];
  /** Never throws on bad input; problems are here. */
  diagnostics: Diagnostic[];
  /** Macros as defined at the end (dynamic builtins like __LINE__ are not listed). */
  macros: Map<string, CMacro>;
  /** Files read by #include (resolved paths, first inclusion order; not the main file). */
  includedFiles: string[];
  /** With `recordUses`: macro names expanded, tested or #undef'd, in source order of processing. */
  uses?: MacroUse[];
  /** With `recordUses`: every #define processed (in order; redefinitions included). */
  definitions?: CMacro[];
}

const BUILTINS: Array<[string, Builtin]> = [
  ['__FILE__', 'FILE'],
  ['__LINE__', 'LINE'],
  ['__BASE_FILE__', 'BASE_FILE'],
  ['__INCLUDE_LEVEL__', 'INCLUDE_LEVEL'],
  ['__COUNTER__', 'COUNTER'],
  ['__DATE__', 'DATE'],
  ['__TIME__', 'TIME'],
  ['__TIMESTAMP__', 'TIMESTAMP'],
  ['_Pragma', 'PRAGMA'],
  ['__has_include', 'HAS_INCLUDE'],
  ['__has_include_next', 'HAS_INCLUDE_NEXT'],
  ['__has_attribute', 'HAS_ATTRIBUTE'],
  ['__has_cpp_attribute', 'HAS_ATTRIBUTE'],
  ['__has_builtin', 'HAS_ATTRIBUTE'],
];

/** The replacement list as `gcc -dD` spells it. */
export function macroBody(m: MacroDef): string {
  let out = '';
  for (const t of m.tokens) {
    if (t.flags & PREV_WHITE) out += ' ';
    if (t.flags & STRINGIFY_ARG) out += '#';
    out += t.kind === 'arg' ? m.params[t.argIndex!] : t.text;
    if (t.flags & PASTE_LEFT) out += ' ##';
  }
  return out;
}

function toCMacro(m: MacroDef): CMacro {
  return {
    name: m.name,
    params: m.funLike ? [...m.params] : undefined,
    variadic: m.variadic,
    body: macroBody(m),
    location: { ...m.location },
  };
}

export function preprocess(path: string, opts: PreprocessOptions): PreprocessResult {
  const engine = new Engine(opts.fs, opts.includePaths);
  const definitions: MacroDef[] = [];
  for (const [name, b] of BUILTINS) engine.defineBuiltin(name, b);
  for (const [pred, answer] of PREDEFINED_ASSERTIONS) engine.defineAssertion(pred, answer);
  engine.runDirectivesOnly('<built-in>', PREDEFINED.map(([n, v]) => `#define ${n} ${v}\n`).join(''));
  const cmd =
    (opts.defines ?? []).map(([n, v]) => `#define ${n} ${v.replace(/[\r\n]+/g, ' ')}\n`).join('') +
    (opts.undefines ?? []).map((n) => `#undef ${n}\n`).join('');
  if (cmd) engine.runDirectivesOnly('<command-line>', cmd);
  if (opts.recordUses) {
    engine.uses = [];
    engine.definitions = definitions;
  }

  const printer = new Printer();
  const text = opts.fs.readFile(path);
  if (text === undefined) {
    engine.diagnostics.push({
      severity: 'error',
      message: `${path}: No such file or directory`,
      location: { file: path, line: 1, column: 1 },
      chain: [],
    });
  } else {
    engine.sink = printer;
    engine.pushFile(path, text, -1, [], true);
    try {
      for (;;) {
        const t = engine.getToken();
        if (t.kind === 'padding') printer.padding(t);
        else if (t.kind === 'eof') break;
        else printer.token(t);
      }
    } catch (e) {
      // Never throw on bad input: a pathological source (e.g. exhausting the stack) ends here.
      engine.diagnostics.push({
        severity: 'error',
        message: `preprocessing stopped: ${e instanceof Error ? e.message : String(e)}`,
        location: { file: path, line: 1, column: 1 },
        chain: [],
      });
    }
  }
  const macros = new Map<string, CMacro>();
  for (const [name, m] of engine.macros) if (!m.builtin) macros.set(name, toCMacro(m));
  const result: PreprocessResult = { lines: printer.finish(), diagnostics: engine.diagnostics, macros, includedFiles: [...engine.includedFiles] };
  if (opts.recordUses) {
    result.uses = engine.uses ?? [];
    result.definitions = definitions.map(toCMacro);
  }
  return result;
}
