/** Control-register and EFER bits as data (SDM vol. 3, 2.5 and 2.2.1). */

export const CR0 = {
  PE: 1 << 0,
  MP: 1 << 1,
  EM: 1 << 2,
  TS: 1 << 3,
  ET: 1 << 4,
  NE: 1 << 5,
  WP: 1 << 16,
  AM: 1 << 18,
  NW: 1 << 29,
  CD: 1 << 30,
  PG: 1 << 31,
} as const;

export const CR4 = {
  VME: 1 << 0,
  PVI: 1 << 1,
  TSD: 1 << 2,
  DE: 1 << 3,
  PSE: 1 << 4,
  PAE: 1 << 5,
  MCE: 1 << 6,
  PGE: 1 << 7,
  PCE: 1 << 8,
  OSFXSR: 1 << 9,
  OSXMMEXCPT: 1 << 10,
  UMIP: 1 << 11,
  LA57: 1 << 12,
  FSGSBASE: 1 << 16,
  PCIDE: 1 << 17,
  OSXSAVE: 1 << 18,
  SMEP: 1 << 20,
  SMAP: 1 << 21,
  PKE: 1 << 22,
} as const;

/** CR4 bits this processor accepts (others raise #GP on MOV to CR4). LA57 is not modelled. */
export const CR4_SUPPORTED =
  CR4.VME | CR4.PVI | CR4.TSD | CR4.DE | CR4.PSE | CR4.PAE | CR4.MCE | CR4.PGE | CR4.PCE |
  CR4.OSFXSR | CR4.OSXMMEXCPT | CR4.UMIP | CR4.FSGSBASE | CR4.PCIDE | CR4.OSXSAVE | CR4.SMEP | CR4.SMAP;

/** Changing any of these flushes every TLB entry (SDM 4.10.4.1). */
export const CR4_TLB_FLUSH_BITS = CR4.PGE | CR4.PAE | CR4.PSE | CR4.PCIDE | CR4.SMEP | CR4.SMAP | CR4.LA57;

export const EFER = {
  SCE: 1 << 0,
  LME: 1 << 8,
  LMA: 1 << 10,
  NXE: 1 << 11,
} as const;
export const EFER_WRITABLE = EFER.SCE | EFER.LME | EFER.NXE;

/** CR3 fields with CR4.PCIDE = 1 (SDM 4.10.1): PCID in bits 11:0, no-flush in bit 63. */
export const CR3_PCID_MASK = 0xfffn;
export const CR3_NOFLUSH = 1n << 63n;
/** Physical-address bits of CR3 (MAXPHYADDR 40 here: bits 39:12). */
export const CR3_ADDRESS_MASK = 0x000000fffffff000n;

/** Names for displays, as [name, bit] pairs. */
export const CR0_NAMES = Object.entries(CR0);
export const CR4_NAMES = Object.entries(CR4);
export const EFER_NAMES = Object.entries(EFER);
