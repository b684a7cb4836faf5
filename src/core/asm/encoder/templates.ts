/**
 * The encoder's instruction table: AT&T mnemonic → forms ("templates"), each an iced-x86 `Code`
 * with its operands in AT&T order. Built once, from iced's OpCodeInfo, for every Code that exists
 * in 64-bit mode with legacy encoding (general-purpose, system and SSE instructions) plus the
 * VEX/XOP-encoded integer ones (BMI1/2, TBM, LWP); renamed and adjusted with the data in
 * tables.ts, plus the explicit forms below where GAS's view of an instruction differs from iced's
 * (selector instructions, segment-register moves, movzx/movsx/movsxd, lar/lsl).
 */
import { Code, CodeExt, EncodingKind, MandatoryPrefix, Mnemonic, OpCodeOperandKind as K } from 'iced-x86';
import {
  CC_ALIASES,
  EXTRA_SUFFIXES,
  IMPLICIT_OPERANDS,
  RELAXABLE,
  RENAME,
  SIZE_FROM_SOURCE,
  SKIP_CODE,
  SKIP_MNEMONIC,
  SUFFIXES,
} from './tables.js';
import { SUFFIX_OF_SIZE } from './registers.js';

export type Size = 8 | 16 | 32 | 64;
export type ImmKind = 'imm8' | 'imm8s' | 'imm16' | 'imm32' | 'imm32s' | 'imm64' | 'one';

export type OpSpec = (
  | {
      k: 'gpr';
      size: Size;
      reg: boolean;
      mem: boolean;
      /** Encode the register as this width. */
      as?: Size;
      /** The register gives the address size of the memory operand (movdir64b, enqcmd). */
      addrReg?: boolean;
    }
  | { k: 'mem' }
  /** An SSE register (or memory, when `mem`). */
  | { k: 'xmm'; mem: boolean }
  | { k: 'fixed'; reg: string }
  | { k: 'port' }
  | { k: 'sreg' }
  | { k: 'cr' }
  | { k: 'dr' }
  | { k: 'imm'; imm: ImmKind; second?: boolean }
  | { k: 'moffs' }
  | { k: 'str'; reg: 'si' | 'di' | 'bx' }
  | { k: 'rel'; bits: 8 | 16 | 32 }
  /** A register GAS accepts in place of an implicit operand (no iced operand). */
  | { k: 'implicit'; regs: string[]; addr: boolean }
  /** Shift count: %cl (also written %ecx or %rcx). */
  | { k: 'count' }
) & {
  /** May be left out. */
  opt?: boolean;
  /** When left out, takes the operand bound to this iced operand index. */
  dup?: number;
};

export interface Template {
  name: string;
  code: Code;
  codeName: string;
  /** Operands in AT&T order. */
  ops: OpSpec[];
  /** For each AT&T operand, the iced operand index (-1: no iced operand). */
  iced: number[];
  /** iced's operand kinds of the Code, in iced order. */
  icedKinds: K[];
  /** Operand size the form stands for (its suffix letter); 0 = none. */
  size: 0 | Size;
  /** Suffix letters accepted. */
  suffixes: string;
  lock: boolean;
  /** Accepts rep/repe/repne (string instructions). */
  rep: boolean;
  /** Default operand size is 64 (stack operations, branches): no warning when unsized. */
  default64: boolean;
  /** Mandatory prefix byte iced emits (0x66/0xf3/0xf2) or 0. */
  mandatory: number;
  /** Tie-break between equally long encodings: lower wins. */
  rank: number;
  /** Register/memory branch target (jmp/call *...). */
  indirect: boolean;
  /** iced's address size of the form is 32 (jecxz, loop via %ecx, umonitor %eax, movdir64b ...). */
  addr32: boolean;
  /** VEX or XOP encoded. */
  vex: boolean;
  xacquire: boolean;
  xrelease: boolean;
  bnd: boolean;
  notrack: boolean;
  /** A near branch with a 16-bit displacement (only with data16 or a `w` suffix). */
  rel16: boolean;
}

