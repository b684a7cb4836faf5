/* SPDX-License-Identifier: MIT */
/*
 * Boot of the kernel-entry sample (the parts of Linux's head_64.S, cpu/common.c, setup_percpu.c
 * and mm/pti.c it needs, much simplified). Every CPU enters startup_64 in 64-bit mode with
 * %rdi = its number. CPU 0 prepares everything shared (per-CPU areas, GDT, IDT, the PTI page
 * tables, the tasks); then each CPU loads its own state in cpu_init and becomes an idle task.
 */
#include <asm/asm-offsets.h>
#include <asm/calling.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/setup.h>
#include <linux/sched.h>

	.section .head.text, "ax"
	.globl	startup_64
startup_64:
	cmpq	$NR_CPUS, %rdi
	jae	park_cpu
	movl	%edi, %r12d
	/* Run on this CPU's idle-task stack: the boot stack is not in our page tables. */
	movq	%rdi, %rax
	shlq	$14, %rax			/* cpu * THREAD_SIZE */
	leaq	idle_stacks + THREAD_SIZE(%rip), %rsp
	addq	%rax, %rsp
	testl	%r12d, %r12d
	jnz	1f
	call	setup_per_cpu_areas
	call	idt_setup
	call	pti_init
	call	tasks_init
	movl	$1, boot_done(%rip)
	jmp	2f
1:	pause					/* secondary CPU: wait for CPU 0 */
	cmpl	$0, boot_done(%rip)
	je	1b
2:	movl	%r12d, %edi
	call	cpu_init
	movl	%r12d, %edi
	jmp	cpu_idle

park_cpu:
	cli
	hlt
	jmp	park_cpu

/*
 * Copy the .data..percpu template (linked at 0, loaded at __per_cpu_load) once per CPU and fill
 * in what differs: the TSS stacks, pcpu_hot, and the CPU's TSS descriptor in the GDT.
 */
setup_per_cpu_areas:
	xorl	%ebx, %ebx			/* cpu */
1:	movq	%rbx, %rdi
	imulq	$PERCPU_AREA_SIZE, %rdi		/* cpu * PERCPU_AREA_SIZE */
	leaq	per_cpu_areas(%rip), %rax
	addq	%rax, %rdi
	movq	%rdi, %r13			/* the copy; also its offset, since the template is at 0 */
	leaq	__per_cpu_load(%rip), %rsi
	movl	$__per_cpu_end, %ecx
	subl	$__per_cpu_start, %ecx
	cld
	rep movsb
	leaq	__per_cpu_offset(%rip), %rax
	movq	%r13, (%rax,%rbx,8)

	/* cpu_tss_rw: sp0 = the entry trampoline stack, ist[0] = the #DF stack, no I/O bitmap */
	leaq	cpu_tss_rw(%r13), %r14
	leaq	cpu_entry_stack + PAGE_SIZE(%r13), %rax
	movq	%rax, TSS_sp0(%r14)
	leaq	TSS_df_stack_top(%r14), %rax
	movq	%rax, TSS_ist(%r14)
	movw	$0x68, TSS_io_bitmap_base(%r14)

	/* pcpu_hot: this CPU starts as its idle task */
	leaq	pcpu_hot(%r13), %rdx
	imulq	$TASK_size, %rbx, %rax
	leaq	tasks(%rip), %rcx
	addq	%rcx, %rax
	movq	%rax, X86_current_task(%rdx)
	movl	%ebx, X86_cpu_number(%rdx)
	movq	TASK_stack(%rax), %rax
	addq	$THREAD_SIZE, %rax
	movq	%rax, X86_top_of_stack(%rdx)

	/* 64-bit available-TSS descriptor: limit 0x67, type 9, present; base = %r14 */
	leaq	gdt_page + GDT_TSS_SELECTOR(0)(%rip), %rdi
	movq	%rbx, %rax
	shlq	$4, %rax
	addq	%rax, %rdi
	movq	$0x0000890000000067, %rax
	movq	%rax, (%rdi)
	movq	%r14, %rax
	movw	%ax, 2(%rdi)
	shrq	$16, %rax
	movb	%al, 4(%rdi)
	movb	%ah, 7(%rdi)
	shrq	$16, %rax
	movl	%eax, 8(%rdi)
	movl	$0, 12(%rdi)

	incl	%ebx
	cmpl	$NR_CPUS, %ebx
	jb	1b
	ret

