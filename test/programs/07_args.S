# 07_args.S — argc/argv/envp/auxv from the initial stack: prints argc, each argument with its length and
# byte sum, the environment size (the suite runs it with an empty environment) and the auxv
# entries that do not depend on the host. Exit status: argc + total argument length.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	AT_PHDR, 3
	.set	AT_PHENT, 4
	.set	AT_PHNUM, 5
	.set	AT_PAGESZ, 6
	.set	AT_ENTRY, 9
	.set	AT_RANDOM, 25
	.set	AT_EXECFN, 31
	.set	AT_PLATFORM, 15
	.text
	.globl _start
_start:
	mov	%rsp, %rbp
	mov	%rsp, %rax
	and	$15, %eax
	SAY	"rsp%16 = "
	call	putdec
	mov	(%rbp), %r12			# argc
	SAY	"\nargc = "
	mov	%r12, %rax
	call	putdec
	call	putnl
	xor	%ebx, %ebx
	xor	%r15d, %r15d			# total length
1:	cmp	%r12, %rbx
	jae	4f
	mov	8(%rbp,%rbx,8), %rsi
	test	%rbx, %rbx
	jnz	2f
	call	basename			# argv[0] is a path: print its last component
2:	SAY	"argv["
	mov	%rbx, %rax
	call	putdec
	SAY	"] len "
	call	strinfo				# %rax = length, %rdx = byte sum
	call	putdec
	add	%rax, %r15
	SAY	" sum "
	mov	%rdx, %rax
	call	putdec
	SAY	" \""
	call	puts
	SAY	"\"\n"
	inc	%rbx
	jmp	1b
4:	cmpq	$0, 8(%rbp,%r12,8)
	je	5f
	SAY	"argv not NULL-terminated\n"
5:	lea	16(%rbp,%r12,8), %r13		# envp
	xor	%ecx, %ecx
6:	cmpq	$0, (%r13,%rcx,8)
	je	7f
	inc	%ecx
	jmp	6b
7:	SAY	"envc = "
	mov	%rcx, %rax
	call	putdec
	call	putnl
	lea	8(%r13,%rcx,8), %r14		# auxv

	# look up auxv entries by type (their order is not specified)
	mov	$AT_PAGESZ, %edi
	call	getauxval
	SAY	"AT_PAGESZ = "
	call	putdec
	mov	$AT_PHENT, %edi
	call	getauxval
	SAY	"\nAT_PHENT = "
	call	putdec
	mov	$AT_PHNUM, %edi
	call	getauxval
	mov	%rax, %r8
	SAY	"\nAT_PHNUM = "
	call	putdec
	mov	$AT_ENTRY, %edi
	call	getauxval
	SAY	"\nAT_ENTRY = 0x"
	call	puthex
	lea	_start(%rip), %rdx
	cmp	%rax, %rdx
	sete	%al
	movzbl	%al, %eax
	SAY	" is _start: "
	call	putdec
	mov	$AT_RANDOM, %edi
	call	getauxval
	test	%rax, %rax
	setnz	%al
	movzbl	%al, %eax
	SAY	"\nAT_RANDOM present: "
	call	putdec
	mov	$AT_EXECFN, %edi
	call	getauxval
	mov	%rax, %rsi
	mov	8(%rbp), %rdi			# argv[0]
	call	streq
	SAY	"\nAT_EXECFN equals argv[0]: "
	call	putdec
	mov	$AT_PLATFORM, %edi
	call	getauxval
	SAY	"\nAT_PLATFORM = "
	mov	%rax, %rsi
	call	puts
	mov	$12345, %edi			# not present
	call	getauxval
	SAY	"\nunknown type: "
	call	putsdec
	call	putnl
	mov	$AT_PHDR, %edi
	call	getauxval
	mov	%rax, %r9
	# the program headers: types and the loadable segments' flags
	SAY	"phdrs:"
	xor	%ecx, %ecx
21:	cmp	%r8, %rcx
	jae	22f
	imul	$56, %ecx, %eax
	SAY	" "
	mov	(%r9,%rax), %edx		# p_type
	mov	4(%r9,%rax), %eax		# p_flags
	push	%rax
	mov	%rdx, %rax
	call	puthex
	pop	%rax
	SAY	"/"
	call	putdec
	inc	%ecx
	jmp	21b
22:	call	putnl

	lea	(%r15,%r12), %rdi
	and	$0xff, %edi
	jmp	exit_with

# %rax = value of the auxv entry of type %rdi (auxv at %r14), or -1 if there is none
getauxval:
	push	%rsi
	mov	%r14, %rsi
1:	mov	(%rsi), %rax
	test	%rax, %rax
	jz	2f
	cmp	%rdi, %rax
	je	3f
	add	$16, %rsi
	jmp	1b
2:	mov	$-1, %rax
	pop	%rsi
	ret
3:	mov	8(%rsi), %rax
	pop	%rsi
	ret

# %rsi = pointer past the last '/' in the string at %rsi
basename:
	push	%rax
	mov	%rsi, %rax
1:	cmpb	$0, (%rax)
	je	3f
	cmpb	$'/', (%rax)
	jne	2f
	lea	1(%rax), %rsi
2:	inc	%rax
	jmp	1b
3:	pop	%rax
	ret

# %rax = strlen(%rsi), %rdx = sum of its bytes
strinfo:
	push	%rcx
	xor	%eax, %eax
	xor	%edx, %edx
1:	movzbl	(%rsi,%rax), %ecx
	test	%ecx, %ecx
	jz	2f
	add	%rcx, %rdx
	inc	%rax
	jmp	1b
2:	pop	%rcx
	ret

# %rax = 1 if the strings at %rsi and %rdi are equal, else 0
streq:
	push	%rcx
	push	%rsi
	push	%rdi
1:	mov	(%rsi), %al
	cmp	(%rdi), %al
	jne	2f
	inc	%rsi
	inc	%rdi
	test	%al, %al
	jnz	1b
	mov	$1, %eax
	jmp	3f
2:	xor	%eax, %eax
3:	pop	%rdi
	pop	%rsi
	pop	%rcx
	ret
