# SPDX-License-Identifier: GPL-2.0
"""modules/load-order is the one list of the suite's modules: the top-level
Kbuild (what kbuild builds), dkms.conf (what DKMS installs) and the guest
(what mmscope-build stages and the guest's init loads, in order) all read
it. mmscope_NAME is built from modules/NAME/, whose Kbuild includes the
shared modules/mmscope.kbuild. DKMS's version must be the suite's."""

import os
import re
import subprocess
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


def load_order():
    return [line.split("#")[0].split()[0]
            for line in read("modules/load-order").splitlines()
            if line.split("#")[0].strip()]


def module_dir(name):
    return "modules/" + name[len("mmscope_"):]


class Packaging(unittest.TestCase):
    def test_load_order_starts_with_core_without_repeats(self):
        order = load_order()
        self.assertEqual(order[0], "mmscope_core")
        self.assertEqual(len(order), len(set(order)))

    def test_every_module_dir_builds_its_module_with_the_shared_fragment(self):
        for name in load_order():
            self.assertTrue(name.startswith("mmscope_"), name)
            kbuild = read(module_dir(name) + "/Kbuild")
            self.assertIn("include $(src)/../mmscope.kbuild", kbuild)
            self.assertEqual(re.findall(r"obj-m\s*\+?=\s*(\w+)\.o", kbuild),
                             [name])

    def test_every_module_dir_is_in_load_order(self):
        dirs = {d for d in os.listdir(os.path.join(TOP, "modules"))
                if os.path.exists(os.path.join(TOP, "modules", d, "Kbuild"))}
        self.assertEqual(dirs, {module_dir(n)[len("modules/"):]
                                for n in load_order()})

    def test_top_level_kbuild_reads_load_order(self):
        kbuild = read("Kbuild")
        self.assertIn("modules/load-order", kbuild)
        self.assertNotRegex(kbuild, r"obj-m\s*\+?=\s*modules/\w")

    def test_dkms_lists_every_module_where_kbuild_builds_it(self):
        out = subprocess.run(
            ["bash", "-c", '. "$1" && for i in "${!BUILT_MODULE_NAME[@]}"; do '
             'echo "${BUILT_MODULE_NAME[i]} ${BUILT_MODULE_LOCATION[i]} '
             '${DEST_MODULE_LOCATION[i]}"; done', "dkms-conf",
             os.path.join(TOP, "dkms.conf")],
            check=True, capture_output=True, text=True, cwd="/").stdout
        rows = [line.split() for line in out.splitlines()]
        self.assertEqual([r[0] for r in rows], load_order())
        for name, loc, dest in rows:
            self.assertEqual(loc.rstrip("/"), module_dir(name))
            self.assertEqual(dest, "/updates/dkms")

    def test_guest_stages_load_order(self):
        self.assertIn("modules/load-order", read("tools/vm/mmscope-build"))
        self.assertIn("load-order", read("tools/vm/guest/init"))

    def test_dkms_version_is_the_suite_version(self):
        m = re.search(r'PACKAGE_VERSION="([^"]+)"', read("dkms.conf"))
        self.assertEqual(m.group(1), read("VERSION").strip())


if __name__ == "__main__":
    unittest.main()
