# fib.S — a recursive function with real stack frames: prints fib(0..15), one per line.
	.globl _start
	.text
_start:
	xor	%r12d, %r12d		# n
1:	mov	%r12, %rdi
	call	fib			# %rax = fib(n)
	mov	%rax, %rdi
	call	print_u64
	inc	%r12
	cmp	$16, %r12
	jb	1b
	mov	$60, %eax
	xor	%edi, %edi
	syscall

# fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), with a frame pointer as compilers make them
fib:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	sub	$8, %rsp		# keep the stack 16-byte aligned at calls
	cmp	$2, %rdi
	jb	2f
	mov	%rdi, -16(%rbp)		# save n in the frame
	dec	%rdi
	call	fib
	mov	%rax, %rbx
	mov	-16(%rbp), %rdi
	sub	$2, %rdi
	call	fib
	add	%rbx, %rax
	jmp	3f
2:	mov	%rdi, %rax
3:	mov	-8(%rbp), %rbx
	leave
	ret

# print_u64(%rdi): decimal and a newline
print_u64:
	lea	-32(%rsp), %rsi		# build the digits below the stack pointer (red zone)
	lea	31(%rsi), %rcx
	movb	$'\n', (%rcx)
	mov	%rdi, %rax
	mov	$10, %r8d
4:	xor	%edx, %edx
	div	%r8
	add	$'0', %dl
	dec	%rcx
	mov	%dl, (%rcx)
	test	%rax, %rax
	jnz	4b
	lea	32(%rsi), %rdx
	sub	%rcx, %rdx		# length
	mov	%rcx, %rsi
	mov	$1, %eax
	mov	$1, %edi
	syscall
	ret