const KIND_SPEC: Partial<Record<K, OpSpec>> = {
  [K.r8_or_mem]: { k: 'gpr', size: 8, reg: true, mem: true },
  [K.r16_or_mem]: { k: 'gpr', size: 16, reg: true, mem: true },
  [K.r32_or_mem]: { k: 'gpr', size: 32, reg: true, mem: true },
  [K.r64_or_mem]: { k: 'gpr', size: 64, reg: true, mem: true },
  [K.r8_reg]: { k: 'gpr', size: 8, reg: true, mem: false },
  [K.r8_opcode]: { k: 'gpr', size: 8, reg: true, mem: false },
  [K.r16_reg]: { k: 'gpr', size: 16, reg: true, mem: false },
  [K.r16_rm]: { k: 'gpr', size: 16, reg: true, mem: false },
  [K.r16_opcode]: { k: 'gpr', size: 16, reg: true, mem: false },
  [K.r32_reg]: { k: 'gpr', size: 32, reg: true, mem: false },
  [K.r32_rm]: { k: 'gpr', size: 32, reg: true, mem: false },
  [K.r32_opcode]: { k: 'gpr', size: 32, reg: true, mem: false },
  [K.r32_vvvv]: { k: 'gpr', size: 32, reg: true, mem: false },
  [K.r64_reg]: { k: 'gpr', size: 64, reg: true, mem: false },
  [K.r64_rm]: { k: 'gpr', size: 64, reg: true, mem: false },
  [K.r64_opcode]: { k: 'gpr', size: 64, reg: true, mem: false },
  [K.r64_vvvv]: { k: 'gpr', size: 64, reg: true, mem: false },
  [K.r32_reg_mem]: { k: 'gpr', size: 32, reg: true, mem: false, addrReg: true },
  [K.r64_reg_mem]: { k: 'gpr', size: 64, reg: true, mem: false, addrReg: true },
  [K.mem]: { k: 'mem' },
  [K.xmm_reg]: { k: 'xmm', mem: false },
  [K.xmm_rm]: { k: 'xmm', mem: false },
  [K.xmm_or_mem]: { k: 'xmm', mem: true },
  [K.mem_offs]: { k: 'moffs' },
  [K.seg_reg]: { k: 'sreg' },
  [K.cr_reg]: { k: 'cr' },
  [K.dr_reg]: { k: 'dr' },
  [K.es]: { k: 'fixed', reg: 'es' },
  [K.cs]: { k: 'fixed', reg: 'cs' },
  [K.ss]: { k: 'fixed', reg: 'ss' },
  [K.ds]: { k: 'fixed', reg: 'ds' },
  [K.fs]: { k: 'fixed', reg: 'fs' },
  [K.gs]: { k: 'fixed', reg: 'gs' },
  [K.al]: { k: 'fixed', reg: 'al' },
  [K.cl]: { k: 'fixed', reg: 'cl' },
  [K.ax]: { k: 'fixed', reg: 'ax' },
  [K.dx]: { k: 'fixed', reg: 'dx' },
  [K.eax]: { k: 'fixed', reg: 'eax' },
  [K.rax]: { k: 'fixed', reg: 'rax' },
  [K.imm8]: { k: 'imm', imm: 'imm8' },
  [K.imm8_const_1]: { k: 'imm', imm: 'one', opt: true },
  [K.imm8sex16]: { k: 'imm', imm: 'imm8s' },
  [K.imm8sex32]: { k: 'imm', imm: 'imm8s' },
  [K.imm8sex64]: { k: 'imm', imm: 'imm8s' },
  [K.imm16]: { k: 'imm', imm: 'imm16' },
  [K.imm32]: { k: 'imm', imm: 'imm32' },
  [K.imm32sex64]: { k: 'imm', imm: 'imm32s' },
  [K.imm64]: { k: 'imm', imm: 'imm64' },
  [K.seg_rSI]: { k: 'str', reg: 'si', opt: true },
  [K.es_rDI]: { k: 'str', reg: 'di', opt: true },
  [K.seg_rBX_al]: { k: 'str', reg: 'bx', opt: true },
  [K.br64_1]: { k: 'rel', bits: 8 },
  [K.br64_4]: { k: 'rel', bits: 32 },
  [K.br16_2]: { k: 'rel', bits: 16 },
  [K.xbegin_2]: { k: 'rel', bits: 16 },
  [K.xbegin_4]: { k: 'rel', bits: 32 },
};

