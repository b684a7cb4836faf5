# 01_numbers.S — Integer arithmetic printed in decimal and hex: mul/imul/div/idiv, shifts and rotates,
# Fibonacci, Collatz, gcd, integer square roots. Exit status: checksum & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.text
	.globl _start
_start:
	xor	%r15d, %r15d			# running checksum

	# Fibonacci numbers F(0)..F(93) (F(93) is the largest that fits in 64 bits)
	SAY	"fibonacci:\n"
	xor	%eax, %eax
	mov	$1, %ebx
	xor	%ecx, %ecx
1:	test	$7, %ecx
	jnz	2f
	SAY	"F("
	push	%rax
	mov	%rcx, %rax
	call	putdec
	pop	%rax
	SAY	") = "
	call	putdec
	SAY	" = 0x"
	call	puthex
	call	putnl
2:	add	%rax, %r15
	rol	$7, %r15
	lea	(%rax,%rbx), %rdx
	mov	%rbx, %rax
	mov	%rdx, %rbx
	inc	%ecx
	cmp	$94, %ecx
	jb	1b
	SAY	"F(93) = "
	call	putdec
	call	putnl

	# unsigned and signed multiplication: full 128-bit products
	SAY	"products:\n"
	mov	$0x9E3779B97F4A7C15, %r12
	mov	$1, %r13
	mov	$12, %ebp
3:	mov	%r13, %rax
	mul	%r12				# rdx:rax
	SAY	"  "
	push	%rax
	mov	%rdx, %rax
	call	puthex16
	pop	%rax
	SAY	":"
	call	puthex16
	xor	%rax, %r15
	add	%rdx, %r15
	mov	%r13, %rax
	imul	%r12				# signed rdx:rax
	SAY	"  signed hi "
	push	%rax
	mov	%rdx, %rax
	call	putsdec
	pop	%rax
	call	putnl
	imul	$-7, %r13, %r13
	add	$0x1234567, %r13
	rol	$13, %r13
	dec	%ebp
	jnz	3b

	# division: unsigned and signed, quotient and remainder
	SAY	"division:\n"
	lea	dividends(%rip), %rsi
	mov	$ndividends, %ebp
4:	mov	(%rsi), %rbx
	lea	divisors(%rip), %rdi
	mov	$ndivisors, %r14d
5:	mov	(%rdi), %rcx
	SAY	"  "
	mov	%rbx, %rax
	call	putsdec
	SAY	" / "
	mov	%rcx, %rax
	call	putsdec
	SAY	": udiv "
	mov	%rbx, %rax
	xor	%edx, %edx
	div	%rcx
	call	putdec
	SAY	" r "
	mov	%rdx, %rax
	call	putdec
	add	%rax, %r15
	SAY	", idiv "
	mov	%rbx, %rax
	cqo
	idiv	%rcx
	call	putsdec
	SAY	" r "
	mov	%rdx, %rax
	call	putsdec
	xor	%rax, %r15
	# 32-bit and 16-bit and 8-bit forms
	SAY	", div32 "
	mov	%ebx, %eax
	xor	%edx, %edx
	mov	%ecx, %r8d
	or	$1, %r8d
	div	%r8d
	call	putdec
	SAY	" r "
	mov	%edx, %eax
	call	putdec
	SAY	", idiv8 "
	movsbw	%bl, %ax
	mov	%cl, %r9b
	or	$3, %r9b
	and	$0x3f, %r9b
	idiv	%r9b
	movsbl	%ah, %edx			# remainder
	movslq	%edx, %rdx
	movsbq	%al, %rax			# quotient
	call	putsdec
	SAY	" r "
	mov	%rdx, %rax
	call	putsdec
	add	%rax, %r15
	call	putnl
	add	$8, %rdi
	dec	%r14d
	jnz	5b
	add	$8, %rsi
	dec	%ebp
	jnz	4b

	# shifts and rotates, including through carry and double-precision shifts
	SAY	"shifts:\n"
	mov	$0xF0E1D2C3B4A59687, %rbx
	xor	%ecx, %ecx
