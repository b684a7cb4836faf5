	.text
	.globl _start
_start:
	.cfi_startproc
	nop
	.cfi_endproc
f2:
	.cfi_startproc
	nop
	.cfi_endproc
f3:
	.cfi_startproc
	push %rbp
	.cfi_def_cfa_offset 16
	pop %rbp
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
