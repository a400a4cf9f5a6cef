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
show mmscope swapcache pageout --pid $P $heap $len
say "A swapped page has count 1 (one PTE points at the slot). Written, but \
still in the swap cache (has_cache, in-swapcache, map 0, ref 1: the \
cache's own reference) until reclaim drops it: a fault now finds it there \
without I/O. The shell already touched a page or two again: present, still \
in the cache (ref 2: the mapping and the cache), its slot's count 0."
show mmscope swapcache entries --pid $P $heap $len
say "From 6.12 on, a page that holds only zeroes is not written: its slot \
is marked zero-filled and reclaim takes the page out of the swap cache at \
once (a swap entry with no cache bit above). Those are deletes in the \
statistics; the pages listed as cached are the ones with data."
show mmscope swapcache stats
slot=$(mmscope -j swapcache entries --pid $P $heap $len |
	tr '{' '\n' | sed -n 's/.*"offset":\([0-9]*\).*/\1/p' | tail -1)
if [ -n "$slot" ]; then
	say "The last slot, read by device and offset, as swapoff would see it:"
	show mmscope swapcache slots --type 0 "$slot" 1
fi
