// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl framing every module shares, checked on every command of every
 * loaded module, as the core's registry lists them (MMSCOPE_CORE_IOC_IOCTLS
 * and the `ioctls` file): a size below the first published one, a larger
 * struct with bytes the module does not know, a number of the module's
 * range it does not have, a file opened without CAP_SYS_ADMIN, and a struct the
 * caller cannot write, which fails before the command acts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mmscope/core.h>
#include <mmscope/pageref.h>
#include <mmscope/pagewalk.h>

#include "kselftest_harness.h"
#include "mmscope_test.h"

#define CTL_FILE	MMSCOPE_DEBUGFS "/ctl"
#define IOCTLS_FILE	MMSCOPE_DEBUGFS "/ioctls"
#define MAX_IOCTLS	128
#define ARG_SIZE	8192

MMSCOPE_REQUIRE(CTL_FILE)

FIXTURE(framing)
{
	struct mmscope_ioctl_info io[MAX_IOCTLS];
	int fd[MAX_IOCTLS];	/* the ctl file of io[i]'s module */
	unsigned int n;
	unsigned char *arg;	/* ARG_SIZE bytes, page aligned */
};

static int ctl_open(const char *module)
{
	char path[256];

	if (!strcmp(module, "core"))
		return open(CTL_FILE, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/%s/ctl", MMSCOPE_DEBUGFS, module);
	return open(path, O_RDWR | O_CLOEXEC);
}

FIXTURE_SETUP(framing)
{
	struct mmscope_ioctls r = {
		.size = sizeof(r), .count = MAX_IOCTLS,
		.entries = (uintptr_t)self->io,
	};
	unsigned int i;
	int core;

	core = open(CTL_FILE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, core) TH_LOG("%s: %s", CTL_FILE, strerror(errno));
	ASSERT_EQ(0, ioctl(core, MMSCOPE_CORE_IOC_IOCTLS, &r))
		TH_LOG("MMSCOPE_CORE_IOC_IOCTLS: %s", strerror(errno));
	close(core);
	ASSERT_EQ(r.total, r.count);
	self->n = r.count;
	for (i = 0; i < self->n; i++) {
		self->fd[i] = ctl_open(self->io[i].module);
		ASSERT_LE(0, self->fd[i])
			TH_LOG("%s ctl: %s", self->io[i].module, strerror(errno));
	}
	self->arg = mmap(NULL, ARG_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->arg);
}

FIXTURE_TEARDOWN(framing)
{
	unsigned int i;

	for (i = 0; i < self->n; i++)
		close(self->fd[i]);
	munmap(self->arg, ARG_SIZE);
}

/* One ioctl with a zeroed struct whose size field is size; 0 or errno. */
static int call(FIXTURE_DATA(framing) *self, unsigned int i, uint32_t size,
		unsigned int tail_byte)
{
	memset(self->arg, 0, ARG_SIZE);
	memcpy(self->arg, &size, sizeof(size));
	if (tail_byte)
		self->arg[tail_byte] = 1;
	return ioctl(self->fd[i], self->io[i].cmd, self->arg) ? errno : 0;
}

static bool listed(FIXTURE_DATA(framing) *self, const char *module,
		   unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < self->n; i++)
		if (!strcmp(self->io[i].module, module) &&
		    self->io[i].cmd == cmd)
			return true;
	return false;
}

TEST_F(framing, registry_lists_every_command_of_the_loaded_modules)
{
	static const unsigned int core[] = {
		MMSCOPE_CORE_IOC_VERSION, MMSCOPE_CORE_IOC_FEATURES,
		MMSCOPE_CORE_IOC_TARGET, MMSCOPE_CORE_IOC_IOCTLS,
	};
	static const unsigned int pageref[] = {
		MMSCOPE_PAGEREF_IOC_QUERY, MMSCOPE_PAGEREF_IOC_GET,
		MMSCOPE_PAGEREF_IOC_PIN, MMSCOPE_PAGEREF_IOC_PIN_LONGTERM,
		MMSCOPE_PAGEREF_IOC_PUT, MMSCOPE_PAGEREF_IOC_UNPIN,
	};
	static const unsigned int pagewalk[] = {
		MMSCOPE_PAGEWALK_IOC_CONTEXT, MMSCOPE_PAGEWALK_IOC_WALK,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(core); i++)
		EXPECT_TRUE(listed(self, "core", core[i])) TH_LOG("core %u", i);
	if (!access(MMSCOPE_DEBUGFS "/pageref/ctl", F_OK))
		for (i = 0; i < ARRAY_SIZE(pageref); i++)
			EXPECT_TRUE(listed(self, "pageref", pageref[i]))
				TH_LOG("pageref %u", i);
	if (!access(MMSCOPE_DEBUGFS "/pagewalk/ctl", F_OK))
		for (i = 0; i < ARRAY_SIZE(pagewalk); i++)
			EXPECT_TRUE(listed(self, "pagewalk", pagewalk[i]))
				TH_LOG("pagewalk %u", i);
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(self->io[i].nr, self->io[i].cmd & 0xff);
		EXPECT_LE(self->io[i].nr_first, self->io[i].nr);
		EXPECT_GE(self->io[i].nr_last, self->io[i].nr);
		EXPECT_LE(self->io[i].min_size, self->io[i].kernel_size);
	}
}

/* The text file says the same, line for line. */
TEST_F(framing, ioctls_file_matches_the_registry)
{
	static char text[16384];
	char want[160];
	char *line = text;
	unsigned int i;

	ASSERT_LT(0, mmscope_read_file(IOCTLS_FILE, text, sizeof(text)));
	ASSERT_EQ('#', text[0]);
	for (i = 0; i < self->n; i++) {
		line = strchr(line, '\n');
		ASSERT_NE(NULL, line);
		line++;
		snprintf(want, sizeof(want), "%s 0x%08x 0x%02x %u %u\n",
			 self->io[i].module, self->io[i].cmd, self->io[i].nr,
			 self->io[i].min_size, self->io[i].kernel_size);
		ASSERT_EQ(0, strncmp(line, want, strlen(want)))
			TH_LOG("want %s", want);
	}
	/* and nothing more */
	line = strchr(line, '\n');
	ASSERT_NE(NULL, line);
	EXPECT_EQ('\0', line[1]);
}

TEST_F(framing, size_below_first_published_is_einval)
{
	unsigned int i;

	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(EINVAL, call(self, i, 0, 0))
			TH_LOG("%s nr 0x%x size 0", self->io[i].module,
			       self->io[i].nr);
		EXPECT_EQ(EINVAL, call(self, i, self->io[i].min_size - 1, 0))
			TH_LOG("%s nr 0x%x size %u", self->io[i].module,
			       self->io[i].nr, self->io[i].min_size - 1);
	}
}

TEST_F(framing, nonzero_bytes_past_kernel_size_are_e2big)
{
	unsigned int i, k;

	for (i = 0; i < self->n; i++) {
		k = self->io[i].kernel_size;
		EXPECT_EQ(E2BIG, call(self, i, k + 8, k + 7))
			TH_LOG("%s nr 0x%x", self->io[i].module, self->io[i].nr);
		EXPECT_EQ(E2BIG, call(self, i, k + 1, k))
			TH_LOG("%s nr 0x%x", self->io[i].module, self->io[i].nr);
		EXPECT_EQ(E2BIG, call(self, i, MMSCOPE_IOC_SIZE_MAX + 1, 0))
			TH_LOG("%s nr 0x%x", self->io[i].module, self->io[i].nr);
	}
}

TEST_F(framing, unknown_number_in_a_modules_range_is_enotty)
{
	unsigned int i, j, nr, tried = 0;
	bool used;

	for (i = 0; i < self->n; i++) {
		if (i && !strcmp(self->io[i].module, self->io[i - 1].module))
			continue;
		for (nr = self->io[i].nr_first; nr <= self->io[i].nr_last; nr++) {
			used = false;
			for (j = 0; j < self->n; j++)
				used |= self->io[j].nr == nr;
			if (!used)
				break;
		}
		if (nr > self->io[i].nr_last)
			continue;
		memset(self->arg, 0, ARG_SIZE);
		*(uint32_t *)self->arg = 64;
		EXPECT_EQ(-1, ioctl(self->fd[i], _IOWR(MMSCOPE_IOC_MAGIC, nr,
						      char[64]), self->arg));
		EXPECT_EQ(ENOTTY, errno)
			TH_LOG("%s nr 0x%x", self->io[i].module, nr);
		tried++;
	}
	EXPECT_LT(0, tried);
}

