# SPDX-License-Identifier: GPL-2.0
"""The module list is written in three places a user's tools read: Kbuild
(what kbuild builds), modules/load-order (what the guest loads, in order) and
dkms.conf (what DKMS installs). They must agree, and DKMS's version must be
the suite's."""

import os
import re
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


def kbuild_modules():
    """Module names from every modules/*/Kbuild or Makefile `obj-m += x.o`."""
    names = set()
    for d in re.findall(r"obj-m\s*\+?=\s*(modules/\S+)/", read("Kbuild")):
        for fn in ("Kbuild", "Makefile"):
            p = os.path.join(d, fn)
            if os.path.exists(os.path.join(TOP, p)):
                names |= set(re.findall(r"obj-m\s*\+?=\s*(\w+)\.o", read(p)))
                break
    return names


class Packaging(unittest.TestCase):
    def test_load_order_starts_with_core_and_matches_kbuild(self):
        order = read("modules/load-order").split()
        self.assertEqual(order[0], "mmscope_core")
        self.assertEqual(len(order), len(set(order)))
        self.assertEqual(set(order), kbuild_modules())

    def test_dkms_lists_every_module_where_kbuild_builds_it(self):
        conf = read("dkms.conf")
        names = dict(re.findall(r'BUILT_MODULE_NAME\[(\d+)\]="(\w+)"', conf))
        locs = dict(re.findall(r'BUILT_MODULE_LOCATION\[(\d+)\]="([^"]+)"', conf))
        self.assertEqual(set(names.values()), kbuild_modules())
        for idx, name in names.items():
            self.assertTrue(os.path.exists(os.path.join(TOP, locs[idx])), locs[idx])

    def test_dkms_version_is_the_suite_version(self):
        m = re.search(r'PACKAGE_VERSION="([^"]+)"', read("dkms.conf"))
        self.assertEqual(m.group(1), read("VERSION").strip())


if __name__ == "__main__":
    unittest.main()
