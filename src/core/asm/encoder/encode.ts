/**
 * Template matching (GAS's rules for suffixes, operand sizes and immediate sizes), choice of the
 * shortest form, encoding through iced-x86, and the GAS-specific finishing touches: prefix order,
 * default-segment elision, field values and fixups.
 */
import { Encoder, Instruction, Mnemonic, OpCodeOperandKind as K, OpKind, Register } from 'iced-x86';
import type { AsmValue, Fixup } from '../object.js';
import type { EncodeRequest, EncodeResult } from './index.js';
import {
  checkOperand,
  classifyConstant,
  classifySymbol,
  fitsS,
  IMM1,
  IMM16,
  IMM32,
  IMM32S,
  IMM64,
  IMM8,
  IMM8S,
  truncate,
  type Opnd,
} from './operands.js';
import { lookupRegister, resize, SIZE_OF_SUFFIX, SUFFIX_OF_SIZE, type RegInfo } from './registers.js';
import { CMP_PREDICATES, INTEL_STRING_D, PCLMUL_ALIASES, PREFIX_BYTES, RELAXABLE, REP_IS_MANDATORY, REP_OK } from './tables.js';
import { templates, type ImmKind, type OpSpec, type Template } from './templates.js';

export type Suffix = 'b' | 'w' | 'l' | 'q';
type OutFixup = Omit<Fixup, 'location'>;

const IMM_BIT: Record<ImmKind, number> = {
  imm8: IMM8,
  imm8s: IMM8S,
  imm16: IMM16,
  imm32: IMM32,
  imm32s: IMM32S,
  imm64: IMM64,
  one: IMM1,
};

interface Prefixes {
  lock: boolean;
  /** f3/f2 from rep/repe/repne/xacquire/xrelease/bnd. */
  rep: number;
  /** The word that set `rep` (rep, repne, xacquire, bnd, ...). */
  repName: string;
  notrack: boolean;
  /** Segment byte written as a prefix word (cs, ds, ..., notrack). */
  seg: number;
  data16: boolean;
  addr32: boolean;
  /** REX bits from rex / rex.wrxb prefixes (0x40 set when present). */
  rex: number;
  disp8: boolean;
  disp32: boolean;
  load: boolean;
  store: boolean;
}

const fail = (message: string, operand?: number): EncodeResult => ({ ok: false, message, operand });

function parsePrefixes(list: string[]): Prefixes | string {
  const p: Prefixes = { lock: false, rep: 0, repName: '', notrack: false, seg: 0, data16: false, addr32: false, rex: 0, disp8: false, disp32: false, load: false, store: false };
  const dup = 'same type of prefix used twice';
  for (const raw of list) {
    const name = raw.toLowerCase();
    const pseudo = /^\{(disp8|disp32|disp16|load|store|vex|vex2|vex3|evex|rex|rex2|nooptimize)\}$/.exec(name);
    if (pseudo) {
      if (pseudo[1] === 'disp8') p.disp8 = true;
      else if (pseudo[1] === 'disp32') p.disp32 = true;
      else if (pseudo[1] === 'load') p.load = true;
      else if (pseudo[1] === 'store') p.store = true;
      else if (pseudo[1] === 'rex') p.rex |= 0x40;
      continue;
    }
    const rex = /^rex(?:\.([wrxb]+))?$/.exec(name);
    if (rex) {
      if (p.rex & 0x40 && !(p.rex & 0x80)) return dup;
      let bits = 0x40;
      for (const c of rex[1] ?? '') bits |= c === 'w' ? 8 : c === 'r' ? 4 : c === 'x' ? 2 : 1;
      p.rex |= bits;
      continue;
    }
    const byte = PREFIX_BYTES[name];
    if (byte === undefined) return `invalid prefix \`${raw}'`;
    if (name === 'es' || name === 'ss') return `\`${name}' is not supported in 64-bit mode`;
    if (name === 'lock') {
      if (p.lock) return dup;
      p.lock = true;
    } else if (byte === 0xf3 || byte === 0xf2) {
      if (p.rep) return dup;
      p.rep = byte;
      p.repName = name;
    } else if (name === 'data16') {
      if (p.data16) return dup;
      p.data16 = true;
    } else if (name === 'addr32') {
      if (p.addr32) return dup;
      p.addr32 = true;
    } else {
      if (p.seg) return dup;
      p.seg = byte;
      p.notrack = name === 'notrack';
    }
  }
  return p;
}

/** Bytes of a line that is only prefixes (`lock`, `rep`, `rex.w` written alone). */
function prefixOnly(p: Prefixes): Uint8Array {
  const out: number[] = [];
  if (p.seg) out.push(p.seg);
  if (p.addr32) out.push(0x67);
  if (p.data16) out.push(0x66);
  if (p.rep) out.push(p.rep);
  if (p.lock) out.push(0xf0);
  if (p.rex) out.push(p.rex & 0x4f);
  return Uint8Array.from(out);
}

// ---- matching -------------------------------------------------------------------------------

type FailKind = 0 | 1 | 2 | 3 | 4;
const F_COUNT = 0, F_SUFFIX = 1, F_TYPE = 2, F_SIZE = 3, F_REGSUFFIX = 4;

interface Match {
  t: Template;
  /** Per template operand: the written operand index, or -1 when omitted. */
  bind: number[];
}

interface Ctx {
  req: EncodeRequest;
  pre: Prefixes;
  ops: Opnd[];
  /** Name used in messages. */
  name: string;
  suffix?: Suffix;
  guess?: Suffix;
  /** Per operand: immediate value (after GAS's folding) and the field types it may use. */
  imm: Array<{ value?: bigint; types: number } | undefined>;
  warnings: string[];
  /** The 16-bit form was chosen because of a data16 prefix (its 66h is that prefix). */
  sizeFromData16?: boolean;
}

const DEFAULT_SEG_SS = new Set([4, 5]);

