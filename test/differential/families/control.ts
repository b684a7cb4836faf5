// Control flow: jmp, jcc (all 16), call/ret, ret $imm, loop/loope/loopne, jrcxz/jecxz, indirect
// jmp/call through register and memory. Each target sets a marker register so the path taken is
// part of the compared state. Markers use mov, which leaves the flags alone.
import { CaseBuilder } from '../case.js';
import { Rng } from '../prng.js';
import { MEM, RSP, regName } from '../layout.js';
import { CONDITIONS, ccSpelling, cycle, cycle2, type Family } from './common.js';

const TAKEN = '$0x7a4e';
const NOT_TAKEN = '$0x0f0f';

function marker(cb: CaseBuilder): string {
  return regName(cb.pickReg(), 32);
}

/** `branch` either jumps to @t (marker TAKEN) or falls through (marker NOT_TAKEN). Target before or after. */
function twoWay(cb: CaseBuilder, branch: (target: string) => string, backward: boolean): void {
  const m = marker(cb);
  if (backward) {
    cb.body.push('jmp @start', `@t: movl ${TAKEN}, ${m}`, 'jmp @end', `@start: ${branch('@t')}`, `movl ${NOT_TAKEN}, ${m}`, '@end:');
  } else {
    cb.body.push(branch('@t'), `movl ${NOT_TAKEN}, ${m}`, 'jmp @end', `@t: movl ${TAKEN}, ${m}`, '@end:');
  }
  cb.steps = 5;
}

function genJump(rng: Rng, index: number) {
  const cb = new CaseBuilder(rng, 'jump');
  const forms = ['jcc', 'jcc', 'jcc', 'jmp', 'jmp *reg', 'jmp *mem', 'jcc'] as const;
  const form = cycle(index, forms);
  const far = rng.int(3) === 0 ? '{disp32} ' : '';
  const backward = rng.bool();
  switch (form) {
    case 'jcc': {
      const cc = cycle(Math.floor(index / forms.length), CONDITIONS);
      twoWay(cb, (t) => `${far}j${ccSpelling(rng, cc)} ${t}`, backward);
      break;
    }
    case 'jmp':
      twoWay(cb, (t) => `${rng.int(4) === 0 ? 'bnd ' : ''}${far}jmp ${t}`, backward);
      break;
    case 'jmp *reg': {
      const r = cb.pickReg({ allowRsp: rng.int(8) === 0 });
      cb.setReg(r, '@t');
      // notrack (3E) and bnd (F2) prefixes as emitted by CET/MPX-era compilers.
      const pfx = rng.pick(['', '', 'notrack ', 'bnd ']);
      twoWay(cb, () => `${pfx}jmp *${regName(r, 64)}`, backward);
      break;
    }
    case 'jmp *mem': {
      cb.useMem(48);
      const off = 8 * rng.range(1, 4);
      cb.setMemSym(off, '@t');
      const m = cb.memOperand(off);
      twoWay(cb, () => `jmp *${m}`, backward);
      break;
    }
  }
  return cb.build();
}

