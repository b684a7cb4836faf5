# hello.S — the smallest useful program: write(1, msg, len) and exit(0), no libc.
	.globl _start
	.text
_start:
	mov	$1, %eax		# write
	mov	$1, %edi		# fd 1 = stdout
	lea	msg(%rip), %rsi
	mov	$msg_len, %edx
	syscall
	mov	$60, %eax		# exit
	xor	%edi, %edi
	syscall

	.section .rodata
msg:	.ascii	"hello, world\n"
	.set	msg_len, . - msg
