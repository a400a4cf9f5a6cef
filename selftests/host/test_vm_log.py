# SPDX-License-Identifier: GPL-2.0
"""Host tests of mmscope-vm's console log scan and output relay."""

import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools", "vm"))

from mmscope_vm import logscan  # noqa: E402
from mmscope_vm.cli import parse_args, verdict  # noqa: E402
from mmscope_vm.guestroot import guest_path  # noqa: E402
from mmscope_vm.qemu import ConsoleLog, RunResult, StreamRelay  # noqa: E402

CLEAN_BOOT = """\
mmscope-vm: bookworm x86_64 6.1.0-56-amd64: console=ttyS0 panic=-1 oops=panic loglevel=7 printk.time=1
[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)
[    0.000000] Command line: console=ttyS0 panic=-1 oops=panic loglevel=7 printk.time=1
[    0.000000] tsc: Fast TSC calibration failed
[    0.014996] Spectre V1 : Mitigation: usercopy/swapgs barriers and __user pointer sanitization
[    0.015411] Spectre V2 : Mitigation: Retpolines
[    0.016002] Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via Spectre v2 BHB attacks!
[    0.114655] calibrate_delay_direct() failed to get a good estimate for loops_per_jiffy.
[    0.581830] rcu: Hierarchical SRCU implementation.
[    0.582001] rcu: 	Max phase no-delay instances is 1000.
[    1.212001] ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00-ff])
[    1.221030] ACPI: \\_SB_.GSIF: Enabled at IRQ 21
[    1.240211] PCI: Using host bridge windows from ACPI; if necessary, use "pci=nocrs" and report a bug
[    1.300111] NMI watchdog: Perf NMI watchdog permanently disabled
[    1.874679] Unstable clock detected, switching default tracing clock to "global"
[    3.031902] Run /init as init process
mmscope-init: start uptime=3.15
[    3.527561] mmscope_core: loading out-of-tree module taints kernel.
[    3.528215] mmscope_core: module verification failed: signature and/or required key missing - tainting kernel
mmscope-init: suite loaded
mmscope-init: ready uptime=3.70
mmscope-init: exit status 0
[    5.160595] ACPI: PM: Preparing to enter system sleep state S5
[    5.170513] reboot: Power down
"""

WARNING_SPLAT = """\
[    2.630301] ------------[ cut here ]------------
[    2.630602] WARNING: CPU: 1 PID: 125 at /tmp/splat/splat.c:9 splat_init+0xf/0x1000 [splat]
[    2.631330] Modules linked in: splat(OE+) virtio_rng virtio_console virtio_blk virtio_mmio virtio_pci
[    2.633276] CPU: 1 PID: 125 Comm: insmod Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2
[    2.633661] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[    2.634308] RIP: 0010:splat_init+0xf/0x1000 [splat]
[    2.635836] Code: Unable to access opcode bytes at 0xffffffffc0218fe5.
[    2.638580] Call Trace:
[    2.639240]  <TASK>
[    2.639411]  do_one_initcall+0x59/0x220
[    2.639913]  do_init_module+0x4a/0x1f0
[    2.640062]  __do_sys_finit_module+0xac/0x120
[    2.640205]  do_syscall_64+0x5d/0xb0
[    2.641581]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8
[    2.642001]  </TASK>
[    2.642101] ---[ end trace 0000000000000000 ]---
"""

SYSRQ_CRASH_ARM64 = """\
mmscope-init: ready uptime=3.24
[    3.460471] sysrq: Trigger a crash
[    3.461382] Kernel panic - not syncing: sysrq triggered crash
[    3.462953] CPU: 1 PID: 123 Comm: sh Not tainted 6.1.0-56-arm64 #1  Debian 6.1.192-2
[    3.463849] Hardware name: linux,dummy-virt (DT)
[    3.464752] Call trace:
[    3.465331]  dump_backtrace+0xe4/0x140
[    3.466391]  show_stack+0x20/0x30
[    3.467993]  dump_stack+0x18/0x34
[    3.468270]  panic+0x184/0x364
[    3.469254]  write_sysrq_trigger+0x7c/0xc8
[    3.475013] SMP: stopping secondary CPUs
[    3.476214] Kernel Offset: 0x558a3a000000 from 0xffff800008000000
"""


def _at(text, line):
    """The console log `text` with `line` appended after the clean boot."""
    return CLEAN_BOOT.replace("mmscope-init: exit status 0\n", line + "\n")