/** SSE forms whose 64-bit register variant GAS encodes without REX.W (as the 32-bit one). */
const SSE_R64_AS_R32 = /^(Pextrb|Pextrw|Extractps|Pinsrb|Pinsrw|Movmskps|Movmskpd|Pmovmskb)_.*xmm/;

const VEX_GPR = /^(VEX_(Andn|Blsr|Blsmsk|Blsi|Bzhi|Pext|Pdep|Mulx|Bextr|Shlx|Sarx|Shrx|Rorx)|XOP_(Blcfill|Blsfill|Blcs|Tzmsk|Blcic|Blsic|T1mskc|Blcmsk|Blci|Llwpcb|Slwpcb|Bextr|Lwpins|Lwpval))_/;

interface RawForm {
  names: string[];
  codeName: string;
  code: Code;
  ops: OpSpec[];
  /** iced operand index per AT&T operand; -1 for implicit ones. */
  iced: number[];
  size: 0 | Size;
  suffixes?: string;
}

/**
 * Explicit forms (AT&T operand order) that replace the derived ones for these names. Operand
 * tokens: rN (register), rN>M (register encoded as its M-bit alias), mN (memory, suffix N), m
 * (memory, no size), sreg.
 */
const EXPLICIT: Array<[string, string, string] | [string, string, string, string]> = [
  // movzx/movsx: the suffix names the source size; movsx from 32 bits is movsxd.
  ['movzx', 'Movzx_r16_rm8', 'r8,r16', 'b'],
  ['movzx', 'Movzx_r16_rm8', 'm,r16', 'b'],
  ['movzx', 'Movzx_r32_rm8', 'r8,r32', 'b'],
  ['movzx', 'Movzx_r32_rm8', 'm,r32', 'b'],
  ['movzx', 'Movzx_r64_rm8', 'r8,r64', 'b'],
  ['movzx', 'Movzx_r64_rm8', 'm,r64', 'b'],
  ['movzx', 'Movzx_r16_rm16', 'r16,r16', 'w'],
  ['movzx', 'Movzx_r16_rm16', 'm,r16', 'w'],
  ['movzx', 'Movzx_r32_rm16', 'r16,r32', 'w'],
  ['movzx', 'Movzx_r32_rm16', 'm,r32', 'w'],
  ['movzx', 'Movzx_r64_rm16', 'r16,r64', 'w'],
  ['movzx', 'Movzx_r64_rm16', 'm,r64', 'w'],
  ['movsx', 'Movsx_r16_rm8', 'r8,r16', 'b'],
  ['movsx', 'Movsx_r16_rm8', 'm,r16', 'b'],
  ['movsx', 'Movsx_r32_rm8', 'r8,r32', 'b'],
  ['movsx', 'Movsx_r32_rm8', 'm,r32', 'b'],
  ['movsx', 'Movsx_r64_rm8', 'r8,r64', 'b'],
  ['movsx', 'Movsx_r64_rm8', 'm,r64', 'b'],
  ['movsx', 'Movsx_r16_rm16', 'r16,r16', 'w'],
  ['movsx', 'Movsx_r16_rm16', 'm,r16', 'w'],
  ['movsx', 'Movsx_r32_rm16', 'r16,r32', 'w'],
  ['movsx', 'Movsx_r32_rm16', 'm,r32', 'w'],
  ['movsx', 'Movsx_r64_rm16', 'r16,r64', 'w'],
  ['movsx', 'Movsx_r64_rm16', 'm,r64', 'w'],
  ['movsx', 'Movsxd_r32_rm32', 'r32,r32', 'l'],
  ['movsx', 'Movsxd_r32_rm32', 'm,r32', 'l'],
  ['movsx', 'Movsxd_r64_rm32', 'r32,r64', 'l'],
  ['movsx', 'Movsxd_r64_rm32', 'm,r64', 'l'],
  ['movsxd', 'Movsxd_r64_rm32', 'r32,r64', ''],
  ['movsxd', 'Movsxd_r64_rm32', 'm,r64', ''],
  ['movsxd', 'Movsxd_r32_rm32', 'r32,r32', ''],
  ['movsxd', 'Movsxd_r32_rm32', 'm,r32', ''],
  ['movsxd', 'Movsxd_r16_rm16', 'r32>16,r16', ''],
  ['movsxd', 'Movsxd_r16_rm16', 'm,r16', ''],
  // Stores of a selector / machine status word: 16-bit register gets 66h, wider registers are
  // encoded as 32-bit, memory is a plain 16-bit store without 66h.
  ['sldt', 'Sldt_rm16', 'r16'],
  ['sldt', 'Sldt_r32m16', 'r32'],
  ['sldt', 'Sldt_r32m16', 'r64>32'],
  ['sldt', 'Sldt_r32m16', 'm16'],
  ['str', 'Str_rm16', 'r16'],
  ['str', 'Str_r32m16', 'r32'],
  ['str', 'Str_r32m16', 'r64>32'],
  ['str', 'Str_r32m16', 'm16'],
  ['smsw', 'Smsw_rm16', 'r16'],
  ['smsw', 'Smsw_r32m16', 'r32'],
  ['smsw', 'Smsw_r64m16', 'r64'],
  ['smsw', 'Smsw_r32m16', 'm16'],
  // Loads of a selector: 16-bit register or memory, never a prefix.
  ['lldt', 'Lldt_r32m16', 'r16>32'],
  ['lldt', 'Lldt_r32m16', 'm16'],
  ['ltr', 'Ltr_r32m16', 'r16>32'],
  ['ltr', 'Ltr_r32m16', 'm16'],
  ['verr', 'Verr_r32m16', 'r16>32'],
  ['verr', 'Verr_r32m16', 'm16'],
  ['verw', 'Verw_r32m16', 'r16>32'],
  ['verw', 'Verw_r32m16', 'm16'],
  ['lmsw', 'Lmsw_r32m16', 'r16>32'],
  ['lmsw', 'Lmsw_r32m16', 'm16'],
  // lar/lsl: the source is a selector (16-bit register or memory, or a register of the destination's width).
  ['lar', 'Lar_r16_rm16', 'r16,r16'],
  ['lar', 'Lar_r16_rm16', 'm16,r16'],
  ['lar', 'Lar_r32_r32m16', 'r16>32,r32'],
  ['lar', 'Lar_r32_r32m16', 'r32,r32'],
  ['lar', 'Lar_r32_r32m16', 'm32,r32'],
  ['lar', 'Lar_r64_r64m16', 'r16>64,r64'],
  ['lar', 'Lar_r64_r64m16', 'r64,r64'],
  ['lar', 'Lar_r64_r64m16', 'm64,r64'],
  ['lsl', 'Lsl_r16_rm16', 'r16,r16'],
  ['lsl', 'Lsl_r16_rm16', 'm16,r16'],
  ['lsl', 'Lsl_r32_r32m16', 'r16>32,r32'],
  ['lsl', 'Lsl_r32_r32m16', 'r32,r32'],
  ['lsl', 'Lsl_r32_r32m16', 'm32,r32'],
  ['lsl', 'Lsl_r64_r64m16', 'r16>64,r64'],
  ['lsl', 'Lsl_r64_r64m16', 'r64,r64'],
  ['lsl', 'Lsl_r64_r64m16', 'm64,r64'],
  // Segment register moves.
  ['mov', 'Mov_rm16_Sreg', 'sreg,r16'],
  ['mov', 'Mov_r32m16_Sreg', 'sreg,r32'],
  ['mov', 'Mov_r32m16_Sreg', 'sreg,r64>32'],
  ['mov', 'Mov_r32m16_Sreg', 'sreg,m16'],
  ['mov', 'Mov_Sreg_r32m16', 'r16>32,sreg'],
  ['mov', 'Mov_Sreg_r32m16', 'r32,sreg'],
  ['mov', 'Mov_Sreg_r32m16', 'r64>32,sreg'],
  ['mov', 'Mov_Sreg_r32m16', 'm16,sreg'],
];
const EXPLICIT_REPLACES = /^(Sldt|Str|Smsw|Lldt|Ltr|Verr|Verw|Lmsw|Lar|Lsl)_|^Movsxd_r(16|32)_|^Mov_(rm16_Sreg|r32m16_Sreg|r64m16_Sreg|Sreg_rm16|Sreg_r32m16|Sreg_r64m16)$/;

