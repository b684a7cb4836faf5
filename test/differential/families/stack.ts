// Stack and flag instructions: push/pop (64/16-bit; register, immediate, memory, %rsp itself),
// pushf/popf, lahf/sahf, clc/stc/cmc/cld/std, enter/leave, xlat.
import { CaseBuilder, operandValue } from '../case.js';
import { Rng } from '../prng.js';
import { BASE_RFLAGS, COMPARED_FLAGS, MEM, RSP, regName } from '../layout.js';
import { cycle, imm, type Family } from './common.js';

/** Point %rsp into the compared region so pushes/pops are checked. */
function stackAt(cb: CaseBuilder, offset: number): void {
  cb.useMem(128);
  cb.reserve(RSP);
  cb.setReg(RSP, BigInt(MEM + offset));
}

function genStack(rng: Rng, index: number) {
  const forms = ['pushq r', 'popq r', 'pushw r', 'popw r', 'pushq imm', 'pushw imm', 'pushq m', 'popq m', 'pushw m', 'popw m', 'pushq rsp', 'popq rsp', 'popq m(rsp)', 'pushq m(rsp)'] as const;
  const form = cycle(index, forms);
  const cb = new CaseBuilder(rng, 'stack');
  // Mostly 8-aligned stacks, sometimes misaligned.
  const sp = 64 + 8 * rng.int(5) + (rng.int(6) === 0 ? rng.range(1, 7) : 0);
  stackAt(cb, sp);
  const reg64 = (): number => cb.pickReg();
  switch (form) {
    case 'pushq r': cb.op(`pushq ${regName(reg64(), 64)}`); break;
    case 'popq r': cb.op(`popq ${regName(reg64(), 64)}`); break;
    case 'pushw r': cb.op(`pushw ${regName(reg64(), 16)}`); break;
    case 'popw r': cb.op(`popw ${regName(reg64(), 16)}`); break;
    case 'pushq imm': cb.op(`pushq ${imm(rng.bool() ? BigInt(rng.range(-128, 127)) : BigInt(rng.range(-0x80000000, 0x7fffffff)))}`); break;
    case 'pushw imm': cb.op(`pushw ${imm(BigInt(rng.range(-0x8000, 0x7fff)))}`); break;
    case 'pushq m': case 'pushw m': case 'popq m': case 'popw m': {
      const m = cb.memOperand(rng.range(0, 32));
      cb.op(`${form.slice(0, 5)} ${m}`);
      break;
    }
    case 'pushq rsp': cb.op(rng.bool() ? 'pushq %rsp' : 'pushw %sp'); break;
    case 'popq rsp': cb.op(rng.bool() ? 'popq %rsp' : 'popw %sp'); break;
    case 'popq m(rsp)': case 'pushq m(rsp)': {
      // POP computes an %rsp-based destination address after incrementing %rsp; PUSH before decrementing.
      const w = rng.bool() ? 'q' : 'w';
      const target = rng.range(0, 48);
      cb.op(`${form.slice(0, form.indexOf('q'))}${w} ${target - sp}(%rsp)`);
      break;
    }
  }
  return cb.build();
}

/** Flag manipulation: pushf/popf, lahf/sahf, clc stc cmc cld std. */
function genFlags(rng: Rng, index: number) {
  const forms = ['pushfq', 'popfq', 'pushfw', 'popfw', 'lahf', 'sahf', 'clc', 'stc', 'cmc', 'cld', 'std'] as const;
  const form = cycle(index, forms);
  const cb = new CaseBuilder(rng, 'flags');
  stackAt(cb, 64 + 8 * rng.int(4));
  if (form === 'popfq' || form === 'popfw') {
    // The popped value: random status flags and DF, reserved bits (1, 3, 5, 15) and IF/IOPL garbage
    // that a CPL-3 popf ignores; never TF, NT, RF, VM, AC, ID.
    const garbage = BigInt(rng.u32() & (0x8 | 0x20 | 0x8000 | 0x200 | 0x3000 | 0x2)) | (rng.bool() ? rng.u64() & 0xffffffff00000000n : 0n);
    const v = BigInt(BASE_RFLAGS | (rng.u32() & COMPARED_FLAGS)) ^ (rng.int(3) === 0 ? garbage : 0n);
    const sp = Number((cb.regs[RSP] as bigint) - BigInt(MEM));
    cb.setMem(sp, form === 'popfq' ? 64 : 16, v & (form === 'popfq' ? 0xffffffffffffffffn : 0xffffn));
  }
  if (form === 'sahf' || form === 'lahf') cb.setOperand(cb.fixedOperand(0, 16), operandValue(rng, 16));
  cb.op(form, form === 'sahf' || form === 'popfq' || form === 'popfw' ? { mnemonic: form.startsWith('popf') ? 'popf' : 'sahf', width: 64 } : undefined);
  return cb.build();
}

function genEnter(rng: Rng, index: number) {
  const cb = new CaseBuilder(rng, 'enter');
  cb.useMem(256);
  cb.reserve(RSP, 5);
  const form = cycle(index, ['enter', 'enter', 'enter', 'leave', 'leavew'] as const);
  if (form === 'enter') {
    const level = rng.int(8) === 0 ? rng.range(4, 6) : rng.int(4);
    const size = rng.pick([0, 8, 16, rng.int(64), rng.int(256)]) & ~(rng.bool() ? 7 : 0);
    // %rbp points at a frame whose saved frame pointers are read when level > 1.
    const sp = 200 + 8 * rng.int(5);
    cb.setReg(RSP, BigInt(MEM + sp));
    cb.setReg(5, BigInt(MEM + 64 + 8 * rng.int(12)));
    cb.op(`enter $${size}, $${level}`);
    // size is up to 255, so the new %rsp may leave the compared region: that is fine (nothing stored there).
  } else {
    const bp = 32 + 8 * rng.int(20) + (rng.int(8) === 0 ? rng.range(1, 7) : 0);
    cb.setReg(5, BigInt(MEM + bp));
    cb.setReg(RSP, BigInt(MEM + 8 * rng.int(4)));
    cb.op(form);
  }
  cb.steps = 10;
  return cb.build();
}

function genXlat(rng: Rng) {
  const cb = new CaseBuilder(rng, 'xlat');
  cb.useMem(256);
  cb.reserve(0, 3);
  cb.setReg(3, BigInt(MEM));
  cb.setOperand(cb.fixedOperand(0, 8), operandValue(rng, 8));
  cb.op('xlatb');
  return cb.build();
}

export const STACK_FAMILIES: Family[] = [
  { name: 'stack', count: 1000, gen: genStack, description: 'push/pop 64/16-bit: registers, %rsp itself, imm8/imm16/imm32, memory incl. %rsp-based' },
  { name: 'flags', count: 600, gen: genFlags, description: 'pushf/popf (q and w), lahf sahf clc stc cmc cld std' },
  { name: 'enter', count: 400, gen: genEnter, description: 'enter (nesting level 0..6) and leave' },
  { name: 'xlat', count: 100, gen: genXlat, description: 'xlatb' },
];
