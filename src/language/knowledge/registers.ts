/**
 * What a register is, for hovers and completion: width, the other names of the same storage,
 * and its role in the System V x86-64 ABI, the Linux system call convention and the kernel.
 * Written for this project; the names are checked against the assembler's register table in
 * registers.test.ts.
 */

export interface RegisterFacts {
  name: string;
  /** Width in bits. */
  width: number;
  kind: 'general' | 'segment' | 'control' | 'debug' | 'instruction pointer' | 'sse';
  /** Other names for (parts of) the same register, widest first. */
  aliases: string[];
  role: string;
}

interface GprFamily {
  names: [string, string, string, string, string?];
  role: string;
}

const GPR: GprFamily[] = [
  { names: ['rax', 'eax', 'ax', 'al', 'ah'], role: 'Accumulator. Holds a function\'s return value; on `syscall` it carries the system call number in and the result (or -errno) out. Implicit operand of mul/div, cltq, cmpxchg.' },
  { names: ['rcx', 'ecx', 'cx', 'cl', 'ch'], role: 'Counter: `rep` prefixes and `loop` count down in it, and %cl is the variable shift count. 4th function argument. `syscall` overwrites it with the return RIP, which `sysretq` jumps back to.' },
  { names: ['rdx', 'edx', 'dx', 'dl', 'dh'], role: 'Data register: the high half of mul/div results and dividends, the port number of in/out. 3rd argument (functions and system calls) and second return register.' },
  { names: ['rbx', 'ebx', 'bx', 'bl', 'bh'], role: 'General purpose, callee-saved: a function must restore it before returning.' },
  { names: ['rsp', 'esp', 'sp', 'spl'], role: 'Stack pointer: push, pop, call and ret move it. `syscall` does not switch it — entry code must park the user value and load a kernel stack itself; interrupts from ring 3 load it from TSS.sp0.' },
  { names: ['rbp', 'ebp', 'bp', 'bpl'], role: 'Frame pointer when frames are kept (`push %rbp; mov %rsp, %rbp`); callee-saved.' },
  { names: ['rsi', 'esi', 'si', 'sil'], role: 'Source index of string instructions (movs, cmps, lods). 2nd argument of functions and system calls.' },
  { names: ['rdi', 'edi', 'di', 'dil'], role: 'Destination index of string instructions (movs, stos, scas). 1st argument of functions and system calls.' },
  { names: ['r8', 'r8d', 'r8w', 'r8b'], role: '5th argument of functions and system calls; caller-saved.' },
  { names: ['r9', 'r9d', 'r9w', 'r9b'], role: '6th argument of functions and system calls; caller-saved.' },
  { names: ['r10', 'r10d', 'r10w', 'r10b'], role: '4th system call argument (in place of %rcx, which `syscall` overwrites); caller-saved.' },
  { names: ['r11', 'r11d', 'r11w', 'r11b'], role: 'Scratch register. `syscall` saves RFLAGS in it and `sysretq` restores RFLAGS from it.' },
  { names: ['r12', 'r12d', 'r12w', 'r12b'], role: 'General purpose, callee-saved.' },
  { names: ['r13', 'r13d', 'r13w', 'r13b'], role: 'General purpose, callee-saved.' },
  { names: ['r14', 'r14d', 'r14w', 'r14b'], role: 'General purpose, callee-saved.' },
  { names: ['r15', 'r15d', 'r15w', 'r15b'], role: 'General purpose, callee-saved.' },
];

const WIDTH_NOTE: Record<number, string> = {
  64: '',
  32: ' Writing it clears bits 63..32 of the full register.',
  16: ' Writing it leaves the other bits of the full register unchanged.',
  8: ' Writing it leaves the other bits of the full register unchanged.',
};

const SEGMENTS: Record<string, string> = {
  cs: 'Code segment selector. Its low two bits are the current privilege level (CPL); in 64-bit mode the descriptor\'s L bit selects long mode.',
  ss: 'Stack segment selector. Loaded from STAR on `syscall`/`sysretq`; its base is ignored in 64-bit mode.',
  ds: 'Data segment selector; its base and limit are ignored in 64-bit mode.',
  es: 'Extra segment selector (string-instruction destinations); its base is ignored in 64-bit mode.',
  fs: 'Segment whose base (MSR FS_BASE) still applies in 64-bit mode: user space keeps thread-local storage here.',
  gs: 'Segment whose base (MSR GS_BASE) still applies in 64-bit mode: the kernel reaches its per-CPU area through %gs:, and `swapgs` exchanges the base with KERNEL_GS_BASE on entry and exit.',
};

