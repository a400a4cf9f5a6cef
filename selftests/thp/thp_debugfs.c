// SPDX-License-Identifier: GPL-2.0
/*
 * Each debugfs file of the THP module against the ioctl that answers the
 * same question for the same target: target (what was written), vmas
 * (MMSCOPE_THP_IOC_VMAS), folios (MMSCOPE_THP_IOC_FOLIOS) and khugepaged
 * (MMSCOPE_THP_IOC_KHUGEPAGED). The target is this process with a THP
 * collapsed through the module (so that there are scan results of its
 * mm) and MADV_NOHUGEPAGE afterwards, so that khugepaged adds none while
 * the two are read. Both are read into static buffers: no allocation
 * between them moves a VMA of ours.
 */
#include "kselftest_harness.h"
#include "thp_util.h"

MMSCOPE_REQUIRE(THP_CTL)

#define DIR		MMSCOPE_DEBUGFS "/thp/"
#define MAX_VMAS	256
#define MAX_SCANS	256

static char text[1 << 16];
static struct mmscope_thp_vma vmas[MAX_VMAS];
static struct mmscope_thp_folio folios[THP_MAX_FOLIOS];
static struct mmscope_thp_scan scans[MAX_SCANS];

static const char *const kinds[] = MMSCOPE_THP_KIND_NAMES;
static const char *const reasons[] = MMSCOPE_THP_REASON_NAMES;
static const char *const mapped[] = MMSCOPE_THP_MAPPED_NAMES;
static const char *const events[] = MMSCOPE_THP_EVENT_NAMES;

/* The file's text, NUL-terminated; its length or -errno. */
static int read_text(const char *name)
{
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += n;
	close(fd);
	text[len] = '\0';
	return n < 0 ? -EIO : (int)len;
}

/* The next line not starting with '#', or NULL; *pos moves past it. */
static char *next_line(char **pos)
{
	char *line;

	while (**pos) {
		line = *pos;
		*pos = strchrnul(line, '\n');
		if (**pos)
			*(*pos)++ = '\0';
		if (line[0] != '#')
			return line;
	}
	return NULL;
}

FIXTURE(files)
{
	int fd;
	char *map, *p;
};

FIXTURE_SETUP(files)
{
	struct mmscope_thp_op op;
	char t[96];

	ASSERT_EQ(0, thp_fix_setup(&self->fd, &self->map, &self->p));
	thp_fill(self->p);
	ASSERT_EQ(0, thp_op(self->fd, MMSCOPE_THP_IOC_COLLAPSE, getpid(),
			    self->p, THP_SIZE, 0, &op));
	if (op.result != MMSCOPE_THP_OK && op.err == ENOMEM)
		SKIP(return, "no 2 MiB block free for the collapse");
	ASSERT_EQ(MMSCOPE_THP_OK, op.result);
	ASSERT_EQ(0, madvise(self->p, THP_SIZE, MADV_NOHUGEPAGE));
	snprintf(t, sizeof(t), "%d 0x%lx 0x%lx", getpid(),
		 (unsigned long)self->p, (unsigned long)THP_SIZE);
	ASSERT_EQ(0, mmscope_write_str(DIR "target", t));
}

FIXTURE_TEARDOWN(files)
{
	thp_fix_teardown(self->fd, self->map);
}

TEST_F(files, target_reads_back)
{
	char want[96];

	snprintf(want, sizeof(want), "%d 0x%lx 0x%lx\n", getpid(),
		 (unsigned long)self->p, (unsigned long)THP_SIZE);
	ASSERT_LT(0, read_text(DIR "target"));
	EXPECT_STREQ(want, text);
}

TEST_F(files, vmas_equal_the_ioctl)
{
	struct mmscope_thp_vmas a = {
		.size = sizeof(a), .pid = getpid(), .count = MAX_VMAS,
		.records = (uintptr_t)vmas, .record_size = sizeof(vmas[0]),
	};
	unsigned long long start, end, orders;
	char kind[16], flags[8], *pos = text, *line, *tok;
	unsigned int i = 0, n, b;
	uint64_t named;
	int elig, off;

	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_THP_IOC_VMAS, &a));
	ASSERT_EQ(0ULL, a.next);	/* every VMA in one call */
	ASSERT_LT(0, read_text(DIR "vmas"));
	while ((line = next_line(&pos))) {
		ASSERT_EQ(6, sscanf(line, "%llx-%llx %15s %d 0x%llx %4s%n",
				    &start, &end, kind, &elig, &orders, flags,
				    &off)) TH_LOG("%s", line);
		ASSERT_LT(i, a.count) TH_LOG("more lines than records: %s", line);
		struct mmscope_thp_vma *v = &vmas[i++];

		EXPECT_EQ(v->start, start);
		EXPECT_EQ(v->end, end);
		EXPECT_STREQ(kinds[v->kind], kind);
		EXPECT_EQ(!!(v->flags & MMSCOPE_THP_VMA_ELIGIBLE), elig);
		EXPECT_EQ(v->orders, orders);
		EXPECT_EQ(!!(v->flags & MMSCOPE_THP_VMA_HUGEPAGE), flags[0] == 'h');
		EXPECT_EQ(!!(v->flags & MMSCOPE_THP_VMA_NOHUGEPAGE), flags[1] == 'n');
		EXPECT_EQ(!!(v->flags & MMSCOPE_THP_VMA_PRCTL), flags[2] == 'p');
		EXPECT_EQ(!!(v->flags & MMSCOPE_THP_VMA_KHUGEPAGED), flags[3] == 'k');
		named = 0;
		for (tok = strtok(line + off, " "); tok; tok = strtok(NULL, " ")) {
			for (b = 0, n = MMSCOPE_THP_NR_REASONS; b < n; b++)
				if (!strcmp(tok, reasons[b]))
					named |= 1ULL << b;
			EXPECT_NE(0ULL, named) TH_LOG("unknown reason %s", tok);
		}
		EXPECT_EQ(v->reasons, named) TH_LOG("%llx-%llx", start, end);
	}
	EXPECT_EQ(a.count, i);
}

