	.globl b_func
b_func:	nop
	ret
	.section .rodata
	.p2align 3
	.ascii "def"
	.bss
	.skip 10
