/* SPDX-License-Identifier: MIT */
/*
 * The C-level part of the sample kernel, written in assembly so that the sample needs nothing
 * but an assembler: the system call dispatcher and table, the scheduler, the timer interrupt,
 * the idle loop and the console. Each function follows the System V calling convention and
 * carries the name of its Linux counterpart.
 */
#include <asm/asm-offsets.h>
#include <asm/calling.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/setup.h>
#include <linux/sched.h>

#define __NR_write		1
#define __NR_sched_yield	24
#define __NR_getpid		39
#define __NR_exit		60
#define __NR_syscalls		61

	.text

/* ---- spinlocks: %rdi = lock ---- */
raw_spin_lock:
1:	lock btsl $0, (%rdi)
	jnc	3f
2:	pause
	testl	$1, (%rdi)
	jnz	2b
	jmp	1b
3:	ret

raw_spin_unlock:
	movl	$0, (%rdi)
	ret

/* ---- system calls ---- */

/* do_syscall_64(regs %rdi, nr %rsi): regs->ax = sys_call_table[nr](regs) */
	.globl	do_syscall_64
do_syscall_64:
	pushq	%rbx
	movq	%rdi, %rbx
	cmpq	$__NR_syscalls, %rsi
	jae	1f
	leaq	sys_call_table(%rip), %rax
	call	*(%rax,%rsi,8)
	movq	%rax, RAX(%rbx)
1:	movq	%rbx, %rdi
	call	exit_to_user_mode
	popq	%rbx
	ret

/* write(fd, buf, count): every fd is the console; the bytes go to the UART. */
__x64_sys_write:
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	RSI(%rdi), %r12			/* buf */
	movq	RDX(%rdi), %r13			/* count */
	leaq	console_lock(%rip), %rdi
	call	raw_spin_lock
	movw	$COM1_PORT, %dx
	xorl	%ebx, %ebx
	stac					/* SMAP: this access to user memory is intended */
1:	cmpq	%r13, %rbx
	jae	2f
	movb	(%r12,%rbx), %al
	outb	%al, %dx
	incq	%rbx
	jmp	1b
2:	clac
	leaq	console_lock(%rip), %rdi
	call	raw_spin_unlock
	movq	%r13, %rax
	popq	%r13
	popq	%r12
	popq	%rbx
	ret

__x64_sys_getpid:
	movq	PER_CPU_VAR(pcpu_hot + X86_current_task), %rax
	movslq	TASK_pid(%rax), %rax
	ret

__x64_sys_sched_yield:
	call	schedule
	xorl	%eax, %eax
	ret

/* exit(code): the task is dead; switch away for good. */
__x64_sys_exit:
	movq	PER_CPU_VAR(pcpu_hot + X86_current_task), %rax
	movl	$EXIT_DEAD, TASK_state(%rax)
	lock decl nr_running(%rip)
	call	schedule
	ud2					/* not reached */

sys_ni_syscall:
	movq	$-ENOSYS, %rax
	ret

	.section .rodata
	.balign	8
	.globl	sys_call_table
sys_call_table:
	.set	nr, 0
	.rept	__NR_syscalls
	.if nr == __NR_write
	.quad	__x64_sys_write
	.elseif nr == __NR_sched_yield
	.quad	__x64_sys_sched_yield
	.elseif nr == __NR_getpid
	.quad	__x64_sys_getpid
	.elseif nr == __NR_exit
	.quad	__x64_sys_exit
	.else
	.quad	sys_ni_syscall
	.endif
	.set	nr, nr + 1
	.endr
	.text

/* ---- scheduling ---- */

/*
 * schedule(): pick the next runnable user task that no CPU is running (round robin after the
 * current one); keep the current task if it is the only one; else this CPU's idle task. The
 * runqueue lock is held across the switch and released by the task switched to
 * (finish_task_switch), which also marks the previous task as no longer running.
 */
	.globl	schedule
schedule:
	pushq	%rbx
	pushq	%r12
	leaq	runqueue_lock(%rip), %rdi
	call	raw_spin_lock
	movl	$0, PER_CPU_VAR(need_resched)
	movq	PER_CPU_VAR(pcpu_hot + X86_current_task), %rbx	/* prev */
	leaq	tasks(%rip), %r8
	movq	%rbx, %rax
	subq	%r8, %rax
	shrq	$5, %rax				/* index of prev (TASK_size = 32) */
	movl	$NR_USER_TASKS, %ecx
	movl	%eax, %r9d
1:	incl	%r9d					/* candidates: the user tasks after prev */
	cmpl	$NR_TASKS, %r9d
	jb	2f
	movl	$NR_CPUS, %r9d
2:	movl	%r9d, %r12d
	shlq	$5, %r12
	addq	%r8, %r12				/* candidate */
	cmpl	$TASK_RUNNING, TASK_state(%r12)
	jne	3f
	cmpl	$0, TASK_on_cpu(%r12)
	je	5f					/* found one */
3:	decl	%ecx
	jnz	1b
	/* none free: stay on prev if it can still run, else go idle */
	movq	%rbx, %r12
	cmpl	$NR_CPUS, %eax
	jb	4f
	cmpl	$TASK_RUNNING, TASK_state(%rbx)
	je	5f
4:	movl	PER_CPU_VAR(pcpu_hot + X86_cpu_number), %r12d
	shlq	$5, %r12
	addq	%r8, %r12				/* this CPU's idle task */
