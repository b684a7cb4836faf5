# A spread of instructions and operand forms (bytes come from the encoder; the front end must
# pass the right operands, sizes and fixups).
	.text
	.globl	f
	.type	f, @function
f:
	push	%rbp
	mov	%rsp, %rbp
	movq	$1, %rax
	movl	$0x12345678, %eax
	mov	$-1, %ecx
	movabs	$0x1122334455667788, %rdx
	add	$8, %rsp
	addq	$1000, %rbx
	sub	$(2*4), %rsp
	lea	8(%rsp), %rdi
	lea	-16(%rbp,%rcx,8), %rsi
	mov	(%rax), %rbx
	mov	%fs:0x28, %rax
	mov	%gs:(%rax), %ecx
	mov	0x10(,%rbx,4), %edx
	mov	data(%rip), %rax
	lea	data+8(%rip), %rax
	mov	data, %eax
	movq	$data, %rax
	movl	$data+4, %ecx
	cmpb	$0, (%rdi)
	testl	$0x80, 4(%rsi)
	imul	$3, %eax, %ecx
	shl	$2, %rax
	sar	%cl, %edx
	xor	%eax, %eax
	inc	%r12
	lock incl (%rax)
	lock
	incl	(%rbx)
	rep movsb
	rep
	stosq
	repne scasb
	cs nop
	data16 nop
	rex64 nop
	movzbl	(%rsi), %eax
	movsbq	%al, %rdx
	cmovne	%rbx, %rax
	sete	%al
	call	*%rax
	call	*8(%rbx)
	jmp	*%rdx
	jmp	*table(,%rax,8)
	call	g
	call	f
	syscall
	int3
	int	$0x80
	pushq	$0x100
	push	$1
	pushfq
	popfq
	cpuid
	rdtsc
	movq	%cr3, %rax
	movq	%rax, %cr3
	swapgs
	sysretq
	iretq
	hlt
	pause
	mfence
	leave
	ret
	.size	f, . - f
	.data
data:	.quad	0, 0
table:	.quad	f, g
