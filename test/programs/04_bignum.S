# 04_bignum.S — Bignums: 100! in base 10^9 limbs (mul/div), 2^1000 by doubling with adc, Fibonacci
# numbers with adc, a Cassini identity check with sbb and schoolbook multiplication,
# 3^300 by small multiplications; all printed in decimal by repeated division by 10^19.
# Exit status: exit(digit sum of 2^1000 = 1366), which the kernel truncates to 86.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	L, 24				# 64-bit limbs per bignum (1536 bits)
	.set	DL, 24				# base 10^9 limbs for the factorial
	.bss
	.balign 16
fact:	.skip	8 * DL
pow2:	.skip	8 * L
fa:	.skip	8 * L
fb:	.skip	8 * L
fc:	.skip	8 * L
sq:	.skip	8 * L
pr:	.skip	8 * L
tmp:	.skip	8 * L
chunks:	.skip	8 * 64
	.text
	.globl _start
_start:
	# ---- 100! in base 10^9 ----
	movq	$1, fact(%rip)
	mov	$1, %r8d			# used limbs
	mov	$2, %ebx
1:	xor	%r9d, %r9d			# carry
	xor	%ecx, %ecx
2:	mov	fact(,%rcx,8), %rax
	mul	%rbx
	add	%r9, %rax
	adc	$0, %rdx
	mov	$1000000000, %r10d
	div	%r10
	mov	%rdx, fact(,%rcx,8)
	mov	%rax, %r9
	inc	%ecx
	cmp	%r8d, %ecx
	jb	2b
	test	%r9, %r9
	jz	3f
	mov	%r9, fact(,%r8,8)
	inc	%r8d				# (the carry is below 10^9: one limb suffices)
3:	inc	%ebx
	cmp	$100, %ebx
	jbe	1b
	SAY	"100! = "
	lea	-1(%r8), %rcx
	mov	fact(,%rcx,8), %rax
	call	putdec
4:	dec	%rcx
	js	5f
	mov	fact(,%rcx,8), %rax
	mov	$9, %edx
	call	putpad
	jmp	4b
5:	SAY	"\n  limbs: "
	mov	%r8, %rax
	call	putdec
	call	putnl

	# ---- 2^1000 by 1000 doublings (adc chain) ----
	movq	$1, pow2(%rip)
	mov	$1000, %ebx
6:	lea	pow2(%rip), %rsi
	mov	$L, %ecx
	clc
7:	mov	(%rsi), %rax
	adc	%rax, (%rsi)
	lea	8(%rsi), %rsi
	dec	%ecx
	jnz	7b
	dec	%ebx
	jnz	6b
	SAY	"2^1000 = "
	lea	pow2(%rip), %rsi
	call	bigprint
	SAY	"\n  digit sum: "
	mov	%r14, %rax
	call	putdec
	mov	%r14, %r15
	SAY	"\n  top limb: "
	mov	pow2+15*8(%rip), %rax
	call	puthex
	call	putnl

	# ---- Fibonacci with adc: fa = F(n-1), fb = F(n) ----
	movq	$0, fa(%rip)
	movq	$1, fb(%rip)
	mov	$1, %ebx			# n
8:	lea	fc(%rip), %rdi
	lea	fa(%rip), %rsi
	lea	fb(%rip), %rdx
	call	bigadd				# fc = F(n+1)
	lea	fa(%rip), %rdi
	lea	fb(%rip), %rsi
	call	bigcopy
	lea	fb(%rip), %rdi
	lea	fc(%rip), %rsi
	call	bigcopy
	inc	%ebx
	mov	%ebx, %eax
	xor	%edx, %edx
	mov	$150, %ecx
	div	%ecx
	test	%edx, %edx
	jnz	9f
	SAY	"F("
	mov	%rbx, %rax
	call	putdec
	SAY	") = "
	lea	fb(%rip), %rsi
	call	bigprint
	call	putnl
