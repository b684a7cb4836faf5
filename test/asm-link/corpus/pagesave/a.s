	.globl _start
	.text
	.fill 0x1800,1,0x90
_start: mov $60, %eax
	syscall
	.section .rodata
	.fill 0x1800,1,1
	.data
	.p2align 6
	.byte 5
	.bss
	.p2align 12
	.skip 3
