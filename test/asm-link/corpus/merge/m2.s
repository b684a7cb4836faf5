	.globl f
f:	lea .LC0(%rip), %rsi
	lea .LC5(%rip), %rdi
	lea .LC9(%rip), %rdi
	movaps .LCX(%rip), %xmm1
	ret
	.section .rodata.str1.1,"aMS",@progbits,1
.LC5:	.asciz "other"
.LC0:	.asciz "world"
.LC6:	.asciz "ther"
	.asciz "d"
	.section .rodata.str1.8,"aMS",@progbits,1
	.p2align 3
.LC9:	.asciz "world"
	.p2align 3
	.asciz "a longer string here"
	.p2align 3
	.asciz "here"
	.section .rodata.cst8,"aM",@progbits,8
	.p2align 3
	.quad 6
	.quad 7
	.section .rodata.cst16,"aM",@progbits,16
	.p2align 4
.LCX:	.quad 1, 2
	.quad 1, 2
	.quad 3, 4