/* set_gate(vector %edi, handler %rsi, ist %edx): 64-bit interrupt gate, DPL 0, __KERNEL_CS */
set_gate:
	leaq	idt_table(%rip), %rax
	shlq	$4, %rdi
	addq	%rdi, %rax
	movw	%si, (%rax)
	movw	$__KERNEL_CS, 2(%rax)
	movb	%dl, 4(%rax)
	movb	$0x8e, 5(%rax)
	shrq	$16, %rsi
	movw	%si, 6(%rax)
	shrq	$16, %rsi
	movl	%esi, 8(%rax)
	movl	$0, 12(%rax)
	ret

.macro gate vector, handler, ist=0
	movl	$\vector, %edi
	leaq	\handler(%rip), %rsi
	movl	$\ist, %edx
	call	set_gate
.endm

idt_setup:
	gate	X86_TRAP_DE, asm_exc_divide_error
	gate	X86_TRAP_UD, asm_exc_invalid_op
	gate	X86_TRAP_DF, asm_exc_double_fault, 1
	gate	X86_TRAP_GP, asm_exc_general_protection
	gate	X86_TRAP_PF, asm_exc_page_fault
	gate	LOCAL_TIMER_VECTOR, asm_sysvec_apic_timer_interrupt
	ret

/* alloc_pgtable: a zeroed page from the page-table pool, in %rax */
alloc_pgtable:
	movq	next_pgtable(%rip), %rax
	testq	%rax, %rax
	jnz	1f
	leaq	pgtable_pool(%rip), %rax
1:	leaq	PAGE_SIZE(%rax), %rdx
	movq	%rdx, next_pgtable(%rip)
	ret

/* Find (allocating) the next-level table for %rsi below the table %r8, at bit \shift. */
.macro walk_level shift
	movq	%rsi, %rax
	shrq	$\shift, %rax
	andl	$511, %eax
	leaq	(%r8,%rax,8), %r9
	movq	(%r9), %rax
	testb	$_PAGE_PRESENT, %al
	jnz	1f
	call	alloc_pgtable
	orq	$(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER), %rax
	movq	%rax, (%r9)
1:	andq	$~0xfff, %rax
	movq	%rax, %r8
.endm

/*
 * map_range(pgd %rdi, start %rsi, end %rdx, pte flags %rcx): identity-map [start, end) with
 * 4 KiB pages. The upper levels allow everything; the leaf entry decides.
 */
map_range:
	movq	%rdx, %r10
8:	cmpq	%r10, %rsi
	jae	9f
	movq	%rdi, %r8
	walk_level 39
	walk_level 30
	walk_level 21
	movq	%rsi, %rax
	shrq	$12, %rax
	andl	$511, %eax
	movq	%rsi, %rdx
	orq	%rcx, %rdx
	movq	%rdx, (%r8,%rax,8)
	addq	$PAGE_SIZE, %rsi
	jmp	8b
9:	ret

.macro map pgd, start, end, flags, nx=0
	leaq	\pgd(%rip), %rdi
	leaq	\start(%rip), %rsi
	leaq	\end(%rip), %rdx
	movq	$(\flags), %rcx
	.if \nx
	btsq	$_PAGE_NX_BIT, %rcx
	.endif
	call	map_range
.endm

/*
 * The PTI page tables. init_top_pgt is the kernel PGD; the user PGD is the next page
 * (init_top_pgt + PTI_USER_PGTABLE_MASK). The user PGD maps the user program, the entry text,
 * the GDT/IDT (read-only), each CPU's entry stack page and the first page of its cpu_tss_rw -
 * nothing else.
 */
pti_init:
	map	init_top_pgt, _text, _end, _PAGE_PRESENT | _PAGE_RW
	map	init_top_pgt, __user_text_start, __user_text_end, _PAGE_PRESENT | _PAGE_USER
	map	init_top_pgt, __user_data_start, __user_data_end, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER, 1

	map	init_top_pgt + PAGE_SIZE, __user_text_start, __user_text_end, _PAGE_PRESENT | _PAGE_USER
	map	init_top_pgt + PAGE_SIZE, __user_data_start, __user_data_end, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER, 1
	map	init_top_pgt + PAGE_SIZE, __entry_text_start, __entry_text_end, _PAGE_PRESENT
	map	init_top_pgt + PAGE_SIZE, __gdt_idt_start, __gdt_idt_end, _PAGE_PRESENT, 1
	/* Every CPU's entry stack page; and its cpu_tss_rw page, unless the bug variant forgets it. */
	xorl	%ebx, %ebx