function parseExplicitOp(tok: string): OpSpec {
  let m = /^r(8|16|32|64)(?:>(8|16|32|64))?$/.exec(tok);
  if (m) return { k: 'gpr', size: Number(m[1]) as Size, reg: true, mem: false, as: m[2] ? (Number(m[2]) as Size) : undefined };
  m = /^m(8|16|32|64)$/.exec(tok);
  if (m) return { k: 'gpr', size: Number(m[1]) as Size, reg: false, mem: true };
  if (tok === 'm') return { k: 'mem' };
  if (tok === 'sreg') return { k: 'sreg' };
  throw new Error(`bad explicit operand ${tok}`);
}

function specSize(s: OpSpec): number {
  if (s.k === 'gpr') return s.size;
  if (s.k === 'fixed') return { al: 8, cl: 8, ax: 16, dx: 16, eax: 32, rax: 64 }[s.reg] ?? 0;
  return 0;
}

/** AT&T names for an iced code (several when GAS has aliases). */
function attNames(mn: string, codeName: string, ops: OpSpec[]): string[] {
  const sse = ops.some((o) => o.k === 'xmm');
  if (RENAME[mn] && !sse) return RENAME[mn];
  if (codeName === 'Movq_xmm_rm64' || codeName === 'Movq_rm64_xmm') return ['movq', 'movd'];
  if (mn === 'pcmpestri64' || mn === 'pcmpestrm64') return [mn.slice(0, -2)];
  const cc = /^(j|set|cmov)(n?[a-z]{1,2})$/.exec(mn);
  if (cc && CC_ALIASES[cc[2]] && mn !== 'jmp' && mn !== 'jecxz' && mn !== 'jrcxz') {
    return CC_ALIASES[cc[2]].map((c) => cc[1] + c);
  }
  switch (mn) {
    case 'shl':
      return ['shl', 'sal'];
    case 'loope':
      return ['loope', 'loopz'];
    case 'loopne':
      return ['loopne', 'loopnz'];
    case 'movzx':
    case 'movsx': {
      const src = ops[0];
      const letter = src.k === 'gpr' && src.size === 8 ? 'b' : 'w';
      return [mn.slice(0, 4) + letter];
    }
    case 'jmp':
    case 'call':
      return /_m16(16|32|64)$/.test(codeName) ? ['l' + mn] : [mn];
    case 'mov':
      if (codeName === 'Mov_r64_imm64') return ['mov', 'movabs'];
      if (/moffs/.test(codeName)) return ['mov', 'movabs'];
      return ['mov'];
  }
  return [mn];
}

