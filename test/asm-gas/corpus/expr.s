# Expressions: GNU as precedence, comparisons (-1 for true), shifts, symbols.
	.data
	.long	1 == 1 + 5, 1 || 0 && 0, 3 > 2, !0, !5, 5 ! 2
	.long	2 + 3 * 4 | 1, 1 | 2 + 4, -7 / 2, -7 % 2, 10 % 3 * 2
	.quad	-8 >> 1, 1 << 63, ~0, - - 3, ~0 + 1
	.long	1 ^ 2 & 2, 1 | 2 & 0, 1 < 2 == 1, 1 <> 2, 2 >= 2, 2 <= 1, 3 != 3
	.long	0b1011, 017, 0x1F, 0X2e, 1234567
	.byte	'A, '\t, '\\, '#, '\'
A = 5
B = A * 2 + 1
	.set	C, B - A
	.equ	D, C << 2
	.equiv	E, D | 1
	.long	A, B, C, D, E
A = 7
	.long	A
F = G + 1
G = 10
	.long	F
start:	.long	. - start, end - start, (end - start) * 2, end - .
	.long	(end - start) > 4, -((end - start) > 4)
end:
	.quad	end, start + 3, end - start + start
	.globl	gsym
gsym:	.long	gsym - start
vec = 0
	.rept	4
	.byte	vec
	vec = vec + 1
	.endr
