# Layout: .org, .skip and .fill whose sizes depend on later labels, alignment after relaxation.
	.text
start:
	jmp	end
	.org	start + 0x20, 0xcc
header:
	.long	end - start
	.skip	pad_to - ., 0x90
pad_to = start + 0x40
	nop
	.org	0x50
	jmp	start
	.p2align 4
body:
	.rept	3
1:	jne	1b
	.byte	0x6a, 1
	jmp	end
	.fill	1b + 16 - ., 1, 0xcc
	.endr
	.skip	(end - body) & 1, 0x90
	. = . + 3
	.balign	8
mid:	.skip	2f - 1f
1:	.byte	1, 2, 3
2:
end:	ret
	.size	start, end - start
	.data
	.long	mid - start, end - mid
	.org	16
	.byte	0xff
	.skip	body - start
