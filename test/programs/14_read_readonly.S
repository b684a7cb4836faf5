# 14_read_readonly.S — A program bug a debugger user would chase: the first read(2) is given a pointer into
# .rodata by mistake. Linux answers -EFAULT (-14) and leaves the input unread; the program
# then reads everything into its real buffer and prints counts and a checksum, and checks
# that the read-only string is intact. Exit status: byte count & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.section .rodata
banner:	.asciz	"this string lives in read-only memory"
	.bss
	.balign 16
buf:	.skip	4096
	.text
	.globl _start
_start:
	xor	%eax, %eax			# read(0, banner, 16): wrong buffer
	xor	%edi, %edi
	lea	banner(%rip), %rsi
	mov	$16, %edx
	syscall
	SAY	"read into .rodata: "
	call	putsdec
	xor	%r12d, %r12d			# bytes
	xor	%r13d, %r13d			# checksum
1:	xor	%eax, %eax
	xor	%edi, %edi
	lea	buf(%rip), %rsi
	mov	$4096, %edx
	syscall
	test	%rax, %rax
	jle	3f
	add	%rax, %r12
	lea	buf(%rip), %rsi
	mov	%rax, %rcx
2:	movzbl	(%rsi), %eax
	imul	$31, %r13, %r13
	add	%rax, %r13
	inc	%rsi
	loop	2b
	jmp	1b
3:	SAY	"\nlast read: "
	call	putsdec
	SAY	"\nbytes: "
	mov	%r12, %rax
	call	putdec
	SAY	"\nchecksum: "
	mov	%r13, %rax
	call	puthex16
	SAY	"\nfirst bytes: \""
	movb	$0, buf+20(%rip)
	lea	buf(%rip), %rsi
	call	puts
	SAY	"\"\nbanner: \""
	lea	banner(%rip), %rsi
	call	puts
	SAY	"\"\n"
	movzbl	%r12b, %edi
	jmp	exit_with
