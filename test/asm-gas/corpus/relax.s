# Branch relaxation: jmp/jcc start short and grow to near until nothing changes.
	.text
	.globl	start
start:
	jmp	near_enough
	je	near_enough
	jmp	far_away
	jne	far_away
	jmp	start
near_enough:
	.skip	100, 0x90
	jmp	near_enough
	jmp	.Lback
.Lback:
	jmp	.Lchain1
	.skip	120, 0x90
.Lchain1:
	jmp	.Lchain2
	.skip	125, 0x90
	jl	.Lchain1
.Lchain2:
	ja	.Lchain1
	.skip	200, 0x90
far_away:
	jg	start
	jmp	start
	jmp	1f
	.skip	127, 0x90
1:	jmp	2f
	.skip	128, 0x90
2:	jmp	3f
	.p2align 4
	.skip	100, 0x90
3:	jz	other_section
	jmp	undefined_external
	jmp	weak_one
	jmp	.+2
	jmp	start+3
	loop	3b
	jrcxz	3b
	call	3b
	{disp32} jmp 3b
	.weak	weak_one
weak_one:
	ret
	.p2align 3
	.long	far_away - start, 3b - 1b
	.section .text.other, "ax"
other_section:
	jmp	start
	jmp	other_section
	ret
