chapter "The suite is loaded: mmscope_core"
question "Is the suite loaded into this kernel, and which of the kernel's internal symbols could it find?"
say "Every mmscope module lives under /sys/kernel/debug/mmscope/. The core \
owns that directory, looks up target processes for the other modules and is \
the one place that resolves kernel symbols modules may not normally use."
show lsmod
show ls -l $D
show cat $D/version
say "The version file says which suite, which ioctl interface (uapi) and which \
kernel this is. The CLI asks the same through the ioctl interface:"
show mmscope version
say "Non-exported kernel symbols the suite uses, each resolved once at load \
(a missing one disables only the feature that needs it):"
show cat $D/features
say "Every module's ctl file is served by the core from the module's table of \
ioctls; the core lists them all, with the struct sizes it accepts:"
show cat $D/ioctls
say "The suite's own trace events, readable with perf, trace-cmd or bpftool:"
show ls /sys/kernel/debug/tracing/events/mmscope
