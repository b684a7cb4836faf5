# array-bug.S — sums an array of 8 numbers and exits with the sum. There is a bug worth
# finding: the exit status is 100, not 36. Step through the loop and watch %rcx and the address it reads.
	.globl _start
	.text
_start:
	lea	numbers(%rip), %rbx
	xor	%eax, %eax		# sum
	xor	%ecx, %ecx		# index
1:	add	(%rbx,%rcx,8), %rax
	inc	%rcx
	cmp	$count, %rcx
	jbe	1b			# bug: should be jb — the loop runs count + 1 times
	mov	%eax, %edi
	mov	$60, %eax
	syscall

	.data
numbers: .quad	1, 2, 3, 4, 5, 6, 7, 8
	.set	count, (. - numbers) / 8
canary:	.quad	64			# what the extra iteration reads
