	.globl _start
_start:	lea msg(%rip), %rsi
	incl counter(%rip)
	mov $60, %eax
	syscall
	.section .rodata
msg:	.asciz "hi"
	.data
counter: .long 1
	.bss
	.skip 8
