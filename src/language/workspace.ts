/**
 * The units the server knows: every `.S`/`.s` file of the workspace folders (found once, then
 * kept up to date as documents change) analysed with the folder's include paths and defines.
 * A header is answered from the units that include it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { SymbolInfo } from '../core/asm/gas/index.js';
import { analyse, type Analysis, type UnitOptions } from './analysis.js';
import { HostFileSystem } from './host-fs.js';
import { occurrencesOf, type Occurrence } from './occurrences.js';

export interface Unit {
  analysis: Analysis;
  occurrences: Occurrence[];
}

const SOURCE = /\.(S|s)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.cache', 'out', 'build']);
const MAX_SCANNED_FILES = 2000;

export class Workspace {
  readonly fs = new HostFileSystem();
  readonly units = new Map<string, Unit>();
  folders: string[] = [];
  private options = new Map<string, UnitOptions>();
  private defaultOptions: UnitOptions = { includePaths: [], defines: [] };

  setOptions(folder: string | undefined, options: UnitOptions): void {
    if (folder === undefined) this.defaultOptions = options;
    else this.options.set(folder, options);
  }

  optionsFor(file: string): UnitOptions {
    const folder = this.folders.filter((f) => file === f || file.startsWith(f.endsWith(sep) ? f : f + sep)).sort((a, b) => b.length - a.length)[0];
    const options = (folder && this.options.get(folder)) || this.defaultOptions;
    // Kernel-style trees keep their headers in an `include/` beside the sources: without
    // configured include paths, use it (as the build's -I would), so a folder opened on its own
    // does not drown in missing-include errors.
    if (options.includePaths.length > 0) return options;
    const beside = join(dirname(file), 'include');
    return existsSync(beside) && statSync(beside).isDirectory() ? { ...options, includePaths: [beside] } : options;
  }

  isSource(file: string): boolean {
    return SOURCE.test(file);
  }

  analyse(main: string): Unit {
    const analysis = analyse(main, this.fs, this.optionsFor(main));
    const unit = { analysis, occurrences: occurrencesOf(analysis) };
    this.units.set(main, unit);
    return unit;
  }

  /** Units whose main file is `file` or that include it. */
  unitsContaining(file: string): Unit[] {
    const own = this.units.get(file);
    const others = [...this.units.values()].filter((u) => u !== own && u.analysis.files.has(file));
    return own ? [own, ...others] : others;
  }

  /** The unit that answers questions about `file` (analysing it if it is a source not seen yet). */
  unitFor(file: string, preferred: (main: string) => boolean = () => false): Unit | undefined {
    // A header belongs to several units: answer from one the user has open, else the first
    // main file by name — never from whichever background analysis happened to finish first.
    const candidates = this.unitsContaining(file);
    const own = this.units.get(file);
    const ranked = candidates.filter((c) => c !== own).sort((a, b) => Number(preferred(b.analysis.main)) - Number(preferred(a.analysis.main)) || (a.analysis.main < b.analysis.main ? -1 : 1));
    const u = own ?? ranked[0];
    if (u) return u;
    if (this.isSource(file)) return this.analyse(file);
    return undefined;
  }

  /** The definition of a global symbol in whichever unit defines it. */
  globalSymbol(name: string): SymbolInfo | undefined {
    for (const u of this.units.values()) {
      const s = u.analysis.gas.symbols.get(name);
      if (s && s.kind !== 'undefined' && s.binding !== 'local') return s;
    }
    return undefined;
  }

  /** Source files under the workspace folders (bounded, skipping build and package folders). */
  sourceFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        if (out.length >= MAX_SCANNED_FILES) return;
        if (name.startsWith('.') && name !== '.') continue;
        const p = join(dir, name);
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) {
          if (!SKIP_DIRS.has(name)) walk(p);
        } else if (SOURCE.test(name)) out.push(p);
      }
    };
    for (const f of this.folders) walk(f);
    return out;
  }
}
