# 03_strings.S — String routines built on the string instructions: memcpy (rep movsq + movsb), memset
# (rep stosq/stosb), strlen (repne scasb), memchr, strcmp (repe cmpsb), memcmp in words,
# memmove with overlap in both directions (std/cld), lodsb/stosb transforms.
# Exit status: final hash & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	BUFSZ, 4096
	.bss
	.balign 16
buf:	.skip	BUFSZ
buf2:	.skip	BUFSZ
	.section .rodata
text1:	.asciz	"The quick brown fox jumps over the lazy dog"
text2:	.asciz	"The quick brown fox jumps over the lazy cat"
text3:	.asciz	"The quick brown fox"
empty:	.asciz	""
	.text
	.globl _start
_start:
	cld
	xor	%r15d, %r15d
	# strlen
	SAY	"strlen:"
	lea	text1(%rip), %rdi
	call	strlen
	SAY	" "
	call	putdec
	lea	text3(%rip), %rdi
	call	strlen
	SAY	" "
	call	putdec
	lea	empty(%rip), %rdi
	call	strlen
	SAY	" "
	call	putdec
	call	putnl

	# strcmp (sign only), several pairs
	SAY	"strcmp:"
	lea	text1(%rip), %rsi
	lea	text2(%rip), %rdi
	call	strcmp_show
	lea	text2(%rip), %rsi
	lea	text1(%rip), %rdi
	call	strcmp_show
	lea	text1(%rip), %rsi
	lea	text3(%rip), %rdi
	call	strcmp_show
	lea	text3(%rip), %rsi
	lea	text1(%rip), %rdi
	call	strcmp_show
	lea	text1(%rip), %rsi
	mov	%rsi, %rdi
	call	strcmp_show
	lea	empty(%rip), %rsi
	lea	text1(%rip), %rdi
	call	strcmp_show
	call	putnl

	# memset with several lengths and alignments, then hash the buffer
	SAY	"memset:"
	xor	%ebx, %ebx
1:	lea	buf(%rip), %rdi
	lea	(%rbx,%rbx,2), %rax
	and	$15, %eax
	add	%rax, %rdi			# misaligned start
	mov	%ebx, %esi			# byte value
	imul	$53, %ebx, %edx
	add	$3, %edx			# length
	call	memset
	lea	buf(%rip), %rdi
	mov	$BUFSZ, %esi
	call	hash
	SAY	" "
	call	puthex
	inc	%ebx
	cmp	$12, %ebx
	jb	1b
	call	putnl

	# fill buf with a pattern: byte i = i*7 + (i>>8)
	lea	buf(%rip), %rdi
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	imul	$7, %eax
	mov	%ecx, %edx
	shr	$8, %edx
	add	%edx, %eax
	stosb
	inc	%ecx
	cmp	$BUFSZ, %ecx
	jb	2b

	# memcpy of many lengths/offsets into buf2, hash after each
	SAY	"memcpy:"
	xor	%ebx, %ebx
3:	lea	buf2(%rip), %rdi
	mov	%ebx, %eax
	and	$7, %eax
	add	%rax, %rdi
	lea	buf(%rip), %rsi
	imul	$5, %ebx, %eax
	and	$15, %eax
	add	%rax, %rsi
	imul	$97, %ebx, %edx
	call	memcpy
	lea	buf2(%rip), %rdi
	mov	$BUFSZ, %esi
	call	hash
	SAY	" "
	call	puthex
	inc	%ebx
	cmp	$16, %ebx
	jb	3b
	call	putnl

	# memcmp (rep cmpsq then cmpsb) against modified copies
	SAY	"memcmp:"
	xor	%ebx, %ebx
4:	lea	buf2(%rip), %rdi		# fresh copy, then perturb one byte (not in round 0)
	lea	buf(%rip), %rsi
	mov	$BUFSZ, %edx
	call	memcpy
	imul	$331, %ebx, %eax
	add	$5, %eax
	and	$BUFSZ-1, %eax
	test	%ebx, %ebx
	jz	6f
	test	$1, %bl
	jz	5f
	incb	(%rdi,%rax)
	jmp	6f
5:	decb	(%rdi,%rax)
6:	lea	buf(%rip), %rsi
	lea	buf2(%rip), %rdi
	mov	$BUFSZ, %edx
	call	memcmp
	SAY	" "
	call	putsdec
	SAY	"@"
	mov	%rcx, %rax
	call	putdec
	inc	%ebx
	cmp	$8, %ebx
	jb	4b
	call	putnl

	# memmove with overlap: forward (dst < src) and backward (dst > src, uses std)
	SAY	"memmove:"
	xor	%ebx, %ebx
