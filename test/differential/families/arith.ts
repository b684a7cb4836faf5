// Arithmetic and logic: add adc sub sbb cmp and or xor test; inc dec neg not; mul imul; div idiv.
import { CaseBuilder, operandValue } from '../case.js';
import { Rng, mask, signed } from '../prng.js';
import { WIDTHS, suffix, type Width } from '../layout.js';
import { applyFlags, cycle, cycle2, imm, immediate, memAt, useLegacy8, valueOperand, type Family } from './common.js';

const BINARY = ['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test'] as const;

function genAlu(rng: Rng, index: number) {
  const op = cycle(index, BINARY);
  const width = cycle2(index, BINARY.length, WIDTHS);
  const cb = new CaseBuilder(rng, 'alu');
  const s = suffix(width);
  const legacy = useLegacy8(rng, width);
  const form = rng.pick(['rr', 'rr', 'rm', 'mr', 'ir', 'ir', 'im', 'acc'] as const);
  switch (form) {
    case 'rr': {
      const a = valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      const b = rng.int(10) === 0 ? a : valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      // {load}/{store} choose between the two ModRM directions (e.g. 01 /r vs 03 /r).
      const dir = op === 'test' ? '' : rng.pick(['', '{load} ', '{store} ']);
      cb.op(`${dir}${op}${s} ${a.name}, ${b.name}`, { mnemonic: op, width });
      break;
    }
    case 'rm': case 'mr': {
      const r = valueOperand(cb, width, { legacy8: legacy });
      const m = memAt(cb, { legacy8: legacy });
      cb.setMem(m.offset, width, operandValue(rng, width));
      cb.op(form === 'rm' ? `${op}${s} ${r.name}, ${m.text}` : `${op}${s} ${m.text}, ${r.name}`, { mnemonic: op, width });
      break;
    }
    case 'ir': case 'acc': {
      const r = form === 'acc'
        ? cb.fixedOperand(0, width)
        : valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      cb.setOperand(r, operandValue(rng, width));
      cb.op(`${op}${s} ${imm(immediate(rng, width))}, ${r.name}`, { mnemonic: op, width });
      break;
    }
    case 'im': {
      const m = memAt(cb);
      cb.setMem(m.offset, width, operandValue(rng, width));
      cb.op(`${op}${s} ${imm(immediate(rng, width))}, ${m.text}`, { mnemonic: op, width });
      break;
    }
  }
  applyFlags(cb, op, width);
  return cb.build();
}

const UNARY = ['inc', 'dec', 'neg', 'not'] as const;

function genUnary(rng: Rng, index: number) {
  const op = cycle(index, UNARY);
  const width = cycle2(index, UNARY.length, WIDTHS);
  const cb = new CaseBuilder(rng, 'unary');
  const s = suffix(width);
  if (rng.int(3) === 0) {
    const m = memAt(cb);
    cb.setMem(m.offset, width, operandValue(rng, width));
    cb.op(`${op}${s} ${m.text}`, { mnemonic: op, width });
  } else {
    const r = valueOperand(cb, width, { legacy8: useLegacy8(rng, width), allowRsp: true });
    cb.op(`${op}${s} ${r.name}`, { mnemonic: op, width });
  }
  applyFlags(cb, op, width);
  return cb.build();
}

