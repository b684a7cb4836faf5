/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU variables, the x86-64 way (sample version).
 *
 * Every per-CPU variable is placed in the section .data..percpu, which the linker script links
 * at address 0. At boot each CPU gets its own copy of that template; the copy of CPU n lives at
 * __per_cpu_offset[n], and the same number is loaded into that CPU's GS.base while it runs
 * kernel code. So "the variable x of the current CPU" is simply the memory operand %gs:x.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#ifdef __ASSEMBLY__
#define PER_CPU_VAR(var)	%gs:var
#else
extern unsigned long __per_cpu_offset[];
#define per_cpu_ptr(ptr, cpu)	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[cpu]))
#endif

#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101	/* GS.base now */
#define MSR_KERNEL_GS_BASE	0xc0000102	/* the value SWAPGS exchanges with GS.base */

/* Size reserved for one CPU's copy of .data..percpu (checked by the linker script). */
#define PERCPU_AREA_SIZE	0x4000

#endif /* _ASM_PERCPU_H */