7:	lea	buf(%rip), %rdi			# reset pattern in buf
	mov	$BUFSZ, %ecx
	xor	%eax, %eax
8:	mov	%al, (%rdi)
	inc	%rdi
	add	$13, %al
	loop	8b
	lea	buf+512(%rip), %rsi
	mov	%ebx, %eax
	imul	$37, %eax
	and	$255, %eax
	sub	$128, %rax			# displacement -128..127
	lea	(%rsi,%rax), %rdi
	imul	$301, %ebx, %edx
	and	$1023, %edx
	add	$1, %edx
	call	memmove
	pushf
	pop	%rax
	and	$0x400, %eax			# DF must be clear again
	add	%rax, %r15
	lea	buf(%rip), %rdi
	mov	$2048, %esi
	call	hash
	SAY	" "
	call	puthex
	xor	%rax, %r15
	inc	%ebx
	cmp	$14, %ebx
	jb	7b
	call	putnl

	# lodsb/stosb transform: ROT13 and upper-case of text1 into buf2
	SAY	"rot13: "
	lea	text1(%rip), %rsi
	lea	buf2(%rip), %rdi
9:	lodsb
	mov	%al, %dl
	or	$0x20, %dl
	sub	$'a', %dl
	cmp	$26, %dl
	jae	11f
	add	$13, %dl
	cmp	$26, %dl
	jb	10f
	sub	$26, %dl
10:	and	$0x20, %al			# keep case
	add	$'A', %dl
	or	%al, %dl
	mov	%dl, %al
11:	stosb
	test	%al, %al
	jnz	9b
	lea	buf2(%rip), %rsi
	call	puts
	call	putnl

	# memchr / count of a byte with repne scasb in a loop; rep scasw/scasd/scasq searches
	SAY	"memchr:"
	lea	text1(%rip), %rdi
	mov	$'o', %al
	mov	$44, %ecx
	xor	%edx, %edx
12:	repne scasb
	jne	13f
	inc	%edx
	SAY	" "
	lea	text1(%rip), %rax
	neg	%rax
	lea	-1(%rdi,%rax), %rax
	call	putdec
	mov	$'o', %al
	test	%ecx, %ecx
	jnz	12b
13:	SAY	" count "
	mov	%edx, %eax
	call	putdec
	call	putnl

	SAY	"scasw/d/q:"
	lea	buf(%rip), %rdi			# buf pattern: byte i = 13*i mod 256
	mov	$0x8b7e, %ax			# bytes 0x7e,0x8b = i=150? find the word
	mov	$2048, %ecx
	repne scasw
	call	show_scan
	lea	buf(%rip), %rdi
	mov	buf+400(%rip), %eax
	mov	$1024, %ecx
	repne scasl
	call	show_scan
	lea	buf(%rip), %rdi
	mov	buf+1000(%rip), %rax
	mov	$512, %ecx
	repne scasq
	call	show_scan
	lea	buf(%rip), %rdi
	mov	$0x1234, %rax			# not present
	mov	$512, %ecx
	repne scasq
	call	show_scan
	call	putnl

	# rep stosw/stosl, rep movsw/movsl, repe cmpsw/cmpsl
	SAY	"wide:"
	lea	buf2(%rip), %rdi
	mov	$0xbeef, %ax
	mov	$100, %ecx
	rep stosw
	mov	$0xdeadf00d, %eax
	mov	$100, %ecx
	rep stosl
	lea	buf2(%rip), %rsi
	lea	buf2+1000(%rip), %rdi
	mov	$150, %ecx
	rep movsw
	mov	$25, %ecx
	rep movsl
	lea	buf2(%rip), %rsi
	lea	buf2+1000(%rip), %rdi
	mov	$200, %ecx
	repe cmpsw
	setne	%al
	movzbl	%al, %eax
	SAY	" ne="
	call	putdec
	SAY	" left="
	mov	%rcx, %rax
	call	putdec
	lea	buf2+2(%rip), %rsi
	lea	buf2+1002(%rip), %rdi
	mov	$100, %ecx
	repe cmpsl
	seta	%al
	movzbl	%al, %eax
	SAY	" a="
	call	putdec
	SAY	" left="
	mov	%rcx, %rax
	call	putdec
	lea	buf2(%rip), %rdi
	mov	$1400, %esi
	call	hash
	SAY	" hash="
	call	puthex
	xor	%rax, %r15
	call	putnl

	SAY	"final: "
	lea	buf(%rip), %rdi
	mov	$BUFSZ, %esi
	call	hash
	xor	%r15, %rax
	call	puthex16
	call	putnl
	movzbl	%al, %edi
	jmp	exit_with

