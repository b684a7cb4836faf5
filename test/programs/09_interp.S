# 09_interp.S — A tiny stack-machine interpreter dispatching through a jump table (jmp *table(,%rax,8)),
# native helpers reached by indirect calls, a table-driven tokenizer (a DFA with an action
# jump table), setcc/cmov over many operand pairs, and enter/leave frames including nested
# ENTER with a display. Exit status: combined result & 0xff.
# Part of the whole-program differential suite (test/programs/run.ts): built with
# `as` + `ld -static`, no libc; its stdout and exit status must match natively and in x64emu.

	.include "print.inc"

	.set	OP_HALT, 0
	.set	OP_PUSH, 1
	.set	OP_LOAD, 2
	.set	OP_STORE, 3
	.set	OP_ADD, 4
	.set	OP_SUB, 5
	.set	OP_MUL, 6
	.set	OP_DIV, 7
	.set	OP_MOD, 8
	.set	OP_LT, 9
	.set	OP_EQ, 10
	.set	OP_JZ, 11
	.set	OP_JMP, 12
	.set	OP_PRINT, 13
	.set	OP_NL, 14
	.set	OP_CALLN, 15
	.set	OP_DUP, 16
	.set	NOPS, 17
.macro	V_I op
	.byte	\op
.endm
.macro	V_IB op, v
	.byte	\op, \v
.endm
.macro	V_PUSH v
	.byte	OP_PUSH
	.long	\v
.endm
.macro	V_JZ target
	.byte	OP_JZ
	.long	\target - (. + 4)
.endm
.macro	V_JMP target
	.byte	OP_JMP
	.long	\target - (. + 4)
.endm

	.section .rodata
	.balign 8
optab:	.quad	op_halt, op_push, op_load, op_store, op_add, op_sub, op_mul, op_div, op_mod
	.quad	op_lt, op_eq, op_jz, op_jmp, op_print, op_nl, op_calln, op_dup
natives: .quad	nat_triangle, nat_collatz, nat_digits, nat_bitrev8

# primes below 200 by trial division; then their count
prog1:	V_PUSH	2
	V_IB	OP_STORE, 0
p1_loop: V_IB	OP_LOAD, 0
	V_PUSH	200
	V_I	OP_LT
	V_JZ	p1_end
	V_PUSH	2
	V_IB	OP_STORE, 1
p1_inner: V_IB	OP_LOAD, 1
	V_I	OP_DUP
	V_I	OP_MUL
	V_IB	OP_LOAD, 0
	V_PUSH	1
	V_I	OP_ADD
	V_I	OP_LT
	V_JZ	p1_prime
	V_IB	OP_LOAD, 0
	V_IB	OP_LOAD, 1
	V_I	OP_MOD
	V_JZ	p1_next
	V_IB	OP_LOAD, 1
	V_PUSH	1
	V_I	OP_ADD
	V_IB	OP_STORE, 1
	V_JMP	p1_inner
p1_prime: V_IB	OP_LOAD, 0
	V_I	OP_PRINT
	V_IB	OP_LOAD, 2
	V_PUSH	1
	V_I	OP_ADD
	V_IB	OP_STORE, 2
p1_next: V_IB	OP_LOAD, 0
	V_PUSH	1
	V_I	OP_ADD
	V_IB	OP_STORE, 0
	V_JMP	p1_loop
p1_end:	V_I	OP_NL
	V_IB	OP_LOAD, 2
	V_I	OP_PRINT
	V_I	OP_NL
	V_I	OP_HALT

# for i = -5 .. 24: print i, triangle(i), collatz(i), digits(i*i*i), bitrev8(i), and
# signed division/modulo by 7; accumulate a checksum in local 3
prog2:	V_PUSH	-5
	V_IB	OP_STORE, 0
