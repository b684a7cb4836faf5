# Kernel-style entry code, written for this test in the spirit of Linux's entry_64.S: macro
# layers for register save/restore, CR3 switching with a scratch register, alternatives with
# replacement sections, exception tables, unwind hints and an IDT stub table.

	.set	PTI_USER_PGTABLE_BIT, 12
	.set	PTI_USER_PCID_BIT, 11
	.set	PTI_SWITCH_MASK, (1 << PTI_USER_PGTABLE_BIT) | (1 << PTI_USER_PCID_BIT)
	.set	X86_FEATURE_PTI, 7*32 + 11
	.set	X86_FEATURE_SMAP, 9*32 + 20
	.set	TSS_sp0, 4
	.set	TSS_sp2, 20
	.set	IDT_ALIGN, 16
	.set	NR_VECTORS, 6
	.set	__KERNEL_DS, 0x18

	.macro	SYM_FUNC_START name
	.globl	\name
	.type	\name, @function
	.p2align 4, 0x90
\name:
	.endm

	.macro	SYM_CODE_START name
	.globl	\name
	.p2align 4, 0x90
\name:
	.endm

	.macro	SYM_FUNC_END name
	.size	\name, . - \name
	.endm

	.macro	UNWIND_HINT type:req, sp_reg=0, sp_offset=0
.Lhint_\@:
	.pushsection .discard.unwind_hints, "a"
	.long	.Lhint_\@ - .
	.short	\sp_offset
	.byte	\sp_reg
	.byte	\type
	.popsection
	.endm

	.macro	ASM_EXTABLE from, to, type=0
	.pushsection __ex_table, "a"
	.balign	4
	.long	(\from) - .
	.long	(\to) - .
	.long	\type
	.popsection
	.endm

	.macro	altinstr_entry orig, alt, feature, orig_len, alt_len
	.long	\orig - .
	.long	\alt - .
	.4byte	\feature
	.byte	\orig_len
	.byte	\alt_len
	.endm

	# Old instruction padded with NOPs to the replacement's length; replacement elsewhere.
	.macro	ALTERNATIVE oldinstr, newinstr, feature
140:
	\oldinstr
141:
	.skip	-(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)), 0x90
142:
	.pushsection .altinstructions, "a"
	altinstr_entry 140b, 143f, \feature, 142b-140b, 144f-143f
	.popsection
	.pushsection .altinstr_replacement, "ax"
143:
	\newinstr
144:
	.popsection
	.endm

	.macro	PUSH_REGS rdx=%rdx, rcx=%rcx, rax=%rax, save_ret=0
	.if	\save_ret
	pushq	%rsi
	movq	8(%rsp), %rsi
	movq	%rdi, 8(%rsp)
	.else
	pushq	%rdi
	pushq	%rsi
	.endif
	pushq	\rdx
	pushq	\rcx
	pushq	\rax
	.irp	r, r8, r9, r10, r11, rbx, rbp, r12, r13, r14, r15
	pushq	%\r
	.endr
	.if	\save_ret
	pushq	%rsi
	.endif
	.endm

	.macro	CLEAR_REGS
	.irp	r, esi, edx, ecx, r8d, r9d, r10d, r11d, ebx, ebp, r12d, r13d, r14d, r15d
	xorl	%\r, %\r
	.endr
	.endm

	.macro	PUSH_AND_CLEAR_REGS rdx=%rdx, rcx=%rcx, rax=%rax, save_ret=0
	PUSH_REGS rdx=\rdx, rcx=\rcx, rax=\rax, save_ret=\save_ret
	CLEAR_REGS
	.endm

	.macro	POP_REGS pop_rdi=1
	.irp	r, r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi
	popq	%\r
	.endr
	.if	\pop_rdi
	popq	%rdi
	.endif
	.endm

	.macro	ADJUST_KERNEL_CR3 reg:req
	andq	$(~PTI_SWITCH_MASK), \reg
	.endm

	.macro	SWITCH_TO_KERNEL_CR3 scratch_reg:req
	ALTERNATIVE "jmp .Lend_\@", "", X86_FEATURE_PTI
	mov	%cr3, \scratch_reg
	ADJUST_KERNEL_CR3 \scratch_reg
	mov	\scratch_reg, %cr3
.Lend_\@:
	.endm

	.macro	SWITCH_TO_USER_CR3 scratch_reg:req, scratch_reg2:req
	ALTERNATIVE "jmp .Lend_\@", "", X86_FEATURE_PTI
	mov	%cr3, \scratch_reg
	orq	$PTI_SWITCH_MASK, \scratch_reg
	mov	\scratch_reg, %cr3
.Lend_\@:
	.endm

	.macro	STAC
	ALTERNATIVE "", ".byte 0x0f,0x01,0xcb", X86_FEATURE_SMAP
	.endm

	.macro	CLAC
	ALTERNATIVE "", ".byte 0x0f,0x01,0xca", X86_FEATURE_SMAP
	.endm

	.text
SYM_CODE_START entry_SYSCALL_64
	UNWIND_HINT type=1
	swapgs
	movq	%rsp, %gs:cpu_tss_rw + TSS_sp2
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
	movq	%gs:cpu_tss_rw + TSS_sp0, %rsp
	pushq	$__KERNEL_DS
	pushq	%gs:cpu_tss_rw + TSS_sp2
	pushq	%r11
	pushq	$0x33
	pushq	%rcx
	pushq	%rax
	PUSH_AND_CLEAR_REGS rax=$-38
	movq	%rax, %rdi
	movslq	%eax, %rsi
	call	do_syscall_64
	testb	%al, %al
	jz	.Lsyscall_iret
	POP_REGS pop_rdi=0
	movq	%rsp, %rdi
	movq	%gs:cpu_tss_rw + TSS_sp0, %rsp
	pushq	(%rdi)
	SWITCH_TO_USER_CR3 scratch_reg=%rdi, scratch_reg2=%rax
	popq	%rdi
	popq	%rsp
	swapgs
	sysretq
.Lsyscall_iret:
	POP_REGS
	addq	$8, %rsp
	swapgs
	iretq
SYM_FUNC_END entry_SYSCALL_64

SYM_FUNC_START copy_user_small
	STAC
1:	movb	(%rsi), %al
2:	movb	%al, (%rdi)
	CLAC
	xorl	%eax, %eax
	ret
3:	movl	%ecx, %eax
	CLAC
	ret
	ASM_EXTABLE 1b, 3b
	ASM_EXTABLE 2b, 3b, type=2
SYM_FUNC_END copy_user_small

	# IDT stubs: push the vector and jump to the common handler; each stub IDT_ALIGN bytes.
	.p2align 4
SYM_CODE_START irq_entries_start
	vector = 32
	.rept	NR_VECTORS
	UNWIND_HINT type=2
0:
	.byte	0x6a, vector
	jmp	common_interrupt
	.fill	0b + IDT_ALIGN - ., 1, 0xcc
	vector = vector + 1
	.endr
SYM_FUNC_END irq_entries_start

SYM_CODE_START common_interrupt
	cld
	PUSH_AND_CLEAR_REGS save_ret=1
	movq	%rsp, %rdi
	call	handle_irq
	POP_REGS
	addq	$8, %rsp
	iretq
SYM_FUNC_END common_interrupt

	.section .data..percpu, "aw", @progbits
	.globl	cpu_tss_rw
cpu_tss_rw:
	.skip	0x68
