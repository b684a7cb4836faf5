	.globl _start
_start:
	lea	__start_my_table(%rip), %rsi
	lea	__stop_my_table(%rip), %rdi
	call	helper
	mov	$60, %eax
	syscall
	.section .foo,"a"
	.byte 1
	.section .bar,"ax"
helper:	ret
	.section .baz,"aw"
	.byte 2
	.section .qux,"aw",@nobits
	.skip 5
	.section .note.x,""
	.byte 3
	.section my_table,"aw"
	.quad 1, 2
	.section .comment,"MS",@progbits,1
	.asciz "x64emu test"
	.section .rodata
	.byte 4
	.data
	.byte 5
	.bss
	.skip 3
