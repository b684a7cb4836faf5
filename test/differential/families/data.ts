// Data movement: mov (incl. movabs), movzx/movsx/movsxd, lea, xchg, cmpxchg, cmpxchg8b/16b, xadd,
// bswap, cmovcc, setcc, cbw/cwde/cdqe/cwd/cdq/cqo.
import { CaseBuilder, operandValue } from '../case.js';
import { Rng } from '../prng.js';
import { MEM, RSP, WIDTHS, regName, suffix, type Width } from '../layout.js';
import {
  CONDITIONS, ccSpelling, cycle, cycle2, imm, immediate, memAt, useLegacy8, valueOperand, type Family,
} from './common.js';

function genMov(rng: Rng, index: number) {
  const width = cycle(index, WIDTHS);
  const form = cycle2(index, 4, ['rr', 'ir', 'im', 'rm', 'mr', 'abs', 'moffs', 'rr'] as const);
  const cb = new CaseBuilder(rng, 'mov');
  const s = suffix(width);
  const legacy = useLegacy8(rng, width);
  switch (form) {
    case 'rr': {
      const a = valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      const b = rng.int(10) === 0 ? a : valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      cb.op(`${rng.pick(['', '{load} ', '{store} '])}mov${s} ${a.name}, ${b.name}`);
      break;
    }
    case 'ir': {
      const r = valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      cb.op(`mov${s} ${imm(immediate(rng, width))}, ${r.name}`);
      break;
    }
    case 'im': {
      const m = memAt(cb);
      cb.op(`mov${s} ${imm(immediate(rng, width))}, ${m.text}`);
      break;
    }
    case 'rm': case 'mr': {
      const r = valueOperand(cb, width, { legacy8: legacy });
      const m = memAt(cb, { legacy8: legacy });
      cb.op(form === 'rm' ? `mov${s} ${r.name}, ${m.text}` : `mov${s} ${m.text}, ${r.name}`);
      break;
    }
    case 'abs': {
      // movabs $imm64 (B8+r); for narrower widths an ordinary mov $imm.
      const r = valueOperand(cb, width, { allowRsp: true });
      const v = operandValue(rng, width);
      cb.op(width === 64 ? `movabsq $0x${v.toString(16)}, ${r.name}` : `mov${s} $0x${v.toString(16)}, ${r.name}`);
      break;
    }
    case 'moffs': {
      // movabs with a 64-bit absolute address (A0..A3) to/from the accumulator.
      cb.useMem(48);
      const off = rng.range(8, 24);
      const acc = cb.fixedOperand(0, width);
      cb.setOperand(acc, operandValue(rng, width));
      const addr = `0x${(MEM + off).toString(16)}`;
      cb.op(rng.bool() ? `movabs${s} ${addr}, ${acc.name}` : `movabs${s} ${acc.name}, ${addr}`);
      break;
    }
  }
  return cb.build();
}

const MOVX: [string, Width, Width][] = [
  ['movzbw', 8, 16], ['movzbl', 8, 32], ['movzbq', 8, 64], ['movzwl', 16, 32], ['movzwq', 16, 64],
  ['movsbw', 8, 16], ['movsbl', 8, 32], ['movsbq', 8, 64], ['movswl', 16, 32], ['movswq', 16, 64],
  ['movslq', 32, 64], ['movsxd', 32, 32],
];

function genMovx(rng: Rng, index: number) {
  const [mn, from, to] = cycle(index, MOVX);
  const cb = new CaseBuilder(rng, 'movx');
  const legacy = from === 8 && to !== 64 && rng.int(4) === 0;
  const dst = legacy
    ? valueOperand(cb, to, { exclude: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] })
    : valueOperand(cb, to, { allowRsp: true });
  const v = operandValue(rng, from);
  if (rng.int(3) === 0) {
    const m = memAt(cb, { legacy8: legacy });
    cb.setMem(m.offset, from, v);
    cb.op(`${mn} ${m.text}, ${dst.name}`);
  } else {
    const src = rng.int(10) === 0 && !legacy ? { ...dst, name: regName(dst.reg, from) }
      : valueOperand(cb, from, { legacy8: legacy, value: v, allowRsp: true });
    if (src.reg === dst.reg && !src.high) cb.setOperand(dst, v);
    cb.op(`${mn} ${src.name}, ${dst.name}`);
  }
  return cb.build();
}

