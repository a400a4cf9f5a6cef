chapter "What to try next"
say "Every command above takes --help, and -j for JSON. A few to run on \
your own processes (PID: any process, \$\$ is this shell):"
echo "   mmscope pagewalk --pid PID --vma '[heap]' --summary   how the heap is mapped"
echo "   mmscope pagewalk --pid PID ADDR --explain           one entry, bit by bit"
echo "   mmscope pageref --pid PID --vma libc | head          who shares libc's pages"
echo "   mmscope trace faults -- COMMAND                      a program's faults, by class"
echo "   mmscope thp vmas --pid PID                           huge pages per mapping, or why not"
echo "   mmscope compaction zones                             free memory, by order"
say "docs/cookbook.md lists a question per page of it, with the command \
that answers it and how to read the output."
