// Fixed memory layout shared by the program writer, the generators and the comparer.
// All test data lives in one NOBITS section (.xmem) that the linker places at XBASE,
// so addresses are plain numbers known at generation time.

export const XBASE = 0x20000000;
export const XMEM_SIZE = 0x4000;
/** Where the harness saves the test's %rsp before switching to its private stack. */
export const SAVE_RSP = XBASE + 0x0;
/** Top of the harness's private stack (used only for pushq/popfq and pushfq/popq). */
export const PRIV_TOP = XBASE + 0x800;
/** The compared memory region of a case starts here (page aligned). */
export const MEM = XBASE + 0x1000;
/** Largest compared memory region of one case. */
export const MEM_MAX = 512;
/** Register save area: 16 GPRs then RFLAGS, immediately followed by MEM. */
export const REC_HEADER = 16 * 8 + 8;
export const SAVE = MEM - REC_HEADER;
/** A sane %rsp for cases that do not exercise the stack (inside .xmem, outside MEM). */
export const DEFAULT_RSP = XBASE + 0x3800;

export const RSP = 4;

export const REG64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;
export const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'] as const;
export const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'] as const;
export const REG8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'] as const;
export const REG8H = ['ah', 'ch', 'dh', 'bh'] as const;

export type Width = 8 | 16 | 32 | 64;
export const WIDTHS: readonly Width[] = [8, 16, 32, 64];

export function suffix(width: Width): string {
  return { 8: 'b', 16: 'w', 32: 'l', 64: 'q' }[width];
}

export function regName(reg: number, width: Width, high = false): string {
  if (high) {
    if (width !== 8 || reg > 3) throw new Error(`no high-byte register for ${reg}`);
    return '%' + REG8H[reg];
  }
  const table = { 8: REG8, 16: REG16, 32: REG32, 64: REG64 }[width];
  return '%' + table[reg];
}

// RFLAGS bits.
export const CF = 0x1;
export const PF = 0x4;
export const AF = 0x10;
export const ZF = 0x40;
export const SF = 0x80;
export const DF = 0x400;
export const OF = 0x800;
export const STATUS_FLAGS = CF | PF | AF | ZF | SF | OF;
/** The flags the harness compares (when defined). */
export const COMPARED_FLAGS = STATUS_FLAGS | DF;
/** RFLAGS value with no arithmetic flags: reserved bit 1 and IF. */
export const BASE_RFLAGS = 0x202;

export const FLAG_NAMES: [number, string][] = [
  [CF, 'CF'], [PF, 'PF'], [AF, 'AF'], [ZF, 'ZF'], [SF, 'SF'], [DF, 'DF'], [OF, 'OF'],
];

export function flagBit(name: string): number {
  const hit = FLAG_NAMES.find(([, n]) => n === name);
  if (!hit) throw new Error(`unknown flag ${name}`);
  return hit[0];
}

export function flagsText(value: number, only = COMPARED_FLAGS): string {
  const set = FLAG_NAMES.filter(([bit]) => only & bit && value & bit).map(([, n]) => n);
  return set.length ? set.join(' ') : '-';
}

export function hex(v: bigint | number, digits = 16): string {
  return '0x' + BigInt(v).toString(16).padStart(digits, '0');
}
