# hello.S — a static Linux x86-64 program with no libc: prints its arguments, one per line.
#   as -o hello.o hello.S && ld -static -o hello hello.o && ./hello a b c
	.globl _start
	.text
_start:
	mov	(%rsp), %r12		# argc
	lea	8(%rsp), %r13		# argv
	lea	greeting(%rip), %rsi
	mov	$greeting_len, %edx
	call	write_stdout
	mov	$1, %ebx		# skip argv[0]
1:	cmp	%r12, %rbx
	jae	2f
	mov	(%r13,%rbx,8), %rsi
	call	strlen_rsi		# -> %rdx
	call	write_stdout
	lea	newline(%rip), %rsi
	mov	$1, %edx
	call	write_stdout
	inc	%rbx
	jmp	1b
2:	mov	$60, %eax		# exit(argc - 1)
	lea	-1(%r12), %rdi
	syscall

# write(1, %rsi, %rdx)
write_stdout:
	mov	$1, %eax
	mov	$1, %edi
	syscall
	ret

# %rdx = strlen(%rsi)
strlen_rsi:
	xor	%edx, %edx
3:	cmpb	$0, (%rsi,%rdx)
	je	4f
	inc	%rdx
	jmp	3b
4:	ret

	.section .rodata
greeting:	.ascii "Hello from x64emu!\n"
	greeting_len = . - greeting
newline:	.ascii "\n"