/** Does written operand `o` fit template operand `s`? Returns a failure kind or -1. */
function operandFits(ctx: Ctx, t: Template, s: OpSpec, o: Opnd, i: number): number {
  switch (s.k) {
    case 'gpr':
      if (o.t === 'reg') {
        if (o.r.cls !== 'gpr' || !s.reg) return F_TYPE;
        if (o.r.size === s.size) return -1;
        // Control/debug register moves only exist with 64-bit registers: GAS calls it a type mismatch.
        return t.ops.some((x) => x.k === 'cr' || x.k === 'dr') ? F_TYPE : F_SIZE;
      }
      if (o.t === 'mem') return s.mem ? -1 : F_TYPE;
      return F_TYPE;
    case 'mem':
      return o.t === 'mem' ? -1 : F_TYPE;
    case 'xmm':
      if (o.t === 'reg') return o.r.cls === 'xmm' ? -1 : F_TYPE;
      return o.t === 'mem' && s.mem ? -1 : F_TYPE;
    case 'fixed':
      if (o.t !== 'reg') return F_TYPE;
      if (o.r.name === s.reg) return -1;
      return o.r.cls === 'gpr' && o.r.size !== (lookupRegister(s.reg)?.size ?? 0) ? F_SIZE : F_TYPE;
    case 'port':
      return o.t === 'port' || (o.t === 'reg' && (o.r.name === 'dx' || o.r.name === 'edx' || o.r.name === 'rdx')) ? -1 : F_TYPE;
    case 'count':
      if (o.t === 'reg' && o.r.name === 'cl') return -1;
      return o.t === 'reg' && (o.r.name === 'ecx' || o.r.name === 'rcx') && ctx.suffix !== 'b' ? -1 : F_TYPE;
    case 'implicit':
      return o.t === 'reg' && s.regs.includes(o.r.name) ? -1 : F_TYPE;
    case 'sreg':
      return o.t === 'reg' && o.r.cls === 'seg' ? -1 : F_TYPE;
    case 'cr':
      return o.t === 'reg' && o.r.cls === 'cr' ? -1 : F_TYPE;
    case 'dr':
      return o.t === 'reg' && o.r.cls === 'dr' ? -1 : F_TYPE;
    case 'imm': {
      if (o.t !== 'imm') return F_TYPE;
      const c = ctx.imm[i];
      if (!c) return F_TYPE;
      return c.types & IMM_BIT[s.imm] ? -1 : F_TYPE;
    }
    case 'moffs': {
      if (o.t !== 'mem' || !o.absolute || o.rip) return F_TYPE;
      if (t.name === 'movabs') return -1;
      // mov uses the moffs form with 32-bit addressing (it is shorter there), and in 64-bit
      // addressing only for constant addresses out of disp32 range.
      if (ctx.pre.addr32) return -1;
      if (o.disp?.kind === 'constant' && !fitsS(BigInt.asIntN(64, o.disp.value), 32)) return -1;
      return F_TYPE;
    }
    case 'str':
      // GAS takes any memory operand here (warning when it is not the implied register).
      if (o.t !== 'mem') return F_TYPE;
      if (s.reg === 'di' && o.seg && o.seg.name !== 'es') return F_TYPE;
      // ... except an absolute address as the only (source) operand of lods/outs/xlat, or one
      // out of disp32 range.
      if (s.reg !== 'di' && o.absolute && t.ops.filter((x) => x.k === 'str').length === 1) return F_SIZE;
      if (o.absolute && o.disp?.kind === 'constant' && !fitsS(BigInt.asIntN(64, o.disp.value), 32) && !ctx.pre.addr32) {
        // (fine when the other string operand makes the addressing 32-bit)
        if (!ctx.ops.some((x) => x.t === 'mem' && !x.absolute && x.asize === 32)) return F_TYPE;
      }
      return -1;
    case 'rel':
      return o.t === 'target' ? -1 : F_TYPE;
  }
}

/** Tries to bind the written operands to a template; returns a failure kind or the binding. */
function bindTemplate(ctx: Ctx, t: Template): { fail: FailKind; reg?: RegInfo } | Match {
  const n = ctx.ops.length;
  const m = t.ops.length;
  if (n > m) return { fail: F_COUNT };
  const optional = t.ops.map((s, i) => (s.opt ? i : -1)).filter((i) => i >= 0);
  const omit = m - n;
  if (omit > optional.length) return { fail: F_COUNT };
  // Enumerate which optional operands are left out (few of them: at most 2).
  const choices: number[][] = [];
  const rec = (start: number, chosen: number[]) => {
    if (chosen.length === omit) {
      choices.push(chosen);
      return;
    }
    for (let k = start; k < optional.length; k++) rec(k + 1, [...chosen, optional[k]]);
  };
  rec(0, []);
  let best: { fail: FailKind; reg?: RegInfo } = { fail: F_COUNT };
  for (const left of choices) {
    const bind: number[] = [];
    let w = 0;
    let failed: FailKind | -1 = -1;
    let badReg: RegInfo | undefined;
    for (let k = 0; k < m; k++) {
      if (left.includes(k)) {
        bind.push(-1);
        continue;
      }
      const o = ctx.ops[w];
      const f = operandFits(ctx, t, t.ops[k], o, w);
      if (f >= 0 && f !== F_SIZE) {
        failed = f as FailKind;
        break;
      }
      if (f === F_SIZE) {
        // Keep going: GAS names the last register of the wrong size.
        failed = F_SIZE;
        if (o.t === 'reg') badReg = o.r;
      }
      bind.push(w++);
    }
    if (failed === -1) {
      // Operands left out that repeat another one (imul $3,%eax = imul $3,%eax,%eax).
      for (let k = 0; k < m; k++) {
        const d = t.ops[k].dup;
        if (bind[k] < 0 && d !== undefined) bind[k] = bind[t.iced.indexOf(d)];
      }
      // Strings need their memory operand(s) when operands are written (`stos %al` alone is not
      // a form; movs/cmps take both or none); implicit registers are all written or none.
      const strs = t.ops.map((s, k) => (s.k === 'str' ? k : -1)).filter((k) => k >= 0);
      const strBound = strs.filter((k) => bind[k] >= 0).length;
      const imps = t.ops.map((s, k) => (s.k === 'implicit' ? k : -1)).filter((k) => k >= 0);
      const impBound = imps.filter((k) => bind[k] >= 0).length;
      const ioStr = /^(ins|outs)$/.test(t.name) && bind.filter((w) => w >= 0).length === 1;
      if (ioStr || (strs.length && n > 0 && (strBound === 0 || (strs.length === 2 && strBound === 1)))) failed = F_COUNT;
      else if (impBound !== 0 && impBound !== imps.length) failed = F_COUNT;
      else return { t, bind };
    }
    if (failed > best.fail) best = { fail: failed, reg: badReg };
  }
  if (best.fail === F_SIZE && ctx.suffix) best = { fail: F_REGSUFFIX, reg: best.reg };
  return best;
}

