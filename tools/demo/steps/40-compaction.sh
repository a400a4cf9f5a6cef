chapter "Zones, free lists and pageblocks: mmscope_compaction"
question "How fragmented is free memory, and what keeps a pageblock from being emptied?"
say "The buddy allocator keeps free memory per zone in lists by order (1, 2, \
4 ... 1024 pages) and by migratetype. Memory is also cut in pageblocks (512 \
pages here), each marked with the migratetype it is meant for. Compaction \
moves movable pages out of a block so a large block becomes free. \
/proc/buddyinfo and /proc/pagetypeinfo give counts; mmscope compaction shows \
one consistent snapshot per zone, each pageblock, and why a page cannot move."
show mmscope compaction zones
say "The map: one cell per pageblock of the largest zone. The letter is the \
block's migratetype (M Movable, U Unmovable, R Reclaimable), lower case when \
the whole block is free; s marks a block compaction skips for now, ! one \
holding pages that cannot move (kernel memory, reserved pages)."
show mmscope compaction map
say "Fragment it: 8192 one-page files in a tmpfs (page cache, movable), then \
remove every other one. The free pages left behind are single pages between \
pages still in use."
mkdir -p /dev/shm/frag
i=0
while [ $i -lt 8192 ]; do
	echo $i > /dev/shm/frag/$i
	i=$((i + 1))
done
i=0
while [ $i -lt 8192 ]; do
	rm -f /dev/shm/frag/$i
	i=$((i + 2))
done
show mmscope compaction map
cp_pfn=$(mmscope -j compaction pageblocks |
	tr '{' '\n' | grep '"migratetype":"Unmovable"' | head -1 |
	sed 's/.*"pfn":\([0-9]*\).*/\1/')
say "Why a block cannot be emptied: ask the kernel for the first Unmovable \
block (alloc_contig_range, as for a gigantic page or a CMA allocation); it \
fails, and the first page that cannot move is named:"
show mmscope compaction contig "$cp_pfn" 512 || true
show mmscope compaction pfn "$cp_pfn"
say "Manual compaction of every zone (what echo 1 > \
/proc/sys/vm/compact_memory does); then the map again, with the scanners' \
cached positions (> the migrate scanner, < the free scanner):"
echo 1 > /proc/sys/vm/compact_memory
show mmscope compaction map
grep -E '^compact_(migrate_scanned|free_scanned|isolated|stall|success|fail) ' /proc/vmstat
rm -rf /dev/shm/frag
