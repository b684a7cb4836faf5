/* SPDX-License-Identifier: MIT */
/*
 * Assembly helpers shared by the entry code: saving and restoring struct pt_regs, and the PTI
 * CR3 switches. Include only from .S files.
 */
#ifndef _ASM_CALLING_H
#define _ASM_CALLING_H

#include <asm/asm-offsets.h>

#define ENOSYS			38

/*
 * Page-table isolation: the kernel PGD and the user PGD are an 8 KiB-aligned pair (user =
 * kernel + 4 KiB), and the user PCID is the kernel PCID with bit 11 set. So one mask moves a CR3
 * value between the two worlds.
 */
#define PTI_USER_PGTABLE_BIT	12
#define PTI_USER_PCID_BIT	11
#define PTI_USER_PGTABLE_MASK	(1 << PTI_USER_PGTABLE_BIT)
#define PTI_USER_PCID_MASK	(1 << PTI_USER_PCID_BIT)
#define PTI_USER_PGTABLE_AND_PCID_MASK (PTI_USER_PGTABLE_MASK | PTI_USER_PCID_MASK)
#define X86_CR3_PCID_NOFLUSH_BIT 63

#ifdef __ASSEMBLY__

/*
 * Save the general registers below the hardware-style frame and orig_ax already on the stack,
 * completing a struct pt_regs. \rax is what goes into the ax slot (the system call path stores
 * -ENOSYS there: the result if no handler runs).
 */
.macro PUSH_REGS rax=%rax
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	\rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

/* Zero the registers user mode chose, so their values cannot steer speculation in the kernel. */
.macro CLEAR_REGS
	xorl	%esi, %esi
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
.endm

.macro PUSH_AND_CLEAR_REGS rax=%rax
	PUSH_REGS rax=\rax
	CLEAR_REGS
.endm

/* Reload the registers from pt_regs; with pop_rdi=0 RSP is left pointing at the di slot. */
.macro POP_REGS pop_rdi=1
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	.if \pop_rdi
	popq	%rdi
	.endif
.endm

/*
 * With -DNO_PTI (a kernel without page-table isolation, as on CPUs not affected by Meltdown)
 * the two CR3 switches below are empty: one PGD maps the kernel (supervisor-only) and the user
 * program, and CR3 never changes on entry or exit.
 *
 * From the user page tables to the kernel ones: clear the user-PGD bit and the user-PCID bit.
 * Bit 63 asks the CPU not to flush the kernel PCID's TLB entries (they stay valid: the kernel
 * mappings never change behind its back). Clobbers \scratch_reg only.
 */
.macro SWITCH_TO_KERNEL_CR3 scratch_reg:req
#ifndef NO_PTI
	movq	%cr3, \scratch_reg
	btsq	$X86_CR3_PCID_NOFLUSH_BIT, \scratch_reg
	andq	$(~PTI_USER_PGTABLE_AND_PCID_MASK), \scratch_reg
	movq	\scratch_reg, %cr3
#endif
.endm

/*
 * From the kernel page tables to the user ones: set both bits, again without a flush. (Linux
 * flushes the user PCID once, on the next exit, after kernel code changed user mappings; this
 * sample never does, so it always sets bit 63.) Needs a stack: it borrows %rax.
 */
.macro SWITCH_TO_USER_CR3_STACK scratch_reg:req
#ifndef NO_PTI
	pushq	%rax
	movq	%cr3, \scratch_reg
	btsq	$X86_CR3_PCID_NOFLUSH_BIT, \scratch_reg
	orq	$PTI_USER_PGTABLE_AND_PCID_MASK, \scratch_reg
	movq	\scratch_reg, %cr3
	popq	%rax
#endif
.endm

#endif /* __ASSEMBLY__ */
#endif /* _ASM_CALLING_H */