function lastGprSuffix(ops: Opnd[]): Suffix | undefined {
  for (let i = ops.length - 1; i >= 0; i--) {
    const o = ops[i];
    if (o.t === 'reg' && o.r.cls === 'gpr') return SUFFIX_OF_SIZE[o.r.size];
  }
  return undefined;
}

function classifyImmediates(ctx: Ctx, list: Template[]): void {
  ctx.imm = ctx.ops.map((o, i) => {
    if (o.t !== 'imm') return undefined;
    if (o.v.kind === 'constant') return classifyConstant(o.v.value, ctx.guess);
    let allowed = 0;
    for (const t of list) {
      if (t.ops.length < ctx.ops.length) continue;
      const s = t.ops[i];
      if (s && s.k === 'imm') allowed |= IMM_BIT[s.imm];
    }
    return { types: classifySymbol(ctx.guess, allowed) };
  });
}

export interface Attempt {
  base: string;
  suffix?: Suffix;
}

/** How a written mnemonic maps to table entries: itself, or a base plus a size suffix (exported for editors). */
export function attempts(mnemonic: string): Attempt[] {
  const table = templates();
  const out: Attempt[] = [];
  if (table.has(mnemonic)) out.push({ base: mnemonic });
  const last = mnemonic[mnemonic.length - 1];
  if ('bwlq'.includes(last) && mnemonic.length > 1 && table.has(mnemonic.slice(0, -1))) {
    out.push({ base: mnemonic.slice(0, -1), suffix: last as Suffix });
  }
  return out;
}

const MESSAGES: Record<number, (name: string) => string> = {
  [F_COUNT]: (n) => `number of operands mismatch for \`${n}'`,
  [F_SUFFIX]: (n) => `invalid instruction suffix for \`${n}'`,
  [F_TYPE]: (n) => `operand type mismatch for \`${n}'`,
  [F_SIZE]: (n) => `operand size mismatch for \`${n}'`,
};

// ---- encoding through iced ----------------------------------------------------------------------

let encoder: Encoder | undefined;

interface Encoded {
  bytes: Uint8Array;
  fixups: OutFixup[];
  warnings: string[];
}

const HIGH_BYTE_ERR = /Registers AH, CH, DH, BH can't be used/;

function immOpKind(kind: K, second: boolean): OpKind {
  switch (kind) {
    case K.imm8:
      return second ? OpKind.Immediate8_2nd : OpKind.Immediate8;
    case K.imm8_const_1:
      return OpKind.Immediate8;
    case K.imm8sex16:
      return OpKind.Immediate8to16;
    case K.imm8sex32:
      return OpKind.Immediate8to32;
    case K.imm8sex64:
      return OpKind.Immediate8to64;
    case K.imm16:
      return OpKind.Immediate16;
    case K.imm32:
      return OpKind.Immediate32;
    case K.imm32sex64:
      return OpKind.Immediate32to64;
    case K.imm64:
      return OpKind.Immediate64;
    default:
      throw new Error(`not an immediate kind: ${K[kind]}`);
  }
}

const FIXED: Record<string, Register> = {
  al: Register.AL,
  cl: Register.CL,
  ax: Register.AX,
  dx: Register.DX,
  eax: Register.EAX,
  rax: Register.RAX,
  es: Register.ES,
  cs: Register.CS,
  ss: Register.SS,
  ds: Register.DS,
  fs: Register.FS,
  gs: Register.GS,
};

interface Field {
  /** Operand index (written), for messages. */
  operand: number;
  kind: 'disp' | 'imm' | 'imm2' | 'rel';
  value: AsmValue;
  /** Immediate value after GAS's folding (constants). */
  folded?: bigint;
  /** Fixup kind for symbols. */
  fixup: Fixup['kind'];
  /** Field is pc-relative (rip memory or branch). */
  pcrel: boolean;
}

