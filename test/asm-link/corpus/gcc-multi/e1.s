	.file	"e1.c"
	.text
	.globl	_start
	.type	_start, @function
_start:
.LFB1:
	.cfi_startproc
	subq	$8, %rsp
	.cfi_def_cfa_offset 16
	movl	$3, %edi
	call	g
	movslq	%eax, %rdi
	movl	$60, %eax
#APP
# 2 "e1.c" 1
	syscall
# 0 "" 2
#NO_APP
	addq	$8, %rsp
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
.LFE1:
	.size	_start, .-_start
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