class ScanTest(unittest.TestCase):
    def scan(self, text):
        return logscan.scan(io.StringIO(text))

    def test_clean_boot_has_no_finding(self):
        self.assertIsNone(self.scan(CLEAN_BOOT))

    def test_warning_reports_the_warning_line(self):
        f = self.scan(CLEAN_BOOT + WARNING_SPLAT)
        self.assertEqual(f.kind, "warning")
        self.assertEqual(
            f.message,
            "WARNING: CPU: 1 PID: 125 at /tmp/splat/splat.c:9 "
            "splat_init+0xf/0x1000 [splat]")
        self.assertEqual(f.lineno, CLEAN_BOOT.count("\n") + 2)

    def test_sysrq_crash_reports_the_panic(self):
        f = self.scan(SYSRQ_CRASH_ARM64)
        self.assertEqual(f.kind, "panic")
        self.assertEqual(f.message, "Kernel panic - not syncing: sysrq triggered crash")

    def test_call_trace_alone_is_trouble(self):
        f = self.scan("[   12.000001] Call Trace:\n[   12.000002]  <TASK>\n")
        self.assertEqual(f.kind, "call-trace")

    def test_each_kind_of_trouble(self):
        cases = {
            "BUG: kernel NULL pointer dereference, address: 0000000000000000": "bug",
            "BUG: Bad page state in process mmscope-selfte  pfn:0a3c1": "bug",
            "kernel BUG at mm/huge_memory.c:2736!": "bug",
            "Oops: 0002 [#1] PREEMPT SMP NOPTI": "oops",
            "Unable to handle kernel NULL pointer dereference at virtual "
            "address 0000000000000000": "oops",
            "Internal error: Oops: 0000000096000045 [#1] SMP": "oops",
            "general protection fault, probably for non-canonical address "
            "0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI": "oops",
            "WARNING: possible circular locking dependency detected": "lockdep",
            "WARNING: possible recursive locking detected": "lockdep",
            "INFO: trying to register non-static key.": "lockdep",
            "WARNING: inconsistent lock state": "lockdep",
            "rcu: INFO: rcu_preempt self-detected stall on CPU": "rcu-stall",
            "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:": "rcu-stall",
            "watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [sh:140]": "bug",
            "INFO: task kworker/0:1:25 blocked for more than 120 seconds.": "hung-task",
            "UBSAN: shift-out-of-bounds in mm/mmscope.c:10:5": "sanitizer",
            "UBSAN: array-index-out-of-bounds in mm/page_alloc.c:4242:17": "sanitizer",
            "BUG: KFENCE: out-of-bounds read in mmscope_pageref_query+0x4c/0x120": "bug",
            "failed to validate module [mmscope_core] BTF: -22": "btf",
            "refcount_t: underflow; use-after-free.": "refcount",
            "refcount_t: saturated; leaking memory.": "refcount",
            "refcount_t: addition on 0; use-after-free.": "refcount",
            "list_del corruption, ffff888004b1c0c8->next is LIST_POISON1 "
            "(dead000000000100)": "list-corruption",
            "list_del corruption. prev->next should be ffff888003f2a2c8, "
            "but was 0000000000000000. (prev=ffff888003f2a6c8)": "list-corruption",
            "list_add corruption. next->prev should be prev "
            "(ffff888003f2a2c8), but was ffff888003f2a6c8. "
            "(next=ffff888003f2a2d0).": "list-corruption",
            "INFO: task mmscope-selfte:212 blocked for more than 122 seconds.": "hung-task",
            "INFO: task khugepaged:40 blocked for more than 241 seconds.": "hung-task",
            "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:": "rcu-stall",
            "rcu: rcu_preempt kthread starved for 10502 jiffies! g4729 f0x0 "
            "RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1": "rcu-stall",
            "INFO: rcu_tasks detected stalls on tasks:": "rcu-stall",
            "UBSAN: signed-integer-overflow in mm/gup.c:149:6": "sanitizer",
        }
        for line, kind in cases.items():
            with self.subTest(line=line):
                f = self.scan(_at(CLEAN_BOOT, "[   42.123456] " + line))
                self.assertIsNotNone(f)
                self.assertEqual(f.message, line)
                self.assertEqual(f.kind, kind)

    def test_refcount_report_comes_before_its_warning(self):
        text = _at(CLEAN_BOOT,
                   "[   42.100000] ------------[ cut here ]------------\n"
                   "[   42.100001] refcount_t: underflow; use-after-free.\n"
                   "[   42.100002] WARNING: CPU: 1 PID: 212 at "
                   "lib/refcount.c:28 refcount_warn_saturate+0x9c/0x150")
        f = self.scan(text)
        self.assertEqual(f.kind, "refcount")
        self.assertEqual(f.message, "refcount_t: underflow; use-after-free.")

    def test_user_program_fault_is_not_a_splat(self):
        line = ("[   42.123456] traps: gp[127] general protection fault "
                "ip:401136 sp:7ffc4e0c3f70 error:0 in gp[401000+1000]")
        self.assertIsNone(self.scan(_at(CLEAN_BOOT, line)))

    OOM_REPORT = (
        "[  181.338601] virtual_address invoked oom-killer: gfp_mask=0x440dc0"
        "(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0\n"
        "[  181.339810] CPU: 1 UID: 0 PID: 21641 Comm: virtual_address Not "
        "tainted 6.12.118+deb13-arm64 #1  Debian 6.12.118-1\n"
        "[  181.340101] Hardware name: linux,dummy-virt (DT)\n"
        "[  181.340258] Call trace:\n"
        "[  181.340300]  dump_backtrace+0xd8/0x130\n"
        "[  181.340610]  oom_kill_process+0x2ac/0x320\n"
        "[  181.340624]  out_of_memory+0x214/0x588\n"
        "[  181.341214]  el0t_64_sync_handler+0xc8/0xe0\n"
        "[  181.360052] Mem-Info:\n"
        "[  181.507499] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),"
        "cpuset=/,mems_allowed=0,global_oom,task_memcg=/,"
        "task=virtual_address,pid=21641,uid=0\n"
        "[  181.512105] Out of memory: Killed process 21641 (virtual_address) "
        "total-vm:274875843368kB, anon-rss:2048kB, file-rss:0kB, "
        "shmem-rss:256kB, UID:0 pgtables:1893080kB oom_score_adj:0\n")

    def test_out_of_memory_report_is_not_a_splat(self):
        self.assertIsNone(self.scan(CLEAN_BOOT + self.OOM_REPORT))

    def test_call_trace_after_an_out_of_memory_report_is(self):
        f = self.scan(CLEAN_BOOT + self.OOM_REPORT +
                      "[  190.000001] Call trace:\n[  190.000002]  x+0x1/0x2\n")
        self.assertEqual((f.kind, f.message), ("call-trace", "Call trace:"))
        f = self.scan(CLEAN_BOOT + self.OOM_REPORT + WARNING_SPLAT)
        self.assertEqual(f.kind, "warning")

    def test_untimestamped_text_is_not_kernel_output(self):
        # An interactive user's command and its output, and init's lines.
        text = CLEAN_BOOT + "~ # dmesg | grep -c 'BUG:'\n0\nOops\nWARNING: x\n"
        self.assertIsNone(self.scan(text))

    def test_message_interrupting_a_prompt(self):
        f = self.scan(CLEAN_BOOT + "~ # [   50.000001] BUG: unable to handle page fault for address: 0\n")
        self.assertEqual(f.message, "BUG: unable to handle page fault for address: 0")

    def test_carriage_returns_and_caller_ids(self):
        f = self.scan("[    1.000000] [  T123] WARNING: CPU: 0 PID: 123 at x\r\n")
        self.assertEqual(f.message, "WARNING: CPU: 0 PID: 123 at x")

    def test_init_error(self):
        text = CLEAN_BOOT + "mmscope-init: error: module mmscope_thp failed to load: insmod: ERROR\n"
        self.assertEqual(logscan.init_error(io.StringIO(text)),
                         "module mmscope_thp failed to load: insmod: ERROR")
        self.assertIsNone(logscan.init_error(io.StringIO(CLEAN_BOOT)))


