	.file	"c1.c"
	.text
	.p2align 4
	.globl	_start
	.type	_start, @function
_start:
.LFB1:
	.cfi_startproc
	movl	$1, %eax
	movl	$msg, %esi
	movl	$13, %edx
	movq	%rax, %rdi
#APP
# 5 "c1.c" 1
	syscall
# 0 "" 2
#NO_APP
	movd	counter(%rip), %xmm6
	movl	$table, %eax
	movl	$table+400, %edx
	movdqa	.LC0(%rip), %xmm2
	movdqa	.LC1(%rip), %xmm5
	pshufd	$0, %xmm6, %xmm3
	movdqa	%xmm3, %xmm4
	psrlq	$32, %xmm4
	.p2align 4,,10
	.p2align 3
.L2:
	movdqa	%xmm2, %xmm0
	addq	$16, %rax
	paddd	%xmm5, %xmm2
	movdqa	%xmm0, %xmm1
	psrlq	$32, %xmm0
	pmuludq	%xmm3, %xmm1
	pmuludq	%xmm4, %xmm0
	pshufd	$8, %xmm1, %xmm1
	pshufd	$8, %xmm0, %xmm0
	punpckldq	%xmm0, %xmm1
	movaps	%xmm1, -16(%rax)
	cmpq	%rax, %rdx
	jne	.L2
	movq	names+16(%rip), %rax
	xorl	%edi, %edi
	cmpb	$97, (%rax)
	movl	$60, %eax
	sete	%dil
	xorl	%edx, %edx
	addl	table+28(%rip), %edi
	movslq	%edi, %rdi
	movq	%rdx, %rsi
#APP
# 5 "c1.c" 1
	syscall
# 0 "" 2
#NO_APP
	ret
	.cfi_endproc
.LFE1:
	.size	_start, .-_start
	.globl	table
	.bss
	.align 32
	.type	table, @object
	.size	table, 400
table:
	.zero	400
	.globl	counter
	.data
	.align 4
	.type	counter, @object
	.size	counter, 4
counter:
	.long	3
	.globl	names
	.section	.rodata.str1.1,"aMS",@progbits,1
.LC2:
	.string	"alpha"
.LC3:
	.string	"beta"
	.data
	.align 16
	.type	names, @object
	.size	names, 24
names:
	.quad	.LC2
	.quad	.LC3
	.quad	.LC2
	.section	.rodata
	.align 8
	.type	msg, @object
	.size	msg, 14
msg:
	.string	"hello from C\n"
	.section	.rodata.cst16,"aM",@progbits,16
	.align 16
.LC0:
	.long	0
	.long	1
	.long	2
	.long	3
	.align 16
.LC1:
	.long	4
	.long	4
	.long	4
	.long	4
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
