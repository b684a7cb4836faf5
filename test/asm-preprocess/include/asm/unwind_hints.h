#ifndef _X64EMU_UNWIND_HINTS_H
#define _X64EMU_UNWIND_HINTS_H

#define UNWIND_HINT_TYPE_CALL		0
#define UNWIND_HINT_TYPE_REGS		1
#define UNWIND_HINT_TYPE_REGS_PARTIAL	2
#define UNWIND_HINT_TYPE_FUNC		3
#define UNWIND_HINT_TYPE_ENTRY		4

#define ORC_REG_UNDEFINED		0
#define ORC_REG_SP			2

#ifdef __ASSEMBLY__

.macro UNWIND_HINT type:req sp_reg=0 sp_offset=0 signal=0
.Lhere_\@:
	.pushsection .discard.unwind_hints
		/* struct unwind_hint */
		.long .Lhere_\@ - .
		.short \sp_offset
		.byte \sp_reg
		.byte \type
		.byte \signal
		.balign 4
	.popsection
.endm

.macro UNWIND_HINT_END_OF_STACK
	UNWIND_HINT type=UNWIND_HINT_TYPE_ENTRY sp_reg=ORC_REG_UNDEFINED
.endm

.macro UNWIND_HINT_ENTRY
	UNWIND_HINT type=UNWIND_HINT_TYPE_ENTRY
.endm

.macro UNWIND_HINT_REGS base=%rsp offset=0 indirect=0 extra=1 partial=0 signal=1
	.if \base == %rsp
		.if \indirect
			.set sp_reg, ORC_REG_SP_INDIRECT
		.else
			.set sp_reg, ORC_REG_SP
		.endif
	.endif
	UNWIND_HINT type=UNWIND_HINT_TYPE_REGS sp_reg=sp_reg sp_offset=\offset signal=\signal
.endm

#endif /* __ASSEMBLY__ */

#endif