/** Encodes one matched template. Returns bytes/fixups or an error message. */
function encodeMatch(ctx: Ctx, match: Match): Encoded | { error: string; operand?: number } {
  const { t, bind } = match;
  const warnings: string[] = [];
  let pre = ctx.pre;
  // GAS ignores some prefixes on direct branches (with a warning).
  if (t.ops.some((o) => o.k === 'rel')) {
    const loopLike = /^(loop|jrcxz|jecxz)/.test(t.name);
    const skip = { ...pre };
    if (!loopLike && pre.addr32) skip.addr32 = false;
    if (loopLike && pre.data16) skip.data16 = false;
    // Segment prefixes: cs/ds stay (branch hints) except on call; es/fs/gs/ss go.
    if (pre.seg && (t.name === 'call' || (pre.seg !== 0x2e && pre.seg !== 0x3e))) skip.seg = 0;
    if (skip.addr32 !== pre.addr32 || skip.data16 !== pre.data16 || skip.seg !== pre.seg) {
      warnings.push(`skipping prefixes on \`${ctx.name}'`);
      pre = skip;
    }
  }
  // Forms whose name already says "32-bit addressing".
  if (ctx.pre.addr32 && t.addr32 && (!/^loop/.test(t.name) || ctx.suffix === 'l')) return { error: 'same type of prefix used twice' };
  const icedKinds = t.icedKinds;
  const ins = new Instruction();
  const fields: Field[] = [];
  let memOp: Extract<Opnd, { t: 'mem' }> | undefined;
  let memSpec: OpSpec | undefined;
  let strAsize: 32 | 64 = pre.addr32 ? 32 : 64;
  let strSeg: RegInfo | undefined;
  try {
    ins.code = t.code;
    let strSeen: Extract<Opnd, { t: 'mem' }> | undefined;
    let strSizedByBase = false;
    for (let k = 0; k < t.ops.length; k++) {
      const s = t.ops[k];
      const w = bind[k];
      const o = w >= 0 ? ctx.ops[w] : undefined;
      if (o?.t === 'mem' && s.k === 'str') {
        // The first string operand sets the address size (an absolute one: 64-bit unless addr32).
        const first = strSeen ? (strSeen.absolute || pre.addr32 ? (pre.addr32 ? 32 : 64) : strSeen.asize) : 0;
        const strCount = t.ops.filter((x) => x.k === 'str').length;
        const bad64 = pre.addr32 && !o.absolute && o.asize === 64 && strCount === 2;
        if ((strSeen && !o.absolute && o.base && first !== o.asize && !pre.addr32) || bad64) {
          return { error: `\`${o.text}' is not a valid base/index expression`, operand: w };
        }
        // The address size comes from the first operand with a base register.
        if (!o.absolute && !strSizedByBase) {
          strAsize = o.asize;
          strSizedByBase = !!o.base;
        }
        strSeen = o;
        if (s.reg !== 'di' && o.seg) strSeg = o.seg;
      }
    }
    for (let k = 0; k < t.ops.length; k++) {
      const s = t.ops[k];
      const i = t.iced[k];
      const w = bind[k];
      const o = w >= 0 ? ctx.ops[w] : undefined;
      if (s.k === 'implicit') {
        if (s.addr && o?.t === 'reg' && o.r.size === 32) {
          if (ctx.pre.addr32) return { error: 'same type of prefix used twice' };
          pre = { ...pre, addr32: true };
        }
        continue;
      }
      const setReg = (r: Register) => {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, r);
      };
      switch (s.k) {
        case 'gpr':
        case 'mem':
        case 'xmm':
          if (o?.t === 'reg') {
            const r = s.k === 'gpr' && s.as ? resize(o.r, s.as) : o.r;
            setReg(r.iced);
          } else if (o?.t === 'mem') {
            ins.setOpKind(i, OpKind.Memory);
            memOp = o;
            memSpec = s;
          }
          break;
        case 'fixed':
          setReg(FIXED[s.reg]);
          break;
        case 'port':
          setReg(Register.DX);
          break;
        case 'count':
          setReg(Register.CL);
          break;
        case 'sreg':
        case 'cr':
        case 'dr':
          if (o?.t === 'reg') setReg(o.r.iced);
          break;
        case 'imm': {
          const kind = immOpKind(icedKinds[i], !!s.second);
          ins.setOpKind(i, kind);
          if (s.imm === 'one') ins.immediate8 = 1;
          else if (o?.t === 'imm') {
            const c = ctx.imm[w];
            fields.push({
              operand: w,
              kind: s.second ? 'imm2' : 'imm',
              value: o.v,
              folded: c?.value,
              fixup: s.imm === 'imm32s' || (s.imm === 'imm8s') ? 'abs-signed' : 'abs',
              pcrel: false,
            });
          }
          break;
        }
        case 'moffs':
          ins.setOpKind(i, OpKind.Memory);
          if (o?.t === 'mem') {
            memOp = o;
            memSpec = s;
          }
          break;
        case 'str':
          if (s.reg === 'si') ins.setOpKind(i, strAsize === 32 ? OpKind.MemorySegESI : OpKind.MemorySegRSI);
          else if (s.reg === 'di') ins.setOpKind(i, strAsize === 32 ? OpKind.MemoryESEDI : OpKind.MemoryESRDI);
          else {
            ins.setOpKind(i, OpKind.Memory);
            ins.memoryBase = strAsize === 32 ? Register.EBX : Register.RBX;
            ins.memoryIndex = Register.AL;
          }
          break;
        case 'rel':
          if (s.bits === 16 && !/^Xbegin/.test(t.codeName)) {
            ins.setOpKind(i, OpKind.NearBranch16);
            ins.nearBranch16 = 0;
          } else {
            ins.setOpKind(i, OpKind.NearBranch64);
            ins.nearBranch64 = 0n;
          }
          if (o?.t === 'target') fields.push({ operand: w, kind: 'rel', value: o.v, fixup: 'pcrel', pcrel: true });
          break;
      }
    }
    // Memory operand addressing.
    let memSeg: RegInfo | undefined;
    if (memOp) {
      const m = memOp;
      if (pre.addr32 && !m.absolute && m.asize === 64) {
        return { error: `\`${m.text}' is not a valid base/index expression`, operand: ctx.ops.indexOf(m) };
      }
      memSeg = m.seg;
      if (memSpec?.k === 'moffs') {
        ins.memoryBase = Register.None;
        ins.memoryIndex = Register.None;
        ins.memoryDisplSize = pre.addr32 ? 4 : 8;
        if (m.disp?.kind === 'constant') ins.memoryDisplacement = BigInt.asUintN(pre.addr32 ? 32 : 64, m.disp.value);
        else if (m.disp) fields.push({ operand: -1, kind: 'disp', value: m.disp, fixup: 'abs', pcrel: false });
      } else {
        const addrReg = t.ops.find((o, k) => o.k === 'gpr' && o.addrReg && bind[k] >= 0);
        const addrRegSize = addrReg ? (ctx.ops[bind[t.ops.indexOf(addrReg)]] as { r: RegInfo }).r.size : 0;
        const asize = (pre.addr32 || addrRegSize === 32) && m.absolute ? 32 : m.asize;
        ins.memoryBase = m.base ? m.base.iced : Register.None;
        ins.memoryIndex = m.index ? m.index.iced : Register.None;
        ins.memoryIndexScale = m.scale;
        const wide = asize === 64 ? 8 : 4;
        const disp = m.disp;
        if (m.rip) {
          ins.memoryDisplSize = wide;
          ins.memoryDisplacement = 0n;
          fields.push({ operand: -1, kind: 'disp', value: disp ?? { kind: 'constant', value: 0n }, fixup: 'pcrel', pcrel: true });
        } else if (disp && disp.kind === 'symbol') {
          ins.memoryDisplSize = wide;
          ins.memoryDisplacement = 0n;
          // 32S for addresses used at 64 bits; lea into a narrower register only needs 32 bits.
          const signed = asize === 64 && !(t.name === 'lea' && t.size < 64);
          fields.push({ operand: -1, kind: 'disp', value: disp, fixup: signed ? 'abs-signed' : 'abs', pcrel: false });
        } else {
          let c = disp ? BigInt.asIntN(64, disp.value) : 0n;
          if (asize === 64 && !fitsS(c, 32)) {
            return { error: `0x${BigInt.asUintN(64, c).toString(16)} out of range of signed 32bit displacement` };
          }
          // 32-bit addressing: values that fit 32 bits unsigned wrap to signed (0xffffffff is -1).
          if (asize === 32 && c >= 0n && c <= 0xffffffffn) c = BigInt.asIntN(32, c);
          const noBase = !m.base;
          if (noBase) ins.memoryDisplSize = wide;
          else if (pre.disp32) ins.memoryDisplSize = wide;
          else if (c === 0n && !pre.disp8) ins.memoryDisplSize = 0;
          else if (fitsS(c, 8)) ins.memoryDisplSize = 1;
          else ins.memoryDisplSize = wide;
          ins.memoryDisplacement = BigInt.asUintN(asize, c);
        }
      }
    }

    encoder ??= new Encoder(64);
    try {
      encoder.encode(ins, 0n);
    } catch (e) {
      encoder.takeBuffer();
      const msg = e instanceof Error ? e.message : String(e);
      if (HIGH_BYTE_ERR.test(msg)) {
        const high = ctx.ops.find((o) => o.t === 'reg' && o.r.high) as { r: RegInfo } | undefined;
        return { error: `can't encode register '%${high?.r.name ?? 'ah'}' in an instruction requiring REX prefix.` };
      }
      // Combinations iced refuses (e.g. address and register sizes that disagree).
      return { error: `operand size mismatch for \`${ctx.name}'` };
    }
    const raw = encoder.takeBuffer();
    const co = encoder.getConstantOffsets();
    const offs = {
      disp: co.displacementOffset,
      dispSize: co.displacementSize,
      imm: co.immediateOffset,
      immSize: co.immediateSize,
      imm2: co.immediateOffset2,
      imm2Size: co.immediateSize2,
    };
    co.free();

    // ---- prefixes in GAS's order: segment, 67, 66, rep/lock, mandatory, REX ----
    let p = 0;
    let n66 = 0;
    let has67 = false;
    let mand = 0;
    while (p < raw.length && (raw[p] === 0x66 || raw[p] === 0x67 || raw[p] === 0xf2 || raw[p] === 0xf3) && !t.vex) {
      if (raw[p] === 0x66) n66++;
      else if (raw[p] === 0x67) has67 = true;
      else mand = raw[p];
      p++;
    }
    if (t.vex) {
      while (p < raw.length && (raw[p] === 0x66 || raw[p] === 0x67)) {
        if (raw[p] === 0x66) n66++;
        else has67 = true;
        p++;
      }
    }
    if (t.mandatory === 0x66 && n66 > 0) {
      n66--;
      mand = 0x66;
    }
    const pfx: number[] = [];
    // Segment override: written on the memory operand (unless it is the default one) or as a prefix word.
    let seg = 0;
    const segOf = (r: RegInfo) => [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65][r.num];
    if (memSeg) {
      const m = memOp!;
      const base = m.base && m.base.cls === 'gpr' ? m.base : undefined;
      const dflt = base && DEFAULT_SEG_SS.has(base.num) ? 'ss' : 'ds';
      if (memSeg.name !== dflt) seg = segOf(memSeg);
    }
    if (strSeg && strSeg.name !== 'ds') seg = segOf(strSeg);
    if (pre.seg) {
      if (seg && seg !== pre.seg) return { error: 'same type of prefix used twice' };
      seg = pre.seg;
    }
    if (pre.data16 && (t.vex || (t.ops.some((o) => o.k === 'xmm') && mand !== 0x66))) return { error: `data size prefix invalid with \`${ctx.name}'` };
    if (pre.data16 && (n66 > 0 || mand === 0x66) && (!t.rel16 || ctx.suffix === 'w') && !ctx.sizeFromData16) {
      return { error: 'same type of prefix used twice' };
    }
    if (seg) pfx.push(seg);
    if (has67 || pre.addr32) pfx.push(0x67);
    if (n66 > 0 || pre.data16) pfx.push(0x66);
    if (pre.rep && pre.rep !== mand) pfx.push(pre.rep);
    if (pre.lock) pfx.push(0xf0);
    if (mand) pfx.push(mand);
    let rest = Array.from(raw.subarray(p));
    if (pre.rex) {
      if (t.vex) return { error: `invalid use of REX prefix with \`${ctx.name}'` };
      if (rest.length && (rest[0] & 0xf0) === 0x40) {
        if (rest[0] & pre.rex & 0x0f) return { error: 'same type of prefix used twice' };
        rest[0] |= pre.rex & 0x0f;
      } else {
        rest = [pre.rex & 0x4f, ...rest];
        if (offs.dispSize) offs.disp++;
        if (offs.immSize) offs.imm++;
        if (offs.imm2Size) offs.imm2++;
      }
    }
    const delta = pfx.length - p;
    const bytes = Uint8Array.from([...pfx, ...rest]);
    const total = bytes.length;
    if (offs.dispSize) offs.disp += delta;
    if (offs.immSize) offs.imm += delta;
    if (offs.imm2Size) offs.imm2 += delta;

    // ---- field values and fixups ----
    const fixups: OutFixup[] = [];
    const put = (off: number, size: number, v: bigint) => {
      let u = BigInt.asUintN(size * 8, v);
      for (let b = 0; b < size; b++) {
        bytes[off + b] = Number(u & 0xffn);
        u >>= 8n;
      }
    };
    for (const f of fields) {
      let off: number;
      let size: number;
      if (f.kind === 'disp') {
        off = offs.disp;
        size = offs.dispSize;
      } else if (f.kind === 'imm2') {
        off = offs.imm2;
        size = offs.imm2Size;
      } else {
        off = offs.imm;
        size = offs.immSize;
      }
      if (size === 0) continue;
      const toEnd = BigInt(total - off);
      if (f.value.kind === 'symbol') {
        put(off, size, 0n);
        const kind: Fixup['kind'] = f.pcrel ? 'pcrel' : size === 4 && f.fixup === 'abs-signed' ? 'abs-signed' : 'abs';
        fixups.push({
          offset: off,
          size: size as 1 | 2 | 4 | 8,
          kind,
          symbol: f.value.symbol,
          addend: f.pcrel ? f.value.addend - toEnd : f.value.addend,
        });
        continue;
      }
      const v = f.value.value;
      if (f.kind === 'rel') {
        const rel = BigInt.asIntN(64, v - (ctx.req.address + BigInt(total)));
        if (!fitsS(rel, size * 8)) {
          return { error: size === 1 ? `jump target out of range for \`${ctx.name}' (needs a 1-byte displacement)` : `jump target out of range for \`${ctx.name}'`, operand: f.operand };
        }
        put(off, size, rel);
      } else if (f.kind === 'disp') {
        // rip-relative constant: the displacement as written.
        const d = BigInt.asIntN(64, v);
        if (!fitsS(d, 32)) return { error: `0x${BigInt.asUintN(64, d).toString(16)} out of range of signed 32bit displacement` };
        put(off, size, d);
      } else {
        const folded = f.folded ?? BigInt.asIntN(64, v);
        put(off, size, truncate(folded, size, warnings));
      }
    }
    return { bytes, fixups, warnings };
  } finally {
    ins.free();
  }
}

