# Conditional assembly.
	.data
X = 3
	.if X == 3
	.byte 1
	.elseif X == 4
	.byte 2
	.else
	.byte 3
	.endif
	.if X - 3
	.byte 4
	.elseif X > 2
	.byte 5
	.if 0
	.byte 6
	.else
	.byte 7
	.endif
	.else
	.byte 8
	.endif
	.if 0
	.if 1
	.byte 9
	.else
	.byte 10
	.endif
	.elseif 0
	.byte 11
	.endif
	.ifdef X
	.byte 12
	.endif
	.ifndef Y
	.byte 13
	.endif
	.ifdef undefined_but_referenced
	.byte 14
	.endif
	.long undefined_but_referenced
	.ifb
	.byte 15
	.endif
	.ifnb x
	.byte 16
	.endif
	.ifc a,a
	.byte 17
	.endif
	.ifc "a", a
	.byte 18
	.endif
	.ifnc a b,a  b
	.byte 19
	.endif
	.ifeqs "abc", "abc"
	.byte 20
	.endif
	.ifnes "abc", "abd"
	.byte 21
	.endif
	.ifeq X - 3
	.byte 22
	.endif
	.ifne X
	.byte 23
	.endif
	.ifgt X - 4
	.byte 24
	.endif
	.ifge X - 3
	.byte 25
	.endif
	.iflt -1
	.byte 26
	.endif
	.ifle 0
	.byte 27
	.endif
	.macro pick reg
	.ifc \reg, %rsp
	.ascii "stack"
	.else
	.ascii "other"
	.endif
	.endm
	pick %rsp
	pick %rax
