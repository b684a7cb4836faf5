# 05_bits.S — Bit manipulation: bitwise CRC32 (reflected, poly 0xEDB88320) and a table-driven CRC32
# that must agree, FNV-1a and a multiply-rotate hash over a buffer, popcnt/lzcnt/tzcnt/
# bsf/bsr in 16/32/64-bit forms with their flags, bt/bts/btr/btc, bswap, xlat.
# Exit status: combined hash & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	BUFSZ, 10000
	.bss
	.balign 16
buf:	.skip	BUFSZ
crctab:	.skip	4 * 256
	.section .rodata
check:	.ascii	"123456789"
	.text
	.globl _start
_start:
	xor	%r15d, %r15d
	# CRC of the standard check string: 0xcbf43926
	SAY	"crc32(\"123456789\") = "
	lea	check(%rip), %rsi
	mov	$9, %ecx
	call	crc32_bitwise
	call	puthex
	call	putnl

	# buffer: bytes from a 32-bit LCG
	lea	buf(%rip), %rdi
	mov	$BUFSZ, %ecx
	mov	$7, %eax
1:	imul	$214013, %eax, %eax
	add	$2531011, %eax
	mov	%eax, %edx
	shr	$16, %edx
	mov	%dl, (%rdi)
	inc	%rdi
	dec	%ecx
	jnz	1b

	call	crc32_table_init
	SAY	"crc32 of prefixes (bitwise/table):"
	mov	$1, %ebx
2:	lea	buf(%rip), %rsi
	mov	%ebx, %ecx
	call	crc32_bitwise
	mov	%eax, %r12d
	lea	buf(%rip), %rsi
	mov	%ebx, %ecx
	call	crc32_table
	SAY	" "
	mov	%r12, %rax
	call	puthex
	cmp	%eax, %r12d
	je	3f
	SAY	"!=TABLE"
3:	add	%rax, %r15
	imul	$3, %ebx
	add	$1, %ebx
	cmp	$BUFSZ, %ebx
	jbe	2b
	call	putnl

	SAY	"fnv1a64: "
	lea	buf(%rip), %rsi
	mov	$BUFSZ, %ecx
	mov	$0xcbf29ce484222325, %rax
	mov	$0x100000001b3, %rdx
4:	movzbl	(%rsi), %r8d
	xor	%r8, %rax
	imul	%rdx, %rax
	inc	%rsi
	loop	4b
	call	puthex16
	xor	%rax, %r15
	SAY	"\nmurmur-ish: "
	lea	buf(%rip), %rsi
	mov	$BUFSZ/8, %ecx
	mov	$0x87c37b91114253d5, %r9
	xor	%eax, %eax
5:	mov	(%rsi), %rdx
	imul	%r9, %rdx
	rol	$31, %rdx
	xor	%rdx, %rax
	rol	$27, %rax
	lea	0x52dce729(%rax,%rax,4), %rax
	add	$8, %rsi
	loop	5b
	mov	%rax, %rdx			# fmix64
	shr	$33, %rdx
	xor	%rdx, %rax
	mov	$0xff51afd7ed558ccd, %rdx
	imul	%rdx, %rax
	mov	%rax, %rdx
	shr	$33, %rdx
	xor	%rdx, %rax
	call	puthex16
	add	%rax, %r15
	call	putnl

	# bit counting over values v_k = rotating products, plus edge values
	SAY	"bitcount table (v popcnt lzcnt tzcnt bsf bsr / 32 / 16; flags):\n"
	lea	edges(%rip), %rsi
	mov	$nedges, %ebx
6:	mov	(%rsi), %r12
	call	bitline
	add	$8, %rsi
	dec	%ebx
	jnz	6b
	mov	$0x123456789, %r12
	mov	$24, %ebx
7:	call	bitline
	mov	%r12, %rax
	mov	$0x5851F42D4C957F2D, %rdx
	mul	%rdx
	xor	%rdx, %rax
	mov	%ebx, %ecx
	shr	%cl, %rax			# fewer bits as the loop goes on
	mov	%rax, %r12
	dec	%ebx
	jnz	7b

	# popcount of the whole buffer three ways (popcnt 64, popcnt 16, bit loop)
	SAY	"popcount(buf): "
	lea	buf(%rip), %rsi
	mov	$BUFSZ/8, %ecx
	xor	%eax, %eax
8:	popcnt	(%rsi), %rdx
	add	%rdx, %rax
	add	$8, %rsi
	loop	8b
	call	putdec
	mov	%rax, %r12
	lea	buf(%rip), %rsi
	mov	$BUFSZ/2, %ecx
	xor	%eax, %eax
9:	popcnt	(%rsi), %dx
	movzwl	%dx, %edx
	add	%rdx, %rax
	add	$2, %rsi
	loop	9b
	SAY	" "
	call	putdec
	lea	buf(%rip), %rsi
	xor	%eax, %eax
	xor	%ecx, %ecx
10:	bt	%rcx, (%rsi)			# bit string addressing beyond the first quadword
	adc	$0, %rax
	inc	%rcx
	cmp	$BUFSZ*8, %rcx
	jb	10b
	SAY	" "
	call	putdec
	add	%rax, %r15
	call	putnl

	# bts/btr/btc on memory with register offsets (including negative ones) and on registers
	SAY	"bt ops: "
	lea	buf+5000(%rip), %rsi
	mov	$-3000, %rcx
	xor	%edx, %edx
