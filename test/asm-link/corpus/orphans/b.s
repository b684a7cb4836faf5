	.section my_table,"aw"
	.quad 3
	.section .bar,"ax"
	nop
	.section .foo,"a"
	.byte 9
