// SPDX-License-Identifier: GPL-2.0
/* The kernel log, read from /dev/kmsg: what a test's actions made it say. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mmscope_test.h"

/* What mmscope-vm also treats as a kernel problem. */
static const char *const kmsg_splats[] = {
	"BUG:", "WARNING:", "Oops", "Call Trace", "general protection fault",
	"Unable to handle kernel", "kernel BUG", "list_add corruption",
	"list_del corruption", "possible recursive locking",
	"possible circular locking", "rcu_sched self-detected stall",
	"rcu: INFO:", "Kernel panic",
};

int mmscope_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "/dev/kmsg: %s", strerror(errno));
		return -errno;
	}
	if (lseek(fd, 0, SEEK_END) < 0) {
		snprintf(mmscope_error, sizeof(mmscope_error),
			 "/dev/kmsg: seek: %s", strerror(errno));
		close(fd);
		return -errno;
	}
	return fd;
}

static int kmsg_is_splat(const char *msg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kmsg_splats); i++)
		if (strstr(msg, kmsg_splats[i]))
			return 1;
	return 0;
}

int mmscope_kmsg_splats(int fd, char *first, size_t size)
{
	char rec[8192];
	int splats = 0;
	char *msg, *nl;
	ssize_t n;

	if (size)
		first[0] = '\0';
	for (;;) {
		/* one record per read: "prio,seq,usec,flags;text\n[ KEY=v\n]" */
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		if (!kmsg_is_splat(msg))
			continue;
		if (!splats++ && size)
			snprintf(first, size, "%s", msg);
	}
	return splats;
}