1:	leaq	init_top_pgt + PAGE_SIZE(%rip), %rdi
	leaq	__per_cpu_offset(%rip), %rax
	movq	(%rax,%rbx,8), %rsi
	addq	$cpu_entry_stack, %rsi
	leaq	PAGE_SIZE(%rsi), %rdx
	movq	$(_PAGE_PRESENT | _PAGE_RW), %rcx
	btsq	$_PAGE_NX_BIT, %rcx
	call	map_range
#ifndef BUG_NO_USER_TSS_MAPPING
	leaq	init_top_pgt + PAGE_SIZE(%rip), %rdi
	leaq	__per_cpu_offset(%rip), %rax
	movq	(%rax,%rbx,8), %rsi
	addq	$cpu_tss_rw, %rsi
	leaq	PAGE_SIZE(%rsi), %rdx
	movq	$(_PAGE_PRESENT | _PAGE_RW), %rcx
	btsq	$_PAGE_NX_BIT, %rcx
	call	map_range
#endif
	incl	%ebx
	cmpl	$NR_CPUS, %ebx
	jb	1b
	ret

/*
 * The tasks: one idle task per CPU (tasks[0] is init_task), then the user tasks. A user task
 * starts the way a forked child does: its kernel stack holds a pt_regs for the return to user
 * mode, below it the return address ret_from_fork and six zeroed callee-saved registers, which
 * is what __switch_to_asm expects to find at thread.sp.
 */
tasks_init:
	xorl	%ebx, %ebx
1:	imulq	$TASK_size, %rbx, %rdi
	leaq	tasks(%rip), %rax
	addq	%rax, %rdi			/* the task */
	cmpl	$NR_CPUS, %ebx
	jae	2f
	movq	%rbx, %rax			/* idle task: stack in idle_stacks, pid 0, running */
	shlq	$14, %rax
	leaq	idle_stacks(%rip), %rdx
	addq	%rdx, %rax
	movq	%rax, TASK_stack(%rdi)
	movl	$1, TASK_on_cpu(%rdi)
	jmp	3f
2:	leal	-NR_CPUS(%rbx), %ecx		/* user task number */
	leal	1(%rcx), %eax
	movl	%eax, TASK_pid(%rdi)
	movq	%rcx, %rax
	shlq	$14, %rax
	leaq	task_stacks(%rip), %rdx
	addq	%rdx, %rax
	movq	%rax, TASK_stack(%rdi)
	leaq	THREAD_SIZE - SIZEOF_PTREGS(%rax), %rdx	/* pt_regs */
	leaq	user_entry(%rip), %rax
	movq	%rax, RIP(%rdx)
	movq	$__USER_CS, CS(%rdx)
	movq	$X86_EFLAGS_IF | 2, EFLAGS(%rdx)
	movq	%rcx, %rax			/* user stack: one page per task in .user.data */
	addq	$1, %rax
	shlq	$12, %rax
	leaq	user_stacks(%rip), %rsi
	addq	%rsi, %rax
	movq	%rax, RSP(%rdx)
	movq	$__USER_DS, SS(%rdx)
	movq	%rcx, RDI(%rdx)			/* argument: the task number */
	movq	$-1, ORIG_RAX(%rdx)
	leaq	ret_from_fork(%rip), %rax
	movq	%rax, -8(%rdx)
	leaq	-8 - 6 * 8(%rdx), %rax
	movq	%rax, TASK_threadsp(%rdi)
	incl	nr_running(%rip)
3:	incl	%ebx
	cmpl	$NR_TASKS, %ebx
	jb	1b
	ret

