# Macros: parameter kinds, substitution, \@, \(), nesting, recursion, .exitm, .purgem, loops.
	.data
	.macro	show a, b=7, c:vararg
	.ascii	"[\a|\b|\c|\@]"
	.endm
	show	x y z w
	show	"p q", ,r
	show	b=3 a=1
	show	(1, 2) [3 4] 5
	show	a + b
	show	a -b
	show	%rax %rbx
	show	a=, b=
	.macro	req x:req, y=def
	.ascii	"\x-\y;"
	.endm
	req	1
	req	x=2, y=3
	.macro	cat pre, suf
\pre\()_\suf:
	.byte	0
	.ascii	"\pre\(literal)\suf"
	.endm
	cat	foo, bar
	cat	baz, qux
	.long	foo_bar, baz_qux
	.macro	outer name, val
	.macro	inner_\name v2
	.byte	\val, \v2
	.endm
	inner_\name 9
	.endm
	outer	one, 1
	outer	two, 2
	inner_one 5
	.purgem	inner_one
	.macro	inner_one
	.byte	0xee
	.endm
	inner_one
	.macro	count n
	.byte	\n
	.if	\n
	count	"(\n-1)"
	.endif
	.endm
	count	4
	.macro	early n
	.byte	0x10
	.if	\n > 1
	.exitm
	.endif
	.byte	0x20
	.endm
	early	1
	early	2
	.irp	reg, rax, rbx, rcx
	.ascii	"\reg "
	.endr
	.irp	v
	.ascii	"<\v>"
	.endr
	.irpc	ch, abc
	.ascii	"\ch\ch"
	.endr
	.irpc	ch, "x y"
	.ascii	"(\ch)"
	.endr
	.rept	3
	.byte	0xaa
	.endr
	.rept	2
	.irp	x, 1, 2
	.byte	\x
	.endr
	.endr
	.rept	0
	.byte	0xbb
	.endr
	.macro	lbl
.Lm\@:	.long	.Lm\@ - .
	.endm
	lbl
	lbl
	.macro	va first, rest:vararg
	.byte	\first
	.ifnb	\rest
	va	\rest
	.endif
	.endm
	va	1, 2, 3, 4
	.macro	Mixed ARG
	.byte	\ARG
	.endm
	MIXED	6
	mixed	7
	.macro	semi
	.byte 1; .byte 2
	.endm
	semi
	.macro	alt old, new
	\old
	.pushsection .text.alt, "ax"
	\new
	.popsection
	.endm
	alt	".byte 3; .byte 4", ".byte 5"
