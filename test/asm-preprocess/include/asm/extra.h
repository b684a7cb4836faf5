/* The generic version, reached from include2/asm/extra.h by #include_next. */
#define EXTRA_GENERIC	generic
EXTRA_LEVEL_ONE: .byte __INCLUDE_LEVEL__
