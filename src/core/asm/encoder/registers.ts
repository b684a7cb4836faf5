/** Register names as GAS spells them in AT&T syntax (without '%'), mapped to iced-x86 registers. */
import { Register } from 'iced-x86';

export type RegClass = 'gpr' | 'seg' | 'cr' | 'dr' | 'xmm' | 'ip';

export interface RegInfo {
  name: string;
  cls: RegClass;
  /** Width in bits (segment registers: 16; control/debug registers: 64; xmm: 128). */
  size: number;
  /** Encoding number 0..15. */
  num: number;
  /** spl/bpl/sil/dil and r8..r15 (any width): needs a REX prefix. */
  rex: boolean;
  /** ah/ch/dh/bh: cannot be encoded together with a REX prefix. */
  high: boolean;
  iced: Register;
}

const table = new Map<string, RegInfo>();

function add(name: string, cls: RegClass, size: number, num: number, iced: Register, extra: Partial<RegInfo> = {}): void {
  table.set(name, { name, cls, size, num, rex: num >= 8, high: false, iced, ...extra });
}

const LEGACY = ['a', 'c', 'd', 'b', 'sp', 'bp', 'si', 'di'];
for (let n = 0; n < 16; n++) {
  if (n < 8) {
    const b = LEGACY[n];
    const base = b.length === 1 ? `${b}x` : b;
    if (n < 4) add(`${b}l`, 'gpr', 8, n, Register.AL + n);
    else add(`${b}l`, 'gpr', 8, n, Register.SPL + n - 4, { rex: true });
    add(base, 'gpr', 16, n, Register.AX + n);
    add(`e${base}`, 'gpr', 32, n, Register.EAX + n);
    add(`r${base}`, 'gpr', 64, n, Register.RAX + n);
  } else {
    add(`r${n}b`, 'gpr', 8, n, Register.R8L + n - 8);
    add(`r${n}l`, 'gpr', 8, n, Register.R8L + n - 8);
    add(`r${n}w`, 'gpr', 16, n, Register.R8W + n - 8);
    add(`r${n}d`, 'gpr', 32, n, Register.R8D + n - 8);
    add(`r${n}`, 'gpr', 64, n, Register.R8 + n - 8);
  }
  add(`cr${n}`, 'cr', 64, n, Register.CR0 + n);
  add(`dr${n}`, 'dr', 64, n, Register.DR0 + n);
  add(`xmm${n}`, 'xmm', 128, n, Register.XMM0 + n);
}
['ah', 'ch', 'dh', 'bh'].forEach((name, i) => add(name, 'gpr', 8, 4 + i, Register.AH + i, { high: true, rex: false }));
['es', 'cs', 'ss', 'ds', 'fs', 'gs'].forEach((name, i) => add(name, 'seg', 16, i, Register.ES + i, { rex: false }));
add('rip', 'ip', 64, 0, Register.RIP, { rex: false });
add('eip', 'ip', 32, 0, Register.EIP, { rex: false });

export function lookupRegister(name: string): RegInfo | undefined {
  return table.get(name) ?? table.get(name.toLowerCase());
}

/** The register of the same number in another width (e.g. rax → eax). */
export function resize(reg: RegInfo, size: 8 | 16 | 32 | 64): RegInfo {
  if (reg.cls !== 'gpr') return reg;
  for (const r of table.values()) {
    if (r.cls === 'gpr' && r.size === size && r.num === reg.num && !r.high) return r;
  }
  return reg;
}

export const SUFFIX_OF_SIZE: Record<number, 'b' | 'w' | 'l' | 'q'> = { 8: 'b', 16: 'w', 32: 'l', 64: 'q' };
export const SIZE_OF_SUFFIX: Record<string, 8 | 16 | 32 | 64> = { b: 8, w: 16, l: 32, q: 64 };
