// SPDX-License-Identifier: GPL-2.0
/*
 * Collapse of shared memory and of a file through the module. A memfd
 * and a MAP_SHARED anonymous region, faulted in as small pages with
 * shmem_enabled "never", collapse into one PMD-mapped shmem THP, against
 * /proc/vmstat (thp_collapse_alloc, nr_shmem_hugepages), smaps
 * (ShmemPmdMapped), pagemap and kpageflags. A file of a ramfs mount is
 * refused: Debian's 6.1 and 6.12 leave CONFIG_READ_ONLY_THP_FOR_FS unset,
 * and 7.x, which has no such option, wants a file system with PMD-size
 * page cache folios (ramfs has none); the kernel's own MADV_COLLAPSE
 * answers EINVAL and the module names the reason, file_not_supported.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define PMD_SIZE_DIR	"hugepages-2048kB/shmem_enabled"

/* What both fixtures hold: the module, a 2 MiB-aligned place to map at. */
struct shmem_env {
	int fd, mfd;
	char *resv, *p;
	char dir[64];
};

/* NULL, or what failed: the settings are pushed either way. */
static const char *env_setup(struct shmem_env *e)
{
	char val[32];

	e->mfd = -1;
	e->dir[0] = '\0';
	e->resv = MAP_FAILED;
	e->fd = thp_open();
	if (e->fd < 0)
		return "open the THP module's ctl";
	/* small pages at fault: shmem THP off, the PMD size following it */
	if (mmscope_thp_push() || mmscope_thp_set("shmem_enabled", "never"))
		return mmscope_error;
	if (!mmscope_thp_get(PMD_SIZE_DIR, val, sizeof(val)) &&
	    mmscope_thp_set(PMD_SIZE_DIR, "inherit"))
		return mmscope_error;
	/* room to place a 2 MiB-aligned mapping (and file offset 0) at */
	e->resv = mmap(NULL, 2 * THP_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e->resv == MAP_FAILED)
		return "reserve 4 MiB of address space";
	e->p = (char *)(((uintptr_t)e->resv + THP_SIZE - 1) & ~(THP_SIZE - 1));
	return NULL;
}

static void env_teardown(struct shmem_env *e)
{
	if (e->resv != MAP_FAILED)
		munmap(e->resv, 2 * THP_SIZE);
	if (e->mfd >= 0)
		close(e->mfd);
	if (e->dir[0]) {
		umount2(e->dir, MNT_DETACH);
		rmdir(e->dir);
	}
	mmscope_thp_pop();
	if (e->fd >= 0)
		close(e->fd);
}

FIXTURE(shmem)
{
	struct shmem_env e;
};

FIXTURE_VARIANT(shmem)
{
	bool memfd;
};

FIXTURE_VARIANT_ADD(shmem, memfd) { .memfd = true };
FIXTURE_VARIANT_ADD(shmem, shared_anon) { .memfd = false };

