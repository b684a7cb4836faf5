/** Operand checking and GAS's immediate classification (which immediate field sizes a value may use). */
import type { AsmValue } from '../object.js';
import { lookupRegister, type RegInfo } from './registers.js';
import type { AsmOperand } from './index.js';

export type Opnd =
  | { t: 'reg'; r: RegInfo }
  | { t: 'imm'; v: AsmValue }
  | {
      t: 'mem';
      seg?: RegInfo;
      base?: RegInfo;
      index?: RegInfo;
      scale: 1 | 2 | 4 | 8;
      disp?: AsmValue;
      /** Address size implied by the registers (64 when there are none). */
      asize: 32 | 64;
      rip: boolean;
      /** No base and no index: an absolute address. */
      absolute: boolean;
      text: string;
    }
  /** `(%dx)`: the I/O port operand. */
  | { t: 'port' }
  | { t: 'target'; v: AsmValue };

export function formatValue(v: AsmValue | undefined): string {
  if (!v) return '';
  if (v.kind === 'constant') return v.value < 0n ? `-0x${(-v.value).toString(16)}` : `0x${v.value.toString(16)}`;
  if (v.addend === 0n) return v.symbol;
  return v.addend < 0n ? `${v.symbol}-${-v.addend}` : `${v.symbol}+${v.addend}`;
}

export function formatOperand(op: AsmOperand): string {
  switch (op.kind) {
    case 'reg':
      return `%${op.name}`;
    case 'imm':
      return `$${formatValue(op.value)}`;
    case 'target':
      return formatValue(op.value);
    case 'mem': {
      const seg = op.segment ? `%${op.segment}:` : '';
      const disp = op.disp && !(op.disp.kind === 'constant' && op.disp.value === 0n && (op.base || op.index)) ? formatValue(op.disp) : '';
      if (!op.base && !op.index) return seg + (disp || '0');
      const parts = [op.base ? `%${op.base}` : ''];
      if (op.index) parts.push(`%${op.index}`);
      if (op.scale !== undefined) parts.push(String(op.scale));
      return `${seg}${disp}(${parts.join(',')})`;
    }
  }
}

/** Registers GAS knows that belong to the unsupported extensions (x87, MMX, AVX, AVX-512, MPX). */
const UNSUPPORTED_REG = /^(st(\(\d\))?|mm[0-7]|[xyz]mm([12]\d|3[01])|[yz]mm\d|k[0-7]|bnd[0-3]|tmm[0-7])$/;

export type OperandResult = { ok: true; op: Opnd } | { ok: false; message: string };

/** Checks one operand's registers and addressing form. */
export function checkOperand(op: AsmOperand): OperandResult {
  switch (op.kind) {
    case 'reg': {
      const r = lookupRegister(op.name);
      if (!r && UNSUPPORTED_REG.test(op.name)) {
        return { ok: false, message: `unsupported register \`%${op.name}' (x87, MMX and AVX registers are not supported by this assembler)` };
      }
      if (!r) return { ok: false, message: `bad register name \`%${op.name}'` };
      if (r.cls === 'ip') return { ok: false, message: `bad register name \`%${op.name}'` };
      return { ok: true, op: { t: 'reg', r } };
    }
    case 'imm':
      return { ok: true, op: { t: 'imm', v: op.value } };
    case 'target':
      return { ok: true, op: { t: 'target', v: op.value } };
    case 'mem': {
      const text = formatOperand(op);
      const bad = { ok: false as const, message: `\`${text}' is not a valid base/index expression` };
      let seg: RegInfo | undefined;
      if (op.segment) {
        seg = lookupRegister(op.segment);
        if (!seg || seg.cls !== 'seg') return { ok: false, message: `bad register name \`%${op.segment}'` };
      }
      const base = op.base !== undefined ? lookupRegister(op.base) : undefined;
      const index = op.index !== undefined ? lookupRegister(op.index) : undefined;
      if (op.base !== undefined && !base) return { ok: false, message: `bad register name \`%${op.base}'` };
      if (op.index !== undefined && !index) return { ok: false, message: `bad register name \`%${op.index}'` };
      // (%dx) is the I/O port operand of in/out/ins/outs.
      if (base && base.name === 'dx' && !index && !seg && (!op.disp || (op.disp.kind === 'constant' && op.disp.value === 0n))) {
        return { ok: true, op: { t: 'port' } };
      }
      if (base && !((base.cls === 'gpr' && (base.size === 64 || base.size === 32)) || base.cls === 'ip')) return bad;
      if (index && !(index.cls === 'gpr' && (index.size === 64 || index.size === 32) && index.num !== 4)) return bad;
      if (base && index && (base.cls === 'ip' || base.size !== index.size)) return bad;
      const scale = op.scale ?? 1;
      if (![1, 2, 4, 8].includes(scale)) return { ok: false, message: `scale factor of ${scale} without an index register` };
      const asize = (base ?? index)?.size === 32 ? 32 : 64;
      return {
        ok: true,
        op: {
          t: 'mem',
          seg,
          base,
          index,
          scale,
          disp: op.disp,
          asize,
          rip: base?.cls === 'ip',
          absolute: !base && !index,
          text,
        },
      };
    }
  }
}

