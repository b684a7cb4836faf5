/**
 * Mnemonic → handler, as data: each family module contributes a table. A mnemonic that no
 * family implements decodes to a handler that raises #UD naming it, so nothing the core does
 * not model can run silently.
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { fault } from '../machine/faults.js';
import { ALU_HANDLERS } from './alu.js';
import { BIT_HANDLERS } from './bits.js';
import { CONTROL_HANDLERS } from './control.js';
import { DATA_MOVE_HANDLERS } from './datamove.js';
import type { Handler, Insn } from './insn.js';
import { MISC_HANDLERS } from './misc.js';
import { MULDIV_HANDLERS } from './muldiv.js';
import { SHIFT_HANDLERS } from './shift.js';
import { STRING_HANDLERS } from './string.js';
import { SYSTEM_HANDLERS } from './system.js';

export type HandlerTable = Partial<Record<Mnemonic, Handler>>;

const FAMILIES: ReadonlyArray<readonly [string, HandlerTable]> = [
  ['alu', ALU_HANDLERS],
  ['data movement', DATA_MOVE_HANDLERS],
  ['control flow', CONTROL_HANDLERS],
  ['shift/rotate', SHIFT_HANDLERS],
  ['bit', BIT_HANDLERS],
  ['mul/div', MULDIV_HANDLERS],
  ['string', STRING_HANDLERS],
  ['misc', MISC_HANDLERS],
  ['system', SYSTEM_HANDLERS],
];

const HANDLERS = new Map<number, Handler>();
for (const [, table] of FAMILIES) {
  for (const [mnemonic, handler] of Object.entries(table)) HANDLERS.set(Number(mnemonic), handler!);
}

export function notImplemented(cpu: Cpu, ins: Insn): void {
  const name = Mnemonic[ins.mnemonic]?.toLowerCase() ?? `mnemonic ${ins.mnemonic}`;
  throw fault.ud(`instruction '${name}' is not implemented by x64emu`);
}

export function invalidOpcode(cpu: Cpu, ins: Insn): void {
  const bytes = Array.from(cpu.mem.peek(ins.rip, 15).subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw fault.ud(`invalid opcode (bytes ${bytes} …)`);
}

export function handlerFor(mnemonic: number): Handler {
  return HANDLERS.get(mnemonic) ?? notImplemented;
}

/** Implemented mnemonics per family (for reports and coverage tests). */
export function implementedMnemonics(): Map<string, string[]> {
  return new Map(FAMILIES.map(([name, table]) => [name, Object.keys(table).map((m) => Mnemonic[Number(m)].toLowerCase())]));
}
