# 14_read_readonly.S — A program bug a debugger user would chase: the first read(2) is given a pointer into
# .rodata by mistake. Linux answers -EFAULT (-14) and leaves the input unread; the program
# then reads everything into its real buffer and prints counts and a checksum, and checks
# that the read-only string is intact. Exit status: byte count & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

# ---------------------------------------------------------------------------
# Output library (identical in every program of the suite; no libc).
# Buffered stdout. All routines preserve every register except the flags.
#   putc   %dil            one byte
#   puts   %rsi            NUL-terminated string
#   putdec %rax            unsigned decimal
#   putsdec %rax           signed decimal
#   puthex %rax            hex, minimal digits, no prefix
#   puthex16 %rax          hex, 16 digits
#   putnl                  newline
#   flush                  write the buffer to fd 1
#   exit_with %edi         flush, then exit_group(%edi)
# ---------------------------------------------------------------------------
	.bss
	.balign 16
outbuf:	.skip 4096
outlen:	.skip 8
numbuf:	.skip 32
	.section .rodata
hexdigits: .ascii "0123456789abcdef"
	.text
putc:
	push	%rax
	push	%rcx
	mov	outlen(%rip), %rax
	cmp	$4096, %rax
	jb	1f
	call	flush
	xor	%eax, %eax
1:	lea	outbuf(%rip), %rcx
	mov	%dil, (%rcx,%rax)
	inc	%rax
	mov	%rax, outlen(%rip)
	pop	%rcx
	pop	%rax
	ret

flush:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r11
	mov	outlen(%rip), %rdx
	lea	outbuf(%rip), %rsi
1:	test	%rdx, %rdx
	jz	2f
	mov	$1, %eax
	mov	$1, %edi
	syscall
	test	%rax, %rax
	jle	2f
	add	%rax, %rsi
	sub	%rax, %rdx
	jmp	1b
2:	movq	$0, outlen(%rip)
	pop	%r11
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

puts:
	push	%rsi
	push	%rdi
1:	movzbl	(%rsi), %edi
	test	%edi, %edi
	jz	2f
	call	putc
	inc	%rsi
	jmp	1b
2:	pop	%rdi
	pop	%rsi
	ret

putnl:
	push	%rdi
	mov	$10, %edi
	call	putc
	pop	%rdi
	ret

putdec:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	lea	numbuf+31(%rip), %rsi
	movb	$0, (%rsi)
	mov	$10, %ecx
1:	xor	%edx, %edx
	div	%rcx
	add	$'0', %dl
	dec	%rsi
	mov	%dl, (%rsi)
	test	%rax, %rax
	jnz	1b
	call	puts
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

putsdec:
	push	%rax
	push	%rdi
	test	%rax, %rax
	jns	1f
	mov	$'-', %edi
	call	putc
	neg	%rax
1:	call	putdec
	pop	%rdi
	pop	%rax
	ret

puthex:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	lea	numbuf+31(%rip), %rsi
	movb	$0, (%rsi)
	lea	hexdigits(%rip), %rcx
1:	mov	%eax, %edx
	and	$15, %edx
	movzbl	(%rcx,%rdx), %edx
	dec	%rsi
	mov	%dl, (%rsi)
	shr	$4, %rax
	jnz	1b
	call	puts
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

puthex16:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rdi
	lea	hexdigits(%rip), %rcx
	mov	$16, %edx
1:	rol	$4, %rax
	mov	%eax, %edi
	and	$15, %edi
	movzbl	(%rcx,%rdi), %edi
	call	putc
	dec	%edx
	jnz	1b
	pop	%rdi
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

exit_with:
	call	flush
	mov	$231, %eax
	syscall
	ud2

# SAY "text": print a string literal (preserves all registers but the flags).
.macro SAY text
	.pushsection .rodata
.Lsay\@: .asciz "\text"
	.popsection
	push	%rsi
	lea	.Lsay\@(%rip), %rsi
	call	puts
	pop	%rsi
.endm
# ---------------------------------------------------------------------------

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
