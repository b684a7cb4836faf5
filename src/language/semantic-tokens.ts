/**
 * Semantic tokens: what the assembler decided a name is, which a grammar cannot know — a word
 * at the start of a statement is a macro invocation or an instruction, a name is a #define, a
 * per-CPU variable, a function, a local label.
 */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Analysis } from './analysis.js';
import type { SymbolInfo } from '../core/asm/gas/index.js';
import type { Occurrence } from './occurrences.js';

export const TOKEN_TYPES = ['macro', 'function', 'variable', 'label', 'keyword'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'perCpu', 'local', 'defaultLibrary'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const T = (t: (typeof TOKEN_TYPES)[number]) => TOKEN_TYPES.indexOf(t);
const M = (...m: Array<(typeof TOKEN_MODIFIERS)[number]>) => m.reduce((bits, x) => bits | (1 << TOKEN_MODIFIERS.indexOf(x)), 0);

interface Token {
  line: number;
  char: number;
  length: number;
  type: number;
  modifiers: number;
}

/** Finds a symbol defined in another unit (an external reference's real section). */
export type GlobalLookup = (name: string) => SymbolInfo | undefined;

function classify(a: Analysis, o: Occurrence, lookup: GlobalLookup): [number, number] {
  const decl = o.role === 'definition' ? M('declaration') : 0;
  switch (o.kind) {
    case 'cmacro': return [T('macro'), decl | M('readonly')];
    case 'macro': return [T('macro'), decl];
    case 'local-label': return [T('label'), decl | M('local')];
    case 'symbol': {
      const own = a.gas.symbols.get(o.name);
      const s = own?.kind === 'undefined' ? (lookup(o.name) ?? own) : own;
      if (s?.kind === 'equ') return [T('variable'), decl | M('readonly')];
      const perCpu = s?.section && /percpu/.test(s.section) ? M('perCpu') : 0;
      if (s?.type === 'func') return [T('function'), decl | perCpu];
      if (o.name.startsWith('.L')) return [T('label'), decl | M('local')];
      if (s?.kind === 'label' && s.section && !/text/.test(s.section)) return [T('variable'), decl | perCpu];
      return [T('label'), decl | perCpu];
    }
  }
}

/** Tokens of `file` (only where the text is the name itself), encoded as LSP wants. */
export function semanticTokens(a: Analysis, occurrences: Occurrence[], file: string, lines: string[], lookup: GlobalLookup): SemanticTokens {
  const tokens: Token[] = [];
  const taken = new Set<string>();
  const add = (t: Token) => {
    const k = `${t.line}:${t.char}`;
    if (taken.has(k)) return;
    taken.add(k);
    tokens.push(t);
  };
  for (const o of occurrences) {
    if (o.location.file !== file) continue;
    const text = lines[o.location.line - 1] ?? '';
    const char = o.location.column - 1;
    const spelled = text.slice(char, char + o.name.length);
    if (o.kind === 'macro' ? spelled.toLowerCase() !== o.name : spelled !== o.name) continue;
    const [type, modifiers] = classify(a, o, lookup);
    add({ line: o.location.line - 1, char, length: o.name.length, type, modifiers });
  }
  // Instruction mnemonics written in this file (as the assembler encoded them).
  for (const l of a.gas.module?.lines ?? []) {
    if (!l.isInstruction || l.location.file !== file) continue;
    const text = lines[l.location.line - 1] ?? '';
    const m = /^[A-Za-z][A-Za-z0-9.]*/.exec(text.slice(l.location.column - 1));
    if (m) add({ line: l.location.line - 1, char: l.location.column - 1, length: m[0].length, type: T('keyword'), modifiers: 0 });
  }
  tokens.sort((x, y) => x.line - y.line || x.char - y.char);
  const data: number[] = [];
  let line = 0;
  let char = 0;
  for (const t of tokens) {
    data.push(t.line - line, t.line === line ? t.char - char : t.char, t.length, t.type, t.modifiers);
    line = t.line;
    char = t.char;
  }
  return { data };
}
