/**
 * Go to definition, references and rename over the occurrence index of every unit that
 * contains the file: a name is the same entity wherever its key is the same (a #define or
 * .macro by its definition's location, a global symbol by its name, a local one per unit).
 */
import type { Location, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { SourceFileSystem, SourceLocation } from '../core/asm/types.js';
import { locationKey, occurrencesAt, type Occurrence } from './occurrences.js';
import { isRealFile, pathToUri, toLocation, toRange } from './positions.js';
import { lineOf, wordAt } from './text.js';
import type { Unit, Workspace } from './workspace.js';

/** The entity under the cursor: from the index, else by name in the unit's tables. */
export function occurrenceAt(unit: Unit, file: string, lineText: string, line: number, column: number): Occurrence | undefined {
  const hit = occurrencesAt(unit.occurrences, file, line, column)[0];
  if (hit) return hit;
  const w = wordAt(lineText, column);
  if (!w || w.before === '%') return undefined;
  const byName = (o: Occurrence) =>
    (o.kind === 'cmacro' && o.name === w.word) || (o.kind === 'macro' && o.name === w.word.toLowerCase()) || (o.kind === 'symbol' && o.name === w.word);
  const candidates = unit.occurrences.filter(byName);
  return candidates.find((o) => o.role === 'definition') ?? candidates[0];
}

function allOccurrences(ws: Workspace, key: string): Occurrence[] {
  const seen = new Set<string>();
  const out: Occurrence[] = [];
  for (const u of ws.units.values()) {
    for (const o of u.occurrences) {
      if (o.key !== key) continue;
      const k = locationKey(o.location);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(o);
    }
  }
  return out;
}

export function definition(ws: Workspace, o: Occurrence): Location[] {
  const defs = allOccurrences(ws, o.key).filter((x) => x.role === 'definition');
  if (defs.length) return defs.map((d) => toLocation(d.location));
  if (o.definition && isRealFile(o.definition.file)) return [toLocation({ ...o.definition, endColumn: o.definition.column + o.name.length })];
  return [];
}

export function references(ws: Workspace, o: Occurrence, includeDeclaration: boolean): Location[] {
  return allOccurrences(ws, o.key)
    .filter((x) => includeDeclaration || x.role !== 'definition')
    .filter((x) => isRealFile(x.location.file))
    .sort((x, y) => x.location.file.localeCompare(y.location.file) || x.location.line - y.location.line || x.location.column - y.location.column)
    .map((x) => toLocation(x.location));
}

/** Occurrences whose text in the file is the name itself (not text a macro argument became). */
function writtenAsName(fs: SourceFileSystem, o: Occurrence): SourceLocation | undefined {
  const text = fs.readFile(o.location.file);
  if (text === undefined) return undefined;
  const line = lineOf(text, o.location.line);
  const start = o.location.column - 1;
  const spelled = line.slice(start, start + o.name.length);
  const same = o.kind === 'macro' ? spelled.toLowerCase() === o.name.toLowerCase() : spelled === o.name;
  return same ? { ...o.location, endColumn: o.location.column + o.name.length } : undefined;
}

const NAME = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

export function renameEdits(ws: Workspace, o: Occurrence, newName: string): WorkspaceEdit | string {
  if (o.kind === 'local-label') return 'numeric local labels cannot be renamed';
  if (!NAME.test(newName) || (o.kind === 'cmacro' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName))) return `\`${newName}' is not a valid name here`;
  const changes: Record<string, TextEdit[]> = {};
  for (const x of allOccurrences(ws, o.key)) {
    if (!isRealFile(x.location.file)) continue;
    const at = writtenAsName(ws.fs, x);
    if (!at) continue;
    (changes[pathToUri(at.file)] ??= []).push({ range: toRange(at), newText: newName });
  }
  return { changes };
}
