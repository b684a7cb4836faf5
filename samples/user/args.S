# args.S — reads its command line: prints argc and then each argv[i] on its own line.
	.globl _start
	.text
_start:
	mov	(%rsp), %r12		# argc
	lea	8(%rsp), %r13		# argv
	lea	'0'(%r12), %eax		# argc as one digit (enough for a demo)
	mov	%al, argc_digit(%rip)
	mov	$1, %eax
	mov	$1, %edi
	lea	argc_msg(%rip), %rsi
	mov	$argc_len, %edx
	syscall
	xor	%ebx, %ebx
1:	cmp	%r12, %rbx
	jae	3f
	mov	(%r13,%rbx,8), %rsi	# argv[i]
	xor	%edx, %edx
2:	cmpb	$0, (%rsi,%rdx)
	je	4f
	inc	%rdx
	jmp	2b
4:	movb	$'\n', newline(%rip)
	mov	$1, %eax
	mov	$1, %edi
	syscall
	mov	$1, %eax
	mov	$1, %edi
	lea	newline(%rip), %rsi
	mov	$1, %edx
	syscall
	inc	%rbx
	jmp	1b
3:	mov	$60, %eax
	xor	%edi, %edi
	syscall

	.data
argc_msg: .ascii "argc = "
argc_digit: .ascii "?\n"
	.set	argc_len, . - argc_msg
newline: .byte 0
