# Three modules: cross-module calls and data, weak symbols, .text.* ordering, padding.
	.globl _start
	.text
_start:
	call	compute			# PLT32 to another module
	mov	%eax, result(%rip)	# PC32 to .bss of another module
	movabs	$table, %rbx		# R_X86_64_64
	mov	$table_size, %rcx	# R_X86_64_32S
	lea	message(%rip), %rsi
	mov	$message_len, %edx
	mov	$1, %eax
	mov	$1, %edi
	syscall
	mov	$maybe_missing, %eax	# undefined weak: 0
	test	%eax, %eax
	jne	1f
	call	hook			# weak in util.s, strong in extra.s
1:	mov	result(%rip), %edi
	mov	$60, %eax
	syscall

	.section .text.unlikely,"ax",@progbits
cold_path:
	ud2

	.section .rodata
message:	.ascii "multi module\n"
	.set message_len, . - message
	.weak maybe_missing