p2_loop: V_IB	OP_LOAD, 0
	V_PUSH	25
	V_I	OP_LT
	V_JZ	p2_end
	V_IB	OP_LOAD, 0
	V_I	OP_PRINT
	V_IB	OP_LOAD, 0
	V_IB	OP_CALLN, 0
	V_I	OP_DUP
	V_I	OP_PRINT
	V_IB	OP_LOAD, 3
	V_I	OP_ADD
	V_IB	OP_STORE, 3
	V_IB	OP_LOAD, 0
	V_IB	OP_CALLN, 1
	V_I	OP_PRINT
	V_IB	OP_LOAD, 0
	V_I	OP_DUP
	V_I	OP_DUP
	V_I	OP_MUL
	V_I	OP_MUL
	V_IB	OP_CALLN, 2
	V_I	OP_PRINT
	V_IB	OP_LOAD, 0
	V_IB	OP_CALLN, 3
	V_I	OP_DUP
	V_I	OP_PRINT
	V_IB	OP_LOAD, 3
	V_I	OP_SUB
	V_IB	OP_STORE, 3
	V_IB	OP_LOAD, 0
	V_PUSH	7
	V_I	OP_DIV
	V_I	OP_PRINT
	V_IB	OP_LOAD, 0
	V_PUSH	-7
	V_I	OP_MOD
	V_I	OP_PRINT
	V_I	OP_NL
	V_IB	OP_LOAD, 0
	V_PUSH	1
	V_I	OP_ADD
	V_IB	OP_STORE, 0
	V_JMP	p2_loop
p2_end:	V_IB	OP_LOAD, 3
	V_I	OP_PRINT
	V_I	OP_NL
	V_I	OP_HALT

	.bss
	.balign 16
locals:	.skip	8 * 16
vstack:	.skip	8 * 64
	.text
	.globl _start
_start:
	xor	%r15d, %r15d
	SAY	"vm program 1:\n"
	lea	prog1(%rip), %rsi
	call	vm_run
	SAY	"steps "
	call	putdec
	call	putnl
	add	%rax, %r15
	SAY	"vm program 2:\n"
	lea	prog2(%rip), %rsi
	call	vm_run
	SAY	"steps "
	call	putdec
	call	putnl
	add	%rax, %r15

	call	tokenize
	add	%rax, %r15
	call	conditions
	xor	%rax, %r15
	call	frames
	add	%rax, %r15

	SAY	"result: "
	mov	%r15, %rax
	call	puthex16
	call	putnl
	movzbl	%r15b, %edi
	jmp	exit_with

# ---------------------------------------------------------------------------
# vm_run(%rsi = bytecode) -> %rax = instructions executed. %rbx = value stack pointer
# (grows up), %rsi = pc, %r12 = step count.
vm_run:
	push	%rbx
	push	%r12
	lea	locals(%rip), %rdi
	xor	%eax, %eax
	mov	$16, %ecx
	rep stosq
	lea	vstack(%rip), %rbx
	xor	%r12d, %r12d
vm_next:
	inc	%r12
	movzbl	(%rsi), %eax
	inc	%rsi
	cmp	$NOPS, %eax
	jae	op_halt
	jmp	*optab(,%rax,8)
op_halt:
	mov	%r12, %rax
	pop	%r12
	pop	%rbx
	ret
op_push:
	movslq	(%rsi), %rax
	add	$4, %rsi
	mov	%rax, (%rbx)
	add	$8, %rbx
	jmp	vm_next
op_load:
	movzbl	(%rsi), %eax
	inc	%rsi
	lea	locals(%rip), %rdx
	mov	(%rdx,%rax,8), %rax
	mov	%rax, (%rbx)
	add	$8, %rbx
	jmp	vm_next
op_store:
	movzbl	(%rsi), %eax
	inc	%rsi
	sub	$8, %rbx
	mov	(%rbx), %rcx
	lea	locals(%rip), %rdx
	mov	%rcx, (%rdx,%rax,8)
	jmp	vm_next
op_add:
	sub	$8, %rbx
	mov	(%rbx), %rax
	add	%rax, -8(%rbx)
	jmp	vm_next
op_sub:
	sub	$8, %rbx
	mov	(%rbx), %rax
	sub	%rax, -8(%rbx)
	jmp	vm_next
op_mul:
	sub	$8, %rbx
	mov	-8(%rbx), %rax
	imul	(%rbx), %rax
	mov	%rax, -8(%rbx)
	jmp	vm_next
op_div:
	sub	$8, %rbx
	mov	-8(%rbx), %rax
	cqo
	idivq	(%rbx)
	mov	%rax, -8(%rbx)
	jmp	vm_next
op_mod:
	sub	$8, %rbx
	mov	-8(%rbx), %rax
	cqo
	idivq	(%rbx)
	mov	%rdx, -8(%rbx)
	jmp	vm_next
op_lt:
	sub	$8, %rbx
	mov	-8(%rbx), %rax
	cmp	(%rbx), %rax
	setl	%al
	movzbl	%al, %eax
	mov	%rax, -8(%rbx)
	jmp	vm_next