/* syscall_init: where SYSCALL goes, which selectors it and SYSRET use, which flags it clears */
syscall_init:
	movl	$MSR_STAR, %ecx
	xorl	%eax, %eax
	movl	$((__USER32_CS << 16) | __KERNEL_CS), %edx
	wrmsr
	movl	$MSR_LSTAR, %ecx
	leaq	entry_SYSCALL_64(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	movl	$MSR_SYSCALL_MASK, %ecx
	movl	$(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_AC | X86_EFLAGS_ID), %eax
	xorl	%edx, %edx
	wrmsr
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_SCE, %eax
	wrmsr
	ret

/* cpu_init(cpu %edi): this CPU's GDT, TSS, IDT, GS base, SYSCALL MSRs, CR4, CR3 and timer */
cpu_init:
	movl	%edi, %ebx
	lgdt	gdt_descr(%rip)
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%ebx, %eax
	shll	$4, %eax
	addl	$GDT_TSS_SELECTOR(0), %eax
	ltr	%ax
	lidt	idt_descr(%rip)
	/* GS.base = this CPU's per-CPU offset; KERNEL_GS_BASE holds the user's (0) until SWAPGS */
	leaq	__per_cpu_offset(%rip), %rax
	movq	(%rax,%rbx,8), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	movl	$MSR_GS_BASE, %ecx
	wrmsr
	xorl	%eax, %eax
	xorl	%edx, %edx
	movl	$MSR_KERNEL_GS_BASE, %ecx
	wrmsr
	call	syscall_init
	/* PCIDs, SMEP, SMAP; then the kernel PGD with the kernel PCID */
	movq	%cr4, %rax
	orl	$(X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP), %eax
	movq	%rax, %cr4
	leaq	init_top_pgt + KERNEL_PCID(%rip), %rax
	movq	%rax, %cr3
	/* The local APIC timer: periodic, LOCAL_TIMER_VECTOR */
	movl	$APIC_SPIV_MSR, %ecx
	movl	$0x1ff, %eax
	xorl	%edx, %edx
	wrmsr
	movl	$APIC_TDCR_MSR, %ecx
	movl	$0xb, %eax			/* divide by 1 */
	wrmsr
	movl	$APIC_LVTT_MSR, %ecx
	movl	$(APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR), %eax
	wrmsr
	movl	$APIC_TMICT_MSR, %ecx
	movl	$APIC_TIMER_PERIOD, %eax
	wrmsr
	ret

	.data
	.balign 8
boot_done:	.long 0
		.long 0
next_pgtable:	.quad 0
	.globl	__per_cpu_offset
__per_cpu_offset:
	.fill	NR_CPUS, 8, 0
	.globl	nr_running
nr_running:	.long 0
	.balign 8
gdt_descr:
	.word	GDT_TSS_SELECTOR(NR_CPUS) - 1
	.quad	gdt_page
idt_descr:
	.word	256 * 16 - 1
	.quad	idt_table

	.section .data..page_aligned, "aw"
	.balign	PAGE_SIZE
	.globl	gdt_page
gdt_page:
	.quad	0				/* null */
	.quad	0
	.quad	0x00af9b000000ffff		/* 0x10 __KERNEL_CS: 64-bit code, accessed */
	.quad	0x00cf93000000ffff		/* 0x18 __KERNEL_DS */
	.quad	0x00cffb000000ffff		/* 0x23 __USER32_CS (unused: no 32-bit code) */
	.quad	0x00cff3000000ffff		/* 0x2b __USER_DS */
	.quad	0x00affb000000ffff		/* 0x33 __USER_CS: 64-bit code */
	.quad	0
	.fill	2 * NR_CPUS, 8, 0		/* 0x40, 0x50, ...: one TSS descriptor per CPU */
	.balign	PAGE_SIZE
	.globl	idt_table
idt_table:
	.fill	256 * 2, 8, 0

	.section .data..percpu..page_aligned, "aw"
	.globl	cpu_tss_rw
cpu_tss_rw:					/* struct tss_struct: one page */
	.fill	PAGE_SIZE, 1, 0
	.globl	cpu_entry_stack
cpu_entry_stack:				/* struct entry_stack_page: one page */
	.fill	PAGE_SIZE, 1, 0

	.section .data..percpu, "aw"
	.balign	64
	.globl	pcpu_hot
pcpu_hot:					/* struct pcpu_hot */
	.fill	64, 1, 0
	.globl	need_resched
need_resched:
	.long	0

	.section .bss..page_aligned, "aw", @nobits
	.balign	2 * PAGE_SIZE
	.globl	init_top_pgt
init_top_pgt:					/* kernel PGD, then the user PGD */
	.skip	2 * PAGE_SIZE
pgtable_pool:
	.skip	16 * PAGE_SIZE
	.balign	PAGE_SIZE
	.globl	per_cpu_areas
per_cpu_areas:
	.skip	NR_CPUS * PERCPU_AREA_SIZE
	.balign	THREAD_SIZE
	.globl	idle_stacks, init_stack
idle_stacks:
init_stack:
	.skip	NR_CPUS * THREAD_SIZE
	.globl	task_stacks
task_stacks:
	.skip	NR_USER_TASKS * THREAD_SIZE

	.data
	.balign 64
	.globl	tasks, init_task
tasks:
init_task:
	.fill	NR_TASKS * TASK_size, 1, 0
