/* Generated-style configuration for the x64emu corpus (not from any real build). */
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_SMP 1
#define CONFIG_NR_CPUS 64
#define CONFIG_PAGE_OFFSET 0xffff888000000000
#define CONFIG_PHYSICAL_START 0x1000000
#define CONFIG_PHYSICAL_ALIGN 0x200000
#define CONFIG_RETPOLINE 1
#define CONFIG_PAGE_TABLE_ISOLATION_MODULE 1
#define CONFIG_DEBUG_ENTRY 1
#define CONFIG_LOCALVERSION "-x64emu"
/* CONFIG_X86_5LEVEL is not set */
/* CONFIG_PARAVIRT is not set */
