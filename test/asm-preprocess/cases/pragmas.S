/* Pragmas and other directives GCC consumes in assembler-with-cpp mode (corpus file). */
#pragma GCC system_header
#pragma weak not_for_the_assembler
#pragma GCC diagnostic push
#pragma STDC FP_CONTRACT ON
#ident "corpus: ident strings are dropped"
#sccs "so are sccs ones"

#define VALUE 1
#pragma push_macro("VALUE")
#undef VALUE
#define VALUE 2
	.long VALUE
#pragma pop_macro("VALUE")
	.long VALUE
#pragma push_macro("UNDEFINED_BEFORE")
#define UNDEFINED_BEFORE 3
	.long UNDEFINED_BEFORE
#pragma pop_macro("UNDEFINED_BEFORE")
	.long UNDEFINED_BEFORE

#pragma GCC warning "a warning from a pragma"

#define DO_PRAGMA(x) _Pragma(#x)
#define NOTE_ONCE DO_PRAGMA(weak "from _Pragma") after_pragma
	before_pragma NOTE_ONCE
	_Pragma("weak foo") .long 7
	.long __COUNTER__, __COUNTER__, __COUNTER__

#assert arch(x64emu)
#if #arch(x64emu) && #arch
	.ascii "asserted"
#endif
#unassert arch
#if #arch
# error "unasserted"
#endif

/* GCC prints the pragmas the C front end registers "with expansion", expanded. */
#define MSG_PART "part"
#pragma message("corpus " MSG_PART)
#pragma redefine_extname old_name new_name
	_Pragma("message(\"from the operator\")") .long 8
