/**
 * Facts about one instruction as written: its forms for the operand size used (from the
 * assembler's template table, which is built from iced-x86's opcode table), the flags it reads
 * and writes (iced-x86's instruction info) and our own prose (knowledge/instructions.ts).
 */
import { Code, Decoder, DecoderOptions, Instruction, RflagsBits } from 'iced-x86';
import { attempts } from '../core/asm/encoder/encode.js';
import { templates, type OpSpec, type Template } from '../core/asm/encoder/templates.js';
import { describeInstruction, privilegeNote } from './knowledge/instructions.js';

export interface InstructionFacts {
  /** As written (lower case). */
  mnemonic: string;
  base: string;
  suffix?: string;
  description?: string;
  /** AT&T operand forms for the size used (or all forms when no size is known). */
  forms: string[];
  flags?: { read: string[]; written: string[]; cleared: string[]; set: string[]; undefined: string[] };
  privilege?: string;
  /** iced-x86's Intel-style name of the exact form, when known (e.g. "MOV r64, cr"). */
  exactForm?: string;
}

const FLAG_NAMES: Array<[number, string]> = [
  [RflagsBits.CF, 'CF'], [RflagsBits.PF, 'PF'], [RflagsBits.AF, 'AF'], [RflagsBits.ZF, 'ZF'], [RflagsBits.SF, 'SF'],
  [RflagsBits.OF, 'OF'], [RflagsBits.DF, 'DF'], [RflagsBits.IF, 'IF'], [RflagsBits.AC, 'AC'],
];
const flagList = (bits: number) => FLAG_NAMES.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);

function formatOp(o: OpSpec): string {
  let s: string;
  switch (o.k) {
    case 'gpr': s = o.reg && o.mem ? `r/m${o.size}` : o.reg ? `r${o.size}` : `m${o.size}`; break;
    case 'mem': s = 'm'; break;
    case 'xmm': s = o.mem ? 'xmm/m' : 'xmm'; break;
    case 'fixed': s = `%${o.reg}`; break;
    case 'port': s = '$port'; break;
    case 'sreg': s = '%sreg'; break;
    case 'cr': s = '%crN'; break;
    case 'dr': s = '%drN'; break;
    case 'imm': s = o.imm === 'one' ? '$1' : `$${o.imm === 'imm8s' ? 'imm8' : o.imm === 'imm32s' ? 'imm32' : o.imm}`; break;
    case 'moffs': s = 'moffs'; break;
    case 'str': s = `(%${o.reg === 'si' ? 'rsi' : o.reg === 'di' ? 'rdi' : 'rbx'})`; break;
    case 'rel': s = `rel${o.bits}`; break;
    case 'implicit': s = `%${o.regs[0]}`; break;
    case 'count': s = '%cl'; break;
  }
  return o.opt ? `[${s}]` : s;
}

export function formatForm(mnemonic: string, t: Template): string {
  const ops = t.ops.map(formatOp).join(', ');
  return ops ? `${mnemonic} ${t.indirect ? '*' : ''}${ops}` : mnemonic;
}

/** The first instruction in `bytes` (the caller frees it), or undefined. */
function decode(bytes: Uint8Array | undefined): Instruction | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  const instr = new Instruction();
  decoder.decodeOut(instr);
  decoder.free();
  if (instr.code === Code.INVALID) {
    instr.free();
    return undefined;
  }
  return instr;
}

/**
 * Everything we know about `written`. With the instruction's bytes (from the assembled module),
 * the exact form and the flags for these very operands; without, the forms of the suffix used
 * and the flags any of them may modify.
 */
export function instructionFacts(written: string, bytes?: Uint8Array): InstructionFacts | undefined {
  const decoded = decode(bytes);
  try {
    return factsFor(written, decoded);
  } finally {
    decoded?.free();
  }
}

function factsFor(written: string, decoded: Instruction | undefined): InstructionFacts | undefined {
  const code = decoded?.code;
  const mnemonic = written.toLowerCase();
  const table = templates();
  const tries = attempts(mnemonic);
  if (tries.length === 0) return undefined;
  // Prefer the reading that matches the exact form; else the suffixed reading (`movq` as mov+q
  // for general registers) when the base takes that suffix.
  let chosen = tries[0];
  let exact: Template | undefined;
  for (const at of tries) {
    const t = table.get(at.base)!.find((x) => code !== undefined && x.code === code);
    if (t) {
      chosen = at;
      exact = t;
      break;
    }
  }
  if (!exact) {
    const suffixed = tries.find((at) => at.suffix && table.get(at.base)!.some((t) => t.suffixes.includes(at.suffix!)));
    if (suffixed) chosen = suffixed;
  }
  const list = table.get(chosen.base)!;
  const size = exact?.size ?? (chosen.suffix ? ({ b: 8, w: 16, l: 32, q: 64 } as const)[chosen.suffix] : undefined);
  const candidates = list.filter((t) => (chosen.suffix ? t.suffixes.includes(chosen.suffix) : true) && (size === undefined || t.size === size || t.size === 0));
  const forms = [...new Set((candidates.length ? candidates : list).map((t) => formatForm(mnemonic, t)))];
  const representative = exact ?? candidates[0] ?? list[0];
  const facts: InstructionFacts = { mnemonic, base: chosen.base, forms };
  if (chosen.suffix) facts.suffix = chosen.suffix;
  const description = describeInstruction(mnemonic) ?? describeInstruction(chosen.base);
  if (description) facts.description = description;
  const privilege = privilegeNote(chosen.base) ?? (representative && /_(cr|dr)(_|$)/.test(representative.codeName) ? '#GP(0) if CPL > 0 (control and debug registers are ring 0 only).' : undefined);
  if (privilege) facts.privilege = privilege;
  if (decoded && exact) {
    facts.flags = {
      read: flagList(decoded.rflagsRead),
      written: flagList(decoded.rflagsWritten),
      cleared: flagList(decoded.rflagsCleared),
      set: flagList(decoded.rflagsSet),
      undefined: flagList(decoded.rflagsUndefined),
    };
    const oc = decoded.opCode;
    facts.exactForm = oc.instructionString;
    oc.free();
  } else if (representative) {
    // Without operands iced would read `xor` as the zeroing idiom: report what may change.
    const instr = Instruction.create(representative.code);
    try {
      facts.flags = {
        read: flagList(instr.rflagsRead),
        written: flagList(instr.rflagsModified & ~instr.rflagsUndefined),
        cleared: [],
        set: [],
        undefined: flagList(instr.rflagsUndefined),
      };
    } finally {
      instr.free();
    }
  }
  return facts;
}

/** Every mnemonic as it may be written: base names and base + size suffix. */
export function allMnemonics(): Map<string, { base: string; suffix?: string }> {
  const out = new Map<string, { base: string; suffix?: string }>();
  for (const [base, list] of templates()) {
    out.set(base, { base });
    const suffixes = new Set(list.flatMap((t) => [...t.suffixes]));
    for (const s of suffixes) if (!out.has(base + s)) out.set(base + s, { base, suffix: s });
  }
  return out;
}
