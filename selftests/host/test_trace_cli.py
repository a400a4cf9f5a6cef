# SPDX-License-Identifier: GPL-2.0
"""mmscope trace on the host: the tracers registered in the binary, and
the command line, help and list made from their registrations. Nothing is
loaded but for `trace list`'s probe: a two-instruction fentry program,
attached and dropped at once (refused when the host does not allow BPF)."""

import json
import os
import platform
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARCH = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine())
TRACERS = ["faults", "core", "pagetables", "pageref", "notifier", "compaction", "swap", "thp"]


@unittest.skipUnless(ARCH, "host arch has no mmscope build")
class TraceCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mmscope-trace-test.")
        subprocess.run(["make", "-s", "-C", os.path.join(TOP, "tools", "mmscope"),
                        "ARCH=" + ARCH, "OUT=" + cls.tmp],
                       check=True, stdout=subprocess.DEVNULL)
        cls.bin = os.path.join(cls.tmp, "mmscope")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_cli(self, *args):
        return subprocess.run([self.bin, *args], text=True,
                              capture_output=True)

    def test_list_has_every_tracer_in_order(self):
        r = self.run_cli("-j", "trace", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertIsInstance(doc, dict)
        self.assertEqual([t["name"] for t in doc["tracers"]], TRACERS)
        self.assertEqual(doc["fentry"], "fentry_error" not in doc)
        want = {"pagetables": "kprobe"}
        for t in doc["tracers"]:
            self.assertEqual(t["attach"], want.get(
                t["name"], "fentry" if doc["fentry"] else "kprobe"), t)
        r = self.run_cli("trace", "list")
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("fentry on this kernel: "))
        self.assertEqual([line.split()[0] for line in lines[2:]], TRACERS)

    def test_each_tracer_has_help(self):
        for name in TRACERS:
            for word in ("help", "--help", "-h"):
                r = self.run_cli("trace", name, word)
                self.assertEqual(r.returncode, 0, (name, word, r.stderr))
                self.assertIn("Usage: mmscope trace " + name, r.stdout)
        r = self.run_cli("trace", "faults", "--pid", "1", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--handlers", r.stdout)

    def test_top_level_help_lists_tracers(self):
        r = self.run_cli("help")
        self.assertIn("TRACER := { " + " | ".join(TRACERS) + " }", r.stdout)

    def test_help_lists_each_tracers_options(self):
        r = self.run_cli("trace", "help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for word in TRACERS + ["--pid PID", "--attach M", "--latency",
                               "--sample-period N", "--handlers", "--count",
                               "--pfn PFN", "faults:", "pageref:"]:
            self.assertIn(word, r.stdout)

    def test_usage_errors(self):
        cases = {
            ("core", "--handlers"): "--handlers is an option of faults",
            ("faults", "--pfn", "1"): "--pfn is an option of pageref",
            ("pageref", "--pfn"): "--pfn needs a PFN",
            ("core", "--pid"): "--pid needs a PID",
            ("core", "0x1000"): "unexpected argument '0x1000'",
            ("pageref", "--pid", "1", "0x1", "0x2"): "unexpected argument '0x2'",
            ("pageref",): "give --pfn PFN, or --pid PID and ADDR",
            ("faults", "--latency", "--handlers"): "--handlers has its own latency",
            ("faults", "--sample-period", "0"): "bad sample period",
            ("faults", "--count", "--attach", "kprobe"): "--attach chooses how the classes attach",
            ("faults", "--latency", "--attach", "fentry"): "--count and --latency use perf events",
            ("faults", "--count", "--handlers"): "not both",
            ("pagetables", "--attach", "fentry"): "attaches with kprobes only",
            ("core", "--attach", "x"): "--attach: fentry, kprobe or auto",
            ("nosuch",): "unknown tracer 'nosuch'",
        }
        for args, msg in cases.items():
            r = self.run_cli("trace", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(msg, r.stderr, args)

    def test_unpin_names_a_tracer(self):
        r = self.run_cli("trace", "unpin", "nosuch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown tracer", r.stderr)
