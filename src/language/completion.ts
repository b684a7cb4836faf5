/**
 * Completion and signature help. What is offered depends on where the cursor is: mnemonics,
 * directives and macros (with parameter snippets) at the start of a statement; registers after
 * `%`; #defines, symbols and labels in operands; `param=` inside a macro invocation; preprocessor
 * directives after `#`.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type SignatureHelp } from 'vscode-languageserver';
import { getAnyString, skipComma, skipWhite } from '../core/asm/gas/macro.js';
import type { Analysis } from './analysis.js';
import { allMnemonics } from './instruction-info.js';
import { CPP_DIRECTIVES, GAS_DIRECTIVES } from './knowledge/directives.js';
import { REGISTERS } from './knowledge/registers.js';
import { describeInstruction } from './knowledge/instructions.js';
import { isStatementStart } from './text.js';

let mnemonicItems: CompletionItem[] | undefined;

function mnemonics(): CompletionItem[] {
  mnemonicItems ??= [...allMnemonics()].map(([name, m]) => {
    const doc = describeInstruction(name) ?? describeInstruction(m.base);
    return {
      label: name,
      kind: CompletionItemKind.Keyword,
      detail: m.suffix ? `${m.base} (${({ b: 'byte', w: 'word', l: 'long', q: 'quad' } as Record<string, string>)[m.suffix] ?? m.suffix})` : 'instruction',
      ...(doc ? { documentation: doc } : {}),
      sortText: `2${name}`,
    };
  });
  return mnemonicItems;
}

function registers(): CompletionItem[] {
  return [...REGISTERS.values()].map((r) => ({ label: r.name, kind: CompletionItemKind.Variable, detail: `${r.width}-bit ${r.kind} register`, documentation: r.role }));
}

function macroItems(a: Analysis, written: Map<string, string>): CompletionItem[] {
  return [...a.gas.macros.values()].map((m) => {
    const label = written.get(m.name) ?? m.name;
    const snippet = [label, m.params.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ')].filter(Boolean).join(' ');
    return {
      label,
      kind: CompletionItemKind.Function,
      detail: `.macro ${m.params.map((p) => p.name + (p.required ? ':req' : p.default !== undefined ? `=${p.default}` : '')).join(', ')}`,
      insertText: snippet,
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: `1${label}`,
    };
  });
}

function defineItems(a: Analysis): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const m of a.cMacros.values()) {
    if (m.location.file.startsWith('<')) continue;
    out.push({
      label: m.name,
      kind: CompletionItemKind.Constant,
      detail: `#define ${m.name}${m.params ? `(${m.params.join(', ')})` : ''} ${m.body}`.slice(0, 100),
      ...(m.params ? { insertText: `${m.name}(${m.params.map((p, i) => `\${${i + 1}:${p}}`).join(', ')})`, insertTextFormat: InsertTextFormat.Snippet } : {}),
    });
  }
  return out;
}

function symbolItems(a: Analysis): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const s of a.gas.symbols.values()) {
    out.push({
      label: s.name,
      kind: s.kind === 'equ' ? CompletionItemKind.Constant : s.type === 'func' ? CompletionItemKind.Function : CompletionItemKind.Reference,
      detail: s.kind === 'undefined' ? 'external symbol' : `${s.binding} ${s.kind === 'equ' ? 'symbol' : 'label'}${s.section ? ` in ${s.section}` : ''}`,
    });
  }
  return out;
}

/** Macro names as written in their definitions (the assembler keys them in lower case). */
function writtenMacroNames(a: Analysis, readLine: (file: string, line: number) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of a.gas.index?.macroDefinitions ?? []) {
    const line = readLine(d.location.file, d.location.line);
    const spelled = line.slice(d.location.column - 1, d.location.column - 1 + d.name.length);
    out.set(d.name, spelled.toLowerCase() === d.name ? spelled : d.name);
  }
  return out;
}

export interface MacroCallContext {
  name: string;
  /** Index of the argument the cursor is in. */
  argument: number;
  /** Text of the arguments before the cursor. */
  before: string;
}

