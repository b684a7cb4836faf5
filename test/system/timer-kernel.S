# LAPIC timer test kernel: a periodic x2APIC timer interrupt (vector 32) wakes `hlt` five
# times; each interrupt prints a dot. Then the kernel prints the count and exits with it.
	.set COM1, 0x3f8
	.set DEBUG_EXIT, 0xf4
	.text
	.globl _start
_start:
	test	%rdi, %rdi
	jz	1f
0:	cli
	hlt
	jmp	0b
1:	lea	stack_top(%rip), %rsp
	lgdt	gdt_desc(%rip)
	lea	idt(%rip), %rax
	lea	timer(%rip), %rsi	# gate 32 → timer
	mov	%si, 32*16(%rax)
	movw	$0x10, 32*16+2(%rax)
	movb	$0x8e, 32*16+5(%rax)
	shr	$16, %rsi
	mov	%si, 32*16+6(%rax)
	shr	$16, %rsi
	mov	%esi, 32*16+8(%rax)
	lidt	idt_desc(%rip)
	mov	$0x80f, %ecx		# SVR: APIC software enable
	mov	$0x1ff, %eax
	xor	%edx, %edx
	wrmsr
	mov	$0x83e, %ecx		# divide by 1
	mov	$0xb, %eax
	wrmsr
	mov	$0x832, %ecx		# LVT timer: periodic, vector 32
	mov	$0x20020, %eax
	wrmsr
	mov	$0x838, %ecx		# initial count
	mov	$5000, %eax
	wrmsr
	sti
2:	hlt
	cmpl	$5, ticks(%rip)
	jb	2b
	cli
	mov	$10, %al
	mov	$COM1, %dx
	out	%al, %dx
	mov	ticks(%rip), %eax
	out	%al, $DEBUG_EXIT

timer:
	push	%rax
	push	%rcx
	push	%rdx
	incl	ticks(%rip)
	mov	$'.', %al
	mov	$COM1, %dx
	out	%al, %dx
	mov	$0x80b, %ecx		# EOI
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq

	.data
	.balign 16
gdt:	.quad 0, 0, 0x00af9b000000ffff, 0x00cf93000000ffff
gdt_desc:
	.word 31
	.quad gdt
idt_desc:
	.word 256 * 16 - 1
	.quad idt
ticks:	.long 0
	.bss
	.balign 4096
idt:	.skip 4096
	.skip 4096
stack_top:
