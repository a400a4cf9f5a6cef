// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input gets a clear errno, never an oops: dead processes, unmapped
 * ranges, pfns beyond memory or in a hole, overflowing lengths, bad
 * flags, and callers without CAP_SYS_ADMIN. Ranges follow the core's
 * range contract (docs/kernel-interfaces.md, "Ranges").
 */
#include <linux/capability.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

FIXTURE(errors)
{
	int fd;
	long psize;
	struct mmscope_pageref_page r[4];
};

FIXTURE_SETUP(errors)
{
	self->psize = getpagesize();
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));
}

FIXTURE_TEARDOWN(errors)
{
	close(self->fd);
}

TEST_F(errors, dead_pid_is_esrch)
{
	struct mmscope_pageref_hold h;
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	EXPECT_EQ(ESRCH, pageref_query(self->fd, child, 0x10000, 1, self->r));
	EXPECT_EQ(ESRCH, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET, child,
				      0x10000, self->psize, 0, &h));
}

/* The range contract: nothing mapped is ENOENT (EFAULT is a bad pointer). */
TEST_F(errors, unmapped_range_is_enoent)
{
	struct mmscope_pageref_hold h;
	char *p = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, self->psize));
	EXPECT_EQ(ENOENT, pageref_query(self->fd, getpid(), (unsigned long)p,
					1, self->r));
	EXPECT_EQ(ENOENT, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET,
				       getpid(), (unsigned long)p, self->psize,
				       0, &h));
	EXPECT_EQ(ENOENT, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN,
				       getpid(), (unsigned long)p, self->psize,
				       0, &h));
}

/* A range that is partly mapped reports the rest as unmapped. */
TEST_F(errors, partly_mapped_range_reports_each_page)
{
	char *p = mmap(NULL, 2 * self->psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, munmap(p + self->psize, self->psize));
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 2,
				   self->r));
	EXPECT_EQ(MMSCOPE_PAGEREF_PRESENT, self->r[0].state);
	EXPECT_EQ(MMSCOPE_PAGEREF_NO_VMA, self->r[1].state);
	munmap(p, self->psize);
}

TEST_F(errors, untouched_page_is_none)
{
	char *p = mmap(NULL, self->psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p, 1,
				   self->r));
	EXPECT_EQ(MMSCOPE_PAGEREF_NONE, self->r[0].state);
	munmap(p, self->psize);
}

TEST_F(errors, overflowing_length_is_eoverflow)
{
	struct mmscope_pageref_query q = {
		.size = sizeof(q),
		.pid = getpid(),
		.record_size = sizeof(self->r[0]),
		.start = -(uint64_t)self->psize,
		.len = 2 * self->psize,
		.records = (uintptr_t)self->r,
		.count = 1,
	};
	struct mmscope_pageref_hold h;

	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEREF_IOC_QUERY, &q));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(EOVERFLOW, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN,
					  getpid(), -(uint64_t)self->psize,
					  2 * self->psize, 0, &h));
	q.flags = MMSCOPE_PAGEREF_BY_PFN;
	q.start = ~0ULL;
	EXPECT_EQ(-1, ioctl(self->fd, MMSCOPE_PAGEREF_IOC_QUERY, &q));
	EXPECT_EQ(EOVERFLOW, errno);
}

TEST_F(errors, empty_or_bad_flags_is_einval)
{
	struct mmscope_pageref_hold h;
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(EINVAL, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET,
				       getpid(), (unsigned long)p, 0, 0, &h));
	EXPECT_EQ(EINVAL, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET,
				       getpid(), (unsigned long)p, self->psize,
				       0x80, &h));
	munmap(p, self->psize);
}

/* An unaligned start is rounded down: the record of the page it is in. */
TEST_F(errors, unaligned_start_is_its_page)
{
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageref_query(self->fd, getpid(), (unsigned long)p + 1, 1,
				   self->r));
	EXPECT_EQ((unsigned long)p, self->r[0].va);
	EXPECT_EQ(MMSCOPE_PAGEREF_PRESENT, self->r[0].state);
	EXPECT_EQ(pagemap_pfn(0, (unsigned long)p), self->r[0].pfn);
	munmap(p, self->psize);
}

TEST_F(errors, kernel_address_is_efault)
{
	struct mmscope_pageref_hold h;

	EXPECT_EQ(EFAULT, pageref_query(self->fd, getpid(), ~0ULL << 48, 1,
					self->r));
	EXPECT_EQ(EFAULT, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_GET,
				       getpid(), ~0ULL << 48, self->psize, 0,
				       &h));
}