/** mul / imul: one-operand (all widths), two-operand and three-operand (16/32/64). */
function genMul(rng: Rng, index: number) {
  const forms = ['mul', 'imul1', 'imul2', 'imul3'] as const;
  const form = cycle(index, forms);
  const width: Width = form === 'mul' || form === 'imul1' ? cycle2(index, 4, WIDTHS) : cycle2(index, 4, [16, 32, 64] as const);
  const cb = new CaseBuilder(rng, 'mul');
  const s = suffix(width);
  const mnemonic = form === 'mul' ? 'mul' : 'imul';
  if (form === 'mul' || form === 'imul1') {
    const acc = cb.fixedOperand(0, width);
    cb.setOperand(acc, operandValue(rng, width));
    cb.reserve(2);
    if (rng.int(3) === 0) {
      const m = memAt(cb);
      cb.setMem(m.offset, width, operandValue(rng, width));
      cb.op(`${mnemonic}${s} ${m.text}`, { mnemonic, width });
    } else {
      // The source may be the accumulator itself or %rdx (8-bit: any of al..bh).
      const legacy = useLegacy8(rng, width);
      let src;
      if (rng.int(8) === 0) src = width === 8 && legacy && rng.bool() ? { name: '%ah' } : acc;
      else if (rng.int(8) === 0 && width > 8) src = cb.fixedOperand(2, width);
      else src = valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      cb.op(`${mnemonic}${s} ${src.name}`, { mnemonic, width });
    }
  } else if (form === 'imul2') {
    const dst = valueOperand(cb, width, { allowRsp: true });
    if (rng.int(3) === 0) {
      const m = memAt(cb);
      cb.setMem(m.offset, width, operandValue(rng, width));
      cb.op(`imul${s} ${m.text}, ${dst.name}`, { mnemonic, width });
    } else {
      const src = rng.int(8) === 0 ? dst : valueOperand(cb, width, { allowRsp: true });
      cb.op(`imul${s} ${src.name}, ${dst.name}`, { mnemonic, width });
    }
  } else {
    const dst = valueOperand(cb, width, { allowRsp: true });
    const k = imm(immediate(rng, width));
    if (rng.int(3) === 0) {
      const m = memAt(cb);
      cb.setMem(m.offset, width, operandValue(rng, width));
      cb.op(`imul${s} ${k}, ${m.text}, ${dst.name}`, { mnemonic, width });
    } else {
      const src = rng.int(6) === 0 ? dst : valueOperand(cb, width, { allowRsp: true });
      cb.op(`imul${s} ${k}, ${src.name}, ${dst.name}`, { mnemonic, width });
    }
  }
  applyFlags(cb, mnemonic, width);
  return cb.build();
}

/** Divisor / dividend pairs that never raise #DE. */
function divOperands(rng: Rng, width: Width, isSigned: boolean): { dividend: bigint; divisor: bigint } {
  const m = mask(width);
  const pickNonZero = (): bigint => {
    for (;;) {
      const v = operandValue(rng, width);
      if (v !== 0n) return v;
    }
  };
  if (!isSigned) {
    const d = pickNonZero();
    const q = operandValue(rng, width);
    const r = rng.int(4) === 0 ? d - 1n : (rng.bits(width) % d);
    return { dividend: q * d + r, divisor: d };
  }
  const d = signed(pickNonZero(), width);
  const q = signed(operandValue(rng, width), width);
  const absD = d < 0n ? -d : d;
  let r = rng.int(4) === 0 ? absD - 1n : rng.bits(width) % absD;
  const prod = q * d;
  if (prod < 0n || (prod === 0n && rng.bool())) r = -r;
  const dividend = prod + r;
  const full = (1n << BigInt(2 * width)) - 1n;
  return { dividend: dividend & full, divisor: d & m };
}

function genDiv(rng: Rng, index: number) {
  const op = cycle(index, ['div', 'idiv'] as const);
  const width = cycle2(index, 2, WIDTHS);
  const cb = new CaseBuilder(rng, 'div');
  const s = suffix(width);
  const { dividend, divisor } = divOperands(rng, width, op === 'idiv');
  // Dividend: AX for 8-bit, DX:AX / EDX:EAX / RDX:RAX otherwise.
  if (width === 8) {
    cb.setOperand(cb.fixedOperand(0, 16), dividend);
  } else {
    cb.setOperand(cb.fixedOperand(0, width), dividend & mask(width));
    cb.setOperand(cb.fixedOperand(2, width), dividend >> BigInt(width));
  }
  cb.reserve(0, 2);
  if (rng.int(3) === 0) {
    const m = memAt(cb);
    cb.setMem(m.offset, width, divisor);
    cb.op(`${op}${s} ${m.text}`, { mnemonic: op, width });
  } else {
    const r = cb.pickOperand(width, { allowRsp: true });
    cb.setOperand(r, divisor);
    cb.op(`${op}${s} ${r.name}`, { mnemonic: op, width });
  }
  applyFlags(cb, op, width);
  return cb.build();
}

export const ARITH_FAMILIES: Family[] = [
  { name: 'alu', count: 3000, gen: genAlu, description: 'add adc sub sbb cmp and or xor test: r/r, r/m, m/r, imm/r, imm/m, accumulator forms' },
  { name: 'unary', count: 800, gen: genUnary, description: 'inc dec neg not on registers and memory' },
  { name: 'mul', count: 1400, gen: genMul, description: 'mul, imul with one, two and three operands' },
  { name: 'div', count: 1000, gen: genDiv, description: 'div idiv (operands chosen to avoid #DE)' },
];

