# SPDX-License-Identifier: GPL-2.0
"""Find kernel trouble in a guest console log.

Only kernel messages are looked at: lines carrying a printk timestamp
("[   12.345678] ..."), which the guest kernel prints (CONFIG_PRINTK_TIME,
and mmscope-vm passes printk.time=1). Text from the init script or an
interactive shell on the same console has no timestamp and is ignored, so
a user typing `grep BUG:` does not fail the run. The timestamp may follow
other text on the line when a message interrupts a shell prompt.
"""

import re
from dataclasses import dataclass

# printk timestamp, optionally followed by a caller id ("[T123]", "[C1]").
_KMSG = re.compile(r"\[\s*\d+\.\d+\]\s(?:\[\s*[TC]\d+\]\s)?(?P<msg>.*)$")

# (kind, pattern) in the order they are tried on each message. Patterns
# are matched against the message text without its timestamp.
PATTERNS = [
    ("panic", re.compile(r"Kernel panic - not syncing")),
    ("bug", re.compile(r"\bBUG: ")),
    ("bug", re.compile(r"kernel BUG at ")),
    ("oops", re.compile(r"\bOops\b")),
    ("oops", re.compile(r"\bUnable to handle kernel\b")),
    # The kernel's own fault starts the line; a user program's is reported
    # as "traps: prog[pid] general protection fault ip:..." and is no splat.
    ("oops", re.compile(r"^general protection fault\b")),
    ("oops", re.compile(r"^Internal error: ")),
    ("lockdep", re.compile(r"possible circular locking dependency")),
    ("lockdep", re.compile(r"possible recursive locking")),
    ("lockdep", re.compile(r"INFO: trying to register non-static key")),
    ("lockdep", re.compile(r"inconsistent lock state")),
    ("lockdep", re.compile(r"suspicious RCU usage")),
    ("rcu-stall", re.compile(r"\brcu: INFO: ")),
    ("rcu-stall", re.compile(r"self-detected stall")),
    ("rcu-stall", re.compile(r"detected stalls on CPUs")),
    ("rcu-stall", re.compile(r"detected stalls on tasks")),
    ("rcu-stall", re.compile(r"^rcu: \S+ kthread starved for \d+ jiffies")),
    ("lockup", re.compile(r"soft lockup")),
    ("lockup", re.compile(r"hard LOCKUP")),
    ("hung-task", re.compile(r"blocked for more than \d+ seconds")),
    # A WARN() splat starts its line with "WARNING:"; lockdep reports
    # too. Advisory lines such as "Spectre V2 : WARNING: ..." do not.
    ("warning", re.compile(r"^WARNING: ")),
    ("sanitizer", re.compile(r"^(UBSAN|KASAN|KFENCE|KCSAN): ")),
    # refcount_t's own report, before the WARNING it raises (also when
    # the warning is rate-limited away).
    ("refcount", re.compile(r"^refcount_t: ")),
    # CONFIG_DEBUG_LIST (lib/list_debug.c): a corrupted list seen at
    # list_add()/list_del(), before the BUG or WARNING it raises.
    ("list-corruption", re.compile(r"\blist_(add|del) corruption\b")),
    ("call-trace", re.compile(r"^Call [Tt]race:")),
    # A module whose BTF does not fit the kernel's still loads, without
    # /sys/kernel/btf/<module>: BPF tracing of the suite would then fail.
    ("btf", re.compile(r"failed to validate module \[\S+\] BTF")),
]


# The first line of the kernel's report of an out-of-memory kill
# (dump_header()): the stack dump that follows it ("Call trace:") is the
# allocating task's, part of the report, not a splat. A test that fills
# memory on purpose (the kernel's own virtual_address_range) makes one.
_OOM = re.compile(r"\binvoked oom-killer: ")


@dataclass
class Finding:
    kind: str  # one of the kinds in PATTERNS
    message: str  # the kernel message, without its timestamp
    lineno: int  # 1-based line number in the log


def kernel_message(line):
    """The kernel message on a console line, or None if there is none."""
    m = _KMSG.search(line.rstrip("\r\n"))
    if not m:
        return None
    return m.group("msg").rstrip("\r ")


def scan_line(line):
    """(kind, message) if the console line reports kernel trouble, taken
    alone (Scanner also knows what came before)."""
    msg = kernel_message(line)
    if msg is None:
        return None
    for kind, pattern in PATTERNS:
        if pattern.search(msg):
            return kind, msg
    return None


class Scanner:
    """scan_line() along a log, line after line: the stack dump of an
    out-of-memory report is not trouble, the next one is."""

    def __init__(self):
        self._oom = False

    def line(self, line):
        msg = kernel_message(line)
        if msg is not None and _OOM.search(msg):
            self._oom = True
            return None
        hit = scan_line(line)
        if hit and hit[0] == "call-trace" and self._oom:
            self._oom = False
            return None
        return hit


def scan(lines):
    """The first Finding in an iterable of console lines, or None."""
    scanner = Scanner()
    for n, line in enumerate(lines, 1):
        hit = scanner.line(line)
        if hit:
            return Finding(hit[0], hit[1], n)
    return None


def scan_file(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return scan(f)


# Lines the guest init prints on the console (see tools/vm/guest/init).
_INIT = re.compile(r"mmscope-init: (?P<what>\S+)(?: (?P<rest>.*))?$")


def init_events(lines):
    """(what, rest) for every mmscope-init line of a console log."""
    for line in lines:
        m = _INIT.search(line.rstrip("\r\n"))
        if m:
            yield m.group("what"), (m.group("rest") or "").rstrip("\r ")


def init_error(lines):
    """The last error the guest init reported, or None."""
    err = None
    for what, rest in init_events(lines):
        if what == "error:":
            err = rest
    return err