class VerdictTest(unittest.TestCase):
    def setUp(self):
        self.log = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"vm-log-test-{os.getpid()}.log")
        self.args = parse_args(["--timeout", "30", "--", "true"])

    def tearDown(self):
        os.unlink(self.log)

    def verdict(self, text, **kw):
        with open(self.log, "w") as f:
            f.write(text)
        return verdict(self.args, RunResult(**kw), self.log)

    def test_status_passes_through(self):
        self.assertEqual(self.verdict(CLEAN_BOOT, status=3), (3, None))

    def test_kernel_trouble_overrides_status(self):
        rc, msg = self.verdict(CLEAN_BOOT + WARNING_SPLAT, status=0)
        self.assertEqual(rc, 125)
        self.assertTrue(msg.startswith("kernel reported WARNING: CPU: 1 PID: 125 at"))
        self.assertIn(f"(console log: {self.log})", msg)

    def test_timeout(self):
        rc, msg = self.verdict(CLEAN_BOOT, timed_out=True)
        self.assertEqual(rc, 124)
        self.assertEqual(msg, f"timeout after 30 s (console log: {self.log})")

    def test_no_status(self):
        rc, msg = self.verdict("[    0.000000] Linux version 6.1.0\n")
        self.assertEqual(rc, 125)
        self.assertTrue(msg.startswith("guest ended without an exit status"))

    def test_guest_error(self):
        rc, msg = self.verdict(CLEAN_BOOT, error="module x failed to load")
        self.assertEqual((rc, msg.split(" (")[0]), (125, "guest: module x failed to load"))


CONSOLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "consoles")

# Whole console logs of a run that ended with status 0 after the kernel
# reported trouble the suite must not cause: the kind found and the line.
CONSOLE_REPORTS = {
    "ubsan-6.12-x86_64.log": (
        "sanitizer", "UBSAN: array-index-out-of-bounds in "
        "/build/mmscope/modules/pageref/watch.c:188:4"),
    "refcount-6.1-arm64.log": (
        "refcount", "refcount_t: underflow; use-after-free."),
    "list-del-7.3-x86_64.log": (
        "list-corruption", "list_del corruption. prev->next should be "
        "ffff8d9a02c3e400, but was ffff8d9a02c3e480. (prev=ffff8d9a01a07c28)"),
    "hung-task-6.1-x86_64.log": (
        "hung-task",
        "INFO: task mmscope-selfte:203 blocked for more than 120 seconds."),
    "rcu-stall-6.12-arm64.log": (
        "rcu-stall", "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"),
}


class ConsoleLogTest(unittest.TestCase):
    """The runner fails a run on each report in a whole console log."""

    def setUp(self):
        self.log = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                f"vm-console-test-{os.getpid()}.log")
        self.args = parse_args(["--timeout", "30", "--", "true"])

    def tearDown(self):
        if os.path.exists(self.log):
            os.unlink(self.log)

    def test_every_report_fails_the_run(self):
        self.assertEqual(sorted(os.listdir(CONSOLES)), sorted(CONSOLE_REPORTS))
        for name, (kind, message) in CONSOLE_REPORTS.items():
            with self.subTest(log=name):
                with open(os.path.join(CONSOLES, name)) as f:
                    text = f.read()
                f = logscan.scan(io.StringIO(text))
                self.assertIsNotNone(f)
                self.assertEqual((f.kind, f.message), (kind, message))
                lines = text.splitlines()
                self.assertEqual(lines[f.lineno - 1].split("] ", 1)[1], message)
                with open(self.log, "w") as out:
                    out.write(text)
                rc, msg = verdict(self.args, RunResult(status=0), self.log)
                self.assertEqual(rc, 125)
                self.assertTrue(msg.startswith("kernel reported " + message), msg)

    def test_same_boot_without_the_report_passes(self):
        for name in CONSOLE_REPORTS:
            with self.subTest(log=name):
                with open(os.path.join(CONSOLES, name)) as f:
                    lines = f.read().splitlines(keepends=True)
                ready = next(i for i, line in enumerate(lines)
                             if line.startswith("mmscope-init: ready"))
                text = "".join(lines[:ready + 1]) + "mmscope-init: exit status 0\n"
                self.assertIsNone(logscan.scan(io.StringIO(text)))
                with open(self.log, "w") as out:
                    out.write(text)
                self.assertEqual(verdict(self.args, RunResult(status=0), self.log),
                                 (0, None))


class RelayTest(unittest.TestCase):
    TOKEN = b"@@mmscope-eof-0123456789abcdef@@"

    def relay(self, chunks):
        out = io.BytesIO()
        r = StreamRelay(out, self.TOKEN)
        for c in chunks:
            r.feed(c)
        r.close()
        return out.getvalue(), r.done

    def test_token_is_stripped_across_chunks(self):
        data = b"line 1\nno newline" + self.TOKEN
        for cut in range(1, len(data)):
            with self.subTest(cut=cut):
                self.assertEqual(self.relay([data[:cut], data[cut:]]),
                                 (b"line 1\nno newline", True))

    def test_token_prefix_in_output_is_kept(self):
        self.assertEqual(self.relay([b"mail me @@", b"mmscope\n"]),
                         (b"mail me @@mmscope\n", False))

    def test_console_log_drops_carriage_returns_and_times_init(self):
        out = io.BytesIO()
        res = RunResult()
        log = ConsoleLog(out, 0.0, res)
        log.feed(b"[    1.0] x\r\nmmscope-init: start upt")
        log.feed(b"ime=2.50\r\nmmscope-init: ready uptime=3.00\r\n")
        self.assertEqual(out.getvalue(), b"[    1.0] x\nmmscope-init: start uptime=2.50\n"
                         b"mmscope-init: ready uptime=3.00\n")
        self.assertEqual(res.guest_uptime, "2.50")
        self.assertIsNotNone(res.t_ready)


