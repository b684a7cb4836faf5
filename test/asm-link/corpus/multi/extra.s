	.globl hook, result
	.type hook, @function
hook:	xor	%eax, %eax
	ret
	.size hook, .-hook

	.bss
	.p2align 4
	.type result, @object
	.size result, 4
result:	.zero 4
local_buf:	.skip 1000

	.data
	.byte 1, 2, 3
	.short local_buf - result