op_eq:
	sub	$8, %rbx
	mov	-8(%rbx), %rax
	cmp	(%rbx), %rax
	sete	%al
	movzbl	%al, %eax
	mov	%rax, -8(%rbx)
	jmp	vm_next
op_jz:
	movslq	(%rsi), %rcx
	add	$4, %rsi
	sub	$8, %rbx
	lea	(%rsi,%rcx), %rdx
	cmpq	$0, (%rbx)
	cmove	%rdx, %rsi
	jmp	vm_next
op_jmp:
	movslq	(%rsi), %rcx
	lea	4(%rsi,%rcx), %rsi
	jmp	vm_next
op_print:
	sub	$8, %rbx
	mov	(%rbx), %rax
	call	putsdec
	SAY	" "
	jmp	vm_next
op_nl:
	call	putnl
	jmp	vm_next
op_dup:
	mov	-8(%rbx), %rax
	mov	%rax, (%rbx)
	add	$8, %rbx
	jmp	vm_next
op_calln:
	movzbl	(%rsi), %eax
	inc	%rsi
	lea	natives(%rip), %rdx
	mov	(%rdx,%rax,8), %rdx
	mov	-8(%rbx), %rax
	call	*%rdx
	mov	%rax, -8(%rbx)
	jmp	vm_next

# native helpers: argument and result in %rax (may clobber %rcx, %rdx)
nat_triangle:					# n(n+1)/2 with sar
	lea	1(%rax), %rcx
	imul	%rcx, %rax
	sar	$1, %rax
	ret
nat_collatz:					# steps to reach 1 (0 for n < 2)
	xor	%ecx, %ecx
1:	cmp	$1, %rax
	jle	3f
	inc	%ecx
	test	$1, %al
	jz	2f
	lea	1(%rax,%rax,2), %rax
	jmp	1b
2:	sar	$1, %rax
	jmp	1b
3:	mov	%rcx, %rax
	ret
nat_digits:					# number of decimal digits of |n|
	mov	%rax, %rcx
	neg	%rcx
	cmovs	%rax, %rcx			# |n|
	mov	%rcx, %rax
	xor	%ecx, %ecx
	push	%rbx
	mov	$10, %ebx
1:	inc	%ecx
	xor	%edx, %edx
	div	%rbx
	test	%rax, %rax
	jnz	1b
	pop	%rbx
	mov	%rcx, %rax
	ret
nat_bitrev8:					# reverse the low 8 bits with rcr/rcl
	mov	$8, %ecx
	xor	%edx, %edx
1:	shr	$1, %al
	rcl	$1, %dl
	loop	1b
	movzbl	%dl, %eax
	ret

# ---------------------------------------------------------------------------
# tokenizer: character classes by table, transitions by table, actions by jump table.
# classes: 0 other, 1 letter/_, 2 digit, 3 space, 4 operator, 5 end (NUL)
# states: 0 start, 1 in identifier, 2 in number, 3 done
	.section .rodata
source:	.asciz	"let x1 = 42 + foo_bar*7 - (y2/3) ; z := 1000000 % 97 # 12ab __q 0"
	.balign 8
trans:	#        other letter digit space op  end
	.byte	 0,    1,     2,    0,    0,  3	# start
	.byte	 0,    1,     1,    0,    0,  3	# identifier
	.byte	 0,    1,     2,    0,    0,  3	# number (a letter ends it and starts an identifier)
	.balign 8
# action on each (old state, new state) edge, index old*4 + new
actions: .quad	act_none, act_id_begin, act_num_begin, act_none
	.quad	act_id_end, act_id_more, act_id_end, act_id_end
	.quad	act_num_end, act_num_end_id, act_num_more, act_num_end
	.text
classify:					# %eax = class of byte %dl
	movzbl	%dl, %edx
	xor	%eax, %eax
	mov	$5, %ecx
	test	%edx, %edx
	cmovz	%ecx, %eax
	jz	1f
	mov	%edx, %ecx
	or	$0x20, %ecx
	sub	$'a', %ecx
	cmp	$26, %ecx
	setb	%cl
	cmp	$'_', %edx
	sete	%ch
	or	%ch, %cl
	movzbl	%cl, %ecx
	cmovnz	%ecx, %eax			# letter -> 1
	lea	-'0'(%rdx), %ecx
	cmp	$10, %ecx
	mov	$2, %ecx
	cmovb	%ecx, %eax
	cmp	$' ', %edx
	mov	$3, %ecx
	cmove	%ecx, %eax
	push	%rdi
	lea	opchars(%rip), %rdi
	push	%rax
	mov	%edx, %eax
	mov	$nopchars, %ecx
	repne scasb
	pop	%rax
	pop	%rdi
	mov	$4, %ecx
	cmove	%ecx, %eax
