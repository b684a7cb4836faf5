# Kernel-style tables written into side sections by macros: jump labels, static calls,
# retpoline-safe annotations, bug table entries with file/line strings, and relative pointers.
	.macro	ARCH_STATIC_BRANCH key, label, branch=0
1:
	.if	\branch
	jmp	\label
	.else
	.byte	0x0f, 0x1f, 0x44, 0x00, 0x00
	.endif
	.pushsection __jump_table, "aw"
	.balign	8
	.long	1b - ., \label - .
	.quad	\key + \branch - .
	.popsection
	.endm

	.macro	ANNOTATE kind
.Lannotate_\@:
	.pushsection .discard.\kind, "M", @progbits, 4
	.long	.Lannotate_\@ - .
	.popsection
	.endm

	.macro	BUG_ENTRY file, line, flags=0
1:	ud2
	.pushsection __bug_table, "aw"
2:	.long	1b - .
	.long	.Lbugfile\@ - .
	.word	\line, \flags
	.org	2b + 12
	.popsection
	.pushsection .rodata.str, "aMS", @progbits, 1
.Lbugfile\@:
	.asciz	"\file"
	.popsection
	.endm

	.text
	.globl	func
	.type	func, @function
func:
	ARCH_STATIC_BRANCH key=static_key_a, label=.Lslow
	ARCH_STATIC_BRANCH static_key_b, .Lslow, branch=1
	ANNOTATE retpoline_safe
	jmp	*%rax
	ANNOTATE unreachable
	ret
.Lslow:
	BUG_ENTRY "kernel/fork.c", 123
	BUG_ENTRY "mm/page.c", 45, flags=2
	ret
	.size	func, . - func

	.section .rodata
	.p2align 2
rel_table:
	.irp	t, func, .Lslow, static_key_a
	.long	\t - rel_table
	.endr
	.long	rel_table - .
