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

#define PER_CPU_BASE_SECTION	".data..percpu"

#ifdef __ASSEMBLY__
#define PER_CPU_VAR(var)	%gs:var
#else
extern unsigned long __per_cpu_offset[];
#define per_cpu_ptr(ptr, cpu)	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[cpu]))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))

/*
 * Typed declarations of the per-CPU variables the assembly defines, as Linux writes them: the
 * symbol's address is its offset in the per-CPU area (the section is linked at 0), and its type
 * is that of each CPU's copy. The section names are those of kernel.lds; Linux puts
 * DECLARE_PER_CPU_ALIGNED variables in "..shared_aligned", which the sample does not have.
 */
#define DECLARE_PER_CPU_SECTION(type, name, sec) \
	extern __attribute__((section(PER_CPU_BASE_SECTION sec))) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) \
	DECLARE_PER_CPU_SECTION(type, name, "")
#define DECLARE_PER_CPU_ALIGNED(type, name) \
	DECLARE_PER_CPU_SECTION(type, name, "") __attribute__((aligned(64)))
#define DECLARE_PER_CPU_PAGE_ALIGNED(type, name) \
	DECLARE_PER_CPU_SECTION(type, name, "..page_aligned") __attribute__((aligned(4096)))
#endif

#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101	/* GS.base now */
#define MSR_KERNEL_GS_BASE	0xc0000102	/* the value SWAPGS exchanges with GS.base */

/* Size reserved for one CPU's copy of .data..percpu (checked by the linker script). */
#define PERCPU_AREA_SIZE	0x4000

#endif /* _ASM_PERCPU_H */
