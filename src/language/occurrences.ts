/**
 * Every place a name appears in a unit, as the assembler saw it: C macros (#define, expansion,
 * #ifdef/defined, #undef), GAS macros (.macro and invocations), symbols (labels, .set/.equ/=,
 * references, .globl/.type/.size) and numeric local labels. Definition, references, rename,
 * semantic tokens and document symbols are all queries over this list.
 */
import type { SourceLocation } from '../core/asm/types.js';
import type { Analysis } from './analysis.js';

export type OccurrenceKind = 'cmacro' | 'macro' | 'symbol' | 'local-label';

export interface Occurrence {
  kind: OccurrenceKind;
  /** Identity across files and units: two occurrences with the same key are the same entity. */
  key: string;
  /** The name as the user writes it (macros: as in the definition). */
  name: string;
  role: 'definition' | 'reference';
  /** With endColumn. */
  location: SourceLocation;
  /** Where the entity is defined, when the assembler knows it. */
  definition?: SourceLocation;
}

export const locationKey = (l: SourceLocation): string => `${l.file}:${l.line}:${l.column}`;

function withEnd(l: SourceLocation, length: number): SourceLocation {
  return { file: l.file, line: l.line, column: l.column, endColumn: l.endColumn ?? l.column + length };
}

/** Symbol identity: global names are shared between units; local ones belong to their unit. */
export function symbolKey(a: Analysis, name: string): string {
  const info = a.gas.symbols.get(name);
  const global = !info || info.binding !== 'local' || info.kind === 'undefined';
  return global && !name.startsWith('.L') ? `s:${name}` : `s:${a.main}:${name}`;
}

export function occurrencesOf(a: Analysis): Occurrence[] {
  const out: Occurrence[] = [];
  const seen = new Set<string>();
  const add = (o: Occurrence) => {
    const k = `${o.kind}|${o.key}|${locationKey(o.location)}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(o);
  };
  const cKey = (name: string, def?: SourceLocation) => `c:${name}@${def ? locationKey(def) : '?'}`;
  for (const d of a.cDefinitions) {
    if (d.location.file.startsWith('<')) continue;
    add({ kind: 'cmacro', key: cKey(d.name, d.location), name: d.name, role: 'definition', location: withEnd(d.location, d.name.length), definition: d.location });
  }
  for (const u of a.cUses) {
    if (u.location.file.startsWith('<')) continue;
    // A name tested before (or without) any definition is still the same name as a later one.
    const def = u.definition ?? a.cMacros.get(u.name)?.location;
    add({ kind: 'cmacro', key: cKey(u.name, def), name: u.name, role: 'reference', location: u.location, ...(def ? { definition: def } : {}) });
  }
  const index = a.gas.index;
  if (!index) return out;
  const macroName = new Map<string, string>();
  for (const m of index.macroDefinitions) {
    macroName.set(locationKey(m.location), m.name);
    add({ kind: 'macro', key: `m:${m.name}@${locationKey(m.location)}`, name: m.name, role: 'definition', location: withEnd(m.location, m.name.length), definition: m.location });
  }
  for (const c of index.macroCalls) {
    add({ kind: 'macro', key: `m:${c.name}@${locationKey(c.definition)}`, name: c.name, role: 'reference', location: withEnd(c.location, c.name.length), definition: c.definition });
  }
  const definitions = new Map<string, SourceLocation>();
  for (const u of index.symbolUses) {
    if (u.kind !== 'reference' && !definitions.has(u.name)) definitions.set(u.name, u.location);
  }
  for (const u of index.symbolUses) {
    const local = u.display !== undefined;
    const def = definitions.get(u.name);
    add({
      kind: local ? 'local-label' : 'symbol',
      key: local ? `l:${a.main}:${u.name}` : symbolKey(a, u.name),
      name: u.display ?? u.name,
      role: u.kind === 'reference' ? 'reference' : 'definition',
      location: withEnd(u.location, (u.display ?? u.name).length),
      ...(def ? { definition: def } : {}),
    });
  }
  return out;
}

/** Occurrences whose range contains (line, column) (1-based), innermost kinds first. */
export function occurrencesAt(list: Occurrence[], file: string, line: number, column: number): Occurrence[] {
  const order: Record<OccurrenceKind, number> = { cmacro: 0, macro: 1, 'local-label': 2, symbol: 3 };
  return list
    .filter((o) => o.location.file === file && o.location.line === line && o.location.column <= column && column < (o.location.endColumn ?? o.location.column + 1))
    .sort((x, y) => order[x.kind] - order[y.kind]);
}
