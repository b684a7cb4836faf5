	.text
	.globl start_kernel
	.type start_kernel, @function
start_kernel:
	lea	banner(%rip), %rsi
	mov	$__ksymtab_start, %rax
	mov	runqueue, %rdx
1:	hlt
	jmp	1b
	.size start_kernel, .-start_kernel

	.section .text.unlikely,"ax"
panic:	ud2

	.section .rodata
banner:	.asciz "Linux-ish"
	.section __ksymtab_b,"a"
	.quad start_kernel
	.section __ksymtab_a,"a"
	.quad panic

	.data
	.quad start_kernel
	.section .data..percpu,"aw"
	.globl runqueue
	.p2align 6
runqueue: .quad 42
	.section .bss..page_aligned,"aw",@nobits
	.p2align 12
	.globl empty_zero_page
empty_zero_page: .skip 4096
	.bss
	.skip 100
	.section .eh_frame,"a",@progbits
	.long 0