/*
 * Opened without CAP_SYS_ADMIN: the opener's credentials decide
 * (docs/kernel-interfaces.md, "Privilege"), before the command is looked at.
 */
TEST_F(framing, without_cap_sys_admin_is_eperm)
{
	unsigned int i;

	ASSERT_EQ(0, mmscope_drop_cap_sys_admin());
	for (i = 0; i < self->n; i++) {
		close(self->fd[i]);
		self->fd[i] = ctl_open(self->io[i].module);
		ASSERT_LE(0, self->fd[i])
			TH_LOG("%s ctl: %s", self->io[i].module, strerror(errno));
	}
	for (i = 0; i < self->n; i++)
		EXPECT_EQ(EPERM, call(self, i, self->io[i].kernel_size, 0))
			TH_LOG("%s nr 0x%x", self->io[i].module, self->io[i].nr);
}

TEST_F(framing, read_only_struct_is_efault)
{
	unsigned int i;

	for (i = 0; i < self->n; i++) {
		memset(self->arg, 0, ARG_SIZE);
		*(uint32_t *)self->arg = self->io[i].kernel_size;
		ASSERT_EQ(0, mprotect(self->arg, ARG_SIZE, PROT_READ));
		EXPECT_EQ(-1, ioctl(self->fd[i], self->io[i].cmd, self->arg));
		EXPECT_EQ(EFAULT, errno)
			TH_LOG("%s nr 0x%x", self->io[i].module, self->io[i].nr);
		ASSERT_EQ(0, mprotect(self->arg, ARG_SIZE,
				      PROT_READ | PROT_WRITE));
	}
}

/* The number of references pageref holds now, from its `held` file. */
static int held_count(void)
{
	static char text[65536];
	int n = -1;	/* the header line */
	char *p;

	if (mmscope_read_file(MMSCOPE_DEBUGFS "/pageref/held", text,
			      sizeof(text)) < 0)
		return -1;
	for (p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
		n++;
	return n;
}

/*
 * A request that would act, in read-only memory: EFAULT, and nothing
 * done (the page's /proc/kpagecount and pageref's held list unchanged).
 */
TEST_F(framing, read_only_hold_request_takes_nothing)
{
	long psize = getpagesize();
	struct mmscope_pageref_hold *h = (void *)self->arg;
	uint64_t pm, before, after;
	int fd, held;
	char *page;

	fd = open(MMSCOPE_DEBUGFS "/pageref/ctl", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "pageref is not loaded");
	page = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	page[0] = 1;
	ASSERT_EQ(0, mmscope_pagemap_read(0, (unsigned long)page, 1, &pm));
	ASSERT_TRUE(pm & PM_PRESENT);
	ASSERT_EQ(0, mmscope_kpagecount_read(PM_PFN(pm), 1, &before));
	held = held_count();
	ASSERT_LE(0, held);

	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	h->pid = getpid();
	h->start = (uintptr_t)page;
	h->len = psize;
	ASSERT_EQ(0, mprotect(self->arg, ARG_SIZE, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_PAGEREF_IOC_GET, h));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MMSCOPE_PAGEREF_IOC_PIN, h));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mprotect(self->arg, ARG_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(held, held_count());
	ASSERT_EQ(0, mmscope_kpagecount_read(PM_PFN(pm), 1, &after));
	EXPECT_EQ(before, after);

	/* the same request, writable: a hold is taken (the test can tell) */
	ASSERT_EQ(0, ioctl(fd, MMSCOPE_PAGEREF_IOC_GET, h));
	EXPECT_EQ(held + 1, held_count());
	close(fd);	/* drops the hold */
	munmap(page, psize);
}

TEST_HARNESS_MAIN