// ---- special cases ------------------------------------------------------------------------------

function specialCase(ctx: Ctx, base: string): Uint8Array | undefined {
  const ops = ctx.ops;
  const pre = ctx.pre;
  const plain = !pre.lock && !pre.rep && !pre.seg && !pre.data16 && !pre.addr32 && !pre.rex;
  // `int $3` is the one-byte breakpoint.
  if (base === 'int' && !ctx.suffix && ops.length === 1 && ops[0].t === 'imm' && ops[0].v.kind === 'constant' && BigInt.asIntN(64, ops[0].v.value) === 3n && plain) {
    return Uint8Array.of(0xcc);
  }
  if (base === 'xchg' && ops.length === 2 && ops[0].t === 'reg' && ops[1].t === 'reg' && plain) {
    const a = ops[0].r;
    const b = ops[1].r;
    if (a.cls === 'gpr' && b.cls === 'gpr' && a.num === 0 && b.num === 0 && a.size === b.size) {
      if (ctx.suffix && SIZE_OF_SUFFIX[ctx.suffix] !== a.size) return undefined;
      // xchg %eax,%eax must not be 90 (that would not zero-extend); xchg %rax,%rax is a plain nop.
      if (a.size === 32) return Uint8Array.of(0x87, 0xc0);
      if (a.size === 64) return Uint8Array.of(0x90);
    }
  }
  return undefined;
}

