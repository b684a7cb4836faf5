# SHF_MERGE: duplicate strings/constants across modules, tail merging, section+addend references.
	.globl _start
_start:	lea .LC0(%rip), %rsi
	lea .LC1(%rip), %rdi
	mov $.LC2, %eax
	movsd .LCD(%rip), %xmm0
	lea msg_end(%rip), %rdx
	call f
	mov $60, %eax
	xor %edi, %edi
	syscall
	.section .rodata.str1.1,"aMS",@progbits,1
.LC0:	.asciz "hello"
.LC1:	.asciz "world"
.LC2:	.asciz "lo"
	.asciz "hello"
msg_end:
	.section .rodata.cst8,"aM",@progbits,8
	.p2align 3
.LCD:	.quad 5
	.quad 6
	.section .rodata
	.byte 7
	.data
	.quad .LC1, .LC2 + 1
