/**
 * Document symbols (sections with their labels, macros, #defines of this file) and workspace
 * symbols (non-local labels, macros and #defines of every unit), from the assembler's index.
 */
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import type { SourceLocation } from '../core/asm/types.js';
import type { Analysis } from './analysis.js';
import { locationKey } from './occurrences.js';
import { isRealFile, toLocation, toRange } from './positions.js';
import type { Workspace } from './workspace.js';

interface Entry {
  name: string;
  kind: SymbolKind;
  detail: string;
  location: SourceLocation;
  section?: string;
}

function entriesOf(a: Analysis, file?: string): Entry[] {
  const out: Entry[] = [];
  const seen = new Set<string>();
  const push = (e: Entry) => {
    const k = `${e.name}@${locationKey(e.location)}`;
    if (seen.has(k) || (file !== undefined && e.location.file !== file) || !isRealFile(e.location.file)) return;
    seen.add(k);
    out.push(e);
  };
  for (const m of a.gas.index?.macroDefinitions ?? []) {
    const info = a.gas.macros.get(m.name);
    push({ name: m.name, kind: SymbolKind.Method, detail: `.macro ${info?.params.map((p) => p.name).join(', ') ?? ''}`.trim(), location: { ...m.location, endColumn: m.location.column + m.name.length } });
  }
  for (const d of a.cDefinitions) {
    push({ name: d.name, kind: SymbolKind.Constant, detail: `#define ${d.body}`.slice(0, 80), location: { ...d.location, endColumn: d.location.column + d.name.length } });
  }
  for (const u of a.gas.index?.symbolUses ?? []) {
    if (u.kind === 'reference' || u.display !== undefined || u.chain.some((f) => f.kind === 'macro' || f.kind === 'rept' || f.kind === 'irp' || f.kind === 'irpc')) continue;
    const s = a.gas.symbols.get(u.name);
    const isFunction = s?.type === 'func' || (u.kind === 'label' && s?.binding !== 'local' && !u.name.startsWith('.L'));
    const kind = u.kind === 'set' ? SymbolKind.Constant : isFunction ? SymbolKind.Function : s?.type === 'object' ? SymbolKind.Variable : SymbolKind.Field;
    const detail = u.kind === 'set' ? '.set' : `${s?.binding ?? 'local'} ${s?.type === 'func' ? 'function' : s?.type === 'object' ? 'object' : 'label'}`;
    push({ name: u.name, kind, detail, location: { ...u.location, endColumn: u.location.column + u.name.length }, ...(u.kind === 'label' && s?.section ? { section: s.section } : {}) });
  }
  return out;
}

/** Sections (from the labels in them) containing their labels; macros and #defines at the top. */
export function documentSymbols(a: Analysis, file: string, lineCount: number): DocumentSymbol[] {
  const entries = entriesOf(a, file).sort((x, y) => x.location.line - y.location.line || x.location.column - y.location.column);
  const labels = entries.filter((e) => e.section !== undefined);
  const top: DocumentSymbol[] = [];
  const sections = new Map<string, DocumentSymbol>();
  labels.forEach((e, i) => {
    const next = labels[i + 1];
    const endLine = next ? Math.max(e.location.line, next.location.line - 1) : lineCount;
    const sym: DocumentSymbol = {
      name: e.name,
      kind: e.kind,
      detail: e.detail,
      range: { start: { line: e.location.line - 1, character: 0 }, end: { line: endLine - 1, character: 0 } },
      selectionRange: toRange(e.location),
    };
    let sec = sections.get(e.section!);
    if (!sec) {
      sec = { name: e.section!, kind: SymbolKind.Namespace, detail: 'section', range: sym.range, selectionRange: sym.selectionRange, children: [] };
      sections.set(e.section!, sec);
      top.push(sec);
    }
    sec.children!.push(sym);
    if (sym.range.end.line > sec.range.end.line) sec.range = { start: sec.range.start, end: sym.range.end };
  });
  for (const e of entries) {
    if (e.section !== undefined) continue;
    top.push({ name: e.name, kind: e.kind, detail: e.detail, range: toRange(e.location), selectionRange: toRange(e.location) });
  }
  return top.sort((x, y) => x.range.start.line - y.range.start.line);
}

export function workspaceSymbols(ws: Workspace, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: SymbolInformation[] = [];
  for (const u of ws.units.values()) {
    for (const e of entriesOf(u.analysis)) {
      if (e.name.startsWith('.L') || e.kind === SymbolKind.Field) continue;
      if (q && !e.name.toLowerCase().includes(q)) continue;
      const k = `${e.name}@${locationKey(e.location)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ name: e.name, kind: e.kind, location: toLocation(e.location), ...(e.section ? { containerName: e.section } : {}) });
      if (out.length >= 500) return out;
    }
  }
  return out;
}
