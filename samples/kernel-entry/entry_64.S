/* SPDX-License-Identifier: MIT */
/*
 * The kernel's entry and exit paths, in .entry.text: the only kernel code the PTI user page
 * tables map, because it runs (briefly) with the user CR3 loaded.
 *
 * A reader of Linux 6.6 finds the same names in arch/x86/entry/entry_64.S; the code here is
 * the sample's own, with the same steps in the same order.
 */
#include <asm/asm-offsets.h>
#include <asm/calling.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/setup.h>

	.section .entry.text, "ax"

/*
 * entry_SYSCALL_64: where SYSCALL lands (MSR_LSTAR). The CPU has only done this:
 *   RCX = user RIP, R11 = user RFLAGS, RFLAGS &= ~SFMASK (IF, TF, DF, AC... cleared),
 *   CS = __KERNEL_CS, SS = __KERNEL_DS, CPL 0.
 * RSP is still the user's stack, GS.base still the user's, and CR3 still the user page tables.
 *   rax = system call number, rdi rsi rdx r10 r8 r9 = arguments.
 */
	.globl	entry_SYSCALL_64
entry_SYSCALL_64:
	/* 1. GS.base becomes this CPU's per-CPU offset. */
	swapgs
#ifdef BUG_PCPU_HOT_BEFORE_CR3
	/* The bug: read pcpu_hot while the user page tables, which do not map it, are loaded. */
	movq	%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	movq	PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
#else
	/* 2. Park the user RSP in TSS.sp2: the TSS page is mapped in the user page tables. */
	movq	%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	/* 3. The kernel page tables (RSP is free to use as the scratch register now). */
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
	/* 4. This task's kernel stack: pcpu_hot is only mapped in the kernel page tables. */
	movq	PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp
#endif
	/* 5. struct pt_regs: first what an interrupt from ring 3 would have pushed... */
	pushq	$__USER_DS				/* pt_regs->ss */
	pushq	PER_CPU_VAR(cpu_tss_rw + TSS_sp2)	/* pt_regs->sp */
	pushq	%r11					/* pt_regs->flags */
	pushq	$__USER_CS				/* pt_regs->cs */
	pushq	%rcx					/* pt_regs->ip */
	.globl	entry_SYSCALL_64_after_hwframe
entry_SYSCALL_64_after_hwframe:
	pushq	%rax					/* pt_regs->orig_ax */
	PUSH_AND_CLEAR_REGS rax=$-ENOSYS
	/* 6. do_syscall_64(regs, nr) */
	movq	%rsp, %rdi
	movslq	%eax, %rsi
	call	do_syscall_64

	/*
	 * 7. SYSRETQ restores RIP from RCX and RFLAGS from R11, so it can only be used when
	 * pt_regs says exactly that; anything else (a changed RIP, a non-canonical RIP that would
	 * fault in ring 0, TF/RF set, other selectors) returns through IRETQ.
	 */
	movq	RCX(%rsp), %rcx
	movq	RIP(%rsp), %r11
	cmpq	%rcx, %r11
	jne	swapgs_restore_regs_and_return_to_usermode
	shlq	$(64 - 48), %rcx			/* canonical: bits 63..47 equal */
	sarq	$(64 - 48), %rcx
	cmpq	%rcx, %r11
	jne	swapgs_restore_regs_and_return_to_usermode
	cmpq	$__USER_CS, CS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode
	movq	R11(%rsp), %r11
	cmpq	%r11, EFLAGS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode
	testq	$(X86_EFLAGS_RF | X86_EFLAGS_TF), %r11
	jnz	swapgs_restore_regs_and_return_to_usermode
	cmpq	$__USER_DS, SS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode

syscall_return_via_sysret:
	POP_REGS pop_rdi=0
	/*
	 * Leave the task stack for the trampoline stack (TSS.sp0, in the TSS page that the user
	 * page tables map): after the CR3 switch the task stack is gone.
	 */
	movq	%rsp, %rdi
	movq	PER_CPU_VAR(cpu_tss_rw + TSS_sp0), %rsp
	pushq	RSP - RDI(%rdi)				/* user RSP */
	pushq	(%rdi)					/* user RDI */
	SWITCH_TO_USER_CR3_STACK scratch_reg=%rdi
	popq	%rdi
	popq	%rsp
	swapgs
	sysretq

/*
 * Return to user mode with IRETQ (interrupts, exceptions, new tasks, and system calls SYSRET
 * cannot return from). RSP points at a complete pt_regs on the task stack.
 */
	.globl	swapgs_restore_regs_and_return_to_usermode