// ---- entry point ----------------------------------------------------------------------------------

export function encode(req: EncodeRequest): EncodeResult {
  const pre = parsePrefixes(req.prefixes);
  if (typeof pre === 'string') return fail(pre);
  let mnemonic = req.mnemonic.toLowerCase();
  const warnings: string[] = [];

  // A prefix written alone (`lock`, `rep`, `rex.w`, `cs` on a line of its own).
  if (req.operands.length === 0 && (PREFIX_BYTES[mnemonic] !== undefined || /^rex(\.[wrxb]+)?$/.test(mnemonic))) {
    const all = parsePrefixes([...req.prefixes, mnemonic]);
    if (typeof all === 'string') return fail(all);
    if (mnemonic === 'data16' || mnemonic === 'addr32') warnings.push(`stand-alone \`${mnemonic}' prefix`);
    return { ok: true, bytes: prefixOnly(all), fixups: [], relaxable: false, warnings: warnings.length ? warnings : undefined };
  }
  if (INTEL_STRING_D[mnemonic] && req.operands.length === 0) {
    warnings.push(`found \`${mnemonic}'; assuming \`${INTEL_STRING_D[mnemonic]}' was meant`);
    mnemonic = INTEL_STRING_D[mnemonic];
  }

  // Immediate-in-the-mnemonic aliases (cmpltsd, pclmulhqlqdq): the immediate becomes operand 0.
  let operands = req.operands;
  const cmp = /^cmp([a-z]+)(ps|pd|ss|sd)$/.exec(mnemonic);
  if (cmp && CMP_PREDICATES.includes(cmp[1])) {
    operands = [{ kind: 'imm', value: { kind: 'constant', value: BigInt(CMP_PREDICATES.indexOf(cmp[1])) } }, ...operands];
    mnemonic = 'cmp' + cmp[2];
  } else if (PCLMUL_ALIASES[mnemonic] !== undefined) {
    operands = [{ kind: 'imm', value: { kind: 'constant', value: BigInt(PCLMUL_ALIASES[mnemonic]) } }, ...operands];
    mnemonic = 'pclmulqdq';
  }

  const tries = attempts(mnemonic);
  if (tries.length === 0) {
    if (isKnownUnsupported(mnemonic)) return fail(`unsupported instruction \`${mnemonic}' (x87, MMX and AVX instructions are not supported by this assembler)`);
    return fail(`no such instruction: \`${mnemonic}'`);
  }

  const ops: Opnd[] = [];
  for (let i = 0; i < operands.length; i++) {
    const r = checkOperand(operands[i]);
    if (!r.ok) return fail(r.message, i);
    ops.push(r.op);
  }

  let bestFail: { kind: number; name: string; reg?: RegInfo; suffix?: Suffix } | undefined;
  for (const at of tries) {
    const list = templates().get(at.base)!;
    const ctx: Ctx = { req, pre, ops: [...ops], name: at.base, suffix: at.suffix, imm: [], warnings: [...warnings] };
    // Operand-kind adjustments: direct branch targets vs absolute memory.
    const isBranch = list.some((t) => t.ops.some((o) => o.k === 'rel'));
    ctx.ops = ctx.ops.map((o) => {
      if (o.t === 'target' && !isBranch) {
        return { t: 'mem', scale: 1, disp: o.v, asize: 64, rip: false, absolute: true, text: '' } as Opnd;
      }
      // (GAS ignores a segment written on a direct branch target.)
      if (isBranch && !req.indirect && o.t === 'mem' && o.absolute && o.disp) return { t: 'target', v: o.disp } as Opnd;
      return o;
    });
    ctx.guess = at.suffix ?? lastGprSuffix(ctx.ops) ?? (pre.data16 ? 'w' : undefined);
    classifyImmediates(ctx, list);

    const special = specialCase(ctx, at.base);
    if (special) return { ok: true, bytes: special, fixups: [], relaxable: false };

    let matches: Match[] = [];
    let failHere: { kind: number; reg?: RegInfo } = { kind: -1 };
    const minOps = (t: Template) => t.ops.filter((o) => !o.opt).length;
    for (const t of list) {
      // GAS checks the operand count first, then the suffix, then the operands.
      if (ctx.ops.length > t.ops.length || ctx.ops.length < minOps(t)) {
        if (failHere.kind < F_COUNT) failHere = { kind: F_COUNT };
        continue;
      }
      if (at.suffix && !t.suffixes.includes(at.suffix)) {
        if (failHere.kind < F_SUFFIX) failHere = { kind: F_SUFFIX };
        continue;
      }
      // `*` makes the operand an absolute-jump operand, which only indirect branches take.
      if (req.indirect && !t.indirect) {
        if (failHere.kind < F_TYPE) failHere = { kind: F_TYPE };
        continue;
      }
      // loop via %ecx: with addr32 or an `l` suffix.
      if (/^loop/.test(t.name) && (t.addr32 ? !pre.addr32 && at.suffix !== 'l' : at.suffix === 'l' || pre.addr32)) continue;
      if (t.rel16 && !pre.data16 && at.suffix !== 'w') continue;
      if (!t.rel16 && (pre.data16 || at.suffix === 'w') && t.ops.some((o) => o.k === 'rel' && o.bits === 32)) continue;
      if (t.indirect && !req.indirect) {
        // GAS accepts jmp/call register/memory operands without '*', with a warning.
        if (!ctx.ops.every((o) => o.t === 'reg' || o.t === 'mem')) continue;
      }
      const r = bindTemplate(ctx, t);
      if ('t' in r) matches.push(r);
      else if (r.fail > failHere.kind) failHere = { kind: r.fail, reg: r.reg };
    }
    if (matches.length === 0) {
      if (!bestFail || failHere.kind > bestFail.kind) bestFail = { kind: failHere.kind, name: at.base, reg: failHere.reg, suffix: at.suffix };
      continue;
    }

    // data16 on an instruction sized by nothing else selects its 16-bit form (whose 66h it is).
    ctx.sizeFromData16 =
      pre.data16 && !at.suffix && !ctx.ops.some((o) => o.t === 'reg' && o.r.cls === 'gpr') && list.some((t) => t.size && t.size !== 16);
    // Operand size when neither a suffix nor a register says it.
    if (!at.suffix) {
      const sizes = new Set(matches.filter((m) => !m.t.ops.some((o) => o.k === 'rel')).map((m) => m.t.size).filter((s) => s > 0));
      if (sizes.size > 1) {
        let size: number;
        if (pre.data16 && sizes.has(16)) size = 16;
        else if (matches.some((m) => m.t.default64) && sizes.has(64)) size = 64;
        else if (sizes.has(32)) {
          size = 32;
          ctx.warnings.push(`no instruction mnemonic suffix given and no register operands; using default for \`${at.base}'`);
        } else size = Math.max(...sizes);
        matches = matches.filter((m) => m.t.size === size || m.t.size === 0 || m.t.ops.some((o) => o.k === 'rel'));
      }
    }
    // Forms that differ only in what the suffix would say (movzx from a byte or a word in memory):
    // without a suffix GAS takes the first one.
    if (!at.suffix && new Set(matches.map((m) => m.t.suffixes)).size > 1 && new Set(matches.map((m) => m.t.size)).size === 1) {
      const first = matches.reduce((a, b) => (b.t.rank < a.t.rank ? b : a));
      matches = matches.filter((m) => m.t.suffixes === first.t.suffixes);
    }
    if (matches.some((m) => m.t.indirect) && !req.indirect) ctx.warnings.push(`indirect ${at.base.replace(/^l/, '')} without \`*'`);

    // Branch form: short or near.
    const target = ctx.ops.find((o) => o.t === 'target');
    const relaxable = RELAXABLE.has(at.base) && !!target;
    if (matches.some((m) => m.t.ops.some((o) => o.k === 'rel'))) {
      const relBits = (m: Match) => (m.t.ops.find((o) => o.k === 'rel') as { bits: number } | undefined)?.bits ?? 0;
      const hasShort = matches.some((m) => relBits(m) === 8);
      const hasNear = matches.some((m) => relBits(m) >= 16);
      if (hasShort && hasNear) {
        let want: number;
        const near = Math.max(...matches.map(relBits));
        if (req.branch === 'short') want = 8;
        else if (req.branch === 'near' || pre.disp32) want = near;
        else if (target && target.t === 'target' && target.v.kind === 'constant') {
          const rel = BigInt.asIntN(64, target.v.value - (req.address + 2n));
          const relJcc = BigInt.asIntN(64, target.v.value - (req.address + 2n + BigInt(prefixCount(pre))));
          want = fitsS(rel, 8) && fitsS(relJcc, 8) ? 8 : near;
        } else want = near;
        matches = matches.filter((m) => relBits(m) === want || relBits(m) === 0);
      }
    }

    const check = checkPrefixes(ctx, at.base, matches);
    if (typeof check === 'string') return fail(check);
    matches = check;

    // {load}: between register-register forms, the one whose destination is the ModRM reg field.
    const loadForm = (t: Template) => {
      const last = t.ops[t.ops.length - 1];
      return pre.load && last?.k === 'gpr' && !last.mem ? 0 : 1;
    };
    let best: { e: Encoded; t: Template } | undefined;
    let firstError: { error: string; operand?: number } | undefined;
    for (const m of matches) {
      const e = encodeMatch(ctx, m);
      if ('error' in e) {
        firstError ??= e;
        continue;
      }
      const better =
        !best ||
        e.bytes.length < best.e.bytes.length ||
        (e.bytes.length === best.e.bytes.length &&
          (loadForm(m.t) < loadForm(best.t) || (loadForm(m.t) === loadForm(best.t) && m.t.rank < best.t.rank)));
      if (better) best = { e, t: m.t };
    }
    if (!best) return fail(firstError!.error, firstError!.operand);
    const allWarnings = [...ctx.warnings, ...best.e.warnings];
    return {
      ok: true,
      bytes: best.e.bytes,
      fixups: best.e.fixups,
      relaxable,
      warnings: allWarnings.length ? allWarnings : undefined,
    };
  }
  const f = bestFail!;
  const regIndex = (r?: RegInfo) => (r ? ops.findIndex((o) => o.t === 'reg' && o.r === r) : -1);
  if (f.kind === F_SIZE || f.kind === F_REGSUFFIX) {
    // Registers of different sizes where the forms want one size.
    const gprSizes = new Set(ops.filter((o) => o.t === 'reg' && o.r.cls === 'gpr').map((o) => (o as { r: RegInfo }).r.size));
    const mixed = templates().get(f.name)!.every((t) => new Set(t.ops.filter((o) => o.k === 'gpr').map((o) => (o as { size: number }).size)).size <= 1);
    if (gprSizes.size > 1 && mixed && !templates().get(f.name)!.some((t) => t.ops.some((o) => o.k === 'count' || o.k === 'port'))) {
      return fail(`register type mismatch for \`${f.name}'`);
    }
  }
  if (f.kind === F_REGSUFFIX && f.reg && f.suffix) {
    return fail(`incorrect register \`%${f.reg.name}' used with \`${f.suffix}' suffix`, regIndex(f.reg));
  }
  return fail((MESSAGES[f.kind < 0 ? F_TYPE : f.kind === F_REGSUFFIX ? F_SIZE : f.kind] ?? MESSAGES[F_TYPE])(f.name));
}

