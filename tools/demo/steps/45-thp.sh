chapter "Transparent huge pages: mmscope_thp"
question "Is this memory backed by huge pages, and if not, why not?"
say "A THP is one 2 MiB folio mapped by one PMD entry instead of 512 PTEs. \
Whether a VMA may have one is decided per VMA (smaps THPeligible says yes \
or no, not why); whether it got one, and how it is mapped, smaps only sums \
up (AnonHugePages). mmscope thp shows the kernel's verdict with its \
reasons, every large folio with its map counts, and collapses or splits \
one on demand. Here: dd copying /dev/zero through an 8 MiB buffer, which \
the default THP mode (always) backs with huge pages where it holds an \
aligned 2 MiB range."
dd if=/dev/zero of=/dev/null bs=8M count=100000000 2>/dev/null &
thp_kid=$!
sleep 1
show mmscope thp vmas --pid $thp_kid
show mmscope thp map --pid $thp_kid
show mmscope thp folios --pid $thp_kid
thp_va=$(mmscope thp folios --pid $thp_kid | grep -m1 ' pmd ' | cut -d' ' -f1)
say "Split the first PMD-mapped THP: the kernel's split (as its debugfs \
split_huge_pages does) leaves 512 order-0 pages mapped by PTEs, the same \
data; thp_split_page counts it in /proc/vmstat."
show mmscope thp split --pid $thp_kid $thp_va
say "MADV_COLLAPSE on that range, run on dd's mm: a new huge page, the 512 \
pages copied into it, one PMD again. When a page has a reference nobody \
accounts for (a GUP pin, say), the kernel refuses, and the reason is its \
own scan result (not_suitable_page_count)."
show mmscope thp collapse --pid $thp_kid $thp_va 0x200000
show mmscope thp khugepaged --pid $thp_kid
kill $thp_kid
wait $thp_kid 2>/dev/null