9:	cmp	$600, %ebx
	jb	8b

	# ---- Cassini: F(n)^2 - F(n-1) F(n+1) = (-1)^(n-1), with n = 600 ----
	lea	sq(%rip), %rdi
	lea	fb(%rip), %rsi
	mov	%rsi, %rdx
	call	bigmul				# F(n)^2
	lea	fc(%rip), %rdi
	lea	fa(%rip), %rsi
	lea	fb(%rip), %rdx
	call	bigadd				# fc = F(n+1)
	lea	pr(%rip), %rdi
	lea	fa(%rip), %rsi
	lea	fc(%rip), %rdx
	call	bigmul				# F(n-1) F(n+1)
	lea	tmp(%rip), %rdi
	lea	pr(%rip), %rsi
	lea	sq(%rip), %rdx
	call	bigsub				# F(n-1)F(n+1) - F(n)^2 (n even: +1)
	SAY	"cassini: borrow "
	call	putdec
	SAY	" difference "
	lea	tmp(%rip), %rsi
	call	bigprint
	SAY	"\nF(600)^2 = "
	lea	sq(%rip), %rsi
	call	bigprint
	call	putnl

	# ---- 3^300 by multiplying by 3^k (k up to 40) with a mul/adc carry chain ----
	lea	tmp(%rip), %rdi
	call	bigzero
	movq	$1, tmp(%rip)
	mov	$300, %ebx
10:	mov	$40, %ecx
	cmp	%ecx, %ebx
	cmovb	%ebx, %ecx
	sub	%ecx, %ebx
	mov	$1, %eax			# 3^k
11:	lea	(%rax,%rax,2), %rax
	loop	11b
	lea	tmp(%rip), %rdi
	mov	%rax, %rsi
	call	bigmulsmall
	test	%ebx, %ebx
	jnz	10b
	SAY	"3^300 = "
	lea	tmp(%rip), %rsi
	call	bigprint
	SAY	"\n  mod 1000000007 = "
	lea	tmp(%rip), %rdi
	mov	$1000000007, %rsi
	call	bigmodsmall
	call	putdec
	call	putnl

	mov	%r15d, %edi			# 1366: only the low 8 bits reach the parent
	jmp	exit_with

# print %rax in decimal with at least %edx digits (leading zeros)
putpad:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	mov	%edx, %edi
	lea	numbuf+31(%rip), %rsi
	movb	$0, (%rsi)
	mov	$10, %ecx
1:	xor	%edx, %edx
	div	%rcx
	add	$'0', %dl
	dec	%rsi
	mov	%dl, (%rsi)
	dec	%edi
	test	%rax, %rax
	jnz	1b
	test	%edi, %edi
	jg	1b
	call	puts
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

bigzero:					# zero L limbs at %rdi
	push	%rax
	push	%rcx
	push	%rdi
	xor	%eax, %eax
	mov	$L, %ecx
	rep stosq
	pop	%rdi
	pop	%rcx
	pop	%rax
	ret

bigcopy:					# %rdi = %rsi (L limbs)
	push	%rcx
	push	%rsi
	push	%rdi
	mov	$L, %ecx
	rep movsq
	pop	%rdi
	pop	%rsi
	pop	%rcx
	ret

bigadd:						# %rdi = %rsi + %rdx; carry out in %rax
	push	%rcx
	push	%r8
	mov	$L, %ecx
	xor	%eax, %eax			# index, CF = 0
1:	mov	(%rsi,%rax,8), %r8
	adc	(%rdx,%rax,8), %r8
	mov	%r8, (%rdi,%rax,8)
	lea	1(%rax), %rax			# lea and dec leave CF alone
	dec	%ecx
	jnz	1b
	setc	%al
	movzbl	%al, %eax
	pop	%r8
	pop	%rcx
	ret

bigsub:						# %rdi = %rsi - %rdx; borrow out in %rax
	push	%rcx
	push	%r8
	mov	$L, %ecx
	xor	%eax, %eax			# index, CF = 0
