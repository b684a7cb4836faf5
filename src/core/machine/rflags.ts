/** RFLAGS bits (Intel SDM vol. 1, 3.4.3), as data. */
export const RFLAGS = {
  CF: 1 << 0,
  /** Bit 1 always reads as 1. */
  FIXED1: 1 << 1,
  PF: 1 << 2,
  AF: 1 << 4,
  ZF: 1 << 6,
  SF: 1 << 7,
  TF: 1 << 8,
  IF: 1 << 9,
  DF: 1 << 10,
  OF: 1 << 11,
  IOPL: 3 << 12,
  NT: 1 << 14,
  RF: 1 << 16,
  VM: 1 << 17,
  AC: 1 << 18,
  VIF: 1 << 19,
  VIP: 1 << 20,
  ID: 1 << 21,
} as const;

/** The six arithmetic status flags, the ones lazy flag evaluation computes. */
export const STATUS_FLAGS = RFLAGS.CF | RFLAGS.PF | RFLAGS.AF | RFLAGS.ZF | RFLAGS.SF | RFLAGS.OF;

/** Bits that POPF may change at CPL 3 with IOPL 0 (IF and IOPL excluded; VM/VIF/VIP never via popf). */
export const POPF_USER_MASK =
  STATUS_FLAGS | RFLAGS.TF | RFLAGS.DF | RFLAGS.NT | RFLAGS.AC | RFLAGS.ID;

/** Names for displays, lowest bit first. */
export const RFLAGS_NAMES: ReadonlyArray<readonly [string, number]> = Object.entries(RFLAGS).filter(
  ([name]) => name !== 'FIXED1',
);
