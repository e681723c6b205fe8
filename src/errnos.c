/*
 * The errno table.  Numbers are x86_64 Linux; texts are glibc's, which
 * is also what Go's syscall package prints in lower case.
 */
#include "errnos.h"

#include <string.h>
#include <strings.h>

static const struct errno_info errnos[] = {
	{ "EPERM", 1, "Operation not permitted" },
	{ "ENOENT", 2, "No such file or directory" },
	{ "ESRCH", 3, "No such process" },
	{ "EINTR", 4, "Interrupted system call" },
	{ "EIO", 5, "Input/output error" },
	{ "ENXIO", 6, "No such device or address" },
	{ "E2BIG", 7, "Argument list too long" },
	{ "ENOEXEC", 8, "Exec format error" },
	{ "EBADF", 9, "Bad file descriptor" },
	{ "ECHILD", 10, "No child processes" },
	{ "EAGAIN", 11, "Resource temporarily unavailable" },
	{ "ENOMEM", 12, "Cannot allocate memory" },
	{ "EACCES", 13, "Permission denied" },
	{ "EFAULT", 14, "Bad address" },
	{ "EBUSY", 16, "Device or resource busy" },
	{ "EEXIST", 17, "File exists" },
	{ "EXDEV", 18, "Invalid cross-device link" },
	{ "ENODEV", 19, "No such device" },
	{ "ENOTDIR", 20, "Not a directory" },
	{ "EISDIR", 21, "Is a directory" },
	{ "EINVAL", 22, "Invalid argument" },
	{ "ENFILE", 23, "Too many open files in system" },
	{ "EMFILE", 24, "Too many open files" },
	{ "ENOTTY", 25, "Inappropriate ioctl for device" },
	{ "ETXTBSY", 26, "Text file busy" },
	{ "EFBIG", 27, "File too large" },
	{ "ENOSPC", 28, "No space left on device" },
	{ "ESPIPE", 29, "Illegal seek" },
	{ "EROFS", 30, "Read-only file system" },
	{ "EMLINK", 31, "Too many links" },
	{ "EPIPE", 32, "Broken pipe" },
	{ "EDEADLK", 35, "Resource deadlock avoided" },
	{ "ENAMETOOLONG", 36, "File name too long" },
	{ "ENOLCK", 37, "No locks available" },
	{ "ENOSYS", 38, "Function not implemented" },
	{ "ENOTEMPTY", 39, "Directory not empty" },
	{ "ELOOP", 40, "Too many levels of symbolic links" },
	{ "ENODATA", 61, "No data available" },
	{ "ETIME", 62, "Timer expired" },
	{ "EOVERFLOW", 75, "Value too large for defined data type" },
	{ "EILSEQ", 84, "Invalid or incomplete multibyte or wide character" },
	{ "ENOTSOCK", 88, "Socket operation on non-socket" },
	{ "EOPNOTSUPP", 95, "Operation not supported" },
	{ "EADDRINUSE", 98, "Address already in use" },
	{ "ENETUNREACH", 101, "Network is unreachable" },
	{ "ECONNRESET", 104, "Connection reset by peer" },
	{ "ENOBUFS", 105, "No buffer space available" },
	{ "ETIMEDOUT", 110, "Connection timed out" },
	{ "ECONNREFUSED", 111, "Connection refused" },
	{ "EHOSTUNREACH", 113, "No route to host" },
	{ "EALREADY", 114, "Operation already in progress" },
	{ "EINPROGRESS", 115, "Operation now in progress" },
	{ "ESTALE", 116, "Stale file handle" },
	{ "EDQUOT", 122, "Disk quota exceeded" },
	{ "ECANCELED", 125, "Operation canceled" },
};

const struct errno_info *
errno_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(errnos[i].name, name) == 0)
			return &errnos[i];
	return NULL;
}

const struct errno_info *
errno_by_text(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strlen(errnos[i].text) == n &&
		    strncasecmp(errnos[i].text, s, n) == 0)
			return &errnos[i];
	return NULL;
}

const struct errno_info *
errno_prefix(const char *s, size_t n)
{
	const struct errno_info *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
		size_t l = strlen(errnos[i].text);

		if (l <= n && l > best_len && strncasecmp(errnos[i].text, s, l) == 0) {
			best = &errnos[i];
			best_len = l;
		}
	}
	return best;
}
