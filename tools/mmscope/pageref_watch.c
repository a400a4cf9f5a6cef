// SPDX-License-Identifier: GPL-2.0
/*
 * mmscope pageref held, mmscope pageref watch: the references held now,
 * the pages watched and the changes seen, through the module's
 * MMSCOPE_PAGEREF_IOC_HELD, _WATCH and _EVENTS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "pageref_cmd.h"

/* Holds, the first `room` of them, read with one more call if need be. */
static int held_read(int fd, struct mmscope_pageref_held **out, uint32_t *n)
{
	struct mmscope_pageref_held_list l = { .size = sizeof(l) };
	struct mmscope_pageref_held *v = NULL;

	*out = NULL;
	do {
		free(v);
		l.count = l.total + 16;
		v = calloc(l.count, sizeof(*v));
		if (!v) {
			p_err("out of memory");
			return EXIT_FAILED;
		}
		l.size = sizeof(l);
		l.entry_size = sizeof(*v);
		l.entries = (uintptr_t)v;
		if (ctl_ioctl(fd, MMSCOPE_PAGEREF_IOC_HELD, &l, "held")) {
			free(v);
			return EXIT_FAILED;
		}
	} while (l.total > l.count);
	*out = v;
	*n = l.count;
	return EXIT_OK;
}

static void held_text(const struct mmscope_pageref_held *h)
{
	uint64_t i;

	printf("%llu %s %s %d 0x%llx %llu", (unsigned long long)h->id,
	       h->flags & MMSCOPE_PAGEREF_HELD_DETACHED ? "module" : "file",
	       mmscope_pageref_kind_name(h->kind), h->pid,
	       (unsigned long long)h->start, (unsigned long long)h->pages);
	for (i = 0; i < h->pages && i < MMSCOPE_PAGEREF_HELD_PFNS; i++)
		printf("%c0x%llx", i ? ',' : ' ',
		       (unsigned long long)h->pfns[i]);
	puts(h->pages > MMSCOPE_PAGEREF_HELD_PFNS ? ",..." : "");
}

static void held_json(struct json_object *list,
		      const struct mmscope_pageref_held *h)
{
	struct json_object *o = jw_push_object(list), *pfns;
	uint64_t i;

	jw_set_uint(o, "id", h->id);
	jw_set_str(o, "owner",
		   h->flags & MMSCOPE_PAGEREF_HELD_DETACHED ? "module" : "file");
	jw_set_str(o, "kind", mmscope_pageref_kind_name(h->kind));
	jw_set_int(o, "pid", h->pid);
	jw_set_hex(o, "start", h->start);
	jw_set_uint(o, "pages", h->pages);
	pfns = jw_set_array(o, "pfns");
	for (i = 0; i < h->pages && i < MMSCOPE_PAGEREF_HELD_PFNS; i++)
		jw_push_uint(pfns, h->pfns[i]);
}

int pageref_held(int argc, char **argv)
{
	struct json_object *root = NULL, *list = NULL;
	struct mmscope_pageref_held *v;
	uint32_t i, n;
	int fd, ret;

	if (argc > 0)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[0]);
	fd = ctl_open("pageref");
	if (fd < 0)
		return EXIT_FAILED;
	ret = held_read(fd, &v, &n);
	close(fd);
	if (ret)
		return ret;
	if (json_output) {
		root = jw_object();
		list = jw_set_array(root, "held");
	} else {
		printf("id owner kind pid start pages pfns\n");
	}
	for (i = 0; i < n; i++) {
		if (json_output)
			held_json(list, &v[i]);
		else
			held_text(&v[i]);
	}
	if (root)
		jw_emit(root);
	free(v);
	return EXIT_OK;
}

/*
 * One MMSCOPE_PAGEREF_IOC_WATCH call with flags (and a's range), then the
 * list printed when show is set. EXIT_*.
 */
static int watch_call(uint32_t flags, const struct range_args *a, bool show)
{
	struct mmscope_pageref_watched list[MMSCOPE_PAGEREF_WATCH_MAX];
	struct mmscope_pageref_watch w = { .size = sizeof(w) };
	struct json_object *root, *arr, *o;
	uint32_t i;
	int fd, ret;

	fd = ctl_open("pageref");
	if (fd < 0)
		return EXIT_FAILED;
	w.flags = flags;
	if (a) {
		w.flags |= a->by_pfn ? MMSCOPE_PAGEREF_BY_PFN : 0;
		w.pid = a->pid;
		w.start = a->start;
		w.len = a->len;
	}
	w.count = MMSCOPE_PAGEREF_WATCH_MAX;
	w.pages = (uintptr_t)list;
	ret = mmscope_ioctl(fd, MMSCOPE_PAGEREF_IOC_WATCH, &w, sizeof(w));
	close(fd);
	if (ret) {
		if (a && -ret == ENOENT)
			p_err("watch: no page present there");
		else if (a && -ret == ENOSPC)
			p_err("watch: %d pages are watched already",
			      MMSCOPE_PAGEREF_WATCH_MAX);
		else if (a)
			say_query_error(a, -ret);
		else
			p_err("watch: %s", mmscope_last_error());
		return EXIT_FAILED;
	}
	if (!show)
		return EXIT_OK;
	if (!json_output) {
		printf("# %u sites probed\n# pfn refcount mapcount\n", w.sites);
		for (i = 0; i < w.count; i++)
			printf("0x%llx %d %d\n", (unsigned long long)list[i].pfn,
			       list[i].refcount, list[i].mapcount);
		return EXIT_OK;
	}
	root = jw_object();
	arr = jw_set_array(root, "watch");
	for (i = 0; i < w.count; i++) {
		o = jw_push_object(arr);
		jw_set_uint(o, "pfn", list[i].pfn);
		jw_set_int(o, "refcount", list[i].refcount);
		jw_set_int(o, "mapcount", list[i].mapcount);
	}
	jw_emit(root);
	return EXIT_OK;
}

