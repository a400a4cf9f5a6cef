chapter "MMU notifiers: mmscope_mmu_notifier"
question "Which devices or subsystems follow a process's page tables, and which changes are they told about?"
say "A device with its own page tables (KVM's guest memory, a GPU, an \
IOMMU with shared virtual addressing) mirrors part of a process. The kernel \
tells it before it changes the process's page tables: an MMU notifier's \
invalidate_range_start and _end bracket every change, with the range and \
the cause. mmscope notifier attaches one to any process and prints each \
callback. Here: a shell that forks a command, then replaces itself with \
another (exec)."
( sleep 1; /bin/true; sleep 1; exec /bin/true ) &
mn_kid=$!
show mmscope notifier attach --pid $mn_kid --duration 5
say "fork write-protects the parent's private writable mappings \
(protection_page, one VMA at a time); the parent's next write to each \
shared page copies it (a one-page clear; 6.1 also calls change_pte for \
the new entry). 6.1 reports each TLB flush as invalidate_range, 6.6 and \
later as arch_invalidate_secondary_tlbs. exec drops the old address \
space: release, once, and the attachment ends with it."
say "An interval notifier (as HMM drivers and KVM's guest memory use) only \
hears of changes that meet its range, and carries a sequence number: odd \
while an invalidation is in progress, moved by each one. A reader that \
saw the same number before and after its work knows nothing changed. \
This shell's heap, while a command is forked:"
mn_heap=0x$(grep -m1 '\[heap\]' /proc/$$/maps | cut -d- -f1)
mmscope notifier attach --pid $$ $mn_heap 0x4000 --duration 2 > /tmp/mn-ivl &
sleep 1
/bin/true
wait $!
show cat /tmp/mn-ivl
show mmscope notifier stats -j