const hasMem = (ctx: Ctx, m: Match) => m.bind.some((w) => w >= 0 && ctx.ops[w].t === 'mem');

/** GAS's checks of lock/rep/HLE/bnd/notrack against the instruction; narrows the candidates. */
function checkPrefixes(ctx: Ctx, base: string, matches: Match[]): Match[] | string {
  const pre = ctx.pre;
  if (pre.lock) {
    matches = matches.filter((m) => m.t.lock && hasMem(ctx, m));
    if (matches.length === 0) return "expecting lockable instruction after `lock'";
  }
  const rn = pre.repName;
  if (rn === 'xacquire' || rn === 'xrelease') {
    const ok = matches.filter((m) => (rn === 'xacquire' ? m.t.xacquire : m.t.xrelease) && hasMem(ctx, m));
    if (ok.length === 0) {
      if (rn === 'xacquire' && base === 'mov') return `instruction \`${base}' after \`xacquire' not allowed`;
      return `invalid instruction \`${base}' after \`${rn}'`;
    }
    if (!pre.lock && base !== 'xchg' && !(base === 'mov' && rn === 'xrelease')) return `missing \`lock' with \`${rn}'`;
    matches = ok;
  } else if (rn === 'bnd') {
    matches = matches.filter((m) => m.t.bnd || RELAXABLE.has(m.t.name) || m.t.name === 'call' || m.t.name === 'ret');
    if (matches.length === 0) return "expecting valid branch instruction after `bnd'";
  } else if (rn) {
    matches = matches.filter((m) => m.t.rep || (m.t.mandatory === pre.rep && REP_IS_MANDATORY.test(base)) || (REP_OK.has(base) && (base !== 'nop' || m.t.ops.length === 0)));
    if (matches.length === 0) return `invalid instruction \`${base}' after \`${rn}'`;
  }
  if (pre.notrack) {
    matches = matches.filter((m) => m.t.notrack);
    if (matches.length === 0) return "expecting indirect branch instruction after `notrack'";
  }
  return matches;
}

let unsupported: Set<string> | undefined;

/** Mnemonics iced knows (x87, MMX, SSE, AVX, ...) that the encoder does not handle. */
function isKnownUnsupported(mnemonic: string): boolean {
  if (!unsupported) {
    unsupported = new Set();
    for (const k of Object.keys(Mnemonic)) if (isNaN(Number(k))) unsupported.add(k.toLowerCase());
  }
  if (unsupported.has(mnemonic)) return true;
  // x87 memory-size suffixes (flds, fildl, fstpt, ...) and AT&T integer suffixes.
  const stem = mnemonic.slice(0, -1);
  return /[bwlqst]$/.test(mnemonic) && unsupported.has(stem);
}

function prefixCount(p: Prefixes): number {
  return (p.seg ? 1 : 0) + (p.addr32 ? 1 : 0) + (p.data16 ? 1 : 0) + (p.rep ? 1 : 0) + (p.lock ? 1 : 0) + (p.rex ? 1 : 0);
}
