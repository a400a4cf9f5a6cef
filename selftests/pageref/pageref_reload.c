// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading mmscope_pageref drops the references it still holds: a
 * detached GET and PIN (owned by the module once their file is closed)
 * are gone after rmmod, as the refcount read after reloading shows.
 */
#include "kselftest_harness.h"
#include "pageref_util.h"

MMSCOPE_REQUIRE(PAGEREF_CTL)

TEST(unload_drops_detached_holds)
{
	struct mmscope_pageref_page before, held, after;
	struct mmscope_pageref_hold h;
	long psize = getpagesize();
	char text[4096];
	char *p = anon_pages(1);
	int fd, kmsg;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageref_drain());
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_query(fd, getpid(), (unsigned long)p, 1, &before));
	ASSERT_EQ(0, pageref_hold(fd, MMSCOPE_PAGEREF_IOC_GET, getpid(),
				  (unsigned long)p, psize,
				  MMSCOPE_PAGEREF_HOLD_DETACH, &h));
	ASSERT_EQ(0, pageref_hold(fd, MMSCOPE_PAGEREF_IOC_PIN, getpid(),
				  (unsigned long)p, psize,
				  MMSCOPE_PAGEREF_HOLD_DETACH, &h));
	close(fd);

	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(fd, getpid(), (unsigned long)p, 1, &held));
	EXPECT_EQ(before.refcount + 1 + GUP_PIN_COUNTING_BIAS, held.refcount);
	close(fd);
	ASSERT_LT(0, mmscope_read_file(PAGEREF_DIR "/held", text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, " module get "));
	EXPECT_NE(NULL, strstr(text, " module pin "));

	kmsg = mmscope_kmsg_open();
	ASSERT_EQ(0, mmscope_module_reload("mmscope_pageref"))
		TH_LOG("%s", mmscope_error);
	fd = pageref_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pageref_drain());
	ASSERT_EQ(0, pageref_query(fd, getpid(), (unsigned long)p, 1, &after));
	EXPECT_EQ(held.pfn, after.pfn);
	EXPECT_EQ(before.refcount, after.refcount);
	EXPECT_FALSE(after.info & MMSCOPE_PAGEREF_MAYBE_DMA_PINNED);
	close(fd);
	if (kmsg >= 0) {
		EXPECT_EQ(0, mmscope_kmsg_splats(kmsg, text, sizeof(text)))
			TH_LOG("%s", text);
		close(kmsg);
	}
	munmap(p, psize);
}

TEST_HARNESS_MAIN