5:	cmpq	%rbx, %r12
	je	6f
	movl	$1, TASK_on_cpu(%r12)
	movq	%rbx, %rdi
	movq	%r12, %rsi
	call	__switch_to_asm				/* returns, later, on prev's stack */
	movq	%rax, %rdi
	call	finish_task_switch
	jmp	7f
6:	leaq	runqueue_lock(%rip), %rdi
	call	raw_spin_unlock
7:	popq	%r12
	popq	%rbx
	ret

/*
 * __switch_to(prev %rdi, next %rsi), on next's stack: make next current on this CPU. The entry
 * code finds the task's kernel stack through pcpu_hot.top_of_stack; TSS.sp0 stays the
 * trampoline stack.
 */
	.globl	__switch_to
__switch_to:
	movq	%rsi, PER_CPU_VAR(pcpu_hot + X86_current_task)
	movq	TASK_stack(%rsi), %rax
	addq	$THREAD_SIZE, %rax
	movq	%rax, PER_CPU_VAR(pcpu_hot + X86_top_of_stack)
	movq	%rdi, %rax
	ret

/* finish_task_switch(prev %rdi): prev's stack is no longer in use; drop the runqueue lock. */
finish_task_switch:
	movl	$0, TASK_on_cpu(%rdi)
	leaq	runqueue_lock(%rip), %rdi
	jmp	raw_spin_unlock

	.globl	schedule_tail
schedule_tail:
	jmp	finish_task_switch

/* exit_to_user_mode(regs): reschedule if the timer asked for it. */
	.globl	exit_to_user_mode
exit_to_user_mode:
	cmpl	$0, PER_CPU_VAR(need_resched)
	je	1f
	jmp	schedule
1:	ret

/* The LAPIC timer: acknowledge it, count it and ask for a reschedule. */
	.globl	sysvec_apic_timer_interrupt
sysvec_apic_timer_interrupt:
	movl	$APIC_EOI_MSR, %ecx
	xorl	%eax, %eax
	xorl	%edx, %edx
	wrmsr
	lock incq timer_ticks(%rip)
	testb	$3, CS(%rdi)
	jz	1f
	lock incq user_timer_ticks(%rip)
1:	movl	$1, PER_CPU_VAR(need_resched)
	ret

/*
 * cpu_idle(cpu %edi): the idle task. CPU 0 ends the run (debug-exit port, status 0) once every
 * user task has exited; until then both CPUs look for work and sleep until the next tick.
 */
	.globl	cpu_idle
cpu_idle:
	movl	%edi, %ebx
1:	cmpl	$0, nr_running(%rip)
	jne	2f
	testl	%ebx, %ebx
	jnz	2f
	leaq	msg_all_exited(%rip), %rdi
	call	puts
	xorl	%eax, %eax
	outb	%al, $DEBUG_EXIT_PORT
2:	call	schedule
	sti
	hlt
	cli
	jmp	1b

/* ---- console ---- */

/* puts(%rdi): a NUL-terminated string to the UART */
	.globl	puts
puts:
	movw	$COM1_PORT, %dx
1:	movb	(%rdi), %al
	testb	%al, %al
	jz	2f
	outb	%al, %dx
	incq	%rdi
	jmp	1b
2:	ret

/* puthex(%rdi): 0x and the hexadecimal digits of %rdi, without leading zeros */
puthex:
	movw	$COM1_PORT, %dx
	movb	$'0', %al
	outb	%al, %dx
	movb	$'x', %al
	outb	%al, %dx
	movl	$60, %ecx
	xorl	%esi, %esi			/* a digit was printed */
1:	movq	%rdi, %rax
	shrq	%cl, %rax
	andl	$15, %eax
	orl	%eax, %esi
	jnz	2f
	testl	%ecx, %ecx
	jnz	3f
2:	cmpb	$10, %al
	jb	4f
	addb	$('a' - '0' - 10), %al
4:	addb	$'0', %al
	outb	%al, %dx
3:	subl	$4, %ecx
	jns	1b
	ret

/*
 * exc_die(regs %rdi, error code %rsi, vector %edx): an exception the sample does not handle:
 * report it and stop with status 128 + vector. Uses no per-CPU data (GS may be the user's).
 */
	.globl	exc_die
exc_die:
	movq	%rdi, %rbx
	movq	%rsi, %r12
	movl	%edx, %r13d
	leaq	msg_exc(%rip), %rdi
	call	puts
	movl	%r13d, %edi
	call	puthex
	leaq	msg_err(%rip), %rdi
	call	puts
	movq	%r12, %rdi
	call	puthex
	leaq	msg_cr2(%rip), %rdi
	call	puts
	movq	%cr2, %rdi
	call	puthex
	leaq	msg_rip(%rip), %rdi
	call	puts
	movq	RIP(%rbx), %rdi
	call	puthex
	leaq	msg_cs(%rip), %rdi
	call	puts
	movq	CS(%rbx), %rdi
	call	puthex
	movb	$'\n', %al
	movw	$COM1_PORT, %dx
	outb	%al, %dx
	leal	128(%r13), %eax
	outb	%al, $DEBUG_EXIT_PORT
1:	hlt
	jmp	1b

	.section .rodata
msg_all_exited:	.asciz "kernel: all tasks exited\n"
msg_exc:	.asciz "kernel: exception "
msg_err:	.asciz " error_code="
msg_cr2:	.asciz " cr2="
msg_rip:	.asciz " rip="
msg_cs:		.asciz " cs="

	.data
	.balign	8
runqueue_lock:	.long 0
console_lock:	.long 0
	.globl	timer_ticks, user_timer_ticks
timer_ticks:	.quad 0
user_timer_ticks: .quad 0
