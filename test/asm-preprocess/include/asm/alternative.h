#ifndef _X64EMU_ALTERNATIVE_H
#define _X64EMU_ALTERNATIVE_H

#include <asm/asm.h>
#include <asm/cpufeatures.h>

#ifdef __ASSEMBLY__

.macro altinstruction_entry orig alt feature orig_len alt_len
	.long \orig - .
	.long \alt - .
	.4byte \feature
	.byte \orig_len
	.byte \alt_len
.endm

/*
 * Define an alternative between two instructions. If @feature is
 * present, early code in apply_alternatives() replaces @oldinstr with
 * @newinstr. ".skip" directive takes care of proper instruction padding
 * in case @newinstr is longer than @oldinstr.
 */
#define __ALTERNATIVE_BODY(oldinstr, newinstr, feature)		\
140:									\
	oldinstr ;							\
141:									\
	.skip -(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)),0x90 ; \
142:									\
	.pushsection .altinstructions,"a" ;				\
	altinstruction_entry 140b,143f,feature,142b-140b,144f-143f ;	\
	.popsection ;							\
	.pushsection .altinstr_replacement,"ax" ;			\
143:									\
	newinstr ;							\
144:									\
	.popsection

#define ALTERNATIVE(oldinstr, newinstr, feature)	__ALTERNATIVE_BODY(oldinstr, newinstr, feature)

#endif

#endif
