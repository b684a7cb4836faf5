	.section .head.text,"ax"
	.globl startup_64
	.code64
startup_64:
	lea	_text(%rip), %rax
	movabs	$phys_end, %rbx
	mov	$__bss_start, %rdi
	mov	$__per_cpu_start, %eax
	mov	%gs:cpu_number, %eax
	mov	$_end, %rcx
	jmp	start_kernel
	.section .discard.junk,"a"
	.quad 0xdead
	.section .comment
	.asciz "junk"
	.section .data..percpu..first,"aw"
	.globl cpu_number
cpu_number:
	.long 0
