/**
 * Macro expansions as text, from the statements the assembler actually assembled: for one
 * invocation (the hover and "Show Expanded Macro at Cursor"), or for a whole file. Nested
 * invocations are shown, then their own expansion indented below them.
 */
import type { IndexedMacroCall, IndexedStatement } from '../core/asm/gas/index.js';
import { assembleText } from '../core/asm/gas/index.js';
import { preprocess } from '../core/asm/preprocess/index.js';
import { memoryFileSystem } from '../core/asm/preprocess/memfs.js';
import type { CMacro } from '../core/asm/preprocess/index.js';
import type { Analysis } from './analysis.js';

const INDENT = '    ';

/** The statements one invocation produced (recursively), indented by nesting depth. */
export function expansionOfCall(a: Analysis, call: IndexedMacroCall): string[] {
  const out: string[] = [];
  for (const s of a.gas.index?.statements ?? []) {
    if (s.conditional) continue;
    const depth = s.chain.indexOf(call.frame);
    if (depth < 0) continue;
    const nested = s.chain.slice(0, depth).filter((f) => f.kind === 'macro' || f.kind === 'rept' || f.kind === 'irp' || f.kind === 'irpc').length;
    out.push(INDENT.repeat(nested) + s.text);
  }
  return out;
}

export function callAt(a: Analysis, file: string, line: number, column: number): IndexedMacroCall | undefined {
  return a.gas.index?.macroCalls.find((c) => c.location.file === file && c.location.line === line && c.location.column <= column && column < (c.location.endColumn ?? c.location.column + c.name.length));
}

/**
 * The whole file as assembled: every statement whose text is in `file` at the top level, each
 * followed by what it expanded to. Lines are annotated with their source line numbers.
 */
export function expandedFile(a: Analysis, file: string): string {
  const out: string[] = [];
  const statements: IndexedStatement[] = a.gas.index?.statements ?? [];
  for (const s of statements) {
    if (s.conditional) continue;
    const own = s.location.file === file && !s.chain.some((f) => f.kind !== 'define');
    const viaFile = s.chain.findIndex((f) => f.location.file === file && f.kind !== 'define');
    if (own) out.push(`${s.text.padEnd(48)} # ${s.location.line}`);
    else if (viaFile >= 0 && !s.chain.slice(viaFile + 1).some((f) => f.location.file === file)) {
      const nested = s.chain.slice(0, viaFile).filter((f) => f.kind !== 'define' && f.kind !== 'include').length;
      if (s.chain[viaFile].kind === 'include') continue;
      out.push(INDENT.repeat(nested + 1) + s.text);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * The replacement of an object-like C macro after full expansion, using the preprocessor itself
 * on the unit's final macro table.
 */
export function expandCMacro(macros: Map<string, CMacro>, name: string): string | undefined {
  const m = macros.get(name);
  if (!m || m.params !== undefined) return undefined;
  const defs: string[] = [];
  for (const d of macros.values()) {
    if (d.location.file === '<built-in>') continue;
    defs.push(`#define ${d.name}${d.params ? `(${d.params.map((p) => (p === '__VA_ARGS__' ? '...' : p)).join(',')}${d.variadic && !d.params.includes('__VA_ARGS__') ? '...' : ''})` : ''} ${d.body}`);
  }
  const file = '/x64emu-hover.S';
  const r = preprocess(file, { fs: memoryFileSystem({ [file]: defs.join('\n') + `\n${name}\n` }), includePaths: [] });
  const last = r.lines[r.lines.length - 1];
  return last?.text.trim();
}

/** The value of an assembler expression when it is a constant (GAS's own evaluator). */
export function constantValue(expr: string): bigint | undefined {
  if (!expr || /[\n;#]/.test(expr)) return undefined;
  const r = assembleText(`.set __x64emu_value, ${expr}\n`, { fileName: 'value.s' });
  const s = r.symbols.get('__x64emu_value');
  return r.diagnostics.some((d) => d.severity === 'error') || !s || s.section !== undefined ? undefined : s.value;
}
