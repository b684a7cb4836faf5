/* SPDX-License-Identifier: GPL-2.0-only */
/*
 *  entry_64.S-style syscall and interrupt entry, written for the x64emu
 *  preprocessor corpus. It exercises what real entry code uses: SYM_*
 *  annotations, PER_CPU_VAR, _ASM_EXTABLE, GAS .macro with \args,
 *  #ifdef CONFIG_* blocks and assembler '#' comments.
 *
 * Registers on entry:
 * rax  system call number
 * rcx  return address
 * r11  saved rflags (note: r11 is callee-clobbered register in C ABI)
 * rdi  arg0, rsi arg1, rdx arg2, r10 arg3 (needs to be moved to rcx to conform to C ABI)
 */
#include <linux/kconfig.h>
#include <linux/linkage.h>
#include <asm/segment.h>
#include <asm/percpu.h>
#include <asm/asm.h>
#include <asm/calling.h>
#include <asm/unwind_hints.h>
#include <asm/processor-flags.h>
#include <asm/alternative.h>
#include <asm/page_types.h>

/* offsets into the per-cpu TSS, as asm-offsets.h would define them */
#define TSS_sp0 4
#define TSS_sp2 20
#define TASK_threadsp 2456

	.code64
	.section .entry.text, "ax"

SYM_CODE_START(entry_SYSCALL_64)
	UNWIND_HINT_ENTRY
	swapgs
	/* tss.sp2 is scratch space. */
	movq	%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
	movq	PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp

SYM_INNER_LABEL(entry_SYSCALL_64_safe_stack, SYM_L_GLOBAL)

	/* Construct struct pt_regs on stack */
	pushq	$__USER_DS				/* pt_regs->ss */
	pushq	PER_CPU_VAR(cpu_tss_rw + TSS_sp2)	/* pt_regs->sp */
	pushq	%r11					/* pt_regs->flags */
	pushq	$__USER_CS				/* pt_regs->cs */
	pushq	%rcx					/* pt_regs->ip */
SYM_INNER_LABEL(entry_SYSCALL_64_after_hwframe, SYM_L_GLOBAL)
	pushq	%rax					/* pt_regs->orig_ax */

	PUSH_AND_CLEAR_REGS rax=$-ENOSYS

	/* IRQs are off. */
	movq	%rsp, %rdi
	/* Sign extend the lower 32bit as syscall numbers are treated as int */
	movslq	%eax, %rsi
	call	do_syscall_64		/* returns with IRQs disabled */

	/*
	 * Try to use SYSRET instead of IRET if we're returning to
	 * a completely clean 64-bit userspace context.  If we're not,
	 * go to the slow exit path.
	 */
	movq	RCX(%rsp), %rcx
	movq	RIP(%rsp), %r11
	cmpq	%rcx, %r11	# SYSRET requires RCX == RIP
	jne	swapgs_restore_regs_and_return_to_usermode

	cmpq	$__USER_CS, CS(%rsp)		# CS must match SYSRET
	jne	swapgs_restore_regs_and_return_to_usermode

	movq	R11(%rsp), %r11
	cmpq	%r11, EFLAGS(%rsp)		# R11 == RFLAGS
	jne	swapgs_restore_regs_and_return_to_usermode

	testq	$(X86_EFLAGS_RF|X86_EFLAGS_TF), %r11
	jnz	swapgs_restore_regs_and_return_to_usermode

	# nothing to check for RSP; but the selector must be
	# __USER_DS ('cause SYSRET loads it)
	cmpq	$__USER_DS, SS(%rsp)		# SS must match SYSRET
	jne	swapgs_restore_regs_and_return_to_usermode

syscall_return_via_sysret:
	POP_REGS pop_rdi=0
	movq	%rsp, %rdi
	movq	PER_CPU_VAR(cpu_tss_rw + TSS_sp0), %rsp
	UNWIND_HINT_END_OF_STACK
	pushq	RSP-RDI(%rdi)	/* RSP */
	pushq	(%rdi)		/* RDI */
	popq	%rdi
	popq	%rsp
