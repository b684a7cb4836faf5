/**
 * What CPUID reports: the features this emulator implements, no more. Feature bits as data
 * (SDM vol. 2A, CPUID). The processor calls itself "GenuineIntel" so that guest code taking
 * Intel paths (e.g. SYSRET/SWAPGS behaviour) matches the SDM semantics the emulator follows.
 */

/** Leaf 1 EDX. */
const L1_EDX = {
  TSC: 1 << 4,
  MSR: 1 << 5,
  PAE: 1 << 6,
  CX8: 1 << 8,
  APIC: 1 << 9,
  SEP: 1 << 11,
  PGE: 1 << 13,
  CMOV: 1 << 15,
} as const;

/** Leaf 1 ECX. */
const L1_ECX = {
  CX16: 1 << 13,
  PCID: 1 << 17,
  POPCNT: 1 << 23,
} as const;

/** Leaf 7 subleaf 0 EBX. */
const L7_EBX = {
  FSGSBASE: 1 << 0,
  SMEP: 1 << 7,
  INVPCID: 1 << 10,
  SMAP: 1 << 20,
} as const;

/** Leaf 0x80000001 EDX / ECX. */
const EXT1_EDX = {
  SYSCALL: 1 << 11,
  NX: 1 << 20,
  PAGE1GB: 1 << 26,
  RDTSCP: 1 << 27,
  LM: 1 << 29,
} as const;
const EXT1_ECX = {
  LAHF_LM: 1 << 0,
  ABM_LZCNT: 1 << 5,
} as const;

const sum = (bits: Record<string, number>): number => Object.values(bits).reduce((a, b) => a | b, 0);

/** Four ASCII characters as a little-endian dword. */
function dword(text: string, at: number): number {
  let v = 0;
  for (let i = 3; i >= 0; i--) v = (v << 8) | (text.charCodeAt(at + i) || 0);
  return v | 0;
}

const VENDOR = 'GenuineIntel';
const BRAND = 'x64emu virtual x86-64 processor'.padEnd(48, '\0');
const MAX_LEAF = 7;
const MAX_EXT_LEAF = 0x80000008;
/** Family 6, model 0x55 style signature (stepping 0). */
const SIGNATURE = (6 << 8) | (5 << 4) | (5 << 16);

export function describeCpuid(leaf: number, subleaf: number, cpuNumber: number): [number, number, number, number] {
  switch (leaf) {
    case 0:
      return [MAX_LEAF, dword(VENDOR, 0), dword(VENDOR, 8), dword(VENDOR, 4)];
    case 1:
      return [SIGNATURE, (cpuNumber & 0xff) << 24, sum(L1_ECX), sum(L1_EDX)];
    case 7:
      return subleaf === 0 ? [0, sum(L7_EBX), 0, 0] : [0, 0, 0, 0];
    case 0x80000000:
      return [MAX_EXT_LEAF | 0, 0, 0, 0];
    case 0x80000001:
      return [0, 0, sum(EXT1_ECX), sum(EXT1_EDX)];
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const base = (leaf - 0x80000002) * 16;
      return [dword(BRAND, base), dword(BRAND, base + 4), dword(BRAND, base + 8), dword(BRAND, base + 12)];
    }
    case 0x80000008:
      // 48-bit linear, 40-bit physical addresses.
      return [(48 << 8) | 40, 0, 0, 0];
    default:
      // Leaves above the maximum return zeros here (documented simplification).
      return [0, 0, 0, 0];
  }
}