/** lea with every addressing form; the address need not be mapped (nothing is accessed). */
function genLea(rng: Rng, index: number) {
  const width = cycle(index, [16, 32, 64] as const);
  const cb = new CaseBuilder(rng, 'lea');
  const dst = cb.pickOperand(width, { allowRsp: true });
  const addr32 = rng.int(4) === 0;
  const aw: Width = addr32 ? 32 : 64;
  const reg = (): string => {
    const r = cb.pickReg({ allowRsp: false });
    cb.setReg(r, rng.int(3) ? operandValue(rng, 64) : rng.u64());
    return regName(r, aw);
  };
  const disp = (): string => {
    const d = rng.pick([0, rng.range(-128, 127), rng.range(-0x80000000, 0x7fffffff)]);
    return d < 0 ? `-0x${(-d).toString(16)}` : `0x${d.toString(16)}`;
  };
  let text: string;
  switch (rng.int(7)) {
    case 0: text = `(${reg()})`; break;
    case 1: text = `${disp()}(${reg()})`; break;
    case 2: text = `${disp()}(${reg()},${reg()},${rng.pick([1, 2, 4, 8])})`; break;
    case 3: text = `${disp()}(,${reg()},${rng.pick([1, 2, 4, 8])})`; break;
    case 4: {
      // Same register as base and index, or the destination as an input.
      const r = cb.isFree(dst.reg) ? reg() : regName(dst.reg === RSP ? 0 : dst.reg, aw);
      text = `${disp()}(${r},${r},${rng.pick([1, 2, 4, 8])})`;
      break;
    }
    case 5: text = addr32 ? `${disp()}(%eip)` : `mem+${rng.int(4096)}(%rip)`; break;
    default: text = disp(); break;
  }
  cb.op(`lea${suffix(width)} ${text}, ${dst.name}`);
  return cb.build();
}

function genXchg(rng: Rng, index: number) {
  const width = cycle(index, WIDTHS);
  const form = cycle2(index, 4, ['rr', 'rm', 'acc', 'rr', 'mr'] as const);
  const cb = new CaseBuilder(rng, 'xchg');
  const s = suffix(width);
  const legacy = useLegacy8(rng, width);
  switch (form) {
    case 'rr': {
      const a = valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      const b = rng.int(10) === 0 ? a : valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
      cb.op(`xchg${s} ${a.name}, ${b.name}`);
      break;
    }
    case 'rm': case 'mr': {
      const r = valueOperand(cb, width, { legacy8: legacy });
      const m = memAt(cb, { legacy8: legacy });
      cb.op(form === 'rm' ? `xchg${s} ${r.name}, ${m.text}` : `xchg${s} ${m.text}, ${r.name}`);
      break;
    }
    case 'acc': {
      // 90+r short forms (16/32/64); "xchgl %eax, %eax" is 87 C0 and zero-extends, 0x90 is nop.
      const acc = cb.fixedOperand(0, width);
      cb.setOperand(acc, operandValue(rng, width));
      if (width === 8) {
        const r = valueOperand(cb, 8, { allowRsp: true });
        cb.op(`xchgb %al, ${r.name}`);
      } else if (rng.int(6) === 0) {
        cb.op(`xchg${s} ${acc.name}, ${acc.name}`);
      } else {
        const r = valueOperand(cb, width, { allowRsp: true });
        cb.op(rng.bool() ? `xchg${s} ${acc.name}, ${r.name}` : `xchg${s} ${r.name}, ${acc.name}`);
      }
      break;
    }
  }
  return cb.build();
}

function genCmpxchg(rng: Rng, index: number) {
  const forms = ['r', 'm', 'r', 'm', '8b', '16b'] as const;
  const form = cycle(index, forms);
  const width = cycle2(index, forms.length, WIDTHS);
  const cb = new CaseBuilder(rng, 'cmpxchg');
  const s = suffix(width);
  const equal = rng.bool();
  if (form === '8b' || form === '16b') {
    const w: Width = form === '8b' ? 32 : 64;
    cb.useMem(64);
    const off = form === '16b' ? 16 : rng.range(8, 40);
    const lo = operandValue(rng, w);
    const hi = operandValue(rng, w);
    cb.setMem(off, w, lo);
    cb.setMem(off + w / 8, w, hi);
    cb.reserve(0, 1, 2, 3);
    cb.setOperand(cb.fixedOperand(0, w), equal || rng.bool() ? lo : operandValue(rng, w));
    cb.setOperand(cb.fixedOperand(2, w), equal ? hi : operandValue(rng, w));
    const m = cb.memOperand(off);
    cb.op(`cmpxchg${form} ${m}`, { mnemonic: `cmpxchg${form}`, width: w });
    return cb.build();
  }
  const legacy = useLegacy8(rng, width);
  const acc = cb.fixedOperand(0, width);
  const src = valueOperand(cb, width, { legacy8: legacy, allowRsp: true, exclude: [0] });
  if (form === 'm') {
    const m = memAt(cb, { legacy8: legacy });
    const v = operandValue(rng, width);
    cb.setMem(m.offset, width, v);
    cb.setOperand(acc, equal ? v : operandValue(rng, width));
    cb.op(`cmpxchg${s} ${src.name}, ${m.text}`, { mnemonic: 'cmpxchg', width });
  } else {
    // Destination may be the accumulator itself (then it always compares equal).
    const dst = rng.int(8) === 0 ? acc : valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
    const dv = operandValue(rng, width);
    if (dst !== acc) cb.setOperand(dst, dv);
    cb.setOperand(acc, equal || dst === acc ? dv : operandValue(rng, width));
    cb.op(`cmpxchg${s} ${src.name}, ${dst.name}`, { mnemonic: 'cmpxchg', width });
  }
  return cb.build();
}