1:	mov	(%rsi,%rax,8), %r8
	sbb	(%rdx,%rax,8), %r8
	mov	%r8, (%rdi,%rax,8)
	lea	1(%rax), %rax
	dec	%ecx
	jnz	1b
	setc	%al
	movzbl	%al, %eax
	pop	%r8
	pop	%rcx
	ret

bigmul:						# %rdi = %rsi * %rdx, truncated to L limbs
	push	%rbx
	push	%rcx
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	mov	%rdx, %r12			# b
	call	bigzero
	xor	%r8d, %r8d			# i
1:	mov	(%rsi,%r8,8), %r11		# a[i]
	xor	%r9d, %r9d			# j
	xor	%r10d, %r10d			# carry
	test	%r11, %r11
	jz	3f
2:	lea	(%r8,%r9), %rcx
	cmp	$L, %rcx
	jae	3f
	mov	(%r12,%r9,8), %rax
	mul	%r11
	add	%r10, %rax
	adc	$0, %rdx
	add	%rax, (%rdi,%rcx,8)
	adc	$0, %rdx
	mov	%rdx, %r10
	inc	%r9
	jmp	2b
3:	inc	%r8
	cmp	$L, %r8
	jb	1b
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rcx
	pop	%rbx
	ret

bigmulsmall:					# %rdi *= %rsi
	push	%rax
	push	%rcx
	push	%rdx
	push	%r8
	xor	%r8d, %r8d			# carry
	xor	%ecx, %ecx
1:	mov	(%rdi,%rcx,8), %rax
	mul	%rsi
	add	%r8, %rax
	adc	$0, %rdx
	mov	%rax, (%rdi,%rcx,8)
	mov	%rdx, %r8
	inc	%ecx
	cmp	$L, %ecx
	jb	1b
	pop	%r8
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

bigmodsmall:					# %rax = %rdi mod %rsi (not modified)
	push	%rcx
	push	%rdx
	mov	$L, %ecx
	xor	%edx, %edx
1:	mov	-8(%rdi,%rcx,8), %rax
	div	%rsi
	loop	1b
	mov	%rdx, %rax
	pop	%rdx
	pop	%rcx
	ret

bigdivsmall:					# %rdi /= %rsi; remainder in %rax; %rdx = nonzero if quotient != 0
	push	%rcx
	push	%r8
	mov	$L, %ecx
	xor	%edx, %edx
	xor	%r8d, %r8d
1:	mov	-8(%rdi,%rcx,8), %rax
	div	%rsi
	mov	%rax, -8(%rdi,%rcx,8)
	or	%rax, %r8
	loop	1b
	mov	%rdx, %rax
	mov	%r8, %rdx
	pop	%r8
	pop	%rcx
	ret

# print the bignum at %rsi in decimal; %r14 = its digit sum
bigprint:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	sub	$8*L, %rsp			# working copy on the stack
	mov	%rsp, %rdi
	call	bigcopy
	lea	chunks(%rip), %rbx
	xor	%r8d, %r8d			# chunk count
	mov	$10000000000000000000, %rsi
1:	call	bigdivsmall
	mov	%rax, (%rbx,%r8,8)
	inc	%r8
	test	%rdx, %rdx
	jnz	1b
	xor	%r14d, %r14d
	dec	%r8
	mov	(%rbx,%r8,8), %rax
	call	putdec
	call	digsum
2:	dec	%r8
	js	3f
	mov	(%rbx,%r8,8), %rax
	mov	$19, %edx
	call	putpad
	call	digsum
	jmp	2b
3:	add	$8*L, %rsp
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	ret

digsum:						# %r14 += digit sum of %rax
	push	%rax
	push	%rcx
	push	%rdx
	mov	$10, %ecx
1:	xor	%edx, %edx
	div	%rcx
	add	%rdx, %r14
	test	%rax, %rax
	jnz	1b
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret
