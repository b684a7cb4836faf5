#ifndef _X64EMU_UAPI_UNISTD_64_H
#define _X64EMU_UAPI_UNISTD_64_H 1

#define __NR_read 0
#define __NR_write 1
#define __NR_open 2
#define __NR_close 3
#define __NR_mmap 9
#define __NR_brk 12
#define __NR_getpid 39
#define __NR_exit 60
#define __NR_exit_group 231

#endif /* _X64EMU_UAPI_UNISTD_64_H */
