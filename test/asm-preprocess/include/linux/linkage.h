/* SYM_* annotations in the style of the kernel's linkage.h (written for this corpus). */
#ifndef _X64EMU_LINKAGE_H
#define _X64EMU_LINKAGE_H

#include <linux/compiler_types.h>
#include <linux/stringify.h>
#include <linux/export.h>
#include <asm/linkage.h>

#ifndef ASM_NL
#define ASM_NL		 ;
#endif

#ifndef __ALIGN
#define __ALIGN		.align 4,0x90
#define __ALIGN_STR	".align 4,0x90"
#endif

#ifdef __ASSEMBLY__

#ifndef LINKER_SCRIPT
#define ALIGN __ALIGN
#define ALIGN_STR __ALIGN_STR
#endif

#define SYM_T_FUNC			STT_FUNC
#define SYM_T_OBJECT			STT_OBJECT
#define SYM_T_NONE			STT_NOTYPE

#define SYM_A_ALIGN			ALIGN
#define SYM_A_NONE			/* nothing */

#define SYM_L_GLOBAL(name)		.globl name
#define SYM_L_WEAK(name)		.weak name
#define SYM_L_LOCAL(name)		/* nothing */

#ifndef SYM_ENTRY
#define SYM_ENTRY(name, linkage, align...)		\
	linkage(name) ASM_NL				\
	align ASM_NL					\
	name:
#endif

#ifndef SYM_START
#define SYM_START(name, linkage, align...)		\
	SYM_ENTRY(name, linkage, align)
#endif

#ifndef SYM_END
#define SYM_END(name, sym_type)				\
	.type name sym_type ASM_NL			\
	.set .L__sym_size_##name, .-name ASM_NL		\
	.size name, .L__sym_size_##name
#endif

#define SYM_FUNC_START(name)			\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_ALIGN)
#define SYM_FUNC_START_NOALIGN(name)		\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)
#define SYM_FUNC_START_LOCAL(name)		\
	SYM_START(name, SYM_L_LOCAL, SYM_A_ALIGN)
#define SYM_FUNC_START_WEAK(name)		\
	SYM_START(name, SYM_L_WEAK, SYM_A_ALIGN)
#define SYM_FUNC_END(name)			\
	SYM_END(name, SYM_T_FUNC)

#define SYM_CODE_START(name)			\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_ALIGN)
#define SYM_CODE_START_NOALIGN(name)		\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)
#define SYM_CODE_START_LOCAL(name)		\
	SYM_START(name, SYM_L_LOCAL, SYM_A_ALIGN)
#define SYM_CODE_END(name)			\
	SYM_END(name, SYM_T_NONE)

#define SYM_INNER_LABEL_ALIGN(name, linkage)	\
	.type name SYM_T_NONE ASM_NL		\
	SYM_ENTRY(name, linkage, SYM_A_ALIGN)
#define SYM_INNER_LABEL(name, linkage)		\
	.type name SYM_T_NONE ASM_NL		\
	SYM_ENTRY(name, linkage, SYM_A_NONE)

#define SYM_DATA_START(name)			\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)
#define SYM_DATA_END(name)			\
	SYM_END(name, SYM_T_OBJECT)
#define SYM_DATA(name, data...)			\
	SYM_DATA_START(name) ASM_NL		\
	data ASM_NL				\
	SYM_DATA_END(name)

#else /* !__ASSEMBLY__ */
#define asmlinkage __attribute__((regparm(0)))
#endif /* __ASSEMBLY__ */

#endif /* _X64EMU_LINKAGE_H */
