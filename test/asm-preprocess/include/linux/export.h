#ifndef _X64EMU_EXPORT_H
#define _X64EMU_EXPORT_H

#include <linux/compiler_types.h>

#ifdef __ASSEMBLY__
/* The assembler version: a section entry per exported symbol. */
.macro __put_ksym name, sec
	.section "___ksymtab\sec+\name", "a"
	.balign 8
__ksymtab_\name:
	.quad \name
	.previous
.endm

#define __EXPORT_SYMBOL(sym, sec)	__put_ksym sym, sec
#define EXPORT_SYMBOL(sym)		__EXPORT_SYMBOL(sym, )
#define EXPORT_SYMBOL_GPL(sym)		__EXPORT_SYMBOL(sym, _gpl)
#else
#define EXPORT_SYMBOL(sym) extern typeof(sym) sym
#endif

#endif
