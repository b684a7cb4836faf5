/* SPDX-License-Identifier: MIT */
/* Configuration and hardware constants of the kernel-entry sample. */
#ifndef _ASM_SETUP_H
#define _ASM_SETUP_H

#define NR_CPUS			2	/* further CPUs are parked at boot */
#define NR_USER_TASKS		3
#define NR_TASKS		(NR_CPUS + NR_USER_TASKS)	/* idle tasks first */

#define COM1_PORT		0x3f8	/* 16550 UART transmit register */
#define DEBUG_EXIT_PORT		0xf4	/* isa-debug-exit: writing v ends the run with status v */

/* Interrupt vectors */
#define X86_TRAP_DE		0
#define X86_TRAP_UD		6
#define X86_TRAP_DF		8
#define X86_TRAP_GP		13
#define X86_TRAP_PF		14
#define LOCAL_TIMER_VECTOR	0xec

/* MSRs */
#define MSR_EFER		0xc0000080
#define EFER_SCE		(1 << 0)
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define APIC_SPIV_MSR		0x80f
#define APIC_EOI_MSR		0x80b
#define APIC_LVTT_MSR		0x832
#define APIC_TMICT_MSR		0x838
#define APIC_TDCR_MSR		0x83e
#define APIC_LVT_TIMER_PERIODIC	(1 << 17)
#define APIC_TIMER_PERIOD	20000	/* instructions between two timer interrupts */

/* RFLAGS bits the SYSCALL mask clears */
#define X86_EFLAGS_CF		0x00000001
#define X86_EFLAGS_PF		0x00000004
#define X86_EFLAGS_AF		0x00000010
#define X86_EFLAGS_ZF		0x00000040
#define X86_EFLAGS_SF		0x00000080
#define X86_EFLAGS_TF		0x00000100
#define X86_EFLAGS_IF		0x00000200
#define X86_EFLAGS_DF		0x00000400
#define X86_EFLAGS_OF		0x00000800
#define X86_EFLAGS_IOPL		0x00003000
#define X86_EFLAGS_NT		0x00004000
#define X86_EFLAGS_RF		0x00010000
#define X86_EFLAGS_AC		0x00040000
#define X86_EFLAGS_ID		0x00200000

/* Control registers */
#define X86_CR4_PCIDE		(1 << 17)
#define X86_CR4_SMEP		(1 << 20)
#define X86_CR4_SMAP		(1 << 21)
#define KERNEL_PCID		1

/* Page-table entry bits */
#define _PAGE_PRESENT		0x001
#define _PAGE_RW		0x002
#define _PAGE_USER		0x004
#define _PAGE_NX_BIT		63

#endif /* _ASM_SETUP_H */
