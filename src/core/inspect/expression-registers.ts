/**
 * Register names the expression language knows, with the width of each (which fixes the C type
 * of its value: `eax` is a u32, `al` a u8). Whether a register exists right now is the
 * EvalContext's business (`register(name)` returning undefined); this table only says which
 * identifiers are register names at all.
 */
import { U16, U32, U64, U8, type CIntType } from './ctype-model.js';

const GPR64 = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp'];
const LEGACY16 = ['ax', 'bx', 'cx', 'dx', 'si', 'di', 'bp', 'sp'];
const NUMBERED = [8, 9, 10, 11, 12, 13, 14, 15].map((n) => `r${n}`);

/** [names, width in bits] — data, not code. */
const REGISTER_WIDTHS: ReadonlyArray<readonly [readonly string[], 8 | 16 | 32 | 64]> = [
  [[...GPR64, ...NUMBERED, 'rip', 'rflags'], 64],
  [['fs_base', 'gs_base', 'kernel_gs_base', 'cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer', 'star', 'lstar', 'cstar', 'sfmask'], 64],
  [[...LEGACY16.map((r) => 'e' + r), ...NUMBERED.map((r) => r + 'd'), 'eflags'], 32],
  [[...LEGACY16, ...NUMBERED.map((r) => r + 'w')], 16],
  [['es', 'cs', 'ss', 'ds', 'fs', 'gs'], 16],
  [['al', 'bl', 'cl', 'dl', 'sil', 'dil', 'bpl', 'spl', 'ah', 'bh', 'ch', 'dh', ...NUMBERED.map((r) => r + 'b'), ...NUMBERED.map((r) => r + 'l')], 8],
];

const WIDTH_TYPES: Record<number, CIntType> = { 8: U8, 16: U16, 32: U32, 64: U64 };

const BY_NAME = new Map<string, CIntType>();
for (const [names, width] of REGISTER_WIDTHS) for (const n of names) BY_NAME.set(n, WIDTH_TYPES[width]);

export function isRegisterName(name: string): boolean {
  return BY_NAME.has(name);
}

/** The C type of a register's value (u64 for registers the table does not know). */
export function registerType(name: string): CIntType {
  return BY_NAME.get(name) ?? U64;
}

export function registerNames(): string[] {
  return [...BY_NAME.keys()];
}
