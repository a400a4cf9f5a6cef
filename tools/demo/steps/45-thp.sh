chapter "Transparent huge pages: mmscope_thp"
question "Is this memory backed by huge pages, and if not, why not?"
thp_sys=/sys/kernel/mm/transparent_hugepage
thp_word() { sed 's/.*\[\(.*\)\].*/\1/' "$1"; }
thp_stat() { grep "^$1 " /proc/vmstat | cut -d' ' -f2; }
thp_mode=$(thp_word $thp_sys/enabled)
case $thp_mode in
always) thp_means="every anonymous VMA holding an aligned 2 MiB range may get one at fault, unless it says MADV_NOHUGEPAGE" ;;
madvise) thp_means="only VMAs that asked with MADV_HUGEPAGE get one at fault" ;;
*) thp_means="no VMA gets one at fault; only MADV_COLLAPSE makes one" ;;
esac
say "A THP is one 2 MiB folio mapped by one PMD entry instead of 512 PTEs. \
smaps says per VMA whether one is allowed (THPeligible, not why) and sums up \
how much is huge (AnonHugePages). mmscope thp shows the kernel's verdict \
with its reasons, every large folio with its map counts, and collapses or \
splits one on demand. The THP mode on this kernel is '$thp_mode': \
$thp_means. Here: dd copying /dev/zero through an 8 MiB buffer."
dd if=/dev/zero of=/dev/null bs=8M count=100000000 2>/dev/null &
thp_kid=$!
sleep 1
show mmscope thp vmas --pid $thp_kid
thp_n=$(mmscope -j thp vmas --pid $thp_kid | grep -o '"eligible":[a-z]*' | grep -c true)
thp_why=$(mmscope -j thp vmas --pid $thp_kid | grep -o '"reasons":\[[^]]*\]' |
	tr -d '"[]' | sed 's/reasons://' | tr ',' '\n' | grep . | sort | uniq -c |
	sort -rn | awk '{ printf "%s %s x%d", (NR > 1 ? "," : ""), $2, $1 }')
say "$thp_n of dd's VMAs may have THPs; the others are refused for:$thp_why \
(a VMA can have more than one reason)."
show mmscope thp map --pid $thp_kid
thp_pmd=$(mmscope thp folios --pid $thp_kid | grep -c ' pmd ')
say "dd's 8 MiB buffer holds $thp_pmd PMD-mapped THPs: as many aligned 2 MiB \
ranges as fit in the buffer's VMA (malloc put it at an address of its \
choosing; the parts before the first and after the last aligned range are \
small pages)."
show mmscope thp folios --pid $thp_kid
thp_va=$(mmscope thp folios --pid $thp_kid | grep -m1 ' pmd ' | cut -d' ' -f1)
if [ -n "$thp_va" ]; then
	thp_s0=$(thp_stat thp_split_page)
	show mmscope thp split --pid $thp_kid $thp_va
	thp_s1=$(thp_stat thp_split_page)
	thp_left=$(mmscope thp folios --pid $thp_kid $thp_va 0x200000 | grep -c ' order ')
	say "The split (the kernel's own, as its debugfs split_huge_pages does \
it) left $thp_left large folios at $thp_va: 512 order-0 pages now, the same \
data, mapped by PTEs. /proc/vmstat thp_split_page went from $thp_s0 to \
$thp_s1."
	thp_c0=$(thp_stat thp_collapse_alloc)
	thp_out=$(mmscope thp collapse --pid $thp_kid $thp_va 0x200000)
	printf '\n# mmscope thp collapse --pid %s %s 0x200000\n%s\n' $thp_kid $thp_va "$thp_out"
	thp_c1=$(thp_stat thp_collapse_alloc)
	thp_res=$(echo "$thp_out" | sed -n 's/^collapse: //p' | head -1)
	say "MADV_COLLAPSE on that range, run on dd's mm, answered '$thp_res'; \
thp_collapse_alloc went from $thp_c0 to $thp_c1: $((thp_c1 - thp_c0)) new \
huge page, the 512 pages copied into it. When a page holds a reference its \
mappings do not explain (a GUP pin, say), the kernel refuses and names its \
scan result (not_suitable_page_count)."
fi
show mmscope thp khugepaged --pid $thp_kid
thp_res=$(mmscope -j thp khugepaged --pid $thp_kid | grep -o '"result":"[a-z_]*"' |
	cut -d'"' -f4 | sort | uniq -c | awk '{printf " %s x%d", $2, $1}')
thp_expl=
for thp_r in $(mmscope -j thp khugepaged --pid $thp_kid | grep -o '"result":"[a-z_]*"' |
	cut -d'"' -f4 | sort -u); do
	case $thp_r in
	succeeded) thp_expl="$thp_expl succeeded: the range was (or could be) collapsed." ;;
	page_pmd_mapped) thp_expl="$thp_expl page_pmd_mapped: a THP was already there." ;;
	pmd_none|pmd_null|no_pte_table) thp_expl="$thp_expl $thp_r: nothing mapped in that 2 MiB yet." ;;
	exceed_none_pte) thp_expl="$thp_expl exceed_none_pte: more empty PTEs than max_ptes_none allows." ;;
	not_suitable_page_count) thp_expl="$thp_expl not_suitable_page_count: a page had a reference its mappings do not explain." ;;
	esac
done
say "The results recorded for dd's mm, by the kernel's own names:$thp_res.$thp_expl"
kill $thp_kid
wait $thp_kid 2>/dev/null
if [ -d $thp_sys/hugepages-64kB ]; then
	thp_e64=$(thp_word $thp_sys/hugepages-64kB/enabled)
	thp_e2m=$(thp_word $thp_sys/hugepages-2048kB/enabled)
	echo always > $thp_sys/hugepages-64kB/enabled
	echo never > $thp_sys/hugepages-2048kB/enabled
	dd if=/dev/zero of=/dev/null bs=4M count=100000000 2>/dev/null &
	thp_kid=$!
	sleep 1
	show mmscope thp map --pid $thp_kid
	printf '\n# mmscope thp vmas --pid %s   (the header and the eligible VMAs)\n' $thp_kid
	mmscope thp vmas --pid $thp_kid | sed -n '1,2p;/ yes /p'
	thp_buf=$(mmscope thp map --pid $thp_kid | grep -m1 ' anon  *[a-z]*m' | cut -d- -f1)
	[ -n "$thp_buf" ] && show mmscope thp folios --pid $thp_kid 0x$thp_buf 0x20000
	thp_m=$(mmscope thp folios --pid $thp_kid | grep -c ' order 4 pte ')
	thp_ahp=$(awk '/^AnonHugePages/ { s += $2 } END { print s + 0 }' /proc/$thp_kid/smaps)
	say "This kernel has multi-size THP: with only hugepages-64kB enabled \
(it was '$thp_e64', 2048kB '$thp_e2m'), dd's 4 MiB buffer is $thp_m folios \
of order 4, 64 KiB each, mapped by PTEs (m in the map). smaps counts none \
of them: AnonHugePages is $thp_ahp kB, it counts PMD-mapped THPs only."
	kill $thp_kid
	wait $thp_kid 2>/dev/null
	echo "$thp_e2m" > $thp_sys/hugepages-2048kB/enabled
	echo "$thp_e64" > $thp_sys/hugepages-64kB/enabled
fi
