/**
 * Architectural exceptions. Instruction handlers throw a CpuFault; the run loop catches it,
 * restores RIP to the faulting instruction and hands it to the exception policy (in user mode:
 * a report, as a Linux process would get a signal; in system mode: IDT delivery).
 */
export const Vector = {
  DE: 0,
  DB: 1,
  NMI: 2,
  BP: 3,
  OF: 4,
  BR: 5,
  UD: 6,
  NM: 7,
  DF: 8,
  TS: 10,
  NP: 11,
  SS: 12,
  GP: 13,
  PF: 14,
  MF: 16,
  AC: 17,
  MC: 18,
  XM: 19,
} as const;

export const VECTOR_NAMES: Record<number, string> = {
  0: '#DE divide error',
  1: '#DB debug',
  2: 'NMI',
  3: '#BP breakpoint',
  4: '#OF overflow',
  5: '#BR bound range',
  6: '#UD invalid opcode',
  7: '#NM device not available',
  8: '#DF double fault',
  10: '#TS invalid TSS',
  11: '#NP segment not present',
  12: '#SS stack fault',
  13: '#GP general protection',
  14: '#PF page fault',
  16: '#MF x87 floating-point',
  17: '#AC alignment check',
  18: '#MC machine check',
  19: '#XM SIMD floating-point',
};

const ERROR_CODE_VECTORS = new Set([8, 10, 11, 12, 13, 14, 17, 21]);

/** Exception classes for the double-fault rules (SDM 6.15, table 6-5). */
export function faultClass(vector: number): 'benign' | 'contributory' | 'page' {
  if (vector === Vector.PF) return 'page';
  if (vector === Vector.DE || vector === Vector.TS || vector === Vector.NP || vector === Vector.SS || vector === Vector.GP) return 'contributory';
  return 'benign';
}

/** #PF error code bits (SDM vol. 3, 4.7). */
export const PF_ERR = {
  P: 1 << 0,
  W: 1 << 1,
  U: 1 << 2,
  RSVD: 1 << 3,
  I: 1 << 4,
  PK: 1 << 5,
} as const;

export class CpuFault {
  constructor(
    readonly vector: number,
    /** Error code pushed by delivery, or -1 when the vector has none. */
    readonly errorCode: number = -1,
    /** Faulting linear address for #PF (becomes CR2), else undefined. */
    readonly address?: bigint,
    /** Why, in words, for reports (e.g. which instruction is not implemented). */
    readonly detail?: string,
    /** Trap-class events (int3, int n) leave RIP after the instruction. */
    readonly isTrap = false,
    /** Software interrupts (int n, int3): the gate's DPL is checked against CPL. */
    readonly software = false,
  ) {}

  /** Vectors that push an error code (SDM 6.13). */
  get hasErrorCode(): boolean {
    return ERROR_CODE_VECTORS.has(this.vector) && !this.software;
  }

  describe(): string {
    const name = VECTOR_NAMES[this.vector] ?? `vector ${this.vector}`;
    const parts = [name];
    if (this.errorCode >= 0) parts.push(`error code 0x${this.errorCode.toString(16)}`);
    if (this.address !== undefined) parts.push(`address 0x${this.address.toString(16)}`);
    if (this.detail) parts.push(this.detail);
    return parts.join(', ');
  }
}

export const fault = {
  ud: (detail?: string) => new CpuFault(Vector.UD, -1, undefined, detail),
  gp: (code = 0, detail?: string) => new CpuFault(Vector.GP, code, undefined, detail),
  ss: (code = 0, detail?: string) => new CpuFault(Vector.SS, code, undefined, detail),
  de: (detail?: string) => new CpuFault(Vector.DE, -1, undefined, detail),
  pf: (address: bigint, code: number) => new CpuFault(Vector.PF, code, address),
};

/** A #PF error code in words: `page not present, write, user mode` (SDM 4.7). */
export function describePageFaultErrorCode(code: number): string {
  const parts = [code & 1 ? 'protection violation' : 'page not present', code & 2 ? 'write' : code & 16 ? 'instruction fetch' : 'read', code & 4 ? 'user mode' : 'supervisor mode'];
  if (code & 8) parts.push('reserved bit set');
  if (code & 32) parts.push('protection key');
  return parts.join(', ');
}

/** The short name of a vector (`#PF`), for exception identifiers. */
export function vectorMnemonic(vector: number): string {
  return VECTOR_NAMES[vector]?.split(' ')[0] ?? `vector ${vector}`;
}
