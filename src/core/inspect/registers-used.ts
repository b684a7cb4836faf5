/**
 * Which registers an instruction reads and writes — explicit operands and implicit ones alike
 * (`syscall` writes RCX and R11, `push` reads and writes RSP, `rep movsb` uses RCX/RSI/RDI) —
 * from iced-x86's instruction info, for the editor's inline values at the stopped line.
 */
import { Decoder, DecoderOptions, Instruction, InstructionInfoFactory, OpAccess, Register } from 'iced-x86';

export interface RegisterUse {
  /** Lower-case register name as the expression language spells it (`rcx`, `eax`, `cr3`). */
  name: string;
  access: 'read' | 'write' | 'read-write';
}

let factory: InstructionInfoFactory | undefined;

const ACCESS: Partial<Record<number, RegisterUse['access']>> = {
  [OpAccess.Read]: 'read',
  [OpAccess.CondRead]: 'read',
  [OpAccess.Write]: 'write',
  [OpAccess.CondWrite]: 'write',
  [OpAccess.ReadWrite]: 'read-write',
  [OpAccess.ReadCondWrite]: 'read-write',
};

/** Registers used by the instruction encoded at the start of `bytes` (decoded at `rip`). */
export function registersUsed(bytes: Uint8Array, rip: number): RegisterUse[] {
  if (bytes.length === 0) return [];
  factory ??= new InstructionInfoFactory();
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  const insn = new Instruction();
  try {
    decoder.ip = BigInt.asUintN(64, BigInt(rip));
    decoder.decodeOut(insn);
    if (insn.isInvalid) return [];
    const info = factory.info(insn);
    const out: RegisterUse[] = [];
    for (const used of info.usedRegisters()) {
      const access = ACCESS[used.access];
      const name = (Register[used.register] as string | undefined)?.toLowerCase();
      used.free();
      if (!access || !name || name === 'none' || name === 'rip') continue;
      const seen = out.find((u) => u.name === name);
      if (seen) seen.access = seen.access === access ? access : 'read-write';
      else out.push({ name, access });
    }
    info.free();
    return out;
  } finally {
    insn.free();
    decoder.free();
  }
}
