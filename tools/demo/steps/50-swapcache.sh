chapter "Swap entries and the swap cache: mmscope_swapcache"
say "When an anonymous page is swapped out its page table entry becomes a \
swap entry: a device (type) and a slot (offset). The slot has a count, the \
number of swap entries and shmem files that point at it (swap_map on 6.1 and \
6.12, the cluster's swap table on 7.x), and a page may sit in the swap cache, \
an index from slot to page, while it is written or after it was read back. \
pagemap shows type and offset; mmscope swapcache shows the count, the cache \
bit and the cached page."
show mmscope swapcache devices
say "A buffer of this shell filled with random data (a shell variable: \
256 KiB on its heap), then paged out with process_madvise(MADV_PAGEOUT):"
P=$$
X=$(head -c 196608 /dev/urandom | base64 | tr -d '\n')
heap=0x$(grep '\[heap\]' /proc/$P/maps | cut -d- -f1)
heap_end=0x$(grep '\[heap\]' /proc/$P/maps | cut -d' ' -f1 | cut -d- -f2)
len=$((heap_end - heap))
show mmscope swapcache stats
show mmscope swapcache pageout --pid $P $heap $len
say "Every page of the heap is now a swap entry with count 1 (one PTE points \
at the slot). The pages were written but are still in the swap cache \
(in-swapcache, has_cache) until reclaim drops them: a fault now finds them \
there without I/O. pswpout counted the writes."
show mmscope swapcache entries --pid $P $heap 0x8000
show mmscope swapcache stats
say "Reading the variable faults the pages back in: each comes from the swap \
cache (a hit) or from the disk with its neighbours read ahead. A page back \
in memory keeps its slot and stays in the cache (refcount = 1 per mapping + \
1 for the cache) until it is written or reclaimed; the slot's count went to \
0 when its PTE became a page again."
echo "${#X} bytes read back"
show mmscope swapcache entries --pid $P $heap 0x8000
show mmscope swapcache stats
say "A slot read by device and offset, as swapoff or a debugger would:"
slot=$(mmscope -j swapcache entries --pid $P $heap 0x1000 |
	sed -n 's/.*"offset":\([0-9]*\).*/\1/p')
[ -n "$slot" ] && show mmscope swapcache slots --type 0 "$slot" 4
unset X
