# SPDX-License-Identifier: GPL-2.0
"""tools/mmscope-load with modprobe, insmod and rmmod replaced by recorders:
it loads modules/load-order in order, stops at the first failure naming
the module, and unloads in reverse."""

import os
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOAD = os.path.join(TOP, "tools", "mmscope-load")


def order():
    with open(os.path.join(TOP, "modules", "load-order")) as f:
        return [l.split("#")[0].split()[0] for l in f
                if l.split("#")[0].strip()]


class MmscopeLoadTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mmscope-load-test.")
        self.log = os.path.join(self.tmp, "log")
        for tool in ("modprobe", "insmod", "rmmod"):
            path = os.path.join(self.tmp, tool)
            with open(path, "w") as f:
                f.write('#!/bin/sh\necho "%s $1" >> %s\n'
                        '[ "$1" != "$FAIL" ]\n' % (tool, self.log))
            os.chmod(path, 0o755)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_load(self, *args, fail=""):
        env = dict(os.environ, PATH=self.tmp + ":" + os.environ["PATH"],
                   FAIL=fail)
        r = subprocess.run([LOAD, *args], env=env, capture_output=True,
                           text=True)
        calls = open(self.log).read().split("\n")[:-1] \
            if os.path.exists(self.log) else []
        return r, calls

    def test_loads_in_order_with_modprobe(self):
        r, calls = self.run_load()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(calls, ["modprobe " + m for m in order()])
        self.assertEqual(order()[0], "mmscope_core")

    def test_stops_at_the_first_failure_and_names_it(self):
        r, calls = self.run_load(fail=order()[1])
        self.assertEqual(r.returncode, 1)
        self.assertIn("modprobe %s failed" % order()[1], r.stderr)
        self.assertEqual(len(calls), 2)

    def test_insmod_from_a_dir(self):
        d = os.path.join(self.tmp, "modules")
        for m in order():
            os.makedirs(os.path.join(d, m))
            open(os.path.join(d, m, m + ".ko"), "w").close()
        r, calls = self.run_load("--dir", d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([c.split()[0] for c in calls], ["insmod"] * len(order()))
        self.assertEqual([os.path.basename(c.split()[1]) for c in calls],
                         [m + ".ko" for m in order()])

    def test_bad_usage(self):
        r, _ = self.run_load("--bogus")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
