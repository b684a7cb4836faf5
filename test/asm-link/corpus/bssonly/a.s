	.globl _start
_start: movl $1, buf+8
	mov $60, %eax
	syscall
	.bss
	.p2align 4
buf:	.skip 0x40