swapgs_restore_regs_and_return_to_usermode:
	POP_REGS pop_rdi=0
	movq	%rsp, %rdi
	movq	PER_CPU_VAR(cpu_tss_rw + TSS_sp0), %rsp
	pushq	6*8(%rdi)				/* SS */
	pushq	5*8(%rdi)				/* RSP */
	pushq	4*8(%rdi)				/* RFLAGS */
	pushq	3*8(%rdi)				/* CS */
	pushq	2*8(%rdi)				/* RIP */
	pushq	(%rdi)					/* RDI */
	SWITCH_TO_USER_CR3_STACK scratch_reg=%rdi
	popq	%rdi
	swapgs
	iretq

restore_regs_and_return_to_kernel:
	POP_REGS
	addq	$8, %rsp				/* orig_ax */
	iretq

/*
 * Interrupts and exceptions. The CPU pushed SS, RSP, RFLAGS, CS, RIP (and for some exceptions
 * an error code): coming from ring 3 on the stack TSS.sp0 names (the trampoline stack, user CR3
 * still loaded), from ring 0 on the current stack. The stub completes pt_regs; error_entry moves
 * to the kernel CR3, GS and task stack when the event interrupted user mode.
 */
.macro idtentry vector, asmsym, cfunc, has_error_code
	.globl	\asmsym
\asmsym:
	.if \has_error_code == 0
	pushq	$-1					/* orig_ax: no error code */
	.endif
	cld
	PUSH_AND_CLEAR_REGS
	call	error_entry
	movq	%rsp, %rdi				/* pt_regs */
	movq	ORIG_RAX(%rsp), %rsi			/* error code */
	movq	$-1, ORIG_RAX(%rsp)
	movl	$\vector, %edx
	call	\cfunc
	jmp	error_return
.endm

	idtentry X86_TRAP_DE, asm_exc_divide_error, exc_die, 0
	idtentry X86_TRAP_UD, asm_exc_invalid_op, exc_die, 0
	idtentry X86_TRAP_GP, asm_exc_general_protection, exc_die, 1
	idtentry X86_TRAP_PF, asm_exc_page_fault, exc_die, 1
	idtentry LOCAL_TIMER_VECTOR, asm_sysvec_apic_timer_interrupt, sysvec_apic_timer_interrupt, 0

/*
 * #DF arrives on IST1 whatever the state (even half-way through entry_SYSCALL_64, with the user
 * CR3 still loaded): load the kernel CR3 unconditionally, then report and stop.
 */
	.globl	asm_exc_double_fault
asm_exc_double_fault:
	cld
	PUSH_AND_CLEAR_REGS
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rax
	movq	%rsp, %rdi
	movq	ORIG_RAX(%rsp), %rsi
	movl	$X86_TRAP_DF, %edx
	call	exc_die
1:	hlt
	jmp	1b

/*
 * error_entry: called with pt_regs just above the return address. From user mode: SWAPGS,
 * kernel CR3, then copy pt_regs from the trampoline stack to the top of the task stack (Linux's
 * sync_regs) and continue there.
 */
error_entry:
	testb	$3, CS + 8(%rsp)
	jz	1f
	swapgs
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rax
	popq	%r12					/* our return address */
	movq	%rsp, %rsi
	movq	PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rdi
	subq	$SIZEOF_PTREGS, %rdi
	movq	%rdi, %rax
	movl	$(SIZEOF_PTREGS / 8), %ecx
	rep movsq
	movq	%rax, %rsp
	xorl	%ecx, %ecx
	xorl	%esi, %esi
	xorl	%edi, %edi
	jmp	*%r12
1:	ret

error_return:
	testb	$3, CS(%rsp)
	jz	restore_regs_and_return_to_kernel
	call	exit_to_user_mode
	jmp	swapgs_restore_regs_and_return_to_usermode

/*
 * __switch_to_asm(prev %rdi, next %rsi): save prev's callee-saved registers and stack pointer,
 * take next's, and finish in __switch_to (which returns prev in %rax to whoever next was).
 */
	.globl	__switch_to_asm
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, TASK_threadsp(%rdi)
	movq	TASK_threadsp(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	jmp	__switch_to

/* A new task's first return from __switch_to lands here, with its pt_regs at the stack top. */
	.globl	ret_from_fork
ret_from_fork:
	movq	%rax, %rdi				/* prev */
	call	schedule_tail
	movq	%rsp, %rdi
	call	exit_to_user_mode
	jmp	swapgs_restore_regs_and_return_to_usermode
