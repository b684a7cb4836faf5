# 13_guard_page.S — Reserve-then-commit memory with a guard: mmap reserves 16 pages PROT_NONE, mprotect commits
# the first 4 read/write; a table is built and summed there, then a loop that runs one element
# too far reads the first reserved page. Natively that is SIGSEGV (status 139); x64emu must
# exit with 139 after the same output.
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

	.set	PAGE, 4096
	.set	COMMIT, 4 * PAGE
	.text
	.globl _start
_start:
	mov	$9, %eax			# mmap(0, 16 pages, PROT_NONE, PRIVATE|ANON, -1, 0)
	xor	%edi, %edi
	mov	$16*PAGE, %esi
	xor	%edx, %edx
	mov	$0x22, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
	syscall
	mov	%rax, %r12
	mov	%r12, %rax
	and	$PAGE-1, %eax
	SAY	"reserve: page offset "
	call	putdec
	mov	$10, %eax			# mprotect(base, 4 pages, PROT_READ|PROT_WRITE)
	mov	%r12, %rdi
	mov	$COMMIT, %esi
	mov	$3, %edx
	syscall
	SAY	"\ncommit: "
	call	putsdec
	# table of squares mod 65521, as 32-bit words filling the committed pages
	xor	%ecx, %ecx
	mov	$65521, %ebx
1:	mov	%ecx, %eax
	mul	%eax
	div	%ebx
	mov	%edx, (%r12,%rcx,4)
	inc	%ecx
	cmp	$COMMIT/4, %ecx
	jb	1b
	xor	%eax, %eax
	xor	%ecx, %ecx
2:	mov	(%r12,%rcx,4), %edx
	add	%rdx, %rax
	inc	%ecx
	cmp	$COMMIT/4, %ecx
	jb	2b
	SAY	"\nsum of the committed table: "
	call	putdec
	SAY	"\nsumming again with an off-by-one bound...\n"
	call	flush
	xor	%eax, %eax
	xor	%ecx, %ecx
3:	mov	(%r12,%rcx,4), %edx		# reads the PROT_NONE page at the last step
	add	%rdx, %rax
	inc	%ecx
	cmp	$COMMIT/4, %ecx
	jbe	3b
	SAY	"not reached: "
	call	putdec
	call	putnl
	xor	%edi, %edi
	jmp	exit_with
