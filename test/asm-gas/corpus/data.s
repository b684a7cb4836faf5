# Data directives, strings, alignment and sections.
	.data
	.globl	table
	.type	table, @object
table:
	.byte	1, 2, 3, -1, 255, 'a, '\n, 0x7f
	.word	0x1234, -2
	.short	7
	.value	8
	.2byte	9
	.long	0xdeadbeef, -1, 1 << 20
	.int	42
	.4byte	43
	.quad	0x123456789abcdef0, -5
	.8byte	44
	.octa	0x0102030405060708090a0b0c0d0e0f10
	.uleb128 0, 127, 128, 624485, 0xffffffffffffffff
	.sleb128 -1, 63, 64, -64, -65, -123456, 0x7fffffffffffffff
	.size	table, . - table
	.balign	8
msg:	.ascii	"Hello, world\n", "tab\there"
	.asciz	"zero-terminated", "two"
	.string	"quote\"d \\ back \101\x42\103\0end"
	.ascii	"adjacent " "strings"
	.p2align 4
	.zero	5
	.skip	3, 0xaa
	.space	2
	.fill	3, 2, 0x0102
	.fill	2, 8, 0x11223344
	.fill	4
	.align	16
	.balignw 4, 0xbeef
	.long	1
	.balignl 8, 0x11223344
	.byte	2
	.p2align 3,,1
	.byte	3
	.p2align 2, 0x55
	.section .rodata
ro:	.long	msg, table + 4, ro
	.section .rodata.str1.1, "aMS", @progbits, 1
	.asciz	"merge me"
	.section .mydata, "aw", @progbits
	.quad	ro - 8
	.section .mybss, "aw", @nobits
	.skip	64
	.bss
	.balign	32
buf:	.skip	4096
big:	.skip	100000
	.lcomm	lc, 24
	.text
	.byte	0x90
	.p2align 4
	.byte	0xc3
	.p2align 5
	.byte	0xc3
	.balign	16, 0xcc
	.byte	0xc3
	.p2align 6,,7
	.byte	0xc3
	.nops	13
	.nops	7, 3
