/* SPDX-License-Identifier: MIT */
/* The TSS and the "hot" per-CPU data of the sample (C view; the assembly uses asm-offsets.h). */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#define PAGE_SIZE		4096
#define THREAD_SIZE		(4 * PAGE_SIZE)	/* 16 KiB kernel stacks, as x86-64 without KASAN */

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/percpu.h>

/* The hardware's 64-bit task-state segment: 104 bytes, no padding. */
struct x86_hw_tss {
	u32 reserved1;
	u64 sp0;		/* RSP loaded on an interrupt/exception from ring 3 */
	u64 sp1;		/* unused by hardware here; Linux parks nothing in it */
	u64 sp2;		/* unused by hardware: entry_SYSCALL_64 keeps the user RSP here */
	u64 reserved2;
	u64 ist[7];		/* interrupt stack table; ist[0] is IST1 */
	u32 reserved3;
	u32 reserved4;
	u16 reserved5;
	u16 io_bitmap_base;
} __attribute__((packed));

/*
 * One page per CPU, the first page of cpu_tss_rw: the PTI user page tables map exactly this
 * page. Linux keeps the I/O bitmap here and puts the entry trampoline stack and the IST stacks
 * in the CPU entry area (also mapped for user mode); the sample puts both stacks into the rest of
 * the TSS page so that one mapped page serves all three purposes.
 */
struct tss_struct {
	struct x86_hw_tss x86_tss;
	u8 pad[0x100 - sizeof(struct x86_hw_tss)];
	u64 df_stack[(0x1000 - 0x100) / 8];	/* top = ist[0] */
} __attribute__((aligned(PAGE_SIZE)));

/*
 * The entry trampoline stack (TSS.sp0), one page per CPU, like Linux's entry_stack_page: the
 * user page tables always map it, because the exit path runs on it after switching to the user
 * CR3 and ring-3 interrupts arrive on it.
 */
struct entry_stack_page {
	u64 stack[PAGE_SIZE / 8];
} __attribute__((aligned(PAGE_SIZE)));

struct task_struct;

/* Hot per-CPU data used by the entry code (one cache line). */
struct pcpu_hot {
	union {
		struct {
			struct task_struct *current_task;
			int preempt_count;
			int cpu_number;
			u64 call_depth;		/* CONFIG_CALL_DEPTH_TRACKING */
			unsigned long top_of_stack;
			void *hardirq_stack_ptr;
			u16 softirq_pending;
			bool hardirq_stack_inuse;
		};
		u8 pad[64];
	};
};

/* The per-CPU variables of head_64.S: each CPU's copy is at __per_cpu_offset[cpu] + symbol. */
DECLARE_PER_CPU_PAGE_ALIGNED(struct tss_struct, cpu_tss_rw);
DECLARE_PER_CPU_PAGE_ALIGNED(struct entry_stack_page, cpu_entry_stack);
DECLARE_PER_CPU_ALIGNED(struct pcpu_hot, pcpu_hot);
#endif /* !__ASSEMBLY__ */

#endif /* _ASM_PROCESSOR_H */
