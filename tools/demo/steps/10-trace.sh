chapter "Tracing page faults with BPF: mmscope trace faults"
question "How many page faults does a program take, and how long does one take?"
say "mmscope trace loads a CO-RE BPF program (built against this kernel's \
own BTF), attaches it, pins its maps under /sys/fs/bpf/mmscope/ so bpftool \
can read them, and removes everything when it ends. The faults tracer's \
cheapest mode, --count, counts the software events the kernel raises at \
every fault (perf's minor-faults, major-faults, for user and kernel mode): \
the kernel keeps their exact counts, and a BPF program publishes them in a \
map once every 64 faults. --latency runs \
at every fault and adds where it began (x86's exceptions tracepoints, or \
perf's page-faults). Here: the faults of a \
small workload that reads a file, writes fresh anonymous memory and \
forks, for two seconds."
echo
echo "# mmscope trace faults --count --latency --duration 3   (the workload starts a second later)"
mmscope trace faults --count --latency --duration 3 &
tracer=$!
sleep 1
for i in 1 2 3 4 5 6 7 8; do
	cat /bin/busybox > /dev/null
	dd if=/dev/zero bs=64k count=32 2>/dev/null | md5sum > /dev/null
	sh -c 'true'
done
wait $tracer
say "Faults taken in user code and by the kernel on user memory, minor and \
major, faults that were not accounted (failed or spurious), and the median \
time from the exception to the accounting (one fault in 16 is timed). \
Without --count, mmscope trace faults counts by the class of each fault \
and the handler that served it, with its VM_FAULT_* result, from \
handle_mm_fault() (fentry, or \
kprobes where there are no BPF trampolines, e.g. Debian 6.1 arm64), at a \
higher cost per fault; --pin leaves the maps for bpftool map dump pinned \
/sys/fs/bpf/mmscope/faults/... (docs/tracing.md)."
