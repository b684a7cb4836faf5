/* Architecture override that defers to the generic header. */
#define EXTRA_OVERRIDE	override
#include_next <asm/extra.h>
extra_override_file: .ascii __FILE__
