# 06_memory.S — Thread-local style data through %fs and %gs after arch_prctl(ARCH_SET_FS/SET_GS), and
# memory from brk and mmap: grow, fill, sum, shrink, munmap, mprotect read-only and read back.
# Addresses differ between runs natively, so only sizes, sums and comparisons are printed.
# Exit status: combined sums & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	ARCH_SET_GS, 0x1001
	.set	ARCH_SET_FS, 0x1002
	.set	ARCH_GET_FS, 0x1003
	.set	ARCH_GET_GS, 0x1004
	.bss
	.balign 64
tls:	.skip	256				# %fs points at tls+128 (negative and positive offsets)
gsarea:	.skip	64
got:	.skip	8
	.text
	.globl _start
_start:
	xor	%r15d, %r15d
	# ---- %fs / %gs ----
	mov	$158, %eax			# arch_prctl(ARCH_SET_FS, tls + 128)
	mov	$ARCH_SET_FS, %edi
	lea	tls+128(%rip), %rsi
	syscall
	SAY	"set_fs: "
	call	putsdec
	mov	$158, %eax
	mov	$ARCH_SET_GS, %edi
	lea	gsarea(%rip), %rsi
	syscall
	SAY	" set_gs: "
	call	putsdec
	mov	$158, %eax			# arch_prctl(ARCH_GET_FS, &got)
	mov	$ARCH_GET_FS, %edi
	lea	got(%rip), %rsi
	syscall
	SAY	" get_fs: "
	call	putsdec
	lea	tls+128(%rip), %rax
	cmp	got(%rip), %rax
	sete	%al
	movzbl	%al, %eax
	SAY	" same="
	call	putdec
	mov	$158, %eax
	mov	$ARCH_GET_GS, %edi
	lea	got(%rip), %rsi
	syscall
	lea	gsarea(%rip), %rax
	cmp	got(%rip), %rax
	sete	%al
	movzbl	%al, %eax
	SAY	" gs same="
	call	putdec
	call	putnl

	# self pointer at %fs:0 as in the x86-64 TLS ABI, counters at negative offsets
	lea	tls+128(%rip), %rax
	mov	%rax, %fs:0
	movq	$0, %fs:-8
	movl	$0, %fs:-12
	mov	$1000, %ecx
1:	addq	%rcx, %fs:-8
	incl	%fs:-12
	mov	%rcx, %rax
	and	$15, %eax
	addb	%cl, %fs:16(,%rax,1)		# per-slot byte sums, index addressing with fs
	loop	1b
	mov	%fs:0, %rbx			# read the self pointer and use it as a normal address
	SAY	"tls: sum "
	mov	-8(%rbx), %rax
	call	putdec
	SAY	" count "
	mov	%fs:-12, %eax
	call	putdec
	SAY	" slots"
	xor	%ecx, %ecx
2:	SAY	" "
	movzbl	%fs:16(%rcx), %eax
	call	putdec
	add	%rax, %r15
	inc	%ecx
	cmp	$16, %ecx
	jb	2b
	mov	$0x1122334455667788, %rax
	mov	%rax, %gs:8
	mov	gsarea+8(%rip), %rax
	SAY	"\ngs: "
	call	puthex
	mov	%gs:12, %eax
	SAY	" "
	call	puthex
	xor	%rax, %r15
	call	putnl

	# ---- brk ----
	mov	$12, %eax			# brk(0): current break
	xor	%edi, %edi
	syscall
	mov	%rax, %r12			# initial break
	mov	%r12, %rax
	and	$4095, %eax
	SAY	"brk: initial page offset "
	call	putdec
	lea	300000(%r12), %rdi		# grow by 300000 bytes
	mov	$12, %eax
	syscall
	mov	%rax, %r13
	sub	%r12, %rax
	SAY	" grown by "
	call	putdec
	# fill with i*i (as 32-bit words) and sum them
	mov	%r12, %rdi
	xor	%ecx, %ecx
3:	mov	%ecx, %eax
	imul	%eax, %eax
	mov	%eax, (%rdi,%rcx,4)
	inc	%ecx
	cmp	$75000, %ecx
	jb	3b
	xor	%eax, %eax
	xor	%ecx, %ecx
