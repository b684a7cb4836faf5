# Section switching: .section, .pushsection/.popsection, .previous, subsections.
	.text
	.byte	1
	.data
	.byte	2
	.previous
	.byte	3
	.previous
	.byte	4
	.pushsection .rodata, "a"
	.byte	5
	.pushsection .text
	.byte	6
	.popsection
	.byte	7
	.popsection
	.byte	8
	.text	1
	.byte	0x11
	.text	0
	.byte	0x10
	.text	2
	.byte	0x12
	.subsection 1
	.byte	0x13
	.section .init.text, "ax", @progbits
	.byte	9
	.section "__ex_table", "a"
	.long	0
	.section .note.test, "a", @note
	.long	4
	.section .tdata, "awT", @progbits
	.long	1
	.section .tbss, "awT", @nobits
	.skip	8
	.section .init_array, "aw"
	.quad	0
	.section .rodata.cst8, "aM", @progbits, 8
	.quad	1
	.section .keep, "axR"
	.byte	0xc3
	.section .note.GNU-stack, "", @progbits
	.section .custom
	.byte	1
	.section .custom2, "w"
	.byte	2
	.bss
	.skip	4
	.section .bss.page_aligned, "aw", @nobits
	.balign	4096
	.skip	4096