const CONTROL: Record<string, string> = {
  cr0: 'Control register 0: PE (protection), WP (write-protect honoured in ring 0), PG (paging) and cache control bits.',
  cr2: 'Control register 2: the linear address that caused the last page fault.',
  cr3: 'Control register 3: physical address of the top-level page table (PGD) and, with CR4.PCIDE, the PCID in bits 11..0. Writing bit 63 asks the CPU to keep that PCID\'s TLB entries. Page-table isolation switches it on every kernel entry and exit.',
  cr4: 'Control register 4: feature enables such as PAE, PGE (global pages), PCIDE, FSGSBASE, SMEP and SMAP.',
  cr8: 'Control register 8: the task priority (which interrupt classes are held back).',
};

const DEBUG: Record<string, string> = {
  dr0: 'Debug register 0: linear address of hardware breakpoint 0.',
  dr1: 'Debug register 1: linear address of hardware breakpoint 1.',
  dr2: 'Debug register 2: linear address of hardware breakpoint 2.',
  dr3: 'Debug register 3: linear address of hardware breakpoint 3.',
  dr6: 'Debug register 6: status — which breakpoint or condition raised the last #DB.',
  dr7: 'Debug register 7: control — enables breakpoints 0..3 and sets their kind and length.',
};

function build(): Map<string, RegisterFacts> {
  const table = new Map<string, RegisterFacts>();
  for (const f of GPR) {
    const names = f.names.filter((n): n is string => n !== undefined);
    const widths = [64, 32, 16, 8, 8];
    names.forEach((name, i) => {
      const high = i === 4;
      const width = widths[i];
      const part = high ? ' Bits 15..8 of the register; cannot be used in an instruction that needs a REX prefix.' : WIDTH_NOTE[width];
      table.set(name, { name, width, kind: 'general', aliases: names.filter((n) => n !== name), role: f.role + part });
    });
  }
  // GAS also accepts r8l..r15l for the low bytes.
  for (let n = 8; n < 16; n++) {
    const b = table.get(`r${n}b`)!;
    table.set(`r${n}l`, { ...b, name: `r${n}l`, aliases: [...b.aliases, `r${n}b`].filter((x) => x !== `r${n}l`) });
  }
  for (const [name, role] of Object.entries(SEGMENTS)) table.set(name, { name, width: 16, kind: 'segment', aliases: [], role });
  for (let n = 0; n < 16; n++) {
    const cr = `cr${n}`;
    table.set(cr, { name: cr, width: 64, kind: 'control', aliases: [], role: CONTROL[cr] ?? `Control register ${n}: reserved (writing it raises #UD).` });
    const dr = `dr${n}`;
    table.set(dr, { name: dr, width: 64, kind: 'debug', aliases: [], role: DEBUG[dr] ?? (n < 8 ? `Debug register ${n}: an alias of DR${n + 2} when CR4.DE is clear; otherwise #UD.` : `Debug register ${n}: reserved.`) });
    table.set(`xmm${n}`, { name: `xmm${n}`, width: 128, kind: 'sse', aliases: [], role: `SSE register ${n}. Floating-point arguments and results of functions travel in %xmm0..%xmm7.` });
  }
  table.set('rip', { name: 'rip', width: 64, kind: 'instruction pointer', aliases: ['eip'], role: 'Instruction pointer. Written as the base of a memory operand (`sym(%rip)`), it makes the address relative to the next instruction: position-independent data access.' });
  table.set('eip', { name: 'eip', width: 32, kind: 'instruction pointer', aliases: ['rip'], role: 'Instruction pointer with a 32-bit address size (`sym(%eip)`).' });
  return table;
}

export const REGISTERS: ReadonlyMap<string, RegisterFacts> = build();

/** Privilege notes for accessing a register (control and debug registers are ring 0 only). */
export function registerPrivilege(r: RegisterFacts): string | undefined {
  if (r.kind === 'control' || r.kind === 'debug') return '`mov` to or from it raises #GP(0) if CPL > 0.';
  return undefined;
}
