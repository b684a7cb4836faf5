# 02_sort.S — Sorting a pseudo-random array: recursive quicksort (median of three, Hoare partition)
# that hands small ranges to insertion sort; then a signed 32-bit array sorted by insertion
# sort alone. Prints checksums and some elements. Exit status: checksum & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	N, 10000
	.set	M, 300
	.bss
	.balign 16
array:	.skip	8 * N
small:	.skip	4 * M
	.text
	.globl _start
_start:
	# fill with xorshift64
	mov	$0x2545F4914F6CDD1D, %rax
	lea	array(%rip), %rdi
	mov	$N, %ecx
1:	mov	%rax, %rdx
	shl	$13, %rdx
	xor	%rdx, %rax
	mov	%rax, %rdx
	shr	$7, %rdx
	xor	%rdx, %rax
	mov	%rax, %rdx
	shl	$17, %rdx
	xor	%rdx, %rax
	mov	%rax, %rdx
	shr	$20, %rdx			# values in [0, 2^44): many distinct, some equal high parts
	mov	%rdx, (%rdi)
	add	$8, %rdi
	loop	1b
	# make some duplicates: every 7th element copies its predecessor
	lea	array(%rip), %rdi
	mov	$7, %ecx
2:	mov	-8(%rdi,%rcx,8), %rax
	mov	%rax, (%rdi,%rcx,8)
	add	$7, %ecx
	cmp	$N, %ecx
	jb	2b

	SAY	"before:"
	call	show
	lea	array(%rip), %rdi
	lea	8*(N-1)+array(%rip), %rsi
	call	quicksort
	SAY	"after: "
	call	show

	# verify order and compute a position-weighted checksum
	lea	array(%rip), %rsi
	xor	%ecx, %ecx
	xor	%ebx, %ebx			# inversions found
	xor	%r15d, %r15d
3:	mov	(%rsi,%rcx,8), %rax
	lea	1(%rcx), %rdx
	imul	%rdx, %rax
	add	%rax, %r15
	ror	$5, %r15
	test	%rcx, %rcx
	jz	4f
	mov	-8(%rsi,%rcx,8), %rax
	cmp	(%rsi,%rcx,8), %rax
	seta	%al
	movzbl	%al, %eax
	add	%rax, %rbx
4:	inc	%rcx
	cmp	$N, %rcx
	jb	3b
	SAY	"inversions: "
	mov	%rbx, %rax
	call	putdec
	SAY	"\nchecksum: "
	mov	%r15, %rax
	call	puthex16
	SAY	"\nmedian: "
	mov	array+8*(N/2)(%rip), %rax
	call	putdec
	SAY	"\ncalls: "
	mov	qcalls(%rip), %rax
	call	putdec
	SAY	" quicksort, "
	mov	icalls(%rip), %rax
	call	putdec
	SAY	" insertion sort, max depth "
	mov	maxdepth(%rip), %rax
	call	putdec
	call	putnl

	# signed 32-bit array: values from a linear congruential generator, both signs
	lea	small(%rip), %rdi
	mov	$12345, %eax
	xor	%ecx, %ecx
5:	imul	$1103515245, %eax, %eax
	add	$12345, %eax
	mov	%eax, %edx
	sar	$7, %edx
	mov	%edx, (%rdi,%rcx,4)
	inc	%ecx
	cmp	$M, %ecx
	jb	5b
	call	isort32
	SAY	"int32 sorted:"
	xor	%ecx, %ecx
6:	SAY	" "
	movslq	small(,%rcx,4), %rax
	call	putsdec
	add	$37, %ecx
	cmp	$M, %ecx
	jb	6b
	call	putnl
	# check signed order
	xor	%ebx, %ebx
	mov	$1, %ecx
7:	mov	small-4(,%rcx,4), %eax
	cmp	small(,%rcx,4), %eax
	setg	%al
	movzbl	%al, %eax
	add	%eax, %ebx
	inc	%ecx
	cmp	$M, %ecx
	jb	7b
	SAY	"int32 inversions: "
	mov	%rbx, %rax
	call	putdec
	call	putnl

	mov	%r15, %rdi
	xor	%rbx, %rdi
	shr	$8, %rdi
	and	$0xff, %edi
	jmp	exit_with

