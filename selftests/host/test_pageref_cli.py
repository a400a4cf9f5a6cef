# SPDX-License-Identifier: GPL-2.0
"""mmscope pageref on the host: usage errors, and the parsing of the
module's `held`, `watch` and `events` files into JSON. The kernel side is
replaced by files recorded from a guest under $MMSCOPE_DEBUGFS/pageref."""

import json
import os
import platform
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARCH = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine())

HELD = """\
id owner kind pid start pages pfns
1 file pin 126 0x3acbd000 1 0x29c6
3 module get 130 0x7f0000000000 10 0x1000,0x1001,0x1002,0x1003,0x1004,0x1005,0x1006,0x1007,...
"""

WATCH = """\
# sites: copy_page_range try_grab_folio unpin_user_page
# absent: try_grab_page add_to_swap
# pfn refcount mapcount
0x421f6 1 1
"""

EVENTS = """\
# ns pid comm site pfn refcount mapcount (0 lost)
4322220752 176 sh copy_page_range 0x421f6 1->2 1->2
4334681536 211 mmscope try_grab_folio 0x421f6 1->1025 1->1
4335296096 211 mmscope unpin_user_page 0x421f6 1025->1 1->1
"""


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
        for name, text in (("held", HELD), ("watch", WATCH),
                           ("events", EVENTS)):
            with open(os.path.join(cls.fake, "pageref", name), "w") as f:
                f.write(text)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_cli(self, *args):
        env = dict(os.environ, MMSCOPE_DEBUGFS=self.fake)
        return subprocess.run([self.bin, *args], env=env, text=True,
                              capture_output=True)

    def test_held_json(self):
        r = self.run_cli("-j", "pageref", "held")
        self.assertEqual(r.returncode, 0, r.stderr)
        held = json.loads(r.stdout)["held"]
        self.assertEqual(held[0], {"id": 1, "owner": "file", "kind": "pin",
                                   "pid": 126, "start": "0x3acbd000",
                                   "pages": 1, "pfns": [0x29c6]})
        self.assertEqual(held[1]["owner"], "module")
        self.assertEqual(held[1]["pages"], 10)
        self.assertEqual(held[1]["pfns"], list(range(0x1000, 0x1008)))

    def test_watch_json(self):
        r = self.run_cli("-j", "pageref", "watch")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout),
                         {"watch": [{"pfn": 0x421f6, "refcount": 1,
                                     "mapcount": 1}]})

    def test_events_json(self):
        r = self.run_cli("-j", "pageref", "watch", "events")
        self.assertEqual(r.returncode, 0, r.stderr)
        ev = json.loads(r.stdout)["events"]
        self.assertEqual([e["site"] for e in ev],
                         ["copy_page_range", "try_grab_folio",
                          "unpin_user_page"])
        self.assertEqual(ev[1]["refcount_after"] - ev[1]["refcount_before"],
                         1024)
        self.assertEqual(ev[0]["comm"], "sh")
        self.assertEqual(ev[0]["mapcount_after"], 2)

    def test_usage_errors_exit_2(self):
        for args in (["pageref", "show", "0x1000"],           # no --pid
                     ["pageref", "--pid", "1"],               # no ADDR
                     ["pageref", "--pid", "1", "--pfn", "1"],
                     ["pageref", "--pid", "x", "0x1000"],
                     ["pageref", "pin", "--pid", "1", "0x1000", "--bogus"],
                     ["pageref", "--pid", "1", "1", "2", "3"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("mmscope:", r.stderr)

    def test_query_without_module_exits_1(self):
        r = self.run_cli("-j", "pageref", "--pid", "1", "0x1000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("error", json.loads(r.stdout))

    def test_help(self):
        for args in (["pageref", "help"], ["help", "pageref"]):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("mmscope pageref", r.stdout)