1:	ret
	.section .rodata
opchars: .ascii	"+-*/%=();:#"
	nopchars = . - opchars
	.text

tokenize:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	SAY	"tokens:"
	lea	source(%rip), %r12
	xor	%ebx, %ebx			# state
	xor	%r13d, %r13d			# number being built
	xor	%r14d, %r14d			# counters: ids | nums<<16 | ops<<32
	xor	%r8d, %r8d			# sum of numbers
1:	movzbl	(%r12), %edx
	call	classify
	cmp	$4, %eax
	jne	2f
	mov	$1, %ecx			# count operators
	shl	$32, %rcx
	add	%rcx, %r14
2:	lea	(%rbx,%rbx,2), %ecx		# new = trans[state*6 + class]
	lea	(%rax,%rcx,2), %ecx
	lea	trans(%rip), %rdi
	movzbl	(%rdi,%rcx), %ecx
	lea	(%rcx,%rbx,4), %edi		# action index: old*4 + new
	mov	%ecx, %ebx
	lea	actions(%rip), %rax
	call	*(%rax,%rdi,8)
	cmp	$3, %ebx
	je	9f
	inc	%r12
	jmp	1b
9:	SAY	"\n  identifiers "
	movzwl	%r14w, %eax
	call	putdec
	SAY	" numbers "
	mov	%r14, %rax
	shr	$16, %rax
	movzwl	%ax, %eax
	call	putdec
	SAY	" operators "
	mov	%r14, %rax
	shr	$32, %rax
	call	putdec
	SAY	" sum "
	mov	%r8, %rax
	call	putdec
	call	putnl
	add	%r14, %rax
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
act_none:
	ret
act_id_begin:
	SAY	" id:"
	inc	%r14w
act_id_more:
	movzbl	(%r12), %edi
	jmp	putc
act_id_end:
	ret
act_num_begin:
	SAY	" num:"
	add	$0x10000, %r14
	xor	%r13d, %r13d
act_num_more:
	movzbl	(%r12), %edi
	call	putc
	imul	$10, %r13, %r13
	lea	-'0'(%rdi,%r13), %r13
	ret
act_num_end:
	add	%r13, %r8
	ret
act_num_end_id:
	add	%r13, %r8
	jmp	act_id_begin

# ---------------------------------------------------------------------------
# setcc for all 16 conditions after cmp and after sub/add/test over operand pairs;
# cmov-based min/max (signed and unsigned) and abs. Returns a hash in %rax.
conditions:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	SAY	"conditions (cmp mask, add mask, min/max s, min/max u):\n"
	xor	%r14d, %r14d
	lea	cvals(%rip), %r12
	xor	%r13d, %r13d			# i
1:	xor	%ebx, %ebx			# j
2:	mov	(%r12,%r13,8), %rdi
	mov	(%r12,%rbx,8), %rsi
	SAY	"  "
	cmp	%rsi, %rdi
	call	ccmask
	call	puthex
	imul	$31, %r14
	add	%rax, %r14
	SAY	" "
	mov	%rdi, %rax
	add	%rsi, %rax
	call	ccmask
	call	puthex
	xor	%rax, %r14
	SAY	" "
	mov	%rdi, %rax
	cmp	%rsi, %rdi
	cmovg	%rsi, %rax			# signed min
	call	putsdec
	SAY	"/"
	mov	%rdi, %rax
	cmp	%rsi, %rdi
	cmovl	%rsi, %rax			# signed max
	call	putsdec
	SAY	" "
	mov	%rdi, %rax
	cmp	%rsi, %rdi
	cmova	%rsi, %rax			# unsigned min
	call	puthex
	SAY	"/"
	mov	%edi, %eax
	cmp	%esi, %edi
	cmovb	%esi, %eax			# unsigned max, 32-bit (zero-extends)
	call	puthex
	call	putnl
	add	$3, %ebx
	cmp	$ncvals, %ebx
	jb	2b
	inc	%r13
	cmp	$ncvals, %r13
	jb	1b
	mov	%r14, %rax
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

