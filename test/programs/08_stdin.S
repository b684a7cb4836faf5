# 08_stdin.S — Reads all of stdin (read(0, buf, 1000) until it returns 0) and prints byte, line and word
# counts, the longest line, Adler-32, the first line and the most frequent bytes; then checks
# that read at end of input keeps returning 0. Exit status: lines & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	CHUNK, 1000
	.bss
	.balign 16
buf:	.skip	CHUNK
hist:	.skip	8 * 256
first:	.skip	64
	.text
	.globl _start
_start:
	xor	%r12d, %r12d			# bytes
	xor	%r13d, %r13d			# lines
	xor	%r14d, %r14d			# words
	xor	%r15d, %r15d			# reads
	mov	$1, %ebx			# adler a
	xor	%ebp, %ebp			# adler b
	xor	%r10d, %r10d			# in-word flag
	xor	%r11d, %r11d			# current line length
	xor	%r9d, %r9d			# longest line
	xor	%r8d, %r8d			# bytes of the first line kept (bit 63: first line done)
1:	xor	%eax, %eax			# read(0, buf, CHUNK)
	xor	%edi, %edi
	lea	buf(%rip), %rsi
	mov	$CHUNK, %edx
	push	%r11
	syscall
	pop	%r11
	test	%rax, %rax
	js	90f
	jz	10f
	inc	%r15
	add	%rax, %r12
	lea	buf(%rip), %rsi
	mov	%rax, %rcx
2:	movzbl	(%rsi), %edx
	inc	%rsi
	lea	hist(%rip), %rdi
	incq	(%rdi,%rdx,8)
	add	%edx, %ebx			# adler32
	cmp	$65521, %ebx
	jb	3f
	sub	$65521, %ebx
3:	add	%ebx, %ebp
	cmp	$65521, %ebp
	jb	4f
	sub	$65521, %ebp
4:	bt	$63, %r8			# keep the first line
	jc	5f
	cmp	$10, %edx
	je	41f
	cmp	$63, %r8
	jae	5f
	lea	first(%rip), %rdi
	mov	%dl, (%rdi,%r8)
	inc	%r8
	jmp	5f
41:	bts	$63, %r8
5:	cmp	$10, %edx			# lines
	jne	6f
	inc	%r13
	cmp	%r9, %r11
	cmova	%r11, %r9
	mov	$-1, %r11
6:	inc	%r11
	xor	%eax, %eax			# space: ' ' \t \n \r \v \f
	cmp	$' ', %edx
	sete	%al
	lea	-9(%rdx), %edi
	cmp	$4, %edi
	setbe	%dil
	or	%dil, %al
	jnz	7f
	test	%r10d, %r10d			# start of a word?
	jnz	8f
	inc	%r14
	mov	$1, %r10d
	jmp	8f
7:	xor	%r10d, %r10d
8:	dec	%rcx
	jnz	2b
	jmp	1b

10:	cmp	%r9, %r11			# an unterminated last line counts for the longest
	cmova	%r11, %r9
	SAY	"bytes "
	mov	%r12, %rax
	call	putdec
	SAY	" lines "
	mov	%r13, %rax
	call	putdec
	SAY	" words "
	mov	%r14, %rax
	call	putdec
	SAY	" longest "
	mov	%r9, %rax
	call	putdec
	SAY	"\nadler32 "
	mov	%ebp, %eax
	shl	$16, %eax
	or	%ebx, %eax
	call	puthex
	SAY	"\nfirst line: \""
	btr	$63, %r8
	lea	first(%rip), %rdi
	movb	$0, (%rdi,%r8)
	mov	%rdi, %rsi
	call	puts
	SAY	"\"\ntop bytes:"
	mov	$5, %ebx			# five times: find and clear the maximum
11:	xor	%ecx, %ecx
	xor	%edx, %edx			# best index
	xor	%eax, %eax			# best count
	lea	hist(%rip), %rdi
12:	cmp	%rax, (%rdi,%rcx,8)
	jbe	13f
	mov	(%rdi,%rcx,8), %rax
	mov	%ecx, %edx
13:	inc	%ecx
	cmp	$256, %ecx
	jb	12b
	test	%rax, %rax
	jz	14f
	movq	$0, (%rdi,%rdx,8)
	SAY	" 0x"
	xchg	%rax, %rdx
	call	puthex
	SAY	"*"
	mov	%rdx, %rax
	call	putdec
	dec	%ebx
	jnz	11b
14:	call	putnl
	xor	%ecx, %ecx			# distinct byte values
	xor	%eax, %eax
	lea	hist(%rip), %rdi
15:	mov	(%rdi,%rcx,8), %rdx
	or	$0, %rdx
	jz	16f
	inc	%eax
16:	inc	%ecx
	cmp	$256, %ecx
	jb	15b
	SAY	"other distinct: "
	call	putdec
	# read at end of input: 0 again; read of 0 bytes: 0
	xor	%eax, %eax
	xor	%edi, %edi
	lea	buf(%rip), %rsi
	mov	$CHUNK, %edx
	syscall
	SAY	"\nafter eof: "
	call	putsdec
	xor	%eax, %eax
	xor	%edi, %edi
	lea	buf(%rip), %rsi
	xor	%edx, %edx
	syscall
	SAY	" zero-length: "
	call	putsdec
	call	putnl
	movzbl	%r13b, %edi
	jmp	exit_with

90:	SAY	"read failed: "
	call	putsdec
	call	putnl
	mov	$1, %edi
	jmp	exit_with