TEST_F(errors, nothing_held_is_enoent)
{
	struct mmscope_pageref_hold h;
	char *p = anon_pages(1);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(ENOENT, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PUT,
				       getpid(), (unsigned long)p, self->psize,
				       0, &h));
	EXPECT_EQ(ENOENT, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_UNPIN,
				       getpid(), (unsigned long)p, self->psize,
				       0, &h));
	munmap(p, self->psize);
}

/* One past the last pfn of /proc/zoneinfo's zones: online memory's end. */
static uint64_t zones_end_pfn(void)
{
	static char text[1 << 16];
	uint64_t end = 0, start, spanned;
	char *s;

	if (mmscope_read_file("/proc/zoneinfo", text, sizeof(text)) <= 0)
		return 0;
	for (s = text; (s = strstr(s, "spanned")); s++) {
		spanned = strtoull(s + 7, NULL, 10);
		s = strstr(s, "start_pfn:");
		if (!s)
			break;
		start = strtoull(s + 10, NULL, 10);
		if (spanned && start + spanned > end)
			end = start + spanned;
	}
	return end;
}

/*
 * The end of memory: the zones' end, or past it the end of /proc/iomem's
 * System RAM (memory hot-added and not online yet is there only).
 */
static uint64_t end_pfn(void)
{
	static char text[1 << 16];
	uint64_t end = zones_end_pfn(), last;
	char *s, *eol, *ram;

	if (mmscope_read_file("/proc/iomem", text, sizeof(text)) <= 0)
		return end;
	for (s = text; s && *s; s = eol ? eol + 1 : NULL) {
		eol = strchr(s, '\n');
		ram = strstr(s, ": System RAM");
		if (!ram || (eol && ram > eol) ||
		    sscanf(s, " %*x-%" SCNx64, &last) != 1)
			continue;
		if ((last + 1) / getpagesize() > end)
			end = (last + 1) / getpagesize();
	}
	return end;
}

TEST_F(errors, pfn_beyond_memory_is_erange)
{
	uint64_t end = end_pfn(), online = zones_end_pfn();

	ASSERT_LT(0, end);
	TH_LOG("end of memory: pfn 0x%llx (zones: 0x%llx)",
	       (unsigned long long)end, (unsigned long long)online);
	EXPECT_EQ(ERANGE, pageref_query_pfn(self->fd, end, 1, self->r));
	EXPECT_EQ(ERANGE, pageref_query_pfn(self->fd, end + (1ULL << 30), 1,
					    self->r));
	/* the zones' last page is fine */
	EXPECT_EQ(0, pageref_query_pfn(self->fd, online - 1, 1, self->r));
	/* a range stops at the end */
	if (online == end) {
		EXPECT_EQ(EIO, pageref_query_pfn(self->fd, end - 1, 2, self->r));
	} else {
		/* hot-added memory past the zones, offline */
		EXPECT_EQ(ENXIO, pageref_query_pfn(self->fd, end - 1, 1,
						   self->r));
	}
}

/*
 * A pfn that is no System RAM in /proc/iomem: either no memory map at all
 * (ENXIO: arm64's pfns below RAM) or a reserved page with one (x86's
 * legacy holes under 1 MiB), as kpageflags says.
 */
TEST_F(errors, pfn_in_hole)
{
	static char text[1 << 15];
	unsigned long long a, b, prev_end = 0, hole = ~0ULL;
	char *line, *nl;
	int ret;

	ASSERT_LT(0, mmscope_read_file("/proc/iomem", text, sizeof(text)));
	for (line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		nl = strchrnul(line, '\n');
		if (*line == ' ' || !memmem(line, nl - line, ": System RAM", 12))
			continue;
		if (sscanf(line, "%llx-%llx", &a, &b) != 2)
			continue;
		if (a / self->psize > (prev_end + self->psize - 1) / self->psize) {
			hole = (prev_end + self->psize - 1) / self->psize;
			break;
		}
		prev_end = b + 1;
	}
	if (hole == ~0ULL)
		SKIP(return, "no hole below the RAM in /proc/iomem");
	ret = pageref_query_pfn(self->fd, hole, 1, self->r);
	TH_LOG("pfn 0x%llx (no System RAM): %s", hole,
	       ret ? strerror(ret) : "a page");
	if (ret) {
		EXPECT_EQ(ENXIO, ret);
		return;
	}
	EXPECT_TRUE(self->r[0].pgflags & PGF(RESERVED));
	EXPECT_TRUE(kpageflags_of(hole) & KPF_BIT(32)); /* KPF_RESERVED */
}

TEST_F(errors, without_cap_sys_admin_is_eperm)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	struct mmscope_pageref_hold h;

	ASSERT_EQ(0, syscall(SYS_capget, &hdr, d));
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	ASSERT_EQ(0, syscall(SYS_capset, &hdr, d));
	/* the opener's credentials decide: open again without the capability */
	close(self->fd);
	self->fd = pageref_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", PAGEREF_CTL, strerror(errno));
	EXPECT_EQ(EPERM, pageref_query(self->fd, getpid(), 0x10000, 1, self->r));
	EXPECT_EQ(EPERM, pageref_hold(self->fd, MMSCOPE_PAGEREF_IOC_PIN,
				      getpid(), 0x10000, self->psize, 0, &h));
}

