# 12_fault_readonly.S — Ends with a deliberate protection fault: fills an mmap'ed buffer, makes its second page
# read-only with mprotect, reads it back successfully, then writes into it. Natively the
# process dies of SIGSEGV (status 139); x64emu must exit with 139 after the same output.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.text
	.globl _start
_start:
	mov	$9, %eax			# mmap(0, 2 pages, RW, PRIVATE|ANON, -1, 0)
	xor	%edi, %edi
	mov	$8192, %esi
	mov	$3, %edx
	mov	$0x22, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
	syscall
	mov	%rax, %r12
	mov	%r12, %rdi
	mov	$2048, %ecx
	mov	$0x9e3779b9, %eax
1:	stosl
	rol	$5, %eax
	add	%ecx, %eax
	loop	1b
	mov	$10, %eax			# mprotect(page 2, PROT_READ)
	lea	4096(%r12), %rdi
	mov	$4096, %esi
	mov	$1, %edx
	syscall
	SAY	"mprotect: "
	call	putsdec
	xor	%eax, %eax
	mov	$2048, %ecx
	mov	%r12, %rsi
2:	add	(%rsi), %eax
	rol	$1, %eax
	add	$4, %rsi
	loop	2b
	SAY	"\nsum: "
	call	puthex
	SAY	"\nwriting to the first page works"
	incl	100(%r12)
	SAY	"\nwriting to the read-only page...\n"
	call	flush
	movb	$0, 4096+123(%r12)
	SAY	"not reached\n"
	xor	%edi, %edi
	jmp	exit_with
