/** Address → `symbol+offset`, from an ELF symbol table (functions, objects and labels). */
import type { ElfSymbol } from './elf.js';

const STT_SECTION = 3;
const STT_FILE = 4;

export class SymbolMap {
  private readonly sorted: ElfSymbol[];
  private readonly byName = new Map<string, ElfSymbol>();

  constructor(symbols: ElfSymbol[]) {
    const usable = symbols.filter((s) => s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE && s.section !== 0);
    this.sorted = usable.sort((a, b) => a.value - b.value || b.bind - a.bind);
    for (const s of usable) if (!this.byName.has(s.name) || s.bind === 1) this.byName.set(s.name, s);
  }

  /** The symbol at or below `address` (preferring the nearest; sized symbols must contain it). */
  lookup(address: number): { symbol: ElfSymbol; offset: number } | undefined {
    let lo = 0;
    let hi = this.sorted.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].value <= address) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const symbol = this.sorted[best];
    const offset = address - symbol.value;
    if (symbol.size > 0 && offset >= symbol.size) {
      // Past a sized symbol: only name it if nothing better (unsized labels) covers it.
      if (offset > 0x10000) return undefined;
    }
    return { symbol, offset };
  }

  format(address: number): string {
    const hit = this.lookup(address);
    if (!hit) return '';
    return hit.offset === 0 ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
  }

  address(name: string): number | undefined {
    return this.byName.get(name)?.value;
  }
}