11:	bts	%rcx, (%rsi)
	adc	$0, %edx
	lea	7(%rcx), %rax
	btr	%rax, (%rsi)
	adc	$0, %edx
	lea	13(%rcx), %rax
	btc	%rax, (%rsi)
	adc	$0, %edx
	add	$97, %rcx
	cmp	$3000, %rcx
	jl	11b
	mov	%edx, %eax
	call	putdec
	SAY	" "
	mov	$0xF0F0F0F0F0F0F0F0, %rax
	mov	$70, %ecx
	btc	%rcx, %rax			# register bit offsets wrap modulo 64
	btsl	$31, %eax			# (32-bit form zero-extends)
	btr	$63, %rax
	bts	$200, %rax
	call	puthex
	add	%rax, %r15
	SAY	" "
	lea	buf(%rip), %rdi
	mov	$BUFSZ, %esi
	call	fnv
	call	puthex
	xor	%rax, %r15
	call	putnl

	# bswap and xlat
	SAY	"bswap: "
	mov	$0x0102030405060708, %rax
	bswap	%rax
	call	puthex
	SAY	" "
	mov	$0x0102030405060708, %rax
	bswap	%eax
	call	puthex
	SAY	" "
	mov	$0x1122334455667788, %r9
	bswap	%r9
	mov	%r9, %rax
	call	puthex
	SAY	"\nxlat: "
	lea	hexdigits(%rip), %rbx
	mov	$0xfedcba9876543210, %rdx
	mov	$16, %ecx
12:	mov	%edx, %eax
	and	$15, %eax
	xlat
	movzbl	%al, %edi
	call	putc
	shr	$4, %rdx
	loop	12b
	call	putnl

	SAY	"result: "
	mov	%r15, %rax
	call	puthex16
	call	putnl
	mov	%r15, %rdi
	shr	$16, %rdi
	and	$0xff, %edi
	jmp	exit_with

# one table line for the value in %r12
bitline:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rdi
	SAY	"  "
	mov	%r12, %rax
	call	puthex16
	popcnt	%r12, %rax
	call	flagsp
	lzcnt	%r12, %rax
	call	flagsp
	tzcnt	%r12, %rax
	call	flagsp
	test	%r12, %r12
	jz	1f				# bsf/bsr leave the destination undefined for 0
	bsf	%r12, %rax
	call	flagsp
	bsr	%r12, %rax
	call	flagsp
	SAY	" /"
	popcnt	%r12d, %eax
	call	flagsp
	lzcnt	%r12d, %eax
	call	flagsp
	tzcnt	%r12d, %eax
	call	flagsp
	SAY	" /"
	popcnt	%r12w, %ax
	movzwl	%ax, %eax
	call	flagsp
	lzcnt	%r12w, %ax
	movzwl	%ax, %eax
	call	flagsp
	mov	$-1, %rax
	tzcnt	%r12w, %ax
	call	flagsp				# upper bits of %rax must be unchanged
1:	call	putnl
	pop	%rdi
	pop	%rcx
	pop	%rdx
	pop	%rax
	ret

# print " %rax" followed by C and Z flag letters as they are on entry
flagsp:
	pushf
	push	%rdx
	SAY	" "
	call	putdec
	mov	8(%rsp), %rdx
	test	$1, %dl
	jz	1f
	SAY	"c"
1:	test	$0x40, %dl
	jz	2f
	SAY	"z"
2:	pop	%rdx
	popf
	ret

# %eax = CRC32 of %ecx bytes at %rsi, one bit at a time
crc32_bitwise:
	push	%rcx
	push	%rdx
	push	%rsi
	mov	$0xffffffff, %eax
1:	test	%ecx, %ecx
	jz	4f
	movzbl	(%rsi), %edx
	xor	%edx, %eax
	mov	$8, %edx
2:	shr	$1, %eax
	jnc	3f
	xor	$0xEDB88320, %eax
3:	dec	%edx
	jnz	2b
	inc	%rsi
	dec	%ecx
	jmp	1b
4:	not	%eax
	pop	%rsi
	pop	%rdx
	pop	%rcx
	ret

crc32_table_init:
	push	%rax
	push	%rcx
	push	%rdx
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	mov	$8, %edx
2:	mov	%eax, %edi
	and	$1, %edi
	neg	%edi				# mask = -(crc & 1)
	and	$0xEDB88320, %edi
	shr	$1, %eax
	xor	%edi, %eax
	dec	%edx
	jnz	2b
	lea	crctab(%rip), %rdx
	mov	%eax, (%rdx,%rcx,4)
	inc	%ecx
	cmp	$256, %ecx
	jb	1b
	pop	%rdx
	pop	%rcx
	pop	%rax
	ret

crc32_table:
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	lea	crctab(%rip), %rdi
	mov	$0xffffffff, %eax
	jecxz	2f
1:	movzbl	(%rsi), %edx
	xor	%al, %dl
	shr	$8, %eax
	xor	(%rdi,%rdx,4), %eax
	inc	%rsi
	loop	1b
2:	not	%eax
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	ret

# %rax = FNV-1a 32 of %rsi bytes at %rdi
fnv:
	push	%rcx
	push	%rdx
	mov	%rsi, %rcx
	mov	$0x811c9dc5, %eax
1:	movzbl	-1(%rdi,%rcx), %edx
	xor	%edx, %eax
	imul	$0x01000193, %eax, %eax
	loop	1b
	pop	%rdx
	pop	%rcx
	ret

	.section .rodata
	.balign 8
edges:	.quad	0, 1, 2, 3, 0x8000000000000000, 0xffffffffffffffff, 0x00000000ffffffff
	.quad	0xffffffff00000000, 0x0000000000010000, 0x0000000080000000, 0x0001000000000000, 0x5555555555555555
	nedges = (. - edges) / 8
