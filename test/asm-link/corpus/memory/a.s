	.section .vectors,"ax"
	.quad _stack_top, reset
	.text
	.globl reset
reset:	mov $_sidata, %esi
	mov $_sdata, %edi
	mov $_edata, %ecx
	sub %edi, %ecx
	rep movsb
	mov counter, %eax
	jmp reset
	.section .rodata
	.asciz "rom string"
	.data
counter: .long 5
	.byte 1
	.bss
zeroed:	.skip 64
