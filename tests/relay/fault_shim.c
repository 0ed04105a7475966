/*
 * fault_shim — an LD_PRELOAD library for tests/relay/test_faults.sh, used
 * only where no small file system can be mounted: it makes the spool look
 * full without filling a disk.  Built by the test (gcc -shared), never
 * part of the relay.
 *
 * BMX_FAULT_DIR names the spool directory, BMX_FAULT_FILE a file whose
 * first word switches the fault: "low" makes fstatvfs()/statvfs() of
 * anything under the directory report one free block; "full" does that
 * and makes write() and fsync() there fail with ENOSPC; "fsync" makes
 * only fsync() there fail, with EIO (the data never reached the disk).
 * No file, or anything else in it: no fault.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* 0 none, 1 low, 2 full, 3 fsync */
static int
shim_mode(void)
{
	const char *f = getenv("BMX_FAULT_FILE");
	char w[8] = "";
	int fd, n;

	if (f == NULL || (fd = open(f, O_RDONLY)) == -1)
		return 0;
	n = (int)read(fd, w, sizeof(w) - 1);
	close(fd);
	w[n > 0 ? n : 0] = '\0';
	if (strncmp(w, "fsync", 5) == 0)
		return 3;
	return strncmp(w, "full", 4) == 0 ? 2 : strncmp(w, "low", 3) == 0;
}

static int
shim_path_ours(const char *path)
{
	const char *dir = getenv("BMX_FAULT_DIR");
	size_t n;

	if (dir == NULL || path == NULL)
		return 0;
	n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

static int
shim_fd_ours(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return 0;
	path[n] = '\0';
	return shim_path_ours(path);
}

static void
shim_low(struct statvfs *v)
{
	v->f_bavail = v->f_bfree = 1;
}

ssize_t
write(int fd, const void *p, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");
	if (fd > 2 && shim_fd_ours(fd) && shim_mode() == 2) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, p, n);
}

int
fsync(int fd)
{
	static int (*real)(int);
	int mode;

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (shim_fd_ours(fd) && (mode = shim_mode()) >= 2) {
		errno = mode == 2 ? ENOSPC : EIO;
		return -1;
	}
	return real(fd);
}

int
fstatvfs(int fd, struct statvfs *v)
{
	static int (*real)(int, struct statvfs *);
	int rc;

	if (real == NULL)
		real = (int (*)(int, struct statvfs *))dlsym(RTLD_NEXT,
		    "fstatvfs");
	if ((rc = real(fd, v)) == 0 && shim_fd_ours(fd) &&
	    (shim_mode() == 1 || shim_mode() == 2))
		shim_low(v);
	return rc;
}

int
statvfs(const char *path, struct statvfs *v)
{
	static int (*real)(const char *, struct statvfs *);
	int rc;

	if (real == NULL)
		real = (int (*)(const char *, struct statvfs *))dlsym(
		    RTLD_NEXT, "statvfs");
	if ((rc = real(path, v)) == 0 && shim_path_ours(path) &&
	    (shim_mode() == 1 || shim_mode() == 2))
		shim_low(v);
	return rc;
}
