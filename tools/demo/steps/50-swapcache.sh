chapter "Swap entries and the swap cache: mmscope_swapcache"
question "Where does a page go when it is swapped out, and what is left of it in the swap cache?"
say "When an anonymous page is swapped out its page table entry becomes a \
swap entry: a device (type) and a slot (offset). The slot has a count, the \
number of page table entries and shmem files that point at it (swap_map on \
6.1 and 6.12, the cluster's swap table on 7.x), and a page may sit in the \
swap cache, an index from slot to page, while it is written or after it was \
read back. pagemap shows type and offset; mmscope swapcache shows the count, \
the cache bit and the cached page."
show mmscope swapcache devices
P=$$
heap=0x$(grep '\[heap\]' /proc/$P/maps | cut -d- -f1)
heap_end=0x$(grep '\[heap\]' /proc/$P/maps | cut -d' ' -f1 | cut -d- -f2)
len=$((heap_end - heap))
say "This shell's heap, paged out with process_madvise(MADV_PAGEOUT). Pages \
still in a per-CPU batch on their way to the LRU lists cannot be taken and \
stay present."
show mmscope swapcache stats
sc_before=$(mmscope -j swapcache stats)
show mmscope swapcache pageout --pid $P $heap $len
echo
echo "# mmscope swapcache entries --pid $P $heap $len"
sc_out=$(mmscope swapcache entries --pid $P $heap $len)
echo "$sc_out"
# what the lines just printed say, counted: swapped pages (and those of
# them still in the swap cache), pages read back into place, pages left
sc_after=$(mmscope -j swapcache stats)
sc_words=$( (echo "before $sc_before"; echo "after $sc_after"; echo "$sc_out") | awk '
# pswpout and hit of the stats before and after: what the pageout wrote and
# what faults found in the cache since
$1 == "before" || $1 == "after" {
	for (k = 1; k <= 3; k++) {
		key = k == 1 ? "pswpout" : k == 2 ? "hit" : "add_pages"
		if (match($0, "\"" key "\":[0-9]+"))
			v[$1, key] = substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	}
	next
}
function add(list, v) { return index(" " list " ", " " v " ") ? list : (list == "" ? v : list " " v) }
function pages(n) { return n == 1 ? "1 page" : n " pages" }
function are(n) { return n == 1 ? "is" : "are" }
$2 == "swap" || $2 == "present" {
	cnt = ""; ref = ""; map = ""; cached = 0; n = 1
	# a run of alike pages is one line ending in "(N pages)"
	if ($NF == "pages)")
		n = substr($(NF - 1), 2) + 0
	for (i = 3; i <= NF; i++) {
		if ($i == "count") cnt = $(i + 1)
		if ($i == "ref") ref = $(i + 1)
		if ($i == "map") map = $(i + 1)
		if ($i == "in-swapcache") cached = 1
	}
	if ($2 == "swap") {
		sw += n; swcnt = add(swcnt, cnt)
		if (cached) { swc += n; swcref = add(swcref, ref); swcmap = add(swcmap, map) }
	} else if (cached) {
		pc += n; pcref = add(pcref, ref); pcmap = add(pcmap, map); pccnt = add(pccnt, cnt)
	} else {
		pp += n
	}
}
END {
	if (sw) {
		printf "%s %s now, the count of %s %s (the page table entries that point at each).", pages(sw), sw == 1 ? "is a swap entry" : "are swap entries", sw == 1 ? "its slot" : "their slots", swcnt
		if (swc)
			printf " %d of them %s still in the swap cache, written and clean: map %s (no PTE maps them), ref %s (the cache'"'"'s own reference), until reclaim drops them; a fault now finds them there without I/O.", swc, are(swc), swcmap, swcref
		else
			printf " None is in the swap cache any more: reclaim dropped them after the write, so a fault reads them back from the disk."
	} else {
		printf "No page of the range is a swap entry now."
	}
	if (pc)
		printf " %d present %s %s still in the cache: the shell touched them again and the fault found them there (map %s, ref %s: the mapping and the cache; the slot'"'"'s count %s).", pc, pc == 1 ? "page" : "pages", are(pc), pcmap, pcref, pccnt
	out = v["after", "pswpout"] - v["before", "pswpout"]
	hit = v["after", "hit"] - v["before", "hit"]
	printf " The stats say the pageout wrote %s (pswpout) and faults found %d in the cache since (hit).", pages(out), hit
	zero = v["after", "add_pages"] - v["before", "add_pages"] - out
	if (zero > 0)
		printf " The cache took %s more than were written: pages holding only zeroes are not written (from 6.12 on), their slot is marked zero-filled and reclaim takes them out of the cache at once; those are deletes in the stats, not the cached pages above.", pages(zero)
	back = hit - pc
	if (back > pp) back = pp
	if (back < 0) back = 0
	if (back)
		printf " So %d of the %s outside the cache went out and came back: the shell touched them, the fault took them from the cache and, the only user of their slot, freed the slot and left the cache.", back, pp == 1 ? "1 present page" : pp " present pages"
	if (pp - back)
		printf " %d present %s never left: pages still in a per-CPU batch on their way to the LRU lists cannot be taken.", pp - back, pp - back == 1 ? "page" : "pages"
	printf "\n"
}')
say "$sc_words"
show mmscope swapcache stats
slot=$(mmscope -j swapcache entries --pid $P $heap $len |
	tr '{' '\n' | sed -n 's/.*"offset":\([0-9]*\).*/\1/p' | tail -1)
if [ -n "$slot" ]; then
	say "The last slot, read by device and offset, as swapoff would see it:"
	show mmscope swapcache slots --type 0 "$slot" 1
fi
