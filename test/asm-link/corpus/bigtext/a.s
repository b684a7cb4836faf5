	.globl _start
	.text
_start: jmp far_away
	.fill 0x2345,1,0xcc
far_away:
	mov $60, %eax
	syscall
	.section .rodata
	.p2align 5
ro:	.fill 0x1100,1,1
	.data
	.quad ro, far_away
	.fill 0xff0,1,2
	.bss
	.skip 0x3000
