/**
 * Source lines ↔ instruction addresses, through macro expansion. Every instruction has a stack
 * of source positions ("levels"): its own line (inside a macro body, if it came from one),
 * then each macro invocation site out to the line in the file being assembled. Breakpoints
 * bind at any level; stepping and the call stack use the levels as frames.
 */
import type { LinkedLine } from '../asm/link/index.js';

export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

export interface Level {
  pos: SourcePos;
  /** The macro whose body holds `pos` (as the invocation spells it); absent at the outermost level. */
  macro?: string;
}

export interface BoundAddress {
  address: number;
  /** Level at which the line matched: that many inner macro levels sit above it. */
  level: number;
}

export class LineTable {
  private readonly lines: LinkedLine[];
  private readonly byFile = new Map<string, Map<number, BoundAddress[]>>();

  constructor(records: LinkedLine[]) {
    this.lines = records.filter((l) => l.isInstruction).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    this.index();
  }

  /** The record whose bytes hold `address`. */
  at(address: number): LinkedLine | undefined {
    const a = BigInt(address);
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const l = this.lines[mid];
      if (a < l.address) hi = mid - 1;
      else if (a >= l.address + BigInt(l.length)) lo = mid + 1;
      else return l;
    }
    return undefined;
  }

  /** Innermost first; empty when the address has no source. */
  levels(address: number): Level[] {
    const l = this.at(address);
    return l ? levelsOf(l) : [];
  }

  /** Addresses where a breakpoint on `file:line` stops: the first instruction of each run of
   * consecutive instructions that come from that line (at any macro level). */
  bind(file: string, line: number): BoundAddress[] {
    return this.byFile.get(file)?.get(line) ?? [];
  }

  /** Lines of `file` that have code, ascending. */
  linesWithCode(file: string): number[] {
    return [...(this.byFile.get(file)?.keys() ?? [])].sort((a, b) => a - b);
  }

  files(): string[] {
    return [...this.byFile.keys()];
  }

  private index(): void {
    let previous = new Set<string>();
    let end = -1n;
    for (const l of this.lines) {
      const levels = levelsOf(l);
      const keys = new Set<string>();
      if (l.address !== end) previous = new Set();
      for (let k = 0; k < levels.length; k++) {
        // A run continues while the same line is reached through the same invocation chain.
        const key = levels
          .slice(k)
          .map((v) => `${v.pos.file}:${v.pos.line}:${v.pos.column}`)
          .join('|');
        keys.add(key);
        if (previous.has(key)) continue;
        const { file, line } = levels[k].pos;
        let lines = this.byFile.get(file);
        if (!lines) this.byFile.set(file, (lines = new Map()));
        let bound = lines.get(line);
        if (!bound) lines.set(line, (bound = []));
        bound.push({ address: Number(BigInt.asIntN(64, l.address)), level: k });
      }
      previous = keys;
      end = l.address + BigInt(l.length);
    }
  }
}

function levelsOf(l: LinkedLine): Level[] {
  const macros = l.chain.filter((f) => f.kind === 'macro');
  const levels: Level[] = [{ pos: l.location, macro: macros[0]?.name }];
  macros.forEach((f, i) => levels.push({ pos: f.location, macro: macros[i + 1]?.name }));
  return levels;
}

/** Same line at the same level (used by stepping). */
export function samePos(a: SourcePos | undefined, b: SourcePos | undefined): boolean {
  return a !== undefined && b !== undefined && a.file === b.file && a.line === b.line;
}
