// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope compaction map: one cell per pageblock of a zone, lettered (and
 * coloured on a terminal without NO_COLOR) by migratetype, marked when
 * fully free, skipped by compaction or holding pages that cannot move,
 * with the compaction scanners' cached positions.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "compaction.h"

#define MAP_LEVEL	"mmscope compaction map"
#define MAP_COLS	32

static const char mt_letter[MMSCOPE_COMPACTION_NR_MT] = "UMRHCI";
/* ANSI background colours per migratetype. */
static const int mt_colour[MMSCOPE_COMPACTION_NR_MT] = { 41, 42, 43, 45, 46, 47 };

struct map_args {
	long node;
	const char *zone;
	unsigned int watch;
};

/* Cell of one block: letter, lower case when fully free; then a mark. */
static void map_cell(const struct mmscope_compaction_block *b, int scanner,
		     int colour)
{
	char letter = ' ', mark = ' ';

	if (!(b->flags & MMSCOPE_COMPACTION_BLOCK_HOLE) &&
	    b->migratetype < MMSCOPE_COMPACTION_NR_MT) {
		letter = mt_letter[b->migratetype];
		if (b->free == b->nr_pages)
			letter += 'a' - 'A';
	}
	if (scanner)
		mark = scanner;
	else if (b->flags & MMSCOPE_COMPACTION_BLOCK_SKIP)
		mark = 's';
	else if (b->unmovable || b->reserved)
		mark = '!';
	if (colour && letter != ' ')
		printf("\033[30;%dm%c%c\033[0m", mt_colour[b->migratetype],
		       letter, mark);
	else
		printf("%c%c", letter, mark);
}

static int map_draw(int fd, const struct map_args *a, int colour)
{
	struct mmscope_compaction_block *recs = NULL;
	const struct mmscope_compaction_zone *z;
	unsigned int order = 0, i, count[MMSCOPE_COMPACTION_NR_MT] = { 0 };
	unsigned int nfree = 0, nskip = 0, nstuck = 0;
	uint64_t blk;
	struct cz_snap s;
	long n;
	int zi, ret = EXIT_FAILED;

	if (cz_fetch(fd, &s))
		goto out;
	zi = cz_select(&s, a->node, a->zone, MAP_LEVEL);
	if (zi < 0)
		goto out;
	z = &s.zones[zi];
	n = cb_fetch(fd, z->start_pfn, z->start_pfn + z->spanned, &recs, &order);
	if (n < 0)
		goto out;
	blk = 1ULL << order;
	printf("node %u zone %s: PFN %llu-%llu, %ld pageblocks of %llu pages, fragmentation score %u\n",
	       z->node, z->name, (unsigned long long)z->start_pfn,
	       (unsigned long long)(z->start_pfn + z->spanned), n,
	       (unsigned long long)blk, z->frag_score);
	for (i = 0; i < n; i++) {
		const struct mmscope_compaction_block *b = &recs[i];
		uint64_t bs = b->pfn & ~(blk - 1);
		int scanner = 0;

		if (i % MAP_COLS == 0)
			printf("%s%10llu ", i ? "\n" : "", (unsigned long long)b->pfn);
		if (z->migrate_pfn_async >= bs && z->migrate_pfn_async < bs + blk &&
		    z->migrate_pfn_async != z->start_pfn)
			scanner = '>';
		if (z->free_pfn >= bs && z->free_pfn < bs + blk &&
		    z->free_pfn + blk < z->start_pfn + z->spanned)
			scanner = '<';
		map_cell(b, scanner, colour);
		if (b->migratetype < MMSCOPE_COMPACTION_NR_MT)
			count[b->migratetype]++;
		nfree += b->free == b->nr_pages;
		nskip += !!(b->flags & MMSCOPE_COMPACTION_BLOCK_SKIP);
		nstuck += b->unmovable || b->reserved;
	}
	printf("\n\nlegend:");
	for (i = 0; i < MMSCOPE_COMPACTION_NR_MT; i++)
		printf(" %c %s (%u)", mt_letter[i], cz_mt_names[i], count[i]);
	printf("\n        lower case: fully free (%u); s: skip hint set (%u);"
	       " !: unmovable or reserved pages (%u)\n", nfree, nskip, nstuck);
	printf("        >: migrate scanner at %llu; <: free scanner at %llu"
	       " (not shown at their reset positions)\n",
	       (unsigned long long)z->migrate_pfn_async,
	       (unsigned long long)z->free_pfn);
	ret = EXIT_OK;
out:
	free(recs);
	cz_free(&s);
	return ret;
}

static int map_parse(int argc, char **argv, struct map_args *a)
{
	static const struct option options[] = {
		{ "node",	required_argument,	NULL,	'n' },
		{ "zone",	required_argument,	NULL,	'z' },
		{ "watch",	required_argument,	NULL,	'w' },
		{ NULL }
	};
	uint64_t v;
	int opt;

	a->node = -1;
	a->zone = NULL;
	a->watch = 0;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) >= 0) {
		switch (opt) {
		case 'n':
			if (parse_u64(optarg, &v, "--node") || v > 1024)
				return usage_err(MAP_LEVEL, "bad node '%s'", optarg);
			a->node = v;
			break;
		case 'z':
			a->zone = optarg;
			break;
		case 'w':
			if (parse_u64(optarg, &v, "--watch") || !v || v > 3600)
				return usage_err(MAP_LEVEL, "bad interval '%s'", optarg);
			a->watch = v;
			break;
		default:
			return usage_err(MAP_LEVEL, "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_err(MAP_LEVEL, "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

int compaction_map(int argc, char **argv)
{
	const char *nc = getenv("NO_COLOR");
	struct map_args a;
	char **av;
	int fd, ret, colour;

	if (json_output)
		return usage_err(MAP_LEVEL, "a picture has no JSON form; use pageblocks -j");
	av = calloc(argc + 2, sizeof(*av));
	if (!av) {
		p_err("out of memory");
		return EXIT_FAILED;
	}
	av[0] = "map";
	memcpy(av + 1, argv, argc * sizeof(*av));
	ret = map_parse(argc + 1, av, &a);
	free(av);
	if (ret)
		return ret;
	colour = isatty(STDOUT_FILENO) && !(nc && *nc);
	fd = ctl_open("compaction");
	if (fd < 0)
		return EXIT_FAILED;
	do {
		if (a.watch)
			printf("\033[H\033[J");
		ret = map_draw(fd, &a, colour);
		fflush(stdout);
	} while (a.watch && ret == EXIT_OK && !sleep(a.watch));
	close(fd);
	return ret;
}
