# CPU-bound benchmark for x64emu (GNU as, AT&T syntax; no C preprocessor needed).
# Build: as -o cpu-bound.o cpu-bound.S && ld -static -o cpu-bound cpu-bound.o
#
# ROUNDS passes over a 64 KiB array of 64-bit values:
#   pass 1: every element goes through `step` (a call with data-dependent branches, mul/imul,
#           shifts, rotates, logic); the result is stored back and folded into the checksum;
#   pass 2: one bubble-sort pass (compare, data-dependent swap, memory traffic);
#   pass 3: data-dependent gathers (index taken from the data) through `hash` (mul, shifts)
#           and a small recursive function (`depth`: call/ret chains).
# Prints the 64-bit checksum as 16 hex digits and a newline, then exits 0. No I/O in the loop.

	.set N, 8192              # array elements (64 KiB)
	.set ROUNDS, 1200

	.section .bss
	.balign 64
array:	.skip 8 * N
outbuf:	.skip 32

	.text
	.globl _start
_start:
	# Fill the array with xorshift64 values.
	movabsq $0x9e3779b97f4a7c15, %r15
	leaq array(%rip), %rdi
	movl $N, %ecx
.Lfill:
	call xorshift
	movq %rax, (%rdi)
	addq $8, %rdi
	decl %ecx
	jnz .Lfill

	xorl %r12d, %r12d         # checksum
	movl $ROUNDS, %r13d
.Lround:
	# Pass 1: step() over every element.
	leaq array(%rip), %rbx
	movl $N, %r14d
.Lpass1:
	movq (%rbx), %rdi
	call step
	addq %r13, %rax
	movq %rax, (%rbx)
	xorq %rax, %r12
	rolq $7, %r12
	addq $8, %rbx
	decl %r14d
	jnz .Lpass1

	# Pass 2: one bubble pass on the unsigned values.
	leaq array(%rip), %rbx
	movl $N - 1, %r14d
.Lpass2:
	movq (%rbx), %rax
	movq 8(%rbx), %rdx
	cmpq %rdx, %rax
	jbe 1f
	movq %rdx, (%rbx)
	movq %rax, 8(%rbx)
	incq %r12
1:	addq $8, %rbx
	decl %r14d
	jnz .Lpass2

	# Pass 3: data-dependent gathers, hash, and a short recursion.
	leaq array(%rip), %rsi
	movl $N / 8, %r14d
	movq %r12, %rbp
.Lpass3:
	movl %ebp, %eax
	andl $N - 1, %eax
	movq (%rsi,%rax,8), %rdi
	call hash
	xorq %rax, %rbp
	movl %eax, %edi
	andl $7, %edi
	call depth
	addq %rax, %rbp
	decl %r14d
	jnz .Lpass3
	addq %rbp, %r12

	decl %r13d
	jnz .Lround

	# Print the checksum in hex.
	leaq outbuf(%rip), %rdi
	movl $16, %ecx
	movq %r12, %rax
.Lhex:
	rolq $4, %rax
	movl %eax, %edx
	andl $15, %edx
	cmpl $10, %edx
	jb 2f
	addl $'a' - '0' - 10, %edx
2:	addl $'0', %edx
	movb %dl, (%rdi)
	incq %rdi
	decl %ecx
	jnz .Lhex
	movb $'\n', (%rdi)
.ifdef SYSTEM
	# System mode (as --defsym SYSTEM=1): the same program as a kernel at CPL 0 with paging
	# on; output through the COM1 UART, exit through the debug-exit port.
	leaq outbuf(%rip), %rsi
	movl $17, %ecx
	movw $0x3f8, %dx
.Lout:	lodsb
	outb %al, %dx
	decl %ecx
	jnz .Lout
	xorl %eax, %eax
	outb %al, $0xf4
.else
	movl $1, %eax             # write(1, outbuf, 17)
	movl $1, %edi
	leaq outbuf(%rip), %rsi
	movl $17, %edx
	syscall
	movl $231, %eax           # exit_group(0)
	xorl %edi, %edi
	syscall
.endif

	.globl never_reached
never_reached:                # a breakpoint target that is never executed
	hlt

# xorshift64: %r15 = state; returns the next value in %rax.
xorshift:
	movq %r15, %rax
	movq %rax, %rdx
	shlq $13, %rdx
	xorq %rdx, %rax
	movq %rax, %rdx
	shrq $7, %rdx
	xorq %rdx, %rax
	movq %rax, %rdx
	shlq $17, %rdx
	xorq %rdx, %rax
	movq %rax, %r15
	ret

# step(x): odd -> (3x+1) * K (imul); even -> (x>>1) ^ ((x>>1)<<13), sometimes rotated.
step:
	movq %rdi, %rax
	testb $1, %al
	jz 1f
	leaq 1(%rax,%rax,2), %rax
	movabsq $0x2545f4914f6cdd1d, %rdx
	imulq %rdx, %rax
	ret
1:	shrq $1, %rax
	movq %rax, %rdx
	shlq $13, %rdx
	xorq %rdx, %rax
	testb $6, %al
	jnz 2f
	rorq $11, %rax
	notq %rax
2:	ret

# hash(x): 128-bit multiply, fold high and low halves.
hash:
	movabsq $0x9e3779b97f4a7c15, %rax
	mulq %rdi
	xorq %rdx, %rax
	movq %rax, %rdx
	sarq $29, %rdx
	xorq %rdx, %rax
	orq $1, %rax
	ret

# depth(n): n levels of recursion; returns a value mixed at every level.
depth:
	testl %edi, %edi
	jnz 1f
	movl $0x55, %eax
	ret
1:	pushq %rdi
	decl %edi
	call depth
	popq %rdi
	imull $31, %eax, %eax
	addl %edi, %eax
	ret
