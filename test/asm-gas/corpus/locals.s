# Numeric local labels and .L locals.
	.data
1:	.byte	1
	.long	1b, 1f
1:	.byte	2
	.long	1b
2:	.long	2f - 2b, 1b - 2b
2:	.long	2b
	.macro	loop_body
1:	.byte	0x11
	.long	1b
	.endm
	loop_body
	loop_body
	.rept	3
3:	.long	3b - .
	.endr
.Lhidden:
	.long	.Lhidden
local_visible:
	.long	local_visible
10:	.long	10b
010:	.long	10b
