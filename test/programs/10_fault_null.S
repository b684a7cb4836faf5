# 10_fault_null.S — Ends with a deliberate fault: builds a linked list, prints it, then a buggy loop follows
# the NULL next pointer of the last node and stores through it (a write near address 0).
# Natively the process dies of SIGSEGV (shell status 139); x64emu must exit with 139 after
# printing the same output (which the program flushes before the bad store).
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	NODES, 20
	.bss
	.balign 16
nodes:	.skip	16 * NODES			# struct { long value; node *next; }
	.text
	.globl _start
_start:
	lea	nodes(%rip), %rdi
	xor	%ecx, %ecx
	mov	$1, %eax
1:	mov	%rax, (%rdi)
	lea	16(%rdi), %rdx
	mov	%rdx, 8(%rdi)
	imul	$3, %rax
	and	$0xffff, %eax
	inc	%ecx
	cmp	$NODES, %ecx
	je	2f
	mov	%rdx, %rdi
	jmp	1b
2:	movq	$0, 8(%rdi)			# last->next = NULL
	SAY	"list:"
	lea	nodes(%rip), %rsi
	xor	%ebx, %ebx
3:	SAY	" "
	mov	(%rsi), %rax
	call	putdec
	add	%rax, %rbx
	mov	8(%rsi), %rsi
	test	%rsi, %rsi
	jnz	3b
	SAY	"\nsum: "
	mov	%rbx, %rax
	call	putdec
	SAY	"\nnow storing through the NULL next pointer...\n"
	call	flush
	# bug: walks one node too far
	lea	nodes(%rip), %rsi
	mov	$NODES, %ecx
4:	mov	8(%rsi), %rsi
	addq	$1, (%rsi)			# faults at address 0 when %rsi = NULL
	loop	4b
	SAY	"not reached\n"
	xor	%edi, %edi
	jmp	exit_with
