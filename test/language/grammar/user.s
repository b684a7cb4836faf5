# A user program without the preprocessor.
	.data
msg:	.ascii "hi\n"
	.set LEN, . - msg
	.text
	.globl _start
_start:
	movl	$1, %eax
	leaq	msg(%rip), %rsi
	movq	$LEN, %rdx
	syscall
	cmpb	$'a', (%rsi)
	jne	2f
2:	movzbl	%al, %r8d
	xorl	%edi, %edi
	movl	$60, %eax
	syscall