TEST_F(errors, free_pfn_reports_refcount_zero)
{
	char *p = anon_pages(1);
	uint64_t pfn;

	ASSERT_NE(NULL, p);
	pfn = pagemap_pfn(0, (unsigned long)p);
	ASSERT_NE(0, pfn);
	ASSERT_EQ(0, munmap(p, self->psize));
	ASSERT_EQ(0, pageref_drain());
	/* freed, unless reused already: either way a clean record */
	ASSERT_EQ(0, pageref_query_pfn(self->fd, pfn, 1, self->r));
	if (self->r[0].state == MMSCOPE_PAGEREF_FREE) {
		EXPECT_EQ(0, self->r[0].refcount);
		EXPECT_EQ(0, kpagecount_of(pfn));
	}
}

/* One more than the highest memory block's number (0: none). */
static int memory_blocks_end(void)
{
	DIR *d = opendir("/sys/devices/system/memory");
	struct dirent *de;
	int i, n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "memory%d", &i) == 1 && i >= n)
			n = i + 1;
	closedir(d);
	return n;
}

#define VIRTIO_ID_MEM	24	/* the virtio device id of virtio-mem */
#define AUTO_ONLINE	"/sys/devices/system/memory/auto_online_blocks"

/*
 * arm64 keeps its boot memory online (it refuses to take it offline, to
 * keep its linear map whole), so the guest runner gives the arm64 guests
 * a virtio-mem device (mmscope-vm --hotplug-mem). Loading its driver
 * plugs that memory as new memory blocks, hot-added, which the kernel
 * leaves offline here (auto_online_blocks "offline" meanwhile): the
 * offline memory the test needs. Nothing without such a device.
 */
static void plug_hotplug_memory(void)
{
	char path[300], val[32], old[32] = "";
	struct dirent *de;
	bool found = false;
	int n, tries;
	DIR *d;

	if (!access("/sys/bus/virtio/drivers/virtio_mem", F_OK))
		return;
	d = opendir("/sys/bus/virtio/devices");
	while (d && (de = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s/device",
			 de->d_name);
		if (mmscope_read_file(path, val, sizeof(val)) > 0 &&
		    strtoul(val, NULL, 0) == VIRTIO_ID_MEM)
			found = true;
	}
	if (d)
		closedir(d);
	if (!found)
		return;
	n = memory_blocks_end();
	if (mmscope_read_file(AUTO_ONLINE, old, sizeof(old)) > 0)
		mmscope_write_str(AUTO_ONLINE, "offline");
	if (!system("modprobe virtio_mem 2>/dev/null"))
		for (tries = 0; tries < 50 && memory_blocks_end() <= n; tries++)
			usleep(100000);
	if (old[0])
		mmscope_write_str(AUTO_ONLINE, strtok(old, "\n"));
}

/*
 * Offline memory: a memory block that is offline (hot-added and left
 * so), or one taken offline for the test (from the top, the first the
 * kernel agrees to empty, brought back after); its first pfn is queried.
 */
TEST_F(errors, pfn_in_offline_memory_is_enxio)
{
	char path[128], val[64], bsz[32];
	unsigned long long block_size;
	bool taken = false;
	int i, ret = -1, n;

	if (mmscope_read_file("/sys/devices/system/memory/block_size_bytes",
			      bsz, sizeof(bsz)) <= 0)
		SKIP(return, "no memory hotplug here");
	block_size = strtoull(bsz, NULL, 16);
	plug_hotplug_memory();
	/* Block numbers start where RAM does (memory8 on arm64's virt). */
	n = memory_blocks_end();
	ASSERT_LT(0, n);
	for (i = n - 1; i > 0; i--) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%d/state", i);
		if (mmscope_read_file(path, val, sizeof(val)) > 0 &&
		    !strncmp(val, "offline", 7)) {
			ret = 0;
			break;
		}
	}
	for (i = n - 1; ret && i > 0; i--) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%d/removable", i);
		if (mmscope_read_file(path, val, sizeof(val)) > 0 &&
		    val[0] == '0')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%d/state", i);
		if (mmscope_read_file(path, val, sizeof(val)) <= 0 ||
		    strncmp(val, "online", 6))
			continue;
		{
			int fd = open(path, O_WRONLY | O_CLOEXEC);

			if (fd < 0)
				continue;
			ret = write(fd, "offline", 7) == 7 ? 0 : -errno;
			close(fd);
		}
		if (!ret) {
			taken = true;
			break;
		}
	}
	/*
	 * arm64 refuses to offline boot memory (EBUSY), to keep its linear
	 * map intact: only hot-added memory can go (mmscope-vm --hotplug-mem).
	 */
	if (ret)
		SKIP(return, "no memory block could be taken offline (%s), and none is offline (boot with mmscope-vm --hotplug-mem)",
		     strerror(-ret));
	ret = pageref_query_pfn(self->fd, i * block_size / self->psize, 1,
				self->r);
	if (taken) {
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(6, write(fd, "online", 6))
			TH_LOG("%s stays offline: %s", path, strerror(errno));
		close(fd);
	}
	TH_LOG("memory%d offline (%s): pfn 0x%llx: %s", i,
	       taken ? "taken offline" : "hot-added, offline",
	       i * block_size / self->psize, strerror(ret));
	EXPECT_EQ(ENXIO, ret);
}