6:	SAY	"  "
	mov	%rbx, %rax
	shl	%cl, %rax
	call	puthex
	SAY	" "
	mov	%rbx, %rax
	shr	%cl, %rax
	call	puthex
	SAY	" "
	mov	%rbx, %rax
	sar	%cl, %rax
	call	puthex
	SAY	" "
	mov	%rbx, %rax
	rol	%cl, %rax
	call	puthex
	SAY	" "
	mov	%rbx, %rax
	mov	$0x0123456789ABCDEF, %rdx
	shld	%cl, %rdx, %rax
	call	puthex
	SAY	" "
	mov	%rbx, %rax
	shrd	%cl, %rdx, %rax
	call	puthex
	SAY	" "
	mov	%rbx, %rax
	stc
	rcl	%cl, %rax
	setc	%dl
	call	puthex
	movzbl	%dl, %edx
	add	%rdx, %r15
	SAY	" "
	mov	%ebx, %eax
	clc
	rcr	%cl, %eax
	call	puthex
	add	%rax, %r15
	SAY	" "
	mov	%bx, %ax
	ror	%cl, %ax
	movzwl	%ax, %eax
	call	puthex
	call	putnl
	add	$5, %ecx
	cmp	$64, %ecx
	jb	6b

	# gcd (Euclid with div) and lcm over pairs
	SAY	"gcd/lcm:\n"
	mov	$1000000007, %r12
	mov	$360360, %r13
	mov	$10, %ebp
7:	mov	%r12, %rax
	mov	%r13, %rbx
8:	test	%rbx, %rbx
	jz	9f
	xor	%edx, %edx
	div	%rbx
	mov	%rbx, %rax
	mov	%rdx, %rbx
	jmp	8b
9:	SAY	"  gcd("
	push	%rax
	mov	%r12, %rax
	call	putdec
	SAY	", "
	mov	%r13, %rax
	call	putdec
	SAY	") = "
	pop	%rax
	call	putdec
	mov	%rax, %rcx
	mov	%r12, %rax
	xor	%edx, %edx
	div	%rcx
	mul	%r13
	SAY	" lcm = "
	call	putdec
	call	putnl
	add	%rax, %r15
	# next pair
	lea	(%r12,%r12,2), %r12
	shr	$1, %r12
	add	$210, %r13
	imul	$6, %r13, %r13
	dec	%ebp
	jnz	7b

	# Collatz: longest chain below 3000
	xor	%r12d, %r12d			# best length
	xor	%r13d, %r13d			# best start
	mov	$1, %ebx
10:	mov	%rbx, %rax
	xor	%ecx, %ecx
11:	cmp	$1, %rax
	je	13f
	inc	%ecx
	test	$1, %al
	jnz	12f
	shr	$1, %rax
	jmp	11b
12:	lea	1(%rax,%rax,2), %rax
	jmp	11b
13:	cmp	%r12, %rcx
	cmova	%rcx, %r12
	cmova	%rbx, %r13
	inc	%ebx
	cmp	$3000, %ebx
	jb	10b
	SAY	"collatz: start "
	mov	%r13, %rax
	call	putdec
	SAY	" steps "
	mov	%r12, %rax
	call	putdec
	call	putnl
	add	%r12, %r15

	# integer square roots by Newton iteration
	SAY	"isqrt:"
	mov	$2, %rbx
14:	mov	%rbx, %rax
	call	isqrt
	SAY	" "
	call	putdec
	add	%rax, %r15
	mov	%rbx, %rax
	mov	$77, %ecx
	mul	%rcx
	jc	15f
	lea	13(%rax), %rbx
	jmp	14b
15:	call	putnl

	# extremes
	SAY	"extremes: "
	mov	$0x8000000000000000, %rax
	call	putsdec
	SAY	" "
	call	putdec
	SAY	" "
	mov	$-1, %rax
	call	putdec
	SAY	" "
	call	putsdec
	call	putnl

	SAY	"checksum: "
	mov	%r15, %rax
	call	puthex16
	call	putnl
	movzbl	%r15b, %edi
	jmp	exit_with

# %rax = floor(sqrt(%rax)), Newton's method on unsigned values
isqrt:
	push	%rbx
	push	%rcx
	push	%rdx
	push	%r8
	mov	%rax, %r8			# n
	cmp	$2, %rax
	jb	3f
	bsr	%r8, %rcx			# x0 = 2^(floor(log2 n)/2 + 1) > sqrt(n)
	shr	$1, %ecx
	inc	%ecx
	mov	$1, %ebx
	shl	%cl, %rbx			# x
2:	mov	%r8, %rax
	xor	%edx, %edx
	div	%rbx				# n / x
	add	%rbx, %rax
	rcr	$1, %rax			# (x + n/x) / 2 (keeps the carry of the sum)
	cmp	%rbx, %rax
	jae	4f
	mov	%rax, %rbx
	jmp	2b
4:	mov	%rbx, %rax
3:	pop	%r8
	pop	%rdx
	pop	%rcx
	pop	%rbx
	ret

	.section .rodata
	.balign 8
dividends:
	.quad 1000000007, -1000000007, 0x7fffffffffffffff, 123456789012345678, -5, 99, 0x8000000000000001
	ndividends = (. - dividends) / 8
divisors:
	.quad 7, -7, 10, 1000, -3, 65536
	ndivisors = (. - divisors) / 8
