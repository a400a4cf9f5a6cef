chapter "Which kind of fault was it? mmscope trace faults"
say "A page fault is served by one of a few handlers, and which one says \
what the kernel did, its class: do_anonymous_page gives a first page to private \
memory never touched (or maps the shared zero page for a read), \
do_wp_page copies a page shared after fork (copy-on-write, copy) or finds \
it is the last user and keeps it (reuse), do_fault reads a file page (read) \
or makes a private copy of one (cow), do_swap_page brings a page back from \
swap (swap-in). The tracer counts the faults of a workload, and of the \
processes it starts, by class and handler and by the VM_FAULT_* result bits, \
from handle_mm_fault(). The \
workload: mmscope-forkstep writes one private page, forks, has its child \
write the page, then writes it itself. '-- COMMAND' starts it only once the \
tracer is attached; --pin leaves the maps for bpftool."
echo
echo "# printf '\\\\n\\\\n\\\\n\\\\n' | mmscope trace faults --pin -- mmscope-forkstep"
printf '\n\n\n\n' | mmscope trace faults --pin -- mmscope-forkstep \
	> /tmp/faults-out 2>&1
cat /tmp/faults-out
# fc NAME: the count column of handler NAME in the report just printed
fc() {
	awk -v h="$1" '{ for (i = 1; i < NF; i++) if ($i == h) n = $(i + 1) }
		END { print n + 0 }' /tmp/faults-out
}
say "Read from the table: anon, do_anonymous_page, served $(fc do_anonymous_page) \
faults (the program's page, its stack and heap, each first touch of private \
memory), file read, do_fault:read, $(fc do_fault:read) (the program's code and data read \
from its file, several pages at a time by fault-around), \
file COW copy, do_fault:cow, $(fc do_fault:cow) (a write to a private file \
mapping: the data section gets a private copy). Of the copy-on-write faults \
after fork, COW copy (do_wp_page:copy) counted $(fc do_wp_page:copy): the child's write, which had \
to copy because the parent still mapped the page, plus the child's first \
writes to its stack and data (the child is followed too); COW reuse \
(do_wp_page:reuse) counted \
$(fc do_wp_page:reuse): the parent's write came after the child's copy, \
so the parent was the page's last user and kept it without copying. \
'minor' faults found the data in memory; 'major' ones waited for I/O. \
'results' are the VM_FAULT_* bits the handlers returned (NOPAGE: the page \
was returned by ->fault, LOCKED: and locked; RETRY: the fault let go of the \
mmap lock and was taken again)."
echo
echo "# bpftool map dump pinned /sys/fs/bpf/mmscope/faults/handlers | grep -A1 key"
bpftool map dump pinned /sys/fs/bpf/mmscope/faults/handlers 2>&1 |
	grep -A1 '"key"' | grep -v '^--' | head -n 12
say "The same counts as bpftool sees them in the pinned map: its key is the \
BPF program's own enum, typed in the map's BTF, so bpftool prints each \
handler by name (FAULTS_ANON, FAULTS_WP_COPY...) rather than as a number. \
The map stays until 'mmscope trace unpin faults':"
show mmscope trace unpin faults
