# 11_fault_divide.S — Ends with a deliberate divide error: prints a table of signed divisions, then divides
# INT64_MIN by -1 (quotient overflow, #DE like a division by zero). Natively the process dies
# of SIGFPE (status 136); x64emu must exit with 136 after the same output.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.text
	.globl _start
_start:
	SAY	"divisions:\n"
	lea	pairs(%rip), %rsi
	mov	$npairs, %ebx
1:	mov	(%rsi), %rax
	mov	8(%rsi), %rcx
	SAY	"  "
	call	putsdec
	SAY	" / "
	push	%rax
	mov	%rcx, %rax
	call	putsdec
	pop	%rax
	cqo
	idiv	%rcx
	SAY	" = "
	call	putsdec
	SAY	" rem "
	mov	%rdx, %rax
	call	putsdec
	call	putnl
	add	$16, %rsi
	dec	%ebx
	jnz	1b
	SAY	"now INT64_MIN / -1\n"
	call	flush
	mov	$0x8000000000000000, %rax
	mov	$-1, %rcx
	cqo
	idiv	%rcx
	SAY	"not reached\n"
	xor	%edi, %edi
	jmp	exit_with

	.section .rodata
	.balign 8
pairs:	.quad	100, 7,  -100, 7,  100, -7,  -100, -7,  0x7fffffffffffffff, -1
	.quad	0x8000000000000000, 1,  0x8000000000000000, 2,  0x8000000000000001, -1, 1, 0x7fffffffffffffff
	npairs = (. - pairs) / 16
