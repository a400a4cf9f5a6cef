chapter "Tracing page faults with BPF: mmscope trace faults"
say "mmscope trace loads a CO-RE BPF program (built against this kernel's \
own BTF), attaches it (fentry where the kernel allows it, kprobes where it \
does not, e.g. Debian 6.1 arm64), pins its maps under /sys/fs/bpf/mmscope/ \
so bpftool can read them, and removes everything when it ends. Here: the \
faults of a small workload that reads a file, writes fresh anonymous \
memory and forks, for two seconds."
echo
echo "# mmscope trace faults --duration 3   (the workload starts a second later)"
mmscope trace faults --duration 3 &
tracer=$!
sleep 1
for i in 1 2 3 4 5 6 7 8; do
	cat /bin/busybox > /dev/null
	dd if=/dev/zero bs=64k count=32 2>/dev/null | md5sum > /dev/null
	sh -c 'true'
done
wait $tracer
say "Which handler served each fault, its VM_FAULT_* result and how long \
handle_mm_fault() took. mmscope trace faults --pin leaves the maps for \
bpftool map dump pinned /sys/fs/bpf/mmscope/faults/... (docs/tracing.md)."
