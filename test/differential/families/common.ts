// Helpers shared by the family generators.
import { CaseBuilder, operandValue, type Case, type RegOperand } from '../case.js';
import { undefinedFlags } from '../flags.js';
import { Rng, mask, signed } from '../prng.js';
import { regName, suffix, type Width } from '../layout.js';

export type Generator = (rng: Rng, index: number) => Case;

export interface Family {
  name: string;
  /** Cases in the default run (the long run uses 50x). */
  count: number;
  gen: Generator;
  description: string;
}

/** The 16 condition codes (canonical AT&T spelling) and accepted aliases. */
export const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
export const CONDITION_ALIASES: Record<string, string[]> = {
  b: ['c', 'nae'], ae: ['nc', 'nb'], e: ['z'], ne: ['nz'], be: ['na'], a: ['nbe'],
  p: ['pe'], np: ['po'], l: ['nge'], ge: ['nl'], le: ['ng'], g: ['nle'],
};

export function ccSpelling(rng: Rng, cc: string): string {
  const aliases = CONDITION_ALIASES[cc];
  return aliases && rng.int(4) === 0 ? rng.pick(aliases) : cc;
}

export function cycle<T>(index: number, items: readonly T[]): T {
  return items[index % items.length]!;
}

/** Index into a second dimension cycling after the first. */
export function cycle2<T>(index: number, first: number, items: readonly T[]): T {
  return items[Math.floor(index / first) % items.length]!;
}

export function imm(v: bigint): string {
  return v < 0n ? `$-0x${(-v).toString(16)}` : `$0x${v.toString(16)}`;
}

/** An immediate for an instruction of `width` (imm8/16/32, sign-extended imm32 for 64-bit). */
export function immediate(rng: Rng, width: Width, small = false): bigint {
  if (small || rng.int(3) === 0) return signed(operandValue(rng, 8), 8);
  const w = width === 64 ? 32 : width;
  return signed(operandValue(rng, w), w);
}

/** The value an immediate takes at operand width. */
export function immValue(v: bigint, width: Width): bigint {
  return v & mask(width);
}

/**
 * Pick a register operand with a value. 8-bit high registers (%ah..%bh) appear when `legacy8` is
 * true, i.e. the instruction uses no REX-requiring register.
 */
export function valueOperand(cb: CaseBuilder, width: Width, opts: { legacy8?: boolean; allowRsp?: boolean; exclude?: number[]; value?: bigint } = {}): RegOperand {
  let op: RegOperand;
  if (opts.legacy8 && width === 8) {
    const reg = cb.pickReg({ from: [0, 1, 2, 3], exclude: opts.exclude });
    const high = cb.rng.bool();
    op = { reg, width, high, name: regName(reg, 8, high) };
  } else {
    op = cb.pickOperand(width, { allowRsp: opts.allowRsp, exclude: opts.exclude });
  }
  cb.setOperand(op, opts.value ?? operandValue(cb.rng, width));
  return op;
}

/** Whether to use the legacy (no REX) 8-bit register set in this case, allowing %ah..%bh. */
export function useLegacy8(rng: Rng, width: Width): boolean {
  return width === 8 && rng.int(4) === 0;
}

/** Memory operand at a random offset of the default 48-byte region; returns the operand text. */
export function memAt(cb: CaseBuilder, opts: { legacy8?: boolean; allowRsp?: boolean; offset?: number } = {}): { text: string; offset: number } {
  cb.useMem(48);
  const offset = opts.offset ?? cb.rng.range(8, 24);
  const text = cb.memOperand(offset, { simple: opts.legacy8, allowRsp: opts.allowRsp });
  return { text, offset };
}

export function applyFlags(cb: CaseBuilder, mnemonic: string, width: Width, count?: number): boolean {
  const u = undefinedFlags(mnemonic, width, count);
  cb.undefinedFlags(u.flags);
  return u.destUndefined;
}

export { suffix, regName, mask, signed };
