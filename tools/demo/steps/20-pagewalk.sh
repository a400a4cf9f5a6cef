chapter "Page tables, level by level: mmscope_pagewalk"
question "Which page-table entries map a range, at which level, and with which bits?"
say "mmscope_pagewalk walks the page tables the MMU walks: pgd -> (p4d) -> \
pud -> pmd -> pte, under the same locks the kernel takes. Each line is one \
leaf entry (or a run of empty ones): its level, its state, the raw value, \
the page frame it maps, Linux's view of it and the hardware's bits. With \
--path, every table on the way: index, raw entry, where the entry sits in \
physical memory and where the next table is."
pw_stack=$(grep -m1 '\[stack\]' /proc/$$/maps | cut -d- -f2 | cut -d' ' -f1)
pw_page=$(printf '0x%x' $((0x$pw_stack - 0x1000)))
show mmscope pagewalk --pid $$ $pw_page --path
say "That is this shell's top stack page: anonymous, dirty and young. If \
write is missing, the page is still shared copy-on-write with the process \
this shell was forked from (x86: RW clear; arm64: RDONLY set, no DBM); the \
first write gives the shell its own copy. Folded levels (the p4d with \
4-level paging) do not appear in the path."

say "A transparent huge page is a single PMD entry mapping 2 MiB: no PTE \
table at all. dd's 4 MiB buffer, filled from /dev/zero, gets one where \
THP is enabled:"
dd if=/dev/zero bs=4M count=1 2>/dev/null | sleep 3 &
sleep 1
pw_dd=$(pidof dd)
pw_buf=$(grep -v '/' /proc/$pw_dd/maps | awk '{ split($1, r, "-"); print r[1], r[2] }' |
	while read -r s e; do
		[ $((0x$e - 0x$s)) -ge $((4 << 20)) ] && echo $s && break
	done)
pw_thp=$(printf '0x%x' $(((0x$pw_buf + 0x1fffff) & ~0x1fffff)))
show mmscope pagewalk --pid $pw_dd $pw_thp 2M --path
say "On x86_64 the PMD entry has PS set; on arm64 it is a block descriptor \
(bits[1:0] = 01) rather than a table descriptor (11)."
wait

say "Kernel addresses walk the kernel's own tables. The module keeps a page \
from the page allocator (linear map) and reports its physical address; the \
walk's PFN must match it. Whether the direct map uses 4K pages or 2M/1G \
blocks depends on the arch and on rodata=full / debug_pagealloc:"
show cat $D/pagewalk/kaddr
pw_lin=$(awk '/^linear/ { print $2 }' $D/pagewalk/kaddr)
pw_mod=$(awk '/^module/ { print $2 }' $D/pagewalk/kaddr)
show mmscope pagewalk --kernel $pw_lin --path
show mmscope pagewalk --kernel $pw_mod
say "Is the linear map made of blocks or of pages? --summary counts the \
entries of a range by kind; --linear-map is the range the kernel says it \
has (its base to high_memory):"
echo
echo "# mmscope pagewalk --kernel --linear-map --summary"
pw_sum=$(mmscope pagewalk --kernel --linear-map --summary)
echo "$pw_sum"
pw_blocks=$(echo "$pw_sum" | awk '$1 == "pmd" && $3 == "present" { print $5 }')
pw_pages=$(echo "$pw_sum" | awk '$1 == "pte" && $3 == "present" { print $5 }')
say "Here ${pw_blocks:-none} of it is mapped with 2M blocks and \
${pw_pages:-none} with 4K pages. x86_64 maps the direct map with blocks \
and splits them where permissions differ; arm64 with rodata=full mostly \
uses pages, so that any one page can be made read-only."
say "The same walk as text, for a person with cat: write a target, read walk."
echo "kernel $pw_lin" > $D/pagewalk/target
show cat $D/pagewalk/walk

say "Page tables come and go: mmscope trace pagetables counts, per process, \
tables allocated per level, what fork copies, and frees. A fork copies the \
page tables only of VMAs that have anonymous pages; the child faults the \
rest in from their files."
mmscope trace pagetables --duration 3 > /tmp/pagetables.txt 2>&1 &
sleep 2
sh -c 'cat /proc/self/maps > /dev/null'
wait
show cat /tmp/pagetables.txt
