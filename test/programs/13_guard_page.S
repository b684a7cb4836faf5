# 13_guard_page.S — Reserve-then-commit memory with a guard: mmap reserves 16 pages PROT_NONE, mprotect commits
# the first 4 read/write; a table is built and summed there, then a loop that runs one element
# too far reads the first reserved page. Natively that is SIGSEGV (status 139); x64emu must
# exit with 139 after the same output.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

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
