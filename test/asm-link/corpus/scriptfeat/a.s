	.globl entry_point
entry_point:
	mov $text_end, %eax
	mov counter, %ebx
	mov $rodata_size, %ecx
	jmp b_func
	.section .rodata
	.ascii "abc"
	.data
	.quad after, max_test
	.section .mydata,"aw"
	.byte 1
