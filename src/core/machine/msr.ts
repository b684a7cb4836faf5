/**
 * Model-specific registers: numbers and names as data (SDM vol. 4), and which ones this
 * processor implements. RDMSR/WRMSR of any other number raise #GP(0), as on hardware.
 */
export const MSR = {
  IA32_TIME_STAMP_COUNTER: 0x10,
  IA32_APIC_BASE: 0x1b,
  IA32_SPEC_CTRL: 0x48,
  IA32_PRED_CMD: 0x49,
  IA32_MISC_ENABLE: 0x1a0,
  IA32_PAT: 0x277,
  IA32_EFER: 0xc0000080,
  IA32_STAR: 0xc0000081,
  IA32_LSTAR: 0xc0000082,
  IA32_CSTAR: 0xc0000083,
  IA32_FMASK: 0xc0000084,
  IA32_FS_BASE: 0xc0000100,
  IA32_GS_BASE: 0xc0000101,
  IA32_KERNEL_GS_BASE: 0xc0000102,
  IA32_TSC_AUX: 0xc0000103,
  /** x2APIC registers used by the timer (SDM vol. 3, 11.12). */
  X2APIC_ID: 0x802,
  X2APIC_EOI: 0x80b,
  X2APIC_SVR: 0x80f,
  X2APIC_LVT_TIMER: 0x832,
  X2APIC_TIMER_INITIAL: 0x838,
  X2APIC_TIMER_CURRENT: 0x839,
  X2APIC_TIMER_DIVIDE: 0x83e,
} as const;

export const MSR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(MSR).map(([name, n]) => [n, name]));

/** MSRs kept as plain storage (no side effects in this model). */
export const PLAIN_STORAGE_MSRS: ReadonlySet<number> = new Set([
  MSR.IA32_SPEC_CTRL,
  MSR.IA32_MISC_ENABLE,
  MSR.IA32_PAT,
  MSR.IA32_CSTAR,
  MSR.IA32_TSC_AUX,
]);

export function msrName(n: number): string {
  return MSR_NAMES.get(n) ?? `0x${n.toString(16)}`;
}
