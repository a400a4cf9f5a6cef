chapter "Page references: mmscope_pageref"
question "Who holds a page: how many references and mappings does it have, and what happens to them across fork and copy-on-write?"
say "A page has a reference count (who may use it) and a map count (how many \
page table entries point at it). /proc shows the map count (kpagecount) but \
not the references, the pins or AnonExclusive. mmscope pageref reads them, \
under a reference of its own that it subtracts. EXTRA is the refcount beyond \
what the page's state explains (one per mapping, one per page in the page or \
swap cache): what khugepaged's is_refcount_suitable() checks."
P=$$
text=0x$(grep -m1 'r-xp' /proc/$P/maps | cut -d- -f1)
heap=0x$(grep '\[heap\]' /proc/$P/maps | cut -d- -f1)
say "This shell's first page of code (busybox, a file page: every busybox \
process maps it) and the first pages of its heap (anonymous):"
show mmscope pageref --pid $P $text
show mmscope pageref --pid $P $heap 0x4000
say "fork and copy-on-write, one step at a time: mmscope-forkstep owns one \
private anonymous page, and on each cue forks, has its child write the \
page, then writes it itself. After each step, the page as the parent and \
the child map it (PFN: the page frame, REF: references, MAP: page table \
entries that map it):"
mkfifo /tmp/fs-cue /tmp/fs-out
mmscope-forkstep < /tmp/fs-cue > /tmp/fs-out &
fs_pid=$!
exec 3> /tmp/fs-cue 4< /tmp/fs-out
# fs_step: cue the next step (not the first), wait until it is done and
# print the page in the parent and the child as a table; fs_P and fs_C are
# "PFN REF MAP EXCL" of the parent's and the child's row (EXCL: yes when
# FLAGS has anon_exclusive)
fs_step() {
	[ "$1" = start ] || echo >&3
	read -r fs_line <&4
	eval "$fs_line"
	echo
	echo "# step $step: mmscope pageref --pid PID $addr, for each process"
	fs_out=$(mmscope pageref --pid $parent $addr)
	echo "$fs_out" | sed -n 1p | sed "s/^/$(printf '%-6s %-6s' WHO PID)/"
	echo "$fs_out" | sed -n 2p | sed "s/^/$(printf '%-6s %-6s' parent $parent)/"
	fs_P=$(echo "$fs_out" | awk 'NR == 2 { print $2, $5, $6, \
		($NF ~ /anon_exclusive/ ? "yes" : "no") }')
	fs_C=
	[ "$child" -gt 0 ] || return 0
	fs_out=$(mmscope pageref --pid $child $addr)
	echo "$fs_out" | sed -n 2p | sed "s/^/$(printf '%-6s %-6s' child $child)/"
	fs_C=$(echo "$fs_out" | awk 'NR == 2 { print $2, $5, $6, \
		($NF ~ /anon_exclusive/ ? "yes" : "no") }')
}
fs_step start
set -- $fs_P
say "Before fork: the parent alone maps PFN $1, REF $2, MAP $3; \
anon_exclusive in FLAGS ($4 here) says only this process maps it, so a write \
needs no copy."
fs_step
set -- $fs_P $fs_C
fs_pfn=$1
if [ "$1" = "$5" ]; then
	say "fork: the child maps the same frame, PFN $1, so MAP is $3 (one \
page table entry in each process) and REF $2 (one reference per mapping). \
Both entries are read-only now and the page is exclusive to neither \
(anon_exclusive: parent $4, child $8): the first write, by either, takes \
a fault."
else
	say "fork: the child maps PFN $5, the parent PFN $1: fork copied the \
page at once (a pinned page is copied, not shared)."
fi
fs_step
set -- $fs_P $fs_C
say "The child wrote: its fault copied the page into a frame of its own, \
PFN $5 (REF $6, MAP $7, anon_exclusive $8). The parent's page, PFN $1, \
has one mapping left: REF $2, MAP $3, anon_exclusive $4. Whether the \
parent may write it in place is decided at its next write fault."
fs_step
set -- $fs_P
if [ "$1" = "$fs_pfn" ]; then
	say "The parent wrote: same frame, PFN $1, REF $2, MAP $3, \
anon_exclusive $4. Nobody else held a reference, so the fault reused the \
page in place instead of copying it (COW reuse)."
else
	say "The parent wrote and got a new frame, PFN $1 (was $fs_pfn): \
something else still held a reference to the old page when it faulted, \
so the kernel copied it rather than reuse it."
fi
echo >&3
read -r fs_line <&4
exec 3>&- 4<&-
wait $fs_pid
rm -f /tmp/fs-cue /tmp/fs-out

say "A GUP pin (FOLL_PIN, as for DMA) adds 1024 to the refcount of a small \
page (GUP_PIN_COUNTING_BIAS), so folio_maybe_dma_pinned() can tell it from \
ordinary references. Pinning a shared anonymous page first makes it \
exclusive (a copy if it is still shared). The references belong to the \
open file: they are gone when it closes."
show mmscope pageref pin --pid $P $heap --hold 1
show mmscope pageref --pid $P $heap
say "Watching a page: each change of its counts, with the kernel function \
that returned right after it and the task, in a ring and as \
mmscope:pageref_change trace events:"
show mmscope pageref watch add --pid $P $heap
mmscope pageref get --pid $P $heap --hold 0 > /dev/null
mmscope pageref pin --pid $P $heap --hold 0 > /dev/null
show mmscope pageref watch events
mmscope pageref watch clear