4:	mov	(%r12,%rcx,4), %edx
	add	%rdx, %rax
	inc	%ecx
	cmp	$75000, %ecx
	jb	4b
	SAY	" sum "
	call	putdec
	add	%rax, %r15
	# shrink to 1000 bytes, then grow again: the regrown part must read as zero
	lea	1000(%r12), %rdi
	mov	$12, %eax
	syscall
	sub	%r12, %rax
	SAY	" shrunk to "
	call	putdec
	lea	200000(%r12), %rdi
	mov	$12, %eax
	syscall
	sub	%r12, %rax
	SAY	" regrown to "
	call	putdec
	xor	%eax, %eax
	mov	$8192, %ecx
5:	or	(%r12,%rcx,8), %rax
	inc	%ecx
	cmp	$200000/8, %ecx
	jb	5b
	SAY	" stale "
	call	puthex
	SAY	" kept "			# below the shrink point
	mov	996(%r12), %eax
	call	putdec
	call	putnl

	# ---- mmap / munmap ----
	SAY	"mmap:"
	xor	%ebx, %ebx
6:	mov	$9, %eax			# mmap(0, len, RW, PRIVATE|ANON, -1, 0)
	xor	%edi, %edi
	imul	$12345, %ebx, %esi
	add	$5000, %esi			# len
	mov	%rsi, %r14
	mov	$3, %edx
	mov	$0x22, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
	syscall
	mov	%rax, %r13
	test	$4095, %eax
	setz	%al
	movzbl	%al, %eax
	SAY	" ["
	call	putdec				# page aligned?
	# must be zero-filled, then fill with bytes and sum
	xor	%eax, %eax
	mov	%r13, %rdi
	mov	%r14, %rcx
	repe scasb
	sete	%al
	SAY	" z="
	call	putdec
	mov	%r13, %rdi
	mov	%r14, %rcx
	mov	%bl, %al
	add	$0x41, %al
	rep stosb
	xor	%eax, %eax
	xor	%ecx, %ecx
7:	movzbl	(%r13,%rcx), %edx
	add	%rdx, %rax
	inc	%rcx
	cmp	%r14, %rcx
	jb	7b
	SAY	" sum="
	call	putdec
	add	%rax, %r15
	mov	$11, %eax			# munmap
	mov	%r13, %rdi
	mov	%r14, %rsi
	syscall
	SAY	" unmap="
	call	putsdec
	SAY	"]"
	inc	%ebx
	cmp	$6, %ebx
	jb	6b
	call	putnl

	# ---- mprotect: write, make read-only, read back ----
	mov	$9, %eax
	xor	%edi, %edi
	mov	$3*4096, %esi
	mov	$3, %edx
	mov	$0x22, %r10d
	mov	$-1, %r8
	xor	%r9d, %r9d
	syscall
	mov	%rax, %r13
	mov	%r13, %rdi
	mov	$3*4096/8, %ecx
	mov	$0x0123456789abcdef, %rax
8:	stosq
	rol	$1, %rax
	loop	8b
	mov	$10, %eax			# mprotect(middle page, PROT_READ)
	lea	4096(%r13), %rdi
	mov	$4096, %esi
	mov	$1, %edx
	syscall
	SAY	"mprotect: "
	call	putsdec
	xor	%eax, %eax
	mov	%r13, %rsi
	mov	$3*4096/8, %ecx
9:	add	(%rsi), %rax
	rol	$5, %rax
	add	$8, %rsi
	loop	9b
	SAY	" sum "
	call	puthex
	xor	%rax, %r15
	# munmap the first page only; the rest stays usable
	mov	$11, %eax
	mov	%r13, %rdi
	mov	$4096, %esi
	syscall
	SAY	" partial unmap "
	call	putsdec
	mov	8200(%r13), %rax
	SAY	" third page "
	call	puthex
	call	putnl

	# ---- deep recursion: the stack grows on demand (100000 frames of 48 bytes) ----
	mov	$100000, %edi
	call	deep
	SAY	"deep recursion: "
	call	puthex
	add	%rax, %r15
	call	putnl

	SAY	"total: "
	mov	%r15, %rax
	call	puthex16
	call	putnl
	mov	%r15, %rdi
	and	$0xff, %edi
	jmp	exit_with

deep:						# %rax = f(%rdi), recursing %rdi levels
	push	%rbp
	mov	%rsp, %rbp
	sub	$32, %rsp
	mov	%rdi, -8(%rbp)
	imul	$7, %rdi, %rax
	mov	%rax, -32(%rbp)
	xor	%eax, %eax
	test	%rdi, %rdi
	jz	1f
	dec	%rdi
	call	deep
	add	-32(%rbp), %rax
	xor	-8(%rbp), %rax
	rol	$3, %rax
1:	leave
	ret