SYM_INNER_LABEL(entry_SYSRETQ_unsafe_stack, SYM_L_GLOBAL)
	swapgs
	sysretq
SYM_INNER_LABEL(entry_SYSRETQ_end, SYM_L_GLOBAL)
	int3
SYM_CODE_END(entry_SYSCALL_64)

/*
 * %rdi: prev task
 * %rsi: next task
 */
.pushsection .text, "ax"
SYM_FUNC_START(__switch_to_asm)
	/*
	 * Save callee-saved registers
	 * This must match the order in inactive_task_frame
	 */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15

	/* switch stack */
	movq	%rsp, TASK_threadsp(%rdi)
	movq	TASK_threadsp(%rsi), %rsp

#ifdef CONFIG_STACKPROTECTOR
	movq	TASK_stack_canary(%rsi), %rbx
	movq	%rbx, PER_CPU_VAR(fixed_percpu_data) + FIXED_stack_canary
#endif

#if IS_ENABLED(CONFIG_RETPOLINE) && !defined(CONFIG_CPU_IBPB_ENTRY)
	ALTERNATIVE(nop, lfence, X86_FEATURE_RETPOLINE)
#endif

	/* restore callee-saved registers */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp

	jmp	__switch_to
SYM_FUNC_END(__switch_to_asm)
.popsection

/* A user-space access with a fixup: both labels are local numeric labels. */
SYM_FUNC_START(copy_one_byte_from_user)
1:	movb	(%rsi), %al
	movb	%al, (%rdi)
	xorl	%eax, %eax
	RET
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE_UA(1b, 2b)
SYM_FUNC_END(copy_one_byte_from_user)
EXPORT_SYMBOL(copy_one_byte_from_user)

.macro idtentry vector asmsym cfunc has_error_code:req
SYM_CODE_START(\asmsym)
	UNWIND_HINT_REGS offset=\has_error_code*8
	.if \has_error_code == 0
		pushq	$-1			/* ORIG_RAX: no syscall to restart */
	.endif
	.if \vector == X86_TRAP_BP
		/* #BP advances %rip to the next instruction */
		testb	$3, CS-ORIG_RAX(%rsp)
		jnz	.Lfrom_usermode_no_gap_\@
	.endif
	idtentry_body \cfunc \has_error_code
.Lfrom_usermode_no_gap_\@:
_ASM_NOKPROBE(\asmsym)
SYM_CODE_END(\asmsym)
.endm

#define X86_TRAP_DE		 0	/* Divide-by-zero */
#define X86_TRAP_BP		 3	/* Breakpoint */
#define X86_TRAP_GP		13	/* General Protection Fault */
#define X86_TRAP_PF		14	/* Page Fault */
#define _ASM_NOKPROBE(entry)  .pushsection "_kprobe_blacklist","aw" ; _ASM_ALIGN ; _ASM_PTR (entry); .popsection

	idtentry X86_TRAP_DE asm_exc_divide_error exc_divide_error has_error_code=0
	idtentry X86_TRAP_GP asm_exc_general_protection exc_general_protection has_error_code=1

.macro PUSH_AND_CLEAR_REGS rdx=%rdx rcx=%rcx rax=%rax save_ret=0
	PUSH_REGS rdx=\rdx, rcx=\rcx, rax=\rax, save_ret=\save_ret
	CLEAR_REGS
.endm

SYM_DATA_START(entry_flags_table)
	.quad X86_EFLAGS_IF, X86_EFLAGS_DF, X86_EFLAGS_AC | X86_EFLAGS_NT
	.quad CR0_STATE, X86_CR4_PAE|X86_CR4_PGE
	.quad __KERNEL_CS, __KERNEL_DS, GDT_ENTRY(0xa09b, 0, 0xfffff)
SYM_DATA_END(entry_flags_table)

SYM_DATA(entry_config_string, .asciz CONFIG_LOCALVERSION " " __stringify(SEGMENT_SMP_NOTE) " levels=" __stringify(PGTABLE_LEVELS))
SYM_DATA(entry_regs_list, _ASM_PTR _ASM_AX, _ASM_SP; _ASM_MOV %rax, %rbx; _ASM_INC %rcx)
