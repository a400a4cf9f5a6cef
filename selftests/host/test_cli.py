# SPDX-License-Identifier: GPL-2.0
"""The mmscope CLI on the host: command dispatch, exit statuses and the error
convention, with $MMSCOPE_DEBUGFS pointing where no module is. What the
commands print from the modules' ioctls is tested in the guests
(selftests/*/..._cli.c)."""

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
class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mmscope-cli-test.")
        subprocess.run(["make", "-s", "-C", os.path.join(TOP, "tools", "mmscope"),
                        "ARCH=" + ARCH, "OUT=" + cls.tmp],
                       check=True, stdout=subprocess.DEVNULL)
        cls.bin = os.path.join(cls.tmp, "mmscope")
        # a debugfs without the suite's ctl: the module is not loaded
        cls.fake = os.path.join(cls.tmp, "debugfs")
        os.mkdir(cls.fake)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_cli(self, *args, debugfs=None):
        env = dict(os.environ)
        env.pop("MMSCOPE_DEBUGFS", None)
        if debugfs:
            env["MMSCOPE_DEBUGFS"] = debugfs
        return subprocess.run([self.bin, *args], env=env, text=True,
                              capture_output=True)

    def test_help_exits_0_at_every_level(self):
        for args in (["help"], ["--help"], ["version", "help"],
                     ["help", "version"], ["features", "help"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("Usage: mmscope", r.stdout)

    def test_unknown_command_exits_2(self):
        r = self.run_cli("bogus")
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith("mmscope: unknown command 'bogus'"))
        self.assertEqual(self.run_cli("version", "bogus").returncode, 2)
        self.assertEqual(self.run_cli("--bogus").returncode, 2)
        self.assertEqual(self.run_cli().returncode, 2)

    def test_json_error_object_on_stdout(self):
        r = self.run_cli("-j", "bogus")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(json.loads(r.stdout), {"error": "unknown command 'bogus'"})

    def test_tool_version(self):
        with open(os.path.join(TOP, "VERSION")) as f:
            version = f.read().strip()
        r = self.run_cli("-j", "-V")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(json.loads(r.stdout)["tool"]["version"], version)

    def test_version_without_module_exits_1(self):
        r = self.run_cli("version", debugfs=os.path.join(self.tmp, "absent"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("mmscope_core is not loaded", r.stderr)
        self.assertRegex(r.stdout, r"^mmscope \S+ \(tool\), uapi \d+\n$")

    def test_features_without_module_exits_1(self):
        r = self.run_cli("-j", "features", debugfs=self.fake)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error", json.loads(r.stdout))


if __name__ == "__main__":
    unittest.main()