function genXadd(rng: Rng, index: number) {
  const width = cycle(index, WIDTHS);
  const cb = new CaseBuilder(rng, 'xadd');
  const s = suffix(width);
  const legacy = useLegacy8(rng, width);
  const src = valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
  if (rng.int(3) === 0) {
    const m = memAt(cb, { legacy8: legacy });
    cb.setMem(m.offset, width, operandValue(rng, width));
    cb.op(`xadd${s} ${src.name}, ${m.text}`, { mnemonic: 'xadd', width });
  } else {
    const dst = rng.int(10) === 0 ? src : valueOperand(cb, width, { legacy8: legacy, allowRsp: true });
    cb.op(`xadd${s} ${src.name}, ${dst.name}`, { mnemonic: 'xadd', width });
  }
  return cb.build();
}

function genBswap(rng: Rng, index: number) {
  const width = cycle(index, [32, 64] as const);
  const cb = new CaseBuilder(rng, 'bswap');
  const r = valueOperand(cb, width, { allowRsp: true });
  cb.op(`bswap${suffix(width)} ${r.name}`);
  return cb.build();
}

function genCmov(rng: Rng, index: number) {
  const cc = cycle(index, CONDITIONS);
  const width = cycle2(index, 16, [16, 32, 64] as const);
  const cb = new CaseBuilder(rng, 'cmov');
  const dst = valueOperand(cb, width, { allowRsp: true });
  const spelled = `cmov${ccSpelling(rng, cc)}`;
  if (rng.int(3) === 0) {
    const m = memAt(cb);
    cb.setMem(m.offset, width, operandValue(rng, width));
    cb.op(`${spelled}${suffix(width)} ${m.text}, ${dst.name}`);
  } else {
    const src = rng.int(10) === 0 ? dst : valueOperand(cb, width, { allowRsp: true });
    cb.op(`${spelled} ${src.name}, ${dst.name}`);
  }
  return cb.build();
}

function genSetcc(rng: Rng, index: number) {
  const cc = cycle(index, CONDITIONS);
  const cb = new CaseBuilder(rng, 'setcc');
  const spelled = `set${ccSpelling(rng, cc)}`;
  if (rng.int(3) === 0) {
    const m = memAt(cb);
    cb.op(`${spelled} ${m.text}`);
  } else {
    const r = valueOperand(cb, 8, { legacy8: rng.int(3) === 0, allowRsp: true });
    cb.op(`${spelled} ${r.name}`);
  }
  return cb.build();
}

function genConvert(rng: Rng, index: number) {
  const ops: [string, Width][] = [['cbtw', 8], ['cwtl', 16], ['cltq', 32], ['cwtd', 16], ['cltd', 32], ['cqto', 64]];
  const [op, w] = cycle(index, ops);
  const cb = new CaseBuilder(rng, 'convert');
  cb.setOperand(cb.fixedOperand(0, w), operandValue(rng, w));
  cb.op(op);
  return cb.build();
}

export const DATA_FAMILIES: Family[] = [
  { name: 'mov', count: 1200, gen: genMov, description: 'mov r/r r/m m/r imm/r imm/m, movabs imm64 and moffs' },
  { name: 'movx', count: 700, gen: genMovx, description: 'movzx movsx movsxd (movzbl movswq movslq ...)' },
  { name: 'lea', count: 600, gen: genLea, description: 'lea 16/32/64 with every addressing form, 32-bit address size, rip-relative' },
  { name: 'xchg', count: 500, gen: genXchg, description: 'xchg r/r r/m and accumulator short forms' },
  { name: 'cmpxchg', count: 1000, gen: genCmpxchg, description: 'cmpxchg r/m (equal and not equal), cmpxchg8b, cmpxchg16b' },
  { name: 'xadd', count: 400, gen: genXadd, description: 'xadd r/r r/m' },
  { name: 'bswap', count: 200, gen: genBswap, description: 'bswap 32/64' },
  { name: 'cmov', count: 1000, gen: genCmov, description: 'cmovcc (all 16 conditions) 16/32/64, register and memory sources' },
  { name: 'setcc', count: 500, gen: genSetcc, description: 'setcc (all 16 conditions), register and memory destinations' },
  { name: 'convert', count: 200, gen: genConvert, description: 'cbw cwde cdqe cwd cdq cqo' },
];