/** The GAS macro invocation the cursor is in (arguments split as the assembler splits them). */
export function macroCallAt(a: Analysis, lineText: string, column: number): MacroCallContext | undefined {
  const prefix = lineText.slice(0, column - 1);
  const m = /^(\s*(?:[A-Za-z_.$][\w.$]*\s*:\s*)*)([A-Za-z_.$][\w.$]*)(\s+|$)/.exec(prefix);
  if (!m || !m[3]) return undefined;
  const name = m[2].toLowerCase();
  if (!a.gas.macros.has(name)) return undefined;
  const argsText = prefix.slice(m[0].length);
  let i = skipWhite(argsText, 0);
  let argument = 0;
  while (i < argsText.length) {
    const [, j] = getAnyString(argsText, i);
    if (j >= argsText.length) break;
    const k = skipComma(argsText, j);
    if (k === j) break;
    argument++;
    i = k;
  }
  return { name, argument, before: argsText };
}

export function complete(a: Analysis, lineText: string, column: number, readLine: (file: string, line: number) => string): CompletionItem[] {
  const prefix = lineText.slice(0, column - 1);
  const word = /[A-Za-z0-9_.$]*$/.exec(prefix)![0];
  const start = column - word.length;
  const charBefore = prefix[start - 2] ?? '';
  if (/^\s*#\s*[a-z_]*$/.test(prefix)) {
    return Object.entries(CPP_DIRECTIVES).map(([name, d]) => ({ label: name.slice(1), kind: CompletionItemKind.Keyword, detail: d.synopsis, documentation: d.summary }));
  }
  if (charBefore === '%') return registers();
  const call = macroCallAt(a, lineText, column);
  if (call) {
    const m = a.gas.macros.get(call.name)!;
    const named = m.params.filter((p) => !new RegExp(`(^|[\\s,])${p.name}=`).test(call.before)).map((p) => ({
      label: `${p.name}=`,
      kind: CompletionItemKind.Property,
      detail: p.required ? 'required parameter' : p.default !== undefined ? `default ${p.default}` : 'parameter',
      sortText: `0${p.name}`,
      command: { title: 'suggest', command: 'editor.action.triggerSuggest' },
    }));
    return [...named, ...defineItems(a), ...symbolItems(a)];
  }
  if (isStatementStart(lineText, start)) {
    const directives = Object.entries(GAS_DIRECTIVES).map(([name, d]) => ({
      label: name,
      kind: CompletionItemKind.Keyword,
      detail: d.synopsis,
      documentation: { kind: MarkupKind.Markdown, value: d.summary },
      sortText: `3${name}`,
    }));
    if (word.startsWith('.')) return [...directives, ...macroItems(a, writtenMacroNames(a, readLine)).filter((x) => x.label.startsWith('.'))];
    return [...macroItems(a, writtenMacroNames(a, readLine)), ...mnemonics(), ...directives, ...defineItems(a)];
  }
  return [...defineItems(a), ...symbolItems(a)];
}

/** Signature help for GAS macro invocations and function-like #define invocations. */
export function signatureHelp(a: Analysis, lineText: string, column: number): SignatureHelp | undefined {
  const call = macroCallAt(a, lineText, column);
  if (call) {
    const m = a.gas.macros.get(call.name)!;
    const params = m.params.map((p) => `${p.name}${p.required ? ':req' : p.vararg ? ':vararg' : p.default !== undefined ? `=${p.default}` : ''}`);
    // A keyword argument selects its parameter; positional ones count.
    const kw = /([A-Za-z_.$][\w.$]*)=[^,\s]*$/.exec(call.before);
    const active = kw ? Math.max(0, m.params.findIndex((p) => p.name === kw[1])) : Math.min(call.argument, Math.max(0, m.params.length - 1));
    return {
      signatures: [{ label: `${m.name} ${params.join(', ')}`, parameters: params.map((p) => ({ label: p })) }],
      activeSignature: 0,
      activeParameter: active,
    };
  }
  // FUNC(a, b|
  const prefix = lineText.slice(0, column - 1);
  let depth = 0;
  let commas = 0;
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        const name = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(prefix.slice(0, i))?.[1];
        const d = name ? a.cMacros.get(name) : undefined;
        if (!d?.params) return undefined;
        return {
          signatures: [{ label: `${d.name}(${d.params.join(', ')})`, parameters: d.params.map((p) => ({ label: p })), documentation: `#define ${d.name}(${d.params.join(', ')}) ${d.body}` }],
          activeSignature: 0,
          activeParameter: Math.min(commas, d.params.length - 1),
        };
      }
      depth--;
    } else if (c === ',' && depth === 0) commas++;
  }
  return undefined;
}