class ArgsTest(unittest.TestCase):
    def test_command_after_double_dash(self):
        a = parse_args(["--arch", "arm64", "--", "sh", "-c", "exit 3"])
        self.assertEqual((a.arch, a.command), ("arm64", ["sh", "-c", "exit 3"]))

    def test_options_after_double_dash_belong_to_the_command(self):
        a = parse_args(["--", "ls", "--timeout"])
        self.assertEqual((a.timeout, a.command), (600, ["ls", "--timeout"]))

    def test_defaults(self):
        a = parse_args([])
        self.assertEqual((a.kernel, a.mem, a.cpus, a.command), ("bookworm", "1G", 2, []))

    def test_add_destinations(self):
        self.assertEqual(guest_path("/tmp/static-hello", ""), "/root/static-hello")
        self.assertEqual(guest_path("/tmp/static-hello", "/root/hello"), "/root/hello")
        self.assertEqual(guest_path("/tmp/a.sh", "/usr/bin/"), "/usr/bin/a.sh")
        self.assertEqual(guest_path("/tmp/a.sh", "bin/a"), "/root/bin/a")


if __name__ == "__main__":
    unittest.main()


class QemuCommand(unittest.TestCase):
    """The QEMU command line mmscope-vm builds (no QEMU is run)."""

    def cfg(self, **kw):
        from mmscope_vm import qemu
        base = dict(arch="x86_64", kernel="/k", initrd="/i", cmdline="c",
                    mem="3G", cpus=1)
        base.update(kw)
        c = qemu.QemuConfig(**base)
        c.fds = {"console": 3, "stdout": 4, "stderr": 5, "status": 6}
        return c

    def test_mlock_locks_guest_memory_only_when_asked(self):
        from mmscope_vm import qemu
        plain = qemu.qemu_command(self.cfg())
        locked = qemu.qemu_command(self.cfg(mlock=True))
        self.assertNotIn("-overcommit", plain)
        i = locked.index("-overcommit")
        self.assertEqual("mem-lock=on", locked[i + 1])
        self.assertEqual(plain, locked[:i] + locked[i + 2:])

    def test_hotplug_mem_adds_a_virtio_mem_device_above_ram(self):
        from mmscope_vm import qemu
        plain = qemu.qemu_command(self.cfg(arch="arm64"))
        hot = qemu.qemu_command(self.cfg(arch="arm64", hotplug_mem=256 << 20,
                                         maxmem=(3 << 30) + (256 << 20)))
        self.assertNotIn("virtio-mem-pci", " ".join(plain))
        self.assertEqual("3G", plain[plain.index("-m") + 1])
        self.assertEqual("3G,maxmem=3328M", hot[hot.index("-m") + 1])
        i = hot.index("-object")
        self.assertEqual(["-object", "memory-backend-ram,id=hotmem,size=268435456",
                          "-device", "virtio-mem-pci,id=hotmem0,memdev=hotmem,"
                          "requested-size=268435456"], hot[i:i + 4])


class QuietShellTest(unittest.TestCase):
    """The interactive shell boots quietly (warnings and worse still reach
    the console and the log scan); a command run keeps every message."""

    def test_interactive_shell_is_quiet(self):
        from mmscope_vm.qemu import kernel_cmdline
        for arch in ("x86_64", "arm64"):
            quiet = kernel_cmdline(arch, quiet=True).split()
            loud = kernel_cmdline(arch).split()
            self.assertIn("loglevel=5", quiet)
            self.assertNotIn("loglevel=7", quiet)
            self.assertIn("loglevel=7", loud)

    def test_shell_greets_with_three_commands(self):
        init = os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                            "vm", "guest", "init")
        with open(init) as f:
            text = f.read()
        greeting = text.split("<<'GREETING'\n", 1)[1].split("\nGREETING\n", 1)[0]
        self.assertEqual(3, sum(1 for line in greeting.splitlines()
                                if line.startswith("  mmscope ")))
        self.assertIn("dmesg", greeting)
        shell = text.index('if [ "$VM_MODE" = shell ]')
        self.assertLess(shell, text.index("cat /etc/mmscope/greeting"))
