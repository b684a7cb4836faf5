/* SPDX-License-Identifier: MIT */
/*
 * The user programs (ring 3, at 4 MiB). Every user task starts at user_entry with %rdi = its
 * number: it asks for its pid, prints through write, yields the CPU with sched_yield, and
 * exits. In between it computes for a while without system calls, so the LAPIC timer interrupts
 * it in ring 3 (the hardware stack switch to TSS.sp0 that SYSCALL does not do) and the tasks
 * spread over both CPUs.
 */
#define __NR_write		1
#define __NR_sched_yield	24
#define __NR_getpid		39
#define __NR_exit		60

	.section .user.text, "ax"
	.globl	user_entry
user_entry:
	movl	%edi, %r12d			/* task number */
	movl	$__NR_getpid, %eax
	syscall
	movl	%eax, %r13d			/* pid */
	leaq	msg_hello(%rip), %rsi
	movl	$msg_hello_len, %edx
	call	say
	movl	$__NR_sched_yield, %eax
	syscall
	leaq	msg_back(%rip), %rsi
	movl	$msg_back_len, %edx
	call	say
	leal	1(%r12), %ecx			/* compute: 2 * 15,000 * (n + 1) instructions */
	imull	$15000, %ecx, %ecx
1:	decl	%ecx
	jnz	1b
	leaq	msg_bye(%rip), %rsi
	movl	$msg_bye_len, %edx
	call	say
	movl	$__NR_exit, %eax
	xorl	%edi, %edi
	syscall
	ud2

/*
 * say(template %rsi, length %rdx): copy the template to the stack, replace '?' with the task's
 * letter and '#' with its pid digit, and write it in one system call.
 */
say:
	subq	$64, %rsp
	xorl	%ecx, %ecx
1:	movb	(%rsi,%rcx), %al
	cmpb	$'?', %al
	jne	2f
	leal	'A'(%r12), %eax
2:	cmpb	$'#', %al
	jne	3f
	leal	'0'(%r13), %eax
3:	movb	%al, (%rsp,%rcx)
	incl	%ecx
	cmpl	%edx, %ecx
	jb	1b
	movl	$__NR_write, %eax
	movl	$1, %edi
	movq	%rsp, %rsi
	syscall
	addq	$64, %rsp
	ret

msg_hello:	.ascii "task ?: hello from pid #\n"
	.set	msg_hello_len, . - msg_hello
msg_back:	.ascii "task ?: back after sched_yield\n"
	.set	msg_back_len, . - msg_back
msg_bye:	.ascii "task ?: exiting\n"
	.set	msg_bye_len, . - msg_bye

	.section .user.data, "aw"
	.balign	4096
	.globl	user_stacks
user_stacks:					/* one page per task; task n's stack top is page n + 1 */
	.fill	3 * 4096, 1, 0
