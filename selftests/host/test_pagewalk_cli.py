# SPDX-License-Identifier: GPL-2.0
"""`mmscope pagewalk` on the host: help, usage errors (exit 2) and the
failure without the kernel module (exit 1). The walk itself is tested in
the guests (selftests/pagewalk)."""

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
class PagewalkCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mmscope-pagewalk-test.")
        subprocess.run(["make", "-s", "-C", os.path.join(TOP, "tools", "mmscope"),
                        "ARCH=" + ARCH, "OUT=" + cls.tmp],
                       check=True, stdout=subprocess.DEVNULL)
        cls.bin = os.path.join(cls.tmp, "mmscope")
        cls.empty = os.path.join(cls.tmp, "debugfs")
        os.mkdir(cls.empty)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_cli(self, *args):
        env = dict(os.environ, MMSCOPE_DEBUGFS=self.empty)
        return subprocess.run([self.bin, *args], env=env, text=True,
                              capture_output=True)

    def test_help(self):
        for args in (["pagewalk", "help"], ["help", "pagewalk"],
                     ["pagewalk", "--help"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("mmscope pagewalk [--pid PID | --kernel]", r.stdout)
        r = self.run_cli("help")
        self.assertIn("pagewalk", r.stdout)

    def test_usage_errors_exit_2(self):
        for args in (["pagewalk"], ["pagewalk", "0x1000"],
                     ["pagewalk", "--pid", "1", "--kernel", "0x1000"],
                     ["pagewalk", "--pid", "0", "0x1000"],
                     ["pagewalk", "--pid", "x", "0x1000"],
                     ["pagewalk", "--pid", "1"],
                     ["pagewalk", "--pid", "1", "zz"],
                     ["pagewalk", "--pid", "1", "0x1000", "4Q"],
                     ["pagewalk", "--pid", "1", "0x1000", "4K", "extra"],
                     ["pagewalk", "--pid", "1", "0x1000", "--bogus"],
                     ["pagewalk", "--pid", "1", "0x1000", "0"],
                     ["pagewalk", "--kernel", "--all"],
                     ["pagewalk", "--all"],
                     ["pagewalk", "--pid", "1", "--all", "0x1000"],
                     ["pagewalk", "--pid", "1", "0x1000", "--all"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr.startswith("mmscope: "), (args, r.stderr))

    def test_options_after_addr_and_len_suffixes(self):
        # parsed fine, then fails for want of the module: exit 1, not 2
        for args in (["pagewalk", "0x1000", "2M", "--pid", "1", "--path"],
                     ["pagewalk", "--kernel", "0xffff888000000000", "1G"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 1, (args, r.stderr))

    def test_usage_errors_say_what_was_wrong(self):
        cases = {("--pid", "1", "0x1000", "0"): "LEN must not be 0",
                 ("--all",): "--all walks a process: give --pid PID",
                 ("--pid", "1", "--all", "0x1000"): "give ADDR [LEN] or --all, not both",
                 ("--pid", "1", "--linear-map"): "kernel ranges: give --kernel",
                 ("--kernel", "--all"): "--kernel takes ADDR [LEN], --linear-map or --vmalloc",
                 ("--kernel", "0xffff888000000000", "--vmalloc"): "give ADDR [LEN] or --vmalloc, not both",
                 ("--kernel", "--vmalloc", "--summary", "--path"): "no --path with it",
                 ("--kernel", "--vma", "libc"): "--vma names a mapping of a process",
                 ("--pid", "1", "0x1000", "--vma", "libc"): "give ADDR [LEN] or --vma, not both",
                 ("--pid", "1", "--vma", "libc", "--all"): "give --all or --vma, not both",
                 ("--pid", "1", "--vma"): "--vma needs a NAME or ADDR"}
        for args, msg in cases.items():
            r = self.run_cli("pagewalk", *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(msg, r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_all_and_regions_parse(self):
        # parsed fine, then fail for want of the module: exit 1
        for args in (["--pid", "1", "--all"], ["--pid", "1", "--all", "--summary"],
                     ["--kernel", "--linear-map", "--summary"],
                     ["--kernel", "--vmalloc"]):
            r = self.run_cli("pagewalk", *args)
            self.assertEqual(r.returncode, 1, (args, r.stderr))

    def test_json_error_without_module(self):
        r = self.run_cli("-j", "pagewalk", "--pid", "1", "0x1000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("error", json.loads(r.stdout))


if __name__ == "__main__":
    unittest.main()
