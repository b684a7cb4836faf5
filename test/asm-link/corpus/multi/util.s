	.globl compute, table, table_size
	.weak hook
	.type compute, @function
	.p2align 4
compute:
	mov	$6, %eax
	imul	$7, %eax
	ret
	.size compute, .-compute

	.type hook, @function
hook:	ret
	.size hook, .-hook

	.section .text.hot,"ax",@progbits
	.p2align 5
hot:	nop
	ret

	.data
	.p2align 3
	.type table, @object
table:	.quad compute, hook, message_ptr
	.size table, .-table
message_ptr:
	.long table_size
	.equ table_size, 24

	.section .rodata.str1.1,"aMS",@progbits,1
	.asciz "merge me"
