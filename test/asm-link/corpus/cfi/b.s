	.text
	.globl g4
g4:
	.cfi_startproc
	nop
	.cfi_endproc