function genCall(rng: Rng, index: number) {
  const cb = new CaseBuilder(rng, 'call');
  cb.useMem(128);
  cb.reserve(RSP);
  const sp = 64 + 8 * rng.int(6);
  cb.setReg(RSP, BigInt(MEM + sp));
  const forms = ['call', 'call+ret', 'call *reg', 'call *mem', 'ret', 'ret imm', 'call *rsp-rel'] as const;
  const form = cycle(index, forms);
  const m = marker(cb);
  const m2 = marker(cb);
  switch (form) {
    case 'call':
    case 'call+ret': {
      // Target before or after the call; with +ret the callee returns and the caller sets a second marker.
      const far = rng.int(3) === 0 ? '{disp32} ' : '';
      const ret = rng.pick(['ret', 'ret', 'rep ret', 'bnd ret']);
      const callee = form === 'call' ? [`@f: movl ${TAKEN}, ${m}`, 'jmp @end'] : [`@f: movl ${TAKEN}, ${m}`, ret];
      const bnd = far === '' && rng.int(4) === 0 ? 'bnd ' : '';
      if (rng.bool()) cb.body.push(`${bnd}${far}call @f`, `movl ${NOT_TAKEN}, ${m2}`, 'jmp @end', ...callee, '@end:');
      else cb.body.push('jmp @start', ...callee, `@start: ${far}call @f`, `movl ${NOT_TAKEN}, ${m2}`, '@end:');
      break;
    }
    case 'call *reg': {
      const r = cb.pickReg();
      cb.setReg(r, '@f');
      cb.body.push(`call *${regName(r, 64)}`, `movl ${NOT_TAKEN}, ${m2}`, 'jmp @end', `@f: movl ${TAKEN}, ${m}`, 'ret', '@end:');
      break;
    }
    case 'call *mem': {
      const off = 8 * rng.range(1, 4);
      cb.setMemSym(off, '@f');
      const mem = cb.memOperand(off);
      // notrack is a DS prefix: it cannot be combined with a segment override.
      const notrack = rng.int(4) === 0;
      cb.body.push(`${notrack ? 'notrack ' : ''}call *${notrack ? mem.replace(/^%[cse]s:/, '') : mem}`, `movl ${NOT_TAKEN}, ${m2}`, 'jmp @end', `@f: movl ${TAKEN}, ${m}`, rng.bool() ? 'ret' : 'jmp @end', '@end:');
      break;
    }
    case 'call *rsp-rel': {
      // The memory operand is read before %rsp is decremented.
      const off = 8 * rng.range(1, 4);
      cb.setMemSym(off, '@f');
      cb.body.push(`call *${off - sp}(%rsp)`, `movl ${NOT_TAKEN}, ${m2}`, 'jmp @end', `@f: movl ${TAKEN}, ${m}`, 'jmp @end', '@end:');
      break;
    }
    case 'ret':
    case 'ret imm': {
      cb.setMemSym(sp, '@t');
      const k = form === 'ret' ? '' : ` $${rng.pick([0, 8, 16, 3, 1, rng.int(65), rng.int(0x10000)])}`;
      cb.body.push(`${form === 'ret' ? rng.pick(['', '', 'rep ', 'bnd ']) : ''}ret${k}`, `movl ${NOT_TAKEN}, ${m2}`, `@t: movl ${TAKEN}, ${m}`);
      break;
    }
  }
  cb.steps = 6;
  return cb.build();
}

const LOOPS = ['loop', 'loope', 'loopne', 'jrcxz', 'jecxz', 'loopl', 'loopel', 'loopnel'] as const;

function genLoop(rng: Rng, index: number) {
  const cb = new CaseBuilder(rng, 'loop');
  const op = cycle(index, LOOPS);
  const backwardLoop = cycle2(index, LOOPS.length, [false, false, true]) && !op.startsWith('j');
  cb.reserve(1);
  if (backwardLoop) {
    // A real loop: count iterations with lea (no flag changes); ZF stays as set initially.
    const n = BigInt(rng.range(1, 12));
    const upper = op.endsWith('l') ? rng.u64() & 0xffffffff00000000n : 0n;
    cb.setReg(1, upper | n);
    const ctr = cb.pickReg();
    cb.setReg(ctr, 0n);
    cb.body.push(`@top: leaq 1(${regName(ctr, 64)}), ${regName(ctr, 64)}`, `${op} @top`);
    cb.steps = 30;
  } else {
    const special = [0n, 1n, 2n, 0x100000000n, 0x100000001n, 0xffffffffn, 0xffffffffffffffffn];
    cb.setReg(1, rng.bool() ? rng.pick(special) : rng.int(3) === 0 ? rng.u64() : BigInt(rng.int(5)));
    twoWay(cb, (t) => `${op} ${t}`, rng.bool());
  }
  return cb.build();
}

export const CONTROL_FAMILIES: Family[] = [
  { name: 'jump', count: 1000, gen: genJump, description: 'jcc (all 16, rel8/rel32, forward/backward), jmp, jmp *reg, jmp *mem' },
  { name: 'call', count: 700, gen: genCall, description: 'call rel32 / *reg / *mem / *disp(%rsp), ret, ret $imm' },
  { name: 'loop', count: 600, gen: genLoop, description: 'loop loope loopne jrcxz jecxz and their 32-bit (ECX) forms' },
];
