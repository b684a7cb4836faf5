	.text
main:	mov $60, %eax
	syscall
	.data
	.long main