/** Operand specs (Intel order) of one iced Code, or undefined when outside the encoder's scope. */
function icedOperands(code: Code, codeName: string): { mn: string; intel: OpSpec[]; operandSize: number } | undefined {
  if (SKIP_CODE.test(codeName) || EXPLICIT_REPLACES.test(codeName)) return undefined;
  const oc = CodeExt.opCode(code);
  try {
    if (!oc.mode64 || !oc.isInstruction) return undefined;
    if (oc.encoding === EncodingKind.VEX || oc.encoding === EncodingKind.XOP) {
      if (!VEX_GPR.test(codeName)) return undefined;
    } else if (oc.encoding !== EncodingKind.Legacy) return undefined;
    const mn = Mnemonic[oc.mnemonic].toLowerCase();
    if (SKIP_MNEMONIC.test(mn)) return undefined;
    const intel: OpSpec[] = [];
    for (let i = 0; i < oc.opCount; i++) {
      const spec = KIND_SPEC[oc.opKind(i)];
      if (!spec) return undefined;
      intel.push({ ...spec });
    }
    return { mn, intel, operandSize: oc.operandSize };
  } finally {
    oc.free();
  }
}

/** GAS's AT&T view of one iced form (operand order, optional and implicit operands, size). */
function attForm(code: Code, codeName: string, mn: string, base: OpSpec[], operandSize: number, implicit: string): RawForm {
  const intel = base.map((x) => ({ ...x }) as OpSpec);
  // I/O port operand.
  if (/^(in|out|ins[bwd]|outs[bwd])$/.test(mn)) {
    for (let i = 0; i < intel.length; i++) if (intel[i].k === 'fixed' && (intel[i] as { reg: string }).reg === 'dx') intel[i] = { k: 'port' };
  }
  // Accumulators of string and I/O instructions (and the port of ins/outs) may be omitted.
  if (/^(stos|lods|scas|in|out)[bwdq]?$/.test(mn)) {
    for (const s of intel) if (s.k === 'fixed') s.opt = true;
  }
  if (/^(ins|outs)[bwd]$/.test(mn)) {
    for (const s of intel) if (s.k === 'port') s.opt = true;
  }
  // Registers written for implicit operands (monitor %rax,%ecx,%edx; div %bl,%al).
  if (implicit) {
    for (const tok of implicit.split(',').reverse()) {
      intel.push(tok === 'A' ? { k: 'implicit', regs: ['rax', 'eax'], addr: true, opt: true } : { k: 'implicit', regs: tok.split('|'), addr: false, opt: true });
    }
  }
  if ((mn === 'div' || mn === 'idiv') && intel.length === 1 && intel[0].k === 'gpr') {
    const acc = { 8: 'al', 16: 'ax', 32: 'eax', 64: 'rax' }[intel[0].size];
    intel.unshift({ k: 'implicit', regs: [acc], addr: false, opt: true });
  }
  // Shift counts: %cl, or %ecx/%rcx.
  if (/^(rol|ror|rcl|rcr|shl|shr|sar|shld|shrd)$/.test(mn)) {
    for (let i = 0; i < intel.length; i++) if (intel[i].k === 'fixed' && (intel[i] as { reg: string }).reg === 'cl') intel[i] = { k: 'count' };
  }
  // shld/shrd %reg,%reg/mem: the count is %cl.
  if ((mn === 'shld' || mn === 'shrd') && intel[2]?.k === 'count') intel[2].opt = true;
  // imul $imm,%reg is imul $imm,%reg,%reg.
  if (mn === 'imul' && intel.length === 3) intel[1] = { ...intel[1], opt: true, dup: 0 };
  // AT&T order is the reverse of Intel's, except for enter's two immediates.
  const order = intel.map((_, i) => i);
  if (mn !== 'enter') order.reverse();
  const ops = order.map((i) => intel[i]);
  // Two immediates (enter, extrq, insertq): iced's second one is its "8_2nd" operand.
  const imms = intel.filter((s) => s.k === 'imm');
  if (imms.length === 2) (imms[1] as { second?: boolean }).second = true;
  // iced operand indexes: implicit register operands have none.
  let next = 0;
  const icedIndex = intel.map((s) => (s.k === 'implicit' ? -1 : next++));
  // Operand size of the form (its suffix letter).
  let size: 0 | Size = 0;
  if (operandSize === 16 || operandSize === 32 || operandSize === 64) size = operandSize;
  const gprs = intel.map(specSize).filter((s) => s > 0);
  if (SIZE_FROM_SOURCE.has(mn)) size = (specSize(intel[intel.length - 1]) || 0) as 0 | Size;
  else if (size === 0 && gprs.length > 0) size = gprs[0] as Size;
  else if (size === 0 && /^(movs|cmps|stos|lods|scas|ins|outs|xlat)b$/.test(mn)) size = 8;
  else if (size === 0 && /^(sysret|sysexit)$/.test(mn)) size = 32;
  if (mn === 'nop' && intel.length === 0) size = 0;
  if (/^(in|out)$/.test(mn)) {
    // The port (dx) does not size the instruction; the accumulator does.
    const acc = intel.find((s) => s.k === 'fixed');
    size = acc ? (specSize(acc) as Size) : size;
  }
  // A 32-bit immediate of a 64-bit operation (XOP bextr) matches as GAS's Imm32S.
  if (size === 64) for (const s of intel) if (s.k === 'imm' && s.imm === 'imm32') s.imm = 'imm32s';
  return { names: attNames(mn, codeName, ops), codeName, code, ops, iced: order.map((i) => icedIndex[i]), size };
}

