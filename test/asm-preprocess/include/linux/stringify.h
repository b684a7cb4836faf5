#ifndef __X64EMU_STRINGIFY_H
#define __X64EMU_STRINGIFY_H

/* Stringify after expansion; variadic so that commas survive. */
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#define FILE_LINE	__FILE__ ":" __stringify(__LINE__)

#endif