/* The lists' ioctls check their flags and record sizes like the query. */
TEST_F(errors, held_watch_events_reject_bad_flags_and_sizes)
{
	struct mmscope_pageref_held_list l = { .flags = 1 };
	struct mmscope_pageref_watch w = { .flags = 1U << 7 };
	struct mmscope_pageref_events e = { .flags = 1U << 5 };
	struct mmscope_pageref_held held;
	struct mmscope_pageref_event ev;

	EXPECT_EQ(-EINVAL, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_HELD, &l));
	l = (struct mmscope_pageref_held_list){ .count = 1, .entry_size = 8,
						.entries = (uintptr_t)&held };
	EXPECT_EQ(-EINVAL, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_HELD, &l));
	EXPECT_EQ(-EINVAL, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_WATCH, &w));
	EXPECT_EQ(-EINVAL, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_EVENTS, &e));
	e = (struct mmscope_pageref_events){ .count = 1, .event_size = 16,
					     .events = (uintptr_t)&ev };
	EXPECT_EQ(-EINVAL, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_EVENTS, &e));
	/* a struct smaller than its first version */
	EXPECT_EQ(-EINVAL, mmscope_ioctl(self->fd, MMSCOPE_PAGEREF_IOC_WATCH, &w,
					 MMSCOPE_PAGEREF_WATCH_SIZE_VER0 - 8));
}

TEST_F(errors, watch_add_of_a_dead_pid_is_esrch)
{
	struct mmscope_pageref_watch w = {
		.flags = MMSCOPE_PAGEREF_WATCH_ADD, .start = 0x10000,
		.len = self->psize,
	};
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
	w.pid = child;
	EXPECT_EQ(-ESRCH, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_WATCH, &w));
}

/*
 * A watch's range follows the range contract like a query's, before the
 * module walks it: a kernel address, a wrapping range and a zero length
 * are refused, and an unaligned range over more pages than one watch
 * takes is rounded to its pages (an unaligned one once made the walk
 * write a record past the module's buffer).
 */
TEST_F(errors, watch_add_follows_the_range_contract)
{
	struct mmscope_pageref_watch w = {
		.flags = MMSCOPE_PAGEREF_WATCH_ADD, .pid = getpid(),
	};
	size_t n = MMSCOPE_PAGEREF_WATCH_MAX + 2, i;
	char *p = mmap(NULL, n * self->psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i++)
		p[i * self->psize] = 1;
	w.start = 0xffff800000001031ULL;	/* the kernel half, both arches */
	w.len = MMSCOPE_PAGEREF_WATCH_MAX * self->psize;
	EXPECT_EQ(-EFAULT, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_WATCH,
					 &w));
	w.start = (uintptr_t)p;
	w.len = ~0ULL - 0x1000;
	EXPECT_EQ(-EOVERFLOW, MMSCOPE_IOCTL(self->fd,
					    MMSCOPE_PAGEREF_IOC_WATCH, &w));
	w.len = 0;
	EXPECT_EQ(-EINVAL, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_WATCH,
					 &w));
	w.flags |= MMSCOPE_PAGEREF_WATCH_CLEAR;	/* a watch list of its own */
	w.start = (uintptr_t)p + 0x31;
	w.len = MMSCOPE_PAGEREF_WATCH_MAX * self->psize;
	ASSERT_EQ(0, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_WATCH, &w));
	EXPECT_EQ(MMSCOPE_PAGEREF_WATCH_MAX, w.total);
	w = (struct mmscope_pageref_watch){
		.flags = MMSCOPE_PAGEREF_WATCH_CLEAR };
	EXPECT_EQ(0, MMSCOPE_IOCTL(self->fd, MMSCOPE_PAGEREF_IOC_WATCH, &w));
	EXPECT_EQ(0, w.total);
	munmap(p, n * self->psize);
}

TEST_HARNESS_MAIN