function deriveForms(): RawForm[] {
  const forms: RawForm[] = [];
  const codeCount = Object.keys(Code).filter((k) => isNaN(Number(k))).length;
  for (let code = 0; code < codeCount; code++) {
    const codeName = Code[code];
    const d = icedOperands(code, codeName);
    if (!d) continue;
    if (SSE_R64_AS_R32.test(codeName)) {
      // GAS encodes a 64-bit register here like the 32-bit one (no REX.W).
      if (/_r64/.test(codeName)) continue;
      const wide = d.intel.map((s) => (s.k === 'gpr' && s.size === 32 ? { ...s, size: 64 as Size, mem: false, as: 32 as Size } : s));
      forms.push(attForm(code, codeName, d.mn, wide, 0, ''));
    }
    // The r/m64 forms of SSE movq/movd are register-only for GAS (memory uses 0F D6 / F3 0F 7E).
    if (codeName === 'Movq_xmm_rm64' || codeName === 'Movq_rm64_xmm') {
      for (const s of d.intel) if (s.k === 'gpr') s.mem = false;
    }
    for (const implicit of IMPLICIT_OPERANDS[codeName]?.split(';') ?? ['']) {
      forms.push(attForm(code, codeName, d.mn, d.intel, d.operandSize, implicit));
    }
  }
  for (const [name, codeName, opText, suffixes] of EXPLICIT) {
    const code = (Code as unknown as Record<string, number>)[codeName];
    const ops = opText.split(',').map(parseExplicitOp);
    const n = ops.length;
    const iced = ops.map((_, i) => n - 1 - i);
    const sizes = ops.map(specSize).filter((s) => s > 0);
    // The form's size is its destination's, except for selector stores (their only operand).
    const size = suffixes !== undefined || name === 'lar' || name === 'lsl' ? sizes[sizes.length - 1] : sizes[0];
    forms.push({ names: [name], codeName, code, ops, iced, size: (size ?? 0) as 0 | Size, suffixes });
  }
  return forms;
}

