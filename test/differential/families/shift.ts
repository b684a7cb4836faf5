// Shifts and rotates: shl sal shr sar rol ror rcl rcr (imm8, %cl, implicit 1), shld shrd (imm8, %cl).
import { CaseBuilder, operandValue } from '../case.js';
import { Rng, mask } from '../prng.js';
import { WIDTHS, suffix, type Width } from '../layout.js';
import { applyFlags, cycle, memAt, useLegacy8, valueOperand, type Family } from './common.js';

/** Count sequence: every count 0..70 in turn, with an occasional random imm8. */
function countFor(rng: Rng, index: number): number {
  return rng.int(8) === 0 ? rng.int(256) : index % 71;
}

function genShiftLike(family: string, ops: readonly string[]) {
  return (rng: Rng, index: number) => {
    // index -> (count 0..70) x (op) x (width)
    const count = countFor(rng, index);
    const k = Math.floor(index / 71);
    const op = cycle(k, ops);
    const width = WIDTHS[Math.floor(k / ops.length) % 4]!;
    const cb = new CaseBuilder(rng, family);
    const s = suffix(width);
    const form = rng.pick(['imm', 'imm', 'cl', 'cl', 'one'] as const);
    cb.reserve(1); // %rcx holds the count for the %cl form; keep it out of the destination choice
    const legacy = useLegacy8(rng, width);
    let dst: string;
    if (rng.int(3) === 0) {
      const m = memAt(cb, { legacy8: legacy });
      cb.setMem(m.offset, width, operandValue(rng, width));
      dst = m.text;
    } else {
      dst = valueOperand(cb, width, { legacy8: legacy, allowRsp: true, exclude: [1] }).name;
    }
    let effective: number;
    if (form === 'imm') {
      effective = count;
      cb.op(`${op}${s} $${count}, ${dst}`, { mnemonic: op, width, count });
    } else if (form === 'cl') {
      effective = count;
      cb.setReg(1, (rng.u64() & ~0xffn) | BigInt(count));
      cb.op(`${op}${s} %cl, ${dst}`, { mnemonic: op, width, count });
    } else {
      effective = 1;
      cb.op(`${op}${s} ${dst}`, { mnemonic: op, width, count: 1 });
    }
    applyFlags(cb, op, width, effective);
    return cb.build();
  };
}

function genDoubleShift(rng: Rng, index: number) {
  const count = countFor(rng, index);
  const k = Math.floor(index / 71);
  const op = cycle(k, ['shld', 'shrd'] as const);
  const width = ([16, 32, 64] as const)[Math.floor(k / 2) % 3]! as Width;
  const cb = new CaseBuilder(rng, 'shld');
  const s = suffix(width);
  cb.reserve(1);
  const src = valueOperand(cb, width, { allowRsp: true, exclude: [1] });
  const useCl = rng.bool();
  if (useCl) cb.setReg(1, (rng.u64() & ~0xffn) | BigInt(count));
  const cnt = useCl ? '%cl' : `$${count}`;
  let destUndefined: boolean;
  if (rng.int(3) === 0) {
    const m = memAt(cb);
    cb.setMem(m.offset, width, operandValue(rng, width));
    cb.op(`${op}${s} ${cnt}, ${src.name}, ${m.text}`, { mnemonic: op, width, count });
    destUndefined = applyFlags(cb, op, width, count);
    if (destUndefined) cb.ignoreMem(m.offset, m.offset + width / 8);
  } else {
    const dst = rng.int(10) === 0 ? src : valueOperand(cb, width, { allowRsp: true, exclude: [1] });
    cb.op(`${op}${s} ${cnt}, ${src.name}, ${dst.name}`, { mnemonic: op, width, count });
    destUndefined = applyFlags(cb, op, width, count);
    if (destUndefined) cb.ignoreRegBits(dst.reg, mask(width));
  }
  return cb.build();
}

export const SHIFT_FAMILIES: Family[] = [
  { name: 'shift', count: 3000, gen: genShiftLike('shift', ['shl', 'shr', 'sar', 'sal']), description: 'shl sal shr sar: imm8 / %cl / implicit-1 forms, counts 0..70 and random' },
  { name: 'rotate', count: 2500, gen: genShiftLike('rotate', ['rol', 'ror', 'rcl', 'rcr']), description: 'rol ror rcl rcr: imm8 / %cl / implicit-1 forms, counts 0..70 and random' },
  { name: 'shld', count: 1500, gen: genDoubleShift, description: 'shld shrd: imm8 / %cl, 16/32/64-bit, register and memory destinations' },
];