# print elements 0..4 and N-5..N-1
show:
	push	%rcx
	push	%rax
	xor	%ecx, %ecx
1:	SAY	" "
	mov	array(,%rcx,8), %rax
	call	putdec
	inc	%ecx
	cmp	$5, %ecx
	jne	2f
	mov	$N-5, %ecx
	SAY	" ..."
2:	cmp	$N, %ecx
	jb	1b
	call	putnl
	pop	%rax
	pop	%rcx
	ret

# quicksort(%rdi = first element, %rsi = last element), unsigned 64-bit keys.
# Recursive; uses %rbp frames so the depth can be measured.
quicksort:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	incq	qcalls(%rip)
	incq	depth(%rip)
	mov	depth(%rip), %rax
	cmp	maxdepth(%rip), %rax
	jbe	1f
	mov	%rax, maxdepth(%rip)
1:	mov	%rsi, %rax
	sub	%rdi, %rax
	cmp	$8*16, %rax			# fewer than 17 elements: insertion sort
	jae	2f
	call	isort64
	jmp	9f
2:	# median of three into the middle slot
	mov	%rdi, %r12
	mov	%rsi, %r13
	shr	$4, %rax
	lea	(%rdi,%rax,8), %r14		# middle
	mov	(%r12), %rax
	mov	(%r14), %rbx
	cmp	%rax, %rbx
	jae	3f
	mov	%rax, (%r14)
	mov	%rbx, (%r12)
3:	mov	(%r14), %rax
	mov	(%r13), %rbx
	cmp	%rax, %rbx
	jae	4f
	mov	%rax, (%r13)
	mov	%rbx, (%r14)
	mov	(%r12), %rax
	mov	(%r14), %rbx
	cmp	%rax, %rbx
	jae	4f
	mov	%rax, (%r14)
	mov	%rbx, (%r12)
4:	mov	(%r14), %rbx			# pivot
	lea	-8(%r12), %rdi			# i
	lea	8(%r13), %rsi			# j
5:	add	$8, %rdi
	cmp	%rbx, (%rdi)
	jb	5b
6:	sub	$8, %rsi
	cmp	%rbx, (%rsi)
	ja	6b
	cmp	%rsi, %rdi
	jae	7f
	mov	(%rdi), %rax
	mov	(%rsi), %rcx
	mov	%rcx, (%rdi)
	mov	%rax, (%rsi)
	jmp	5b
7:	# [lo, j] and [j+1, hi]
	mov	%rsi, %r14
	mov	%r12, %rdi
	call	quicksort
	lea	8(%r14), %rdi
	mov	%r13, %rsi
	call	quicksort
9:	decq	depth(%rip)
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	leave
	ret

# insertion sort of [%rdi, %rsi] (inclusive), unsigned 64-bit
isort64:
	push	%rbx
	push	%rcx
	push	%rdx
	incq	icalls(%rip)
	lea	8(%rdi), %rcx			# next element to insert
1:	cmp	%rsi, %rcx
	ja	4f
	mov	(%rcx), %rax
	mov	%rcx, %rdx
2:	cmp	%rdi, %rdx
	jbe	3f
	mov	-8(%rdx), %rbx
	cmp	%rax, %rbx
	jbe	3f
	mov	%rbx, (%rdx)
	sub	$8, %rdx
	jmp	2b
3:	mov	%rax, (%rdx)
	add	$8, %rcx
	jmp	1b
4:	pop	%rdx
	pop	%rcx
	pop	%rbx
	ret

# insertion sort of small[0..M), signed 32-bit, with cmov-free index arithmetic
isort32:
	push	%rbx
	mov	$1, %ecx
1:	mov	small(,%rcx,4), %eax
	mov	%ecx, %edx
2:	test	%edx, %edx
	jz	3f
	mov	small-4(,%rdx,4), %ebx
	cmp	%eax, %ebx
	jle	3f
	mov	%ebx, small(,%rdx,4)
	dec	%edx
	jmp	2b
3:	mov	%eax, small(,%rdx,4)
	inc	%ecx
	cmp	$M, %ecx
	jb	1b
	pop	%rbx
	ret

	.data
	.balign 8
qcalls:	.quad	0
icalls:	.quad	0
depth:	.quad	0
maxdepth: .quad	0