function mandatoryByte(p: MandatoryPrefix): number {
  return p === MandatoryPrefix.P66 ? 0x66 : p === MandatoryPrefix.PF3 ? 0xf3 : p === MandatoryPrefix.PF2 ? 0xf2 : 0;
}

function buildTable(): Map<string, Template[]> {
  const table = new Map<string, Template[]>();
  let rank = 0;
  for (const f of deriveForms()) {
    const oc = CodeExt.opCode(f.code);
    const icedKinds: K[] = [];
    for (let i = 0; i < oc.opCount; i++) icedKinds.push(oc.opKind(i));
    const common = {
      code: f.code,
      icedKinds,
      codeName: f.codeName,
      size: f.size,
      lock: oc.canUseLockPrefix,
      rep: oc.canUseRepPrefix || oc.canUseRepnePrefix,
      default64: oc.defaultOpSize64 || oc.forceOpSize64,
      mandatory: mandatoryByte(oc.mandatoryPrefix),
      indirect: false,
      addr32: oc.addressSize === 32,
      vex: oc.encoding === EncodingKind.VEX || oc.encoding === EncodingKind.XOP,
      xacquire: oc.canUseXacquirePrefix,
      xrelease: oc.canUseXreleasePrefix,
      bnd: oc.canUseBndPrefix,
      notrack: oc.canUseNotrackPrefix,
      rel16: /_rel16$/.test(f.codeName),
    };
    oc.free();
    for (const name of f.names) {
      const own = f.size ? SUFFIX_OF_SIZE[f.size] : '';
      let suffixes = f.suffixes ?? (SUFFIXES[name] === undefined ? own : SUFFIXES[name].includes(own) ? own : '');
      // SSE forms take no suffix, except the integer conversions (cvtsi2sdl, cvtsd2siq, ...).
      if (f.ops.some((o) => o.k === 'xmm') && !/^(cvt|movmsk|pmovmskb|pcmpestr)/.test(name)) suffixes = '';
      // pcmpestri/pcmpestrm: `l` is the plain form, `q` the REX.W one.
      if (/^pcmpestr/.test(name)) suffixes = /64_/.test(f.codeName) ? 'q' : 'l';
      // loop via %ecx is `loopl`.
      if (/^loop/.test(name) && common.addr32) suffixes = 'l';
      // Direct jmp/jcc take no suffix (callq/callw and loopq do).
      if (RELAXABLE.has(name) && f.ops.some((o) => o.k === 'rel')) suffixes = '';
      if (EXTRA_SUFFIXES[name] && !f.ops.some((o) => o.k === 'gpr' && o.reg)) suffixes += EXTRA_SUFFIXES[name];
      // Sign-extended imm8 forms win ties against accumulator forms (GAS lists them first).
      const r = f.ops.some((o) => o.k === 'imm' && o.imm === 'imm8s') ? rank - 1_000_000 : rank;
      const t: Template = {
        ...common,
        name,
        ops: f.ops,
        iced: f.iced,
        suffixes,
        rank: r,
        indirect: /^(jmp|call|ljmp|lcall)$/.test(name) && !f.ops.some((o) => o.k === 'rel'),
      };
      rank++;
      const list = table.get(name) ?? [];
      list.push(t);
      // test and xchg are commutative in AT&T syntax: also accept the operands the other way round.
      if ((name === 'test' || name === 'xchg') && f.ops.length === 2 && !f.ops.some((o) => o.k === 'imm')) {
        list.push({ ...t, ops: [f.ops[1], f.ops[0]], iced: [f.iced[1], f.iced[0]], rank: t.rank + 500_000 });
      }
      table.set(name, list);
    }
  }
  return table;
}

let cached: Map<string, Template[]> | Error | undefined;

/** The template table (built on first use). */
export function templates(): Map<string, Template[]> {
  if (!cached) {
    try {
      cached = buildTable();
    } catch (e) {
      cached = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (cached instanceof Error) throw cached;
  return cached;
}
