/**
 * Hover text: C macros (definition, full expansion, value), GAS macros (signature, arguments and
 * the expansion at this call site), symbols (kind, binding, section and offset after layout),
 * instructions, registers and directives.
 */
import { basename } from 'node:path';
import type { MarkupContent } from 'vscode-languageserver';
import type { SourceLocation } from '../core/asm/types.js';
import type { Analysis } from './analysis.js';
import { instructionFacts, type InstructionFacts } from './instruction-info.js';
import { CFI_NOTE, CPP_DIRECTIVES, GAS_DIRECTIVES } from './knowledge/directives.js';
import { REGISTERS, registerPrivilege } from './knowledge/registers.js';
import { callAt, constantValue, expandCMacro, expansionOfCall } from './macro-expansion.js';
import { locationKey, occurrencesAt, type Occurrence } from './occurrences.js';
import { isStatementStart, wordAt } from './text.js';
import type { Unit, Workspace } from './workspace.js';

const code = (lang: string, text: string) => '```' + lang + '\n' + text + '\n```';
const where = (l: SourceLocation) => `${basename(l.file)}:${l.line}`;
const hex = (v: bigint) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

export function hover(ws: Workspace, unit: Unit, file: string, lineText: string, line: number, column: number): MarkupContent | undefined {
  const a = unit.analysis;
  const occ = occurrencesAt(unit.occurrences, file, line, column)[0];
  const text = occ ? hoverOccurrence(ws, a, occ, file, line, column) : undefined;
  if (text) return { kind: 'markdown', value: text };
  const w = wordAt(lineText, column);
  if (!w) return undefined;
  let value: string | undefined;
  if (w.before === '%') value = registerHover(w.word.toLowerCase());
  else if (w.word.startsWith('.') && isStatementStart(lineText, w.start)) value = directiveHover(w.word.toLowerCase());
  else if (w.before === '#' && /^\s*#\s*$/.test(lineText.slice(0, w.start - 1))) value = cppDirectiveHover('#' + w.word);
  else if (isStatementStart(lineText, w.start) && !lineText.slice(w.end - 1).startsWith(':')) value = instructionHover(a, file, line, w.word, w.start);
  if (!value) value = nameHover(ws, a, w.word);
  return value ? { kind: 'markdown', value } : undefined;
}

function hoverOccurrence(ws: Workspace, a: Analysis, o: Occurrence, file: string, line: number, column: number): string | undefined {
  switch (o.kind) {
    case 'cmacro': return cMacroHover(a, o.name, o.definition);
    case 'macro': {
      const call = o.role === 'reference' ? callAt(a, file, line, column) : undefined;
      return gasMacroHover(a, o.name, call ? { call } : undefined);
    }
    case 'symbol': return symbolHover(ws, a, o.name);
    case 'local-label': {
      const def = a.gas.index?.symbolUses.find((u) => u.name === o.key.slice(o.key.lastIndexOf(':') + 1) && u.kind === 'label');
      return `**${o.name}** — numeric local label${def ? ` (this reference resolves to the one at line ${def.location.line})` : ''}.\n\n\`${o.name}b\` refers to the nearest \`${o.name}:\` before, \`${o.name}f\` to the nearest after.`;
    }
  }
}

export function cMacroHover(a: Analysis, name: string, definition?: SourceLocation): string | undefined {
  const m = a.cDefinitions.find((d) => definition && locationKey(d.location) === locationKey(definition)) ?? a.cMacros.get(name);
  if (!m) return `**${name}** — not a defined C macro here.`;
  const head = `#define ${m.name}${m.params ? `(${m.params.join(', ')})` : ''} ${m.body}`;
  const parts = [code('c', head)];
  const expanded = expandCMacro(a.cMacros, name);
  if (expanded !== undefined && expanded !== m.body.trim()) parts.push(`Expands to \`${expanded}\``);
  const value = expanded !== undefined ? constantValue(expanded) : undefined;
  if (value !== undefined) parts.push(`Value: ${value} (${hex(value)})`);
  parts.push(m.location.file.startsWith('<') ? `Defined on the ${m.location.file.slice(1, -1)}.` : `Defined at ${where(m.location)}.`);
  return parts.join('\n\n');
}

export function gasMacroHover(a: Analysis, name: string, at?: { call: NonNullable<ReturnType<typeof callAt>> }): string | undefined {
  const info = a.gas.macros.get(name.toLowerCase());
  if (!info) return undefined;
  const params = info.params.map((p) => `${p.name}${p.required ? ':req' : p.vararg ? ':vararg' : p.default !== undefined ? `=${p.default}` : ''}`);
  const parts = [code('gas', `.macro ${info.name} ${params.join(', ')}`.trimEnd()), `Defined at ${where(info.location)}.`];
  if (at) {
    const args = info.params.map((p) => `${p.name} = ${at.call.args.get(p.name) || (p.default !== undefined ? `${p.default} (default)` : '(blank)')}`);
    if (args.length) parts.push('Arguments here: ' + args.map((s) => '`' + s + '`').join(', '));
    const body = expansionOfCall(a, at.call);
    parts.push('Expansion here:\n\n' + code('gas', body.length ? body.join('\n') : '(nothing)'));
  } else {
    const calls = a.gas.index?.macroCalls.filter((c) => c.name === info.name).length ?? 0;
    parts.push(`${calls} invocation${calls === 1 ? '' : 's'} in this unit.`);
  }
  return parts.join('\n\n');
}

export function symbolHover(ws: Workspace, a: Analysis, name: string): string | undefined {
  const s = a.gas.symbols.get(name);
  if (!s) return undefined;
  if (s.kind === 'undefined') {
    const elsewhere = ws.globalSymbol(name);
    const loc = elsewhere?.location;
    const perCpu = elsewhere?.section && /percpu/.test(elsewhere.section) ? '\n\nPer-CPU variable: each CPU has its own copy, reached through `%gs:`.' : '';
    return `**${name}** — not defined in this file${loc ? `; defined at ${where(loc)}${elsewhere?.section ? ` in \`${elsewhere.section}\`` : ''}` : ' (resolved by the linker)'}.${perCpu}`;
  }
  const what = s.kind === 'label' ? (s.type === 'func' ? 'function' : s.type === 'object' ? 'data object' : 'label') : 'symbol (.set)';
  const parts = [`**${name}** — ${s.binding} ${what}`];
  if (s.kind === 'label' && s.section) parts.push(`in \`${s.section}\` at offset ${s.value !== undefined ? hex(s.value) : '?'}`);
  else if (s.value !== undefined) parts.push(s.section ? `= \`${s.section}\` + ${hex(s.value)}` : `= ${s.value} (${hex(s.value)})`);
  if (s.location) parts.push(`(defined at ${where(s.location)})`);
  if (s.section && /percpu/.test(s.section)) parts.push('\n\nPer-CPU variable: each CPU has its own copy, reached through `%gs:`.');
  return parts.join(' ');
}

export function formatInstructionFacts(f: InstructionFacts): string {
  const parts = [`**${f.mnemonic}**${f.suffix ? ` (${f.base} with size suffix \`${f.suffix}\`)` : ''}`];
  if (f.description) parts.push(f.description);
  if (f.exactForm) parts.push(`This instruction: \`${f.exactForm}\``);
  if (f.forms.length) parts.push('Forms:\n\n' + code('gas', f.forms.slice(0, 16).join('\n')));
  if (f.flags) {
    const fl = f.flags;
    const seg = [
      fl.read.length ? `reads ${fl.read.join(' ')}` : '',
      fl.written.length ? `writes ${fl.written.join(' ')}` : '',
      fl.cleared.length ? `clears ${fl.cleared.join(' ')}` : '',
      fl.set.length ? `sets ${fl.set.join(' ')}` : '',
      fl.undefined.length ? `leaves ${fl.undefined.join(' ')} undefined` : '',
    ].filter(Boolean);
    parts.push(`Flags: ${seg.length ? seg.join('; ') : 'none read or written'}.`);
  }
  if (f.privilege) parts.push(`Privilege: ${f.privilege}`);
  return parts.join('\n\n');
}

function instructionBytes(a: Analysis, file: string, line: number, column: number): Uint8Array | undefined {
  const m = a.gas.module;
  if (!m) return undefined;
  const rec = m.lines.find((l) => l.isInstruction && l.location.file === file && l.location.line === line && l.location.column <= column);
  if (!rec) return undefined;
  const sec = m.sections.find((s) => s.name === rec.section);
  return sec && sec.bytes.length >= rec.offset + rec.length ? sec.bytes.slice(rec.offset, rec.offset + rec.length) : undefined;
}

function instructionHover(a: Analysis, file: string, line: number, word: string, column: number): string | undefined {
  const facts = instructionFacts(word, instructionBytes(a, file, line, column));
  return facts ? formatInstructionFacts(facts) : undefined;
}

export function registerHover(name: string): string | undefined {
  const r = REGISTERS.get(name);
  if (!r) return undefined;
  const parts = [`**%${r.name}** — ${r.width}-bit ${r.kind} register`];
  if (r.aliases.length) parts.push(`Same register: ${r.aliases.map((x) => '%' + x).join(', ')}`);
  parts.push(r.role);
  const p = registerPrivilege(r);
  if (p) parts.push(`Privilege: ${p}`);
  return parts.join('\n\n');
}

export function directiveHover(name: string): string | undefined {
  if (name.startsWith('.cfi_')) return `**${name}** — ${CFI_NOTE}`;
  const d = GAS_DIRECTIVES[name];
  return d ? code('gas', d.synopsis) + '\n\n' + d.summary : undefined;
}

function cppDirectiveHover(name: string): string | undefined {
  const d = CPP_DIRECTIVES[name];
  return d ? code('c', d.synopsis) + '\n\n' + d.summary : undefined;
}

/** A name the occurrence index does not cover here (e.g. text that a macro argument became). */
function nameHover(ws: Workspace, a: Analysis, word: string): string | undefined {
  if (a.cMacros.has(word)) return cMacroHover(a, word);
  if (a.gas.macros.has(word.toLowerCase())) return gasMacroHover(a, word);
  if (a.gas.symbols.has(word)) return symbolHover(ws, a, word);
  return undefined;
}