# print the position reached by a scan (%rdi relative to buf) and whether it matched
show_scan:
	pushf
	SAY	" "
	lea	buf(%rip), %rax
	neg	%rax
	add	%rdi, %rax
	call	putdec
	popf
	sete	%al
	movzbl	%al, %eax
	SAY	"/"
	call	putdec
	ret

# %rax = strlen(%rdi)
strlen:
	push	%rcx
	push	%rdi
	xor	%eax, %eax
	mov	$-1, %rcx
	repne scasb
	not	%rcx
	dec	%rcx
	mov	%rcx, %rax
	pop	%rdi
	pop	%rcx
	ret

# print sign of strcmp(%rsi, %rdi)
strcmp_show:
	push	%rax
	push	%rcx
	push	%rdi
	call	strlen
	lea	1(%rax), %rcx			# compare through the terminator of %rdi
	repe cmpsb
	mov	$0, %eax
	je	1f
	mov	$1, %eax
	mov	$-1, %rcx
	cmovb	%rcx, %rax
1:	SAY	" "
	call	putsdec
	pop	%rdi
	pop	%rcx
	pop	%rax
	ret

# memset(%rdi, %sil, %rdx)
memset:
	push	%rax
	push	%rcx
	push	%rdi
	movzbl	%sil, %eax
	mov	$0x0101010101010101, %rcx
	imul	%rcx, %rax
	mov	%rdx, %rcx
	shr	$3, %rcx
	rep stosq
	mov	%edx, %ecx
	and	$7, %ecx
	rep stosb
	pop	%rdi
	pop	%rcx
	pop	%rax
	ret

# memcpy(%rdi, %rsi, %rdx)
memcpy:
	push	%rcx
	push	%rsi
	push	%rdi
	mov	%rdx, %rcx
	shr	$3, %rcx
	rep movsq
	mov	%edx, %ecx
	and	$7, %ecx
	rep movsb
	pop	%rdi
	pop	%rsi
	pop	%rcx
	ret

# memmove(%rdi, %rsi, %rdx): forward when dst <= src, otherwise backward with DF=1
memmove:
	push	%rcx
	push	%rsi
	push	%rdi
	mov	%rdx, %rcx
	cmp	%rsi, %rdi
	jbe	1f
	lea	-1(%rsi,%rdx), %rsi
	lea	-1(%rdi,%rdx), %rdi
	std
	rep movsb
	cld
	jmp	2f
1:	rep movsb
2:	pop	%rdi
	pop	%rsi
	pop	%rcx
	ret

# %rax = memcmp(%rsi, %rdi, %rdx) sign; %rcx = index of the first difference (or length)
memcmp:
	push	%rsi
	push	%rdi
	push	%rdx
	mov	%rdx, %rcx
	shr	$3, %rcx
	repe cmpsq
	je	1f
	sub	$8, %rsi			# back up to the differing quadword
	sub	$8, %rdi
	mov	$8, %ecx
	jmp	2f
1:	mov	%edx, %ecx
	and	$7, %ecx
	jz	3f
2:	repe cmpsb
	je	3f
	seta	%al
	movzbl	%al, %eax
	lea	-1(%rax,%rax), %rax		# +1 / -1
	lea	-1(%rsi), %rcx
	sub	16(%rsp), %rcx
	jmp	4f
3:	xor	%eax, %eax
	mov	(%rsp), %rcx
4:	pop	%rdx
	pop	%rdi
	pop	%rsi
	ret

# %rax = FNV-1a 64 over %rsi bytes at %rdi (lodsb loop)
hash:
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	mov	%rsi, %rcx
	mov	%rdi, %rsi
	mov	$0xcbf29ce484222325, %rax
	mov	$0x100000001b3, %rdx
	push	%rbx
	mov	%rax, %rbx
1:	lodsb
	xor	%al, %bl
	imul	%rdx, %rbx
	loop	1b
	mov	%rbx, %rax
	pop	%rbx
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	ret