TEST_F(files, folios_equal_the_ioctl)
{
	unsigned long long va, pfn;
	unsigned int order, ptes, i = 0, h, c;
	int entire, total, pin, ref, expected, n, off;
	char map[8], kind[16], *pos = text, *line, *hist;

	n = thp_folios(self->fd, getpid(), self->p, THP_SIZE, folios);
	ASSERT_EQ(1, n);
	ASSERT_LT(0, read_text(DIR "folios"));
	while ((line = next_line(&pos))) {
		ASSERT_EQ(11, sscanf(line, "%llx pfn %llx order %u %7s ptes %u entire %d total %d pin %d ref %d/%d %15s%n",
				     &va, &pfn, &order, map, &ptes, &entire,
				     &total, &pin, &ref, &expected, kind, &off))
			TH_LOG("%s", line);
		ASSERT_LT((int)i, n);
		struct mmscope_thp_folio *f = &folios[i++];

		EXPECT_EQ(f->va, va);
		EXPECT_EQ(f->head_pfn, pfn);
		EXPECT_EQ(f->order, order);
		EXPECT_STREQ(mapped[f->mapped], map);
		EXPECT_EQ(f->ptes_mapped, ptes);
		EXPECT_EQ(f->entire_mapcount, entire);
		EXPECT_EQ(f->total_mapcount, total);
		EXPECT_EQ(f->pincount, pin);
		EXPECT_EQ(f->refcount, ref);
		EXPECT_EQ(f->expected_refcount, expected);
		EXPECT_STREQ(kinds[f->kind], kind);
		EXPECT_EQ(!!(f->info & MMSCOPE_THP_F_DEFERRED_SPLIT),
			  !!strstr(line + off, " deferred"));
		EXPECT_EQ(!!(f->info & MMSCOPE_THP_F_DOUBLE_MAP),
			  !!strstr(line + off, " doublemap"));
		hist = strstr(line + off, "hist");
		ASSERT_NE(NULL, hist);
		for (h = 0; h < MMSCOPE_THP_HIST; h++) {
			char key[8], *at;

			snprintf(key, sizeof(key), " %u:", h);
			at = strstr(hist, key);
			c = at ? strtoul(at + strlen(key), NULL, 10) : 0;
			EXPECT_EQ(f->hist[h], c) TH_LOG("bucket %u", h);
		}
	}
	EXPECT_EQ(n, (int)i);
}

TEST_F(files, khugepaged_equals_the_ioctl)
{
	struct mmscope_thp_khugepaged a = {
		.size = sizeof(a), .pid = getpid(), .count = MAX_SCANS,
		.records = (uintptr_t)scans, .record_size = sizeof(scans[0]),
	};
	unsigned long long seq, pfn;
	char ev[16], name[MMSCOPE_THP_SCAN_NAME_LEN], by[16];
	char *pos = text, *line;
	int pid, reg, refd, none, unm;
	unsigned int i = 0;

	ASSERT_EQ(0, ioctl(self->fd, MMSCOPE_THP_IOC_KHUGEPAGED, &a));
	ASSERT_LT(0, read_text(DIR "khugepaged"));
	if (strstr(text, "not attached"))
		SKIP(return, "the khugepaged tracepoints are not attached");
	ASSERT_EQ(2, sscanf(text, "pid %d registered %d", &pid, &reg));
	EXPECT_EQ(getpid(), pid);
	EXPECT_EQ((int)a.registered, reg);
	/* the collapse of the setup left at least one scan result */
	ASSERT_LT(0u, a.count);
	next_line(&pos);	/* the registration */
	while ((line = next_line(&pos))) {
		ASSERT_EQ(8, sscanf(line, "%llu %15s %llx %31s %d %d %d %15s",
				    &seq, ev, &pfn, name, &refd, &none, &unm,
				    by)) TH_LOG("%s", line);
		ASSERT_LT(i, a.count);
		struct mmscope_thp_scan *s = &scans[i++];

		EXPECT_EQ(s->seq, seq);
		EXPECT_STREQ(events[s->event], ev);
		EXPECT_EQ(s->pfn, pfn);
		EXPECT_STREQ(s->name, name);
		EXPECT_EQ(s->referenced, refd);
		EXPECT_EQ(s->none_or_zero, none);
		EXPECT_EQ(s->unmapped, unm);
		EXPECT_STREQ(s->khugepaged ? "khugepaged" : "madvise", by);
	}
	EXPECT_EQ(a.count, i);
}

TEST_HARNESS_MAIN
