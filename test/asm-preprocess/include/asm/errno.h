#pragma once
/* Included twice by cases/syscalls.S: #pragma once must keep the second copy out. */
#define EPERM		 1	/* Operation not permitted */
#define ENOENT		 2	/* No such file or directory */
#define EINTR		 4	/* Interrupted system call */
#define EFAULT		14	/* Bad address */
#define EINVAL		22	/* Invalid argument */
#define ENOSYS		38	/* Invalid system call number */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
.equ errno_header_seen_count, 1