// ---- immediates ------------------------------------------------------------------------------

/** GAS's immediate operand types (bit set). */
export const IMM8 = 1, IMM8S = 2, IMM16 = 4, IMM32 = 8, IMM32S = 16, IMM64 = 32, IMM1 = 64;

const fitsS = (v: bigint, bits: number) => v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits - 1);
const fitsU = (v: bigint, bits: number) => v >= 0n && v < 1n << BigInt(bits);

function smallestImmTypes(v: bigint): number {
  let t = IMM64;
  if (v === 1n) t |= IMM1;
  if (fitsS(v, 8)) t |= IMM8S | IMM8 | IMM16 | IMM32 | IMM32S;
  else if (fitsU(v, 8)) t |= IMM8 | IMM16 | IMM32 | IMM32S;
  else if (fitsS(v, 16) || fitsU(v, 16)) t |= IMM16 | IMM32 | IMM32S;
  else if (fitsS(v, 32)) t |= IMM32 | IMM32S;
  else if (fitsU(v, 32)) t |= IMM32;
  return t;
}

/**
 * A constant immediate as GAS sees it for template matching: with a known operand size
 * ("guess", from the suffix or the last register operand) GAS folds values that fit the unsigned
 * width to signed ones (so `addw $0xffe0` can use a sign-extended imm8) and lets any value use
 * the operand-size field (truncated later, with a warning when it does not fit).
 */
export function classifyConstant(value: bigint, guess: 'b' | 'w' | 'l' | 'q' | undefined): { value: bigint; types: number } {
  let v = BigInt.asIntN(64, value);
  if ((guess === 'w' || guess === 'b') && fitsU(v, 16)) v = BigInt.asIntN(16, v);
  if ((guess === 'w' || guess === 'b' || guess === 'l') && fitsU(v, 32)) v = BigInt.asIntN(32, v);
  let types = smallestImmTypes(v);
  if (guess === 'l') types |= IMM32 | IMM64;
  else if (guess === 'w') types |= IMM16 | IMM32 | IMM32S | IMM64;
  else if (guess === 'b') types |= IMM8 | IMM8S | IMM16 | IMM32 | IMM32S | IMM64;
  if (guess === 'q') types &= ~IMM32;
  return { value: v, types };
}

/** Symbolic immediates: any field but the sign-extended imm8 ones, narrowed to the operand size when that leaves a choice. */
export function classifySymbol(guess: 'b' | 'w' | 'l' | 'q' | undefined, allowed: number): number {
  const all = IMM8 | IMM16 | IMM32 | IMM32S | IMM64;
  const mask = guess === 'q' ? IMM64 | IMM32S : guess === 'l' ? IMM32 : guess === 'w' ? IMM16 : guess === 'b' ? IMM8 : 0;
  if (mask === 0 || (mask & allowed) === 0) return all;
  return all & mask;
}

/** GAS's truncation of a value to a field: the low bits, with a warning when neither v nor −v fits. */
export function truncate(v: bigint, bytes: number, warnings: string[]): bigint {
  const bits = BigInt(bytes * 8);
  const mask = (1n << bits) - 1n;
  const u = BigInt.asUintN(64, v);
  const neg = BigInt.asUintN(64, -v);
  const r = u & mask;
  if ((u & ~mask & 0xffffffffffffffffn) !== 0n && (neg & ~mask & 0xffffffffffffffffn) !== 0n) {
    warnings.push(`0x${u.toString(16)} shortened to 0x${r.toString(16)}`);
  }
  return r;
}

export { fitsS, fitsU };
