/**
 * Address → source line (and macro chain) from the line map the built-in linker writes into
 * the ELF (`.x64emu.linemap`), for traces and the debugger.
 */
import { LinkedLine, readLineMap } from '../asm/link/index.js';

export class SourceMap {
  private constructor(private readonly lines: LinkedLine[]) {}

  /** The map of an ELF built by x64emu asm, or undefined for other ELF files. */
  static fromElf(elf: Uint8Array): SourceMap | undefined {
    const lines = readLineMap(elf);
    return lines && lines.length > 0 ? new SourceMap(lines.filter((l) => l.isInstruction)) : undefined;
  }

  /** The line record whose bytes contain `address`. */
  lookup(address: number): LinkedLine | undefined {
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

  /** `file:line`, with the innermost macro invocation when the line came from one. */
  format(address: number): string {
    const l = this.lookup(address);
    if (!l) return '';
    const base = l.location.file.split('/').pop();
    const macro = l.chain.find((f) => f.kind === 'macro');
    return `${base}:${l.location.line}${macro ? ` (in ${macro.name})` : ''}`;
  }
}