static int watch_add(int argc, char **argv)
{
	struct range_args a;
	int ret;

	ret = parse_range(argc, argv, &a, false);
	if (ret)
		return ret;
	return watch_call(MMSCOPE_PAGEREF_WATCH_ADD | MMSCOPE_PAGEREF_WATCH_DETACH,
			  &a, false);
}

static int watch_clear(int argc, char **argv)
{
	if (argc > 0)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[0]);
	return watch_call(MMSCOPE_PAGEREF_WATCH_CLEAR, NULL, false);
}

static int watch_show(int argc, char **argv)
{
	if (argc > 0)
		return usage_err(LEVEL, "unexpected argument '%s'", argv[0]);
	return watch_call(0, NULL, true);
}

static void event_json(struct json_object *list,
		       const struct mmscope_pageref_event *e)
{
	struct json_object *o = jw_push_object(list);

	jw_set_uint(o, "ns", e->ns);
	jw_set_int(o, "pid", e->pid);
	jw_set_str(o, "comm", e->comm);
	jw_set_str(o, "site", e->site);
	jw_set_uint(o, "pfn", e->pfn);
	jw_set_int(o, "refcount_before", e->refcount_before);
	jw_set_int(o, "refcount_after", e->refcount_after);
	jw_set_int(o, "mapcount_before", e->mapcount_before);
	jw_set_int(o, "mapcount_after", e->mapcount_after);
}

static int watch_events(int argc, char **argv)
{
	struct mmscope_pageref_events q = { .size = sizeof(q) };
	struct json_object *root, *list;
	struct mmscope_pageref_event *ev, *e;
	bool clear = argc > 0 && !strcmp(argv[0], "--clear");
	uint32_t i;
	int fd, ret;

	if (argc > (int)clear)
		return usage_err(LEVEL, "unexpected argument '%s'",
				 argv[clear]);
	ev = calloc(MMSCOPE_PAGEREF_EVENTS_MAX, sizeof(*ev));
	if (!ev) {
		p_err("out of memory");
		return EXIT_FAILED;
	}
	fd = ctl_open("pageref");
	if (fd < 0) {
		free(ev);
		return EXIT_FAILED;
	}
	q.flags = clear ? MMSCOPE_PAGEREF_EVENTS_CLEAR : 0;
	q.count = clear ? 0 : MMSCOPE_PAGEREF_EVENTS_MAX;
	q.event_size = sizeof(*ev);
	q.events = (uintptr_t)ev;
	ret = ctl_ioctl(fd, MMSCOPE_PAGEREF_IOC_EVENTS, &q, "events");
	close(fd);
	if (ret || clear) {
		free(ev);
		return ret ? EXIT_FAILED : EXIT_OK;
	}
	if (!json_output)
		printf("# ns pid comm site pfn refcount mapcount (%llu lost)\n",
		       (unsigned long long)q.lost);
	root = json_output ? jw_object() : NULL;
	list = root ? jw_set_array(root, "events") : NULL;
	for (i = 0; i < q.count; i++) {
		e = &ev[i];
		e->comm[sizeof(e->comm) - 1] = '\0';
		e->site[sizeof(e->site) - 1] = '\0';
		if (list)
			event_json(list, e);
		else
			printf("%llu %d %s %s 0x%llx %d->%d %d->%d\n",
			       (unsigned long long)e->ns, e->pid, e->comm,
			       e->site, (unsigned long long)e->pfn,
			       e->refcount_before, e->refcount_after,
			       e->mapcount_before, e->mapcount_after);
	}
	if (root)
		jw_emit(root);
	free(ev);
	return EXIT_OK;
}

int pageref_watch(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "show",	watch_show },
		{ "add",	watch_add },
		{ "events",	watch_events },
		{ "clear",	watch_clear },
		{ "help",	pageref_help },
		{ NULL }
	};

	if (argc > 1 && is_help(argv[1]))
		return pageref_help(0, argv);
	return cmd_select(cmds, argc, argv, LEVEL " watch");
}
