/* head_64.S-style early boot code and page tables (corpus file). */
#include <linux/linkage.h>
#include <linux/kconfig.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/percpu.h>

/*
 * We are not able to switch in one step to the final KERNEL ADDRESS SPACE
 * because we need identity-mapped pages.
 */
#define l4_index(x)	(((x) >> 39) & 511)
#define pud_index(x)	(((x) >> PUD_SHIFT) & (PTRS_PER_PUD-1))

L4_PAGE_OFFSET = l4_index(__PAGE_OFFSET_BASE_L4)
L4_START_KERNEL = l4_index(__START_KERNEL_map)
L3_START_KERNEL = pud_index(__START_KERNEL_map)

#if L4_PAGE_OFFSET
# error "l4_index is not an #if expression (it's an assembler symbol)"
#endif

#if (((__START_KERNEL_map) >> 39) & 511) != 511
# error "the kernel map must live in the last PGD slot"
#endif

#if ((0xffffffff80000000 >> PUD_SHIFT) & (PTRS_PER_PUD - 1)) != 510
# error "L3_START_KERNEL should be 510"
#endif

	.text
	__HEAD
	.code64
SYM_CODE_START_NOALIGN(startup_64)
	/*
	 * At this point the CPU runs in 64bit mode CS.L = 1 CS.D = 0,
	 * and someone has loaded an identity mapped page table
	 * for us.  These identity mapped page tables map all of the
	 * kernel pages and possibly all of memory.
	 *
	 * %rsi holds a physical pointer to real_mode_data.
	 */
	leaq	_text(%rip), %rdi
	movl	$(X86_CR4_PAE | X86_CR4_PGE), %ecx
	movq	%rcx, %cr4

	/* Setup a boot time stack */
	movq	initial_stack(%rip), %rsp

	/* Form the CR3 value being sure to include the CR3 modifier */
	addq	$(early_top_pgt - __START_KERNEL_map), %rax
	jmp	1f
SYM_CODE_END(startup_64)

SYM_CODE_START(secondary_startup_64)
1:
#if PGTABLE_LEVELS == 5
	movq	%cr4, %rcx
	orl	$X86_CR4_LA57, %ecx
#elif PGTABLE_LEVELS == 4 && defined(CONFIG_X86_64) && CONFIG_NR_CPUS >= 2 && \
      (CONFIG_PAGE_OFFSET == 0xffff888000000000)
	movq	%cr4, %rcx			# 4-level paging on SMP
#else
# error "unexpected paging configuration"
#endif
	movl	$MSR_EFER, %ecx
	rdmsr
	btsl	$_EFER_SCE, %eax	/* Enable System Call */
	btl	$20,%edi		/* No Execute supported? */
	jnc     1f
	btsl	$_EFER_NX, %eax
	btsq	$_PAGE_BIT_NX,early_pmd_flags(%rip)
1:	wrmsr				/* Make changes effective */

	/* Setup cr0 */
	movl	$CR0_STATE, %eax
	movq	%rax, %cr0

	/* zero EFLAGS after setting rsp */
	pushq $0
	popfq

	movq	%gs:0, %rax
	movq	PER_CPU_VAR(this_cpu_off), %rdx
	pushq	$__KERNEL_CS	# set correct cs
	leaq	.Lafter_lret(%rip), %rax	# put return address on stack for unwinder
	pushq	%rax
	lretq
.Lafter_lret:
SYM_CODE_END(secondary_startup_64)

#define SYM_DATA_START_PAGE_ALIGNED(name)			\
	SYM_START(name, SYM_L_GLOBAL, .balign PAGE_SIZE)

#define PMDS(START, PERM, COUNT)			\
	i = 0 ;						\
	.rept (COUNT) ;					\
	.quad	(START) + (i << PMD_SHIFT) + (PERM) ;	\
	i = i + 1 ;					\
	.endr

#define __PAGE_KERNEL_LARGE_EXEC 0x1e3

	__INITDATA
	.balign 4

SYM_DATA_START_PAGE_ALIGNED(early_top_pgt)
	.fill	511,8,0
	.quad	level3_kernel_pgt - __START_KERNEL_map + _PAGE_TABLE_NOENC
	.fill	PTI_USER_PGD_FILL,8,0
SYM_DATA_END(early_top_pgt)

SYM_DATA_START_PAGE_ALIGNED(level3_kernel_pgt)
	.fill	L3_START_KERNEL,8,0
	/* (2^48-(2*1024*1024*1024)-((2^39)*511))/(2^30) = 510 */
	.quad	level2_kernel_pgt - __START_KERNEL_map + _KERNPG_TABLE_NOENC
	.quad	level2_fixmap_pgt - __START_KERNEL_map + _PAGE_TABLE_NOENC
SYM_DATA_END(level3_kernel_pgt)

SYM_DATA_START_PAGE_ALIGNED(level2_kernel_pgt)
	/*
	 * Kernel high mapping.
	 *
	 * The kernel code+data+bss must be located below KERNEL_IMAGE_SIZE in
	 * virtual address space, which is 1 GiB if RANDOMIZE_BASE is enabled,
	 * 512 MiB otherwise.
	 */
	PMDS(0, __PAGE_KERNEL_LARGE_EXEC, KERNEL_IMAGE_SIZE/PMD_SIZE)
SYM_DATA_END(level2_kernel_pgt)

SYM_DATA(initial_stack, .quad init_thread_union + THREAD_SIZE - SIZEOF_PTREGS)
SYM_DATA(phys_base, .quad 0x0)
SYM_DATA(start_kernel_const, .quad __START_KERNEL)
SYM_DATA(page_mask_const, .quad PAGE_MASK)
