// Undefined-flag masks per instruction, from flags-table.json plus the SDM's count-dependent rules.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagBit, OF, AF, CF, STATUS_FLAGS, type Width } from './layout.js';

interface Entry {
  undefined: string[];
  rule?: 'shift' | 'rotate' | 'double-shift';
  cfUndefinedIfCountGeWidth?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const raw = JSON.parse(readFileSync(join(here, 'flags-table.json'), 'utf8')) as Record<string, unknown>;
export const FLAGS_TABLE: Record<string, Entry> = Object.fromEntries(
  Object.entries(raw).filter(([k]) => !k.startsWith('_')),
) as Record<string, Entry>;

export interface UndefinedInfo {
  /** RFLAGS bits that must not be compared. */
  flags: number;
  /** The destination operand itself is undefined (SHLD/SHRD 16-bit with count > 16). */
  destUndefined: boolean;
}

/** Masked shift/rotate count as the CPU uses it. */
export function maskedCount(count: number, width: Width): number {
  return count & (width === 64 ? 0x3f : 0x1f);
}

/**
 * Flags left undefined by `mnemonic` (base name, no size suffix) at operand width `width`.
 * `count` is the raw shift/rotate count (imm8 or CL) for count-dependent instructions.
 */
export function undefinedFlags(mnemonic: string, width: Width, count?: number): UndefinedInfo {
  const entry = FLAGS_TABLE[mnemonic];
  if (!entry) return { flags: 0, destUndefined: false };
  let flags = entry.undefined.reduce((acc, n) => acc | flagBit(n), 0);
  if (!entry.rule) return { flags, destUndefined: false };
  if (count === undefined) throw new Error(`${mnemonic} needs a count`);
  const m = maskedCount(count, width);
  if (m === 0) return { flags: 0, destUndefined: false };
  switch (entry.rule) {
    case 'shift':
      flags |= AF;
      if (m !== 1) flags |= OF;
      if (entry.cfUndefinedIfCountGeWidth && m >= width) flags |= CF;
      return { flags, destUndefined: false };
    case 'rotate':
      if (m !== 1) flags |= OF;
      return { flags, destUndefined: false };
    case 'double-shift':
      if (m > width) return { flags: STATUS_FLAGS, destUndefined: true };
      flags |= AF;
      if (m !== 1) flags |= OF;
      return { flags, destUndefined: false };
  }
}
