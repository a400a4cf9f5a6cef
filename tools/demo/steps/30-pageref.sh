chapter "Page references: mmscope_pageref"
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
say "fork: the child maps the same anonymous pages. A shared page has \
mapcount 2, refcount 2, and is exclusive to neither; the first write, by \
either, copies it (pages the shell already wrote again have a new PFN):"
( while :; do sleep 1; done ) &
kid=$!
sleep 1
show mmscope pageref --pid $P $heap 0x4000
show mmscope pageref --pid $kid $heap 0x4000
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
kill $kid
