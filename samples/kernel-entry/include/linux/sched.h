/* SPDX-License-Identifier: MIT */
/* A minimal task_struct: the fields the sample's scheduler and entry code use. */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#define TASK_RUNNING		0
#define EXIT_DEAD		0x10

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/percpu.h>
#include <asm/setup.h>

struct thread_struct {
	unsigned long sp;	/* kernel RSP saved by __switch_to_asm */
};

struct task_struct {
	unsigned int __state;	/* TASK_RUNNING or EXIT_DEAD */
	int on_cpu;		/* 1 while some CPU runs it (or is switching away from it) */
	void *stack;		/* base of the THREAD_SIZE kernel stack */
	int pid;
	int pad;
	struct thread_struct thread;
};

/* head_64.S: the idle task of each CPU (tasks[0] is init_task), then the user tasks. */
extern struct task_struct tasks[NR_TASKS];
extern struct task_struct init_task;

/* Set by the timer interrupt, checked on the way back to user mode (Linux: TIF_NEED_RESCHED). */
DECLARE_PER_CPU(int, need_resched);
#endif

#endif /* _LINUX_SCHED_H */
