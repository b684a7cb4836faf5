# Relocations against globals, locals, other sections, undefined and weak symbols.
	.text
	.globl	g1, g2
g1:	nop
l1:	nop
.Ll:	nop
	call	g1
	call	l1
	call	.Ll
	call	g2
	call	ext
	lea	g1(%rip), %rax
	lea	l1(%rip), %rax
	lea	ext+16(%rip), %rax
	lea	dat(%rip), %rax
	lea	.Ldat+2(%rip), %rax
	movq	$l1, %rax
	movq	$dat, %rax
	mov	$g1, %eax
	mov	dat+4(%rip), %ecx
	cmpq	$0, ext(%rip)
	movl	$1, dat(%rip)
	movq	$0x12, ext2+8(%rip)
	pushq	$ext
	mov	ext, %eax
	mov	$(.Ldat - dat), %ecx
	mov	$(l1 - g1), %edx
	mov	$(end - l1), %edx
	.weak	wk
wk:	ret
g2:	ret
end:
	.data
dat:	.quad	l1, g1, .Ll+3, dat, ext-1, wk, g2 + 8
.Ldat:	.long	l1 - ., ext - ., l1 - dat, g1 - ., wk - dat
	.long	end - g1, g2 - l1
	.word	ext
	.byte	ext2
	.quad	ext3 - .
	.set	alias, l1
	.set	alias2, g1 + 1
	.globl	galias
	.set	galias, l1 + 4
	.quad	alias, alias2, galias
	.section .rodata
	.long	.Ldat - ., dat - .
