/* A kernel-style .S: preprocessor, macros, per-CPU access, local labels. */
#include <asm/calling.h>
#define TSS_sp2		0x14
#define PER_CPU_VAR(var)	%gs:var
#ifdef CONFIG_X86_64
	.section .entry.text, "ax"
#endif

.macro SWITCH_CR3 scratch_reg:req, pcid=0
	movq	%cr3, \scratch_reg
	btsq	$63, \scratch_reg		# no flush
	movq	\scratch_reg, %cr3
.endm

	.globl	entry_SYSCALL_64
entry_SYSCALL_64:
	swapgs
	movq	%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	SWITCH_CR3 scratch_reg=%rsp
	lock cmpxchgq %rdx, 8(%rdi,%rcx,8)
1:	hlt
	jmp	1b
.Lout:	rep movsb
	movw	%ax, %ds ; movl $0x2b, %eax
	.asciz	"hello\n"	// trailing comment
	.rept 3
	nop
	.endr
