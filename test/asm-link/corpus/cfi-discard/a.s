# FDEs of discarded code are dropped from .eh_frame, and unused CIEs with them.
	.text
	.globl _start
_start:
	.cfi_startproc
	mov $60, %eax
	syscall
	.cfi_endproc
	.section .text.exit,"ax",@progbits
cleanup:
	.cfi_startproc
	push %rbx
	.cfi_def_cfa_offset 16
	pop %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.text
helper:
	.cfi_startproc
	ret
	.cfi_endproc