# %rax = 16-bit mask of the conditions o,no,b,ae,e,ne,be,a,s,ns,p,np,l,ge,le,g on entry flags
ccmask:
	push	%rcx
	push	%rdx
	pushf
	xor	%edx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	seto	%cl
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setno	%cl
	shl	$1, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setb	%cl
	shl	$2, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setae	%cl
	shl	$3, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	sete	%cl
	shl	$4, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setne	%cl
	shl	$5, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setbe	%cl
	shl	$6, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	seta	%cl
	shl	$7, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	sets	%cl
	shl	$8, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setns	%cl
	shl	$9, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setp	%cl
	shl	$10, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setnp	%cl
	shl	$11, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setl	%cl
	shl	$12, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setge	%cl
	shl	$13, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setle	%cl
	shl	$14, %ecx
	or	%ecx, %edx
	xor	%ecx, %ecx
	popf
	pushf
	setg	%cl
	shl	$15, %ecx
	or	%ecx, %edx
	popf
	mov	%rdx, %rax
	pop	%rdx
	pop	%rcx
	ret

	.section .rodata
	.balign 8
cvals:	.quad	0, 1, -1, 2, 0x7fffffffffffffff, 0x8000000000000000, 0x80000000, 0x7fffffff, -2, 100
	ncvals = (. - cvals) / 8
	.text

# ---------------------------------------------------------------------------
# enter/leave: recursive frames with ENTER $n, $0, and nested ENTER with a display
frames:
	push	%rbx
	SAY	"frames: ackermann(2,"
	xor	%ebx, %ebx
1:	mov	%rbx, %rax
	call	putdec
	SAY	")="
	mov	$2, %edi
	mov	%rbx, %rsi
	call	ack
	call	putdec
	SAY	" "
	inc	%ebx
	cmp	$6, %ebx
	jb	1b
	mov	%rsp, %r10
	call	outer
	SAY	"\n"
	pop	%rbx
	ret

ack:						# A(%rdi, %rsi), local copies in an ENTER frame
	enter	$32, $0
	mov	%rdi, -8(%rbp)
	mov	%rsi, -16(%rbp)
	test	%rdi, %rdi
	jnz	1f
	lea	1(%rsi), %rax
	leave
	ret
1:	test	%rsi, %rsi
	jnz	2f
	dec	%rdi
	mov	$1, %esi
	call	ack
	leave
	ret
2:	dec	%rsi
	call	ack				# A(m, n-1)
	mov	-8(%rbp), %rdi
	dec	%rdi
	mov	%rax, %rsi
	call	ack				# A(m-1, A(m, n-1))
	leave
	ret

outer:						# level 1 procedure with a local at -16(%rbp)
	enter	$24, $1
	movq	$0x51, -16(%rbp)
	mov	%rbp, %rax
	sub	%rsp, %rax
	SAY	"\n  outer frame size "
	call	putdec
	mov	-8(%rbp), %rax			# display[0] is our own frame
	cmp	%rbp, %rax
	sete	%al
	movzbl	%al, %eax
	SAY	" self-display "
	call	putdec
	call	middle
	mov	-16(%rbp), %rax
	SAY	" outer local after "
	call	puthex
	leave
	ret

middle:						# level 2: display = outer frame, own frame
	enter	$8, $2
	mov	%rbp, %rax
	sub	%rsp, %rax
	SAY	"\n  middle frame size "
	call	putdec
	mov	-8(%rbp), %rax			# outer's frame pointer
	addq	$0x100, -16(%rax)		# update outer's local through the display
	mov	-16(%rax), %rax
	SAY	" outer local via display "
	call	puthex
	call	inner
	leave
	ret

inner:						# level 3: display = outer, middle, own
	enter	$0, $3
	mov	%rbp, %rax
	sub	%rsp, %rax
	SAY	"\n  inner frame size "
	call	putdec
	mov	-8(%rbp), %rax			# outer
	addq	$0x2000, -16(%rax)
	mov	-16(%rbp), %rdx			# middle
	mov	(%rdx), %rcx			# middle's saved %rbp = outer's frame
	cmp	%rcx, -8(%rbp)
	sete	%al
	movzbl	%al, %eax
	SAY	" chain ok "
	call	putdec
	mov	-24(%rbp), %rax
	cmp	%rbp, %rax
	sete	%al
	movzbl	%al, %eax
	SAY	" self "
	call	putdec
	leave
	ret
