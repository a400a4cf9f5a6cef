# SPDX-License-Identifier: GPL-2.0
"""mmscope pageref on the host: usage errors and the failure without the
module. What held, watch and events print is tested in the guests
(selftests/pageref/pageref_cli.c)."""

import json
import os
import platform
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARCH = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine())

@unittest.skipUnless(ARCH, "host arch has no mmscope build")
class PagerefCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mmscope-pageref-test.")
        subprocess.run(["make", "-s", "-C", os.path.join(TOP, "tools", "mmscope"),
                        "ARCH=" + ARCH, "OUT=" + cls.tmp],
                       check=True, stdout=subprocess.DEVNULL)
        cls.bin = os.path.join(cls.tmp, "mmscope")
        cls.fake = os.path.join(cls.tmp, "debugfs")
        os.makedirs(os.path.join(cls.fake, "pageref"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_cli(self, *args):
        env = dict(os.environ, MMSCOPE_DEBUGFS=self.fake)
        return subprocess.run([self.bin, *args], env=env, text=True,
                              capture_output=True)

    def test_usage_errors_exit_2(self):
        for args in (["pageref", "show", "0x1000"],           # no --pid
                     ["pageref", "--pid", "1"],               # no ADDR
                     ["pageref", "--pid", "1", "--pfn", "1"],
                     ["pageref", "--pid", "x", "0x1000"],
                     ["pageref", "pin", "--pid", "1", "0x1000", "--bogus"],
                     ["pageref", "--pid", "1", "1", "2", "3"],
                     ["pageref", "--kernel", "0x1000"],
                     ["pageref", "--pid", "1", "0x1000", "4Q"],
                     ["pageref", "watch", "add", "--pfn"],
                     ["pageref", "watch", "events", "--bogus"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("mmscope:", r.stderr)

    def test_query_without_module_exits_1(self):
        for args in (["pageref", "--pid", "1", "0x1000"], ["pageref", "held"],
                     ["pageref", "watch"], ["pageref", "watch", "events"]):
            r = self.run_cli("-j", *args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn("error", json.loads(r.stdout))

    def test_lengths_take_suffixes(self):
        # the grammar of every command: hex or decimal, K/M/G; a length
        # that parses gets as far as opening the module (exit 1 here)
        for args in (["pageref", "--pid", "1", "0x1000", "1G"],
                     ["pageref", "--pid", "1", "4096", "8K"],
                     ["pageref", "--pid", "1", "0x1000", "2M"],
                     ["pageref", "pin", "--pid", "1", "0x1000", "8k"],
                     ["pageref", "--pfn", "0x100", "16"],
                     ["pageref", "watch", "add", "--pid", "1", "0x1000",
                      "4K"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 1, (args, r.stderr))
            self.assertNotIn("invalid number", r.stderr)

    def test_help(self):
        for args in (["pageref", "help"], ["help", "pageref"],
                     ["pageref", "-h"], ["pageref", "--help"],
                     ["pageref", "pin", "help"], ["pageref", "get", "-h"],
                     ["pageref", "show", "--help"], ["pageref", "held", "help"],
                     ["pageref", "watch", "add", "help"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
            self.assertIn("Usage: mmscope pageref", r.stdout)

    def test_zero_length_is_a_usage_error(self):
        for args, what in ((["pageref", "--pid", "1", "0x1000", "0"], "LEN"),
                           (["pageref", "--pfn", "1", "0"], "COUNT"),
                           (["pageref", "pin", "--pid", "1", "0x1000", "0"], "LEN")):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(what + " must not be 0", r.stderr)

    def test_hold_id_is_labelled(self):
        with open(os.path.join(TOP, "tools", "mmscope", "pageref.c")) as f:
            self.assertIn("(hold id %llu)", f.read())
