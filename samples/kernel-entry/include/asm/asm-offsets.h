/* SPDX-License-Identifier: MIT */
/*
 * Offsets the assembly code needs into C structures. Linux generates this file at build time
 * from asm-offsets.c; the sample writes the numbers by hand and the repository's tests verify
 * them against the structure definitions (processor.h, ptrace.h, linux/sched.h) with offsetof()
 * (test/samples/asm-offsets-check.c).
 */
#ifndef _ASM_OFFSETS_H
#define _ASM_OFFSETS_H

/* struct x86_hw_tss (packed): the hardware 64-bit TSS */
#define TSS_sp0			4
#define TSS_sp1			12
#define TSS_sp2			20
#define TSS_ist			36	/* ist[0] is IST1 */
#define TSS_io_bitmap_base	102

/* struct tss_struct (sample): where the two stacks inside the TSS page end */
#define TSS_df_stack_top	0x1000	/* IST1: #DF, the rest of the TSS page */

/* struct pcpu_hot (with CONFIG_CALL_DEPTH_TRACKING's call_depth, as Linux 6.6 by default) */
#define X86_current_task	0
#define X86_preempt_count	8
#define X86_cpu_number		12
#define X86_call_depth		16
#define X86_top_of_stack	24
#define X86_hardirq_stack_ptr	32

/* struct pt_regs: lowest address first, 21 quadwords */
#define R15			0
#define R14			8
#define R13			16
#define R12			24
#define RBP			32
#define RBX			40
#define R11			48
#define R10			56
#define R9			64
#define R8			72
#define RAX			80
#define RCX			88
#define RDX			96
#define RSI			104
#define RDI			112
#define ORIG_RAX		120
#define RIP			128
#define CS			136
#define EFLAGS			144
#define RSP			152
#define SS			160
#define SIZEOF_PTREGS		168

/* struct task_struct (sample subset) */
#define TASK_state		0
#define TASK_on_cpu		4
#define TASK_stack		8
#define TASK_pid		16
#define TASK_threadsp		24
#define TASK_size		32

#endif /* _ASM_OFFSETS_H */