FIXTURE_SETUP(shmem)
{
	const char *err = env_setup(&self->e);

	ASSERT_TRUE(!err) TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(shmem)
{
	env_teardown(&self->e);
}

/* A file of a ramfs mount, not shmem: one case, no variants. */
FIXTURE(file)
{
	struct shmem_env e;
};

FIXTURE_SETUP(file)
{
	const char *err = env_setup(&self->e);

	ASSERT_TRUE(!err) TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(file)
{
	env_teardown(&self->e);
}

static char *map_shared(struct shmem_env *self, bool memfd)
{
	int flags = MAP_SHARED | MAP_FIXED;

	if (memfd) {
		self->mfd = memfd_create("thp_shmem", MFD_CLOEXEC);
		if (self->mfd < 0 || ftruncate(self->mfd, THP_SIZE))
			return MAP_FAILED;
	} else {
		flags |= MAP_ANONYMOUS;
	}
	return mmap(self->p, THP_SIZE, PROT_READ | PROT_WRITE, flags,
		    self->mfd, 0);
}

TEST_F(shmem, small_pages_collapse_into_a_pmd_mapped_thp)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	long alloc, huge;
	struct mmscope_thp_op op;
	uint64_t head;
	unsigned int i;

	ASSERT_EQ(self->e.p, map_shared(&self->e, variant->memfd));
	thp_fill(self->e.p);
	ASSERT_EQ(0, thp_folios(self->e.fd, getpid(), self->e.p, THP_SIZE, f));
	EXPECT_EQ(0, thp_smaps(self->e.p, "ShmemPmdMapped"));
	alloc = thp_vmstat("thp_collapse_alloc");
	huge = thp_vmstat("nr_shmem_hugepages");

	ASSERT_EQ(0, thp_op(self->e.fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
			    self->e.p, THP_SIZE, 0, &op));
	if (op.result != MMSCOPE_THP_OK && op.err == ENOMEM)
		SKIP(return, "no 2 MiB block free for the collapse");
	ASSERT_EQ(MMSCOPE_THP_OK, op.result)
		TH_LOG("err %u reason %s", op.err, op.scan);
	EXPECT_EQ(alloc + 1, thp_vmstat("thp_collapse_alloc"));
	EXPECT_EQ(huge + 1, thp_vmstat("nr_shmem_hugepages"));
	EXPECT_EQ(2048, thp_smaps(self->e.p, "ShmemPmdMapped"));
	EXPECT_EQ(0, thp_smaps(self->e.p, "AnonHugePages"));

	ASSERT_EQ(1, thp_folios(self->e.fd, getpid(), self->e.p, THP_SIZE, f));
	head = thp_pfn_of(self->e.p);
	EXPECT_EQ((uintptr_t)self->e.p, f[0].va);
	EXPECT_EQ(head, f[0].head_pfn);
	EXPECT_EQ(9u, f[0].order);
	EXPECT_EQ(MMSCOPE_THP_KIND_SHMEM, f[0].kind);
	EXPECT_EQ(MMSCOPE_THP_MAPPED_PMD, f[0].mapped);
	EXPECT_EQ(1, f[0].entire_mapcount);
	EXPECT_FALSE(f[0].info & MMSCOPE_THP_F_HUGE_ZERO);
	EXPECT_TRUE(thp_kflags(head) & KPF_BIT(KPF_THP));
	EXPECT_FALSE(thp_kflags(head) & KPF_BIT(KPF_ANON));
	for (i = 0; i < THP_PAGES; i += 31)
		EXPECT_EQ(head + i, thp_pfn_of(self->e.p + i * 4096UL));
	EXPECT_TRUE(thp_data_ok(self->e.p));
}

/* A read-only file of a ramfs mount (not shmem), offset 0 at p. */
static char *map_file(struct shmem_env *self)
{
	char path[96], page[4096];
	unsigned int i;
	char *p;
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/thp_shmem.XXXXXX");
	if (!mkdtemp(self->dir)) {
		self->dir[0] = '\0';
		return MAP_FAILED;
	}
	if (mount("none", self->dir, "ramfs", 0, NULL)) {
		rmdir(self->dir);
		self->dir[0] = '\0';
		return MAP_FAILED;
	}
	snprintf(path, sizeof(path), "%s/f", self->dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return MAP_FAILED;
	for (i = 0; i < THP_PAGES; i++) {
		memset(page, (int)(i + 1), sizeof(page));
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			break;
	}
	close(fd);
	if (i != THP_PAGES)
		return MAP_FAILED;
	/* not open for writing: what read-only file THP would need */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(self->p, THP_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	close(fd);
	return p;
}

TEST_F(file, collapse_names_the_kernel_reason)
{
	struct mmscope_thp_folio f[THP_MAX_FOLIOS];
	struct mmscope_thp_vma v;
	struct mmscope_thp_op op;
	unsigned int i;
	long sum = 0;

	ASSERT_EQ(self->e.p, map_file(&self->e)) TH_LOG("ramfs: %s", strerror(errno));
	for (i = 0; i < THP_PAGES; i++)
		sum += self->e.p[i * 4096UL];
	ASSERT_NE(0, sum);
	ASSERT_EQ(0, thp_vma_of(self->e.fd, self->e.p, &v));
	EXPECT_EQ(MMSCOPE_THP_KIND_FILE, v.kind);
	EXPECT_EQ(0, thp_smaps(self->e.p, "THPeligible"));
	EXPECT_FALSE(v.flags & MMSCOPE_THP_VMA_ELIGIBLE);
	EXPECT_TRUE(v.reasons & (1ULL << MMSCOPE_THP_R_FILE));

	ASSERT_EQ(0, thp_op(self->e.fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
			    self->e.p, THP_SIZE, 0, &op));
	EXPECT_EQ(MMSCOPE_THP_FAILED, op.result);
	EXPECT_EQ((unsigned int)EINVAL, op.err);
	EXPECT_STREQ("file_not_supported", op.scan);
	/* the oracle: the kernel's own MADV_COLLAPSE says the same no */
	EXPECT_EQ(-1, madvise(self->e.p, THP_SIZE, MADV_COLLAPSE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, thp_folios(self->e.fd, getpid(), self->e.p, THP_SIZE, f));
}

TEST_HARNESS_MAIN
