# SPDX-License-Identifier: GPL-2.0
"""An in-tree module build (`make KDIR=...` at the top) next to the guests'
shadow-tree builds: the shadow tree links sources only, so objects left in
the tree neither break it nor get linked into it; `make clean` needs no
KDIR, removes those objects and keeps build/; git ignores kbuild's
dependency files."""

import os
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHADOW = os.path.join(TOP, "tools", "vm", "mmscope-shadow")
IN_TREE = ["main.o", "mmscope_core.o", "mmscope_core.ko", "mmscope_core.mod",
           "mmscope_core.mod.c", ".main.o.cmd", ".main.o.d", "main.o.d"]


class BuildTreeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mmscope-build-tree.")
        self.src = os.path.join(self.tmp, "src")
        os.mkdir(self.src)
        for d in ("include", "modules"):
            shutil.copytree(os.path.join(TOP, d), os.path.join(self.src, d),
                            ignore=shutil.ignore_patterns(*IN_TREE))
        for f in ("Kbuild", "VERSION", "Makefile"):
            shutil.copy(os.path.join(TOP, f), self.src)
        self.core = os.path.join(self.src, "modules", "core")
        for f in IN_TREE:   # what 'make KDIR=...' leaves
            with open(os.path.join(self.core, f), "w") as fh:
                fh.write("in-tree\n")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_shadow_links_sources_only_beside_an_in_tree_build(self):
        kb = os.path.join(self.tmp, "kbuild")
        obj = os.path.join(kb, "modules", "core", "main.o")
        for run in range(2):
            r = subprocess.run([SHADOW, self.src, kb], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            if run == 0:    # the shadow build's own object
                with open(obj, "w") as fh:
                    fh.write("shadow\n")
        self.assertFalse(os.path.islink(obj))
        with open(obj) as fh:
            self.assertEqual(fh.read(), "shadow\n")
        main_c = os.path.join(kb, "modules", "core", "main.c")
        self.assertEqual(os.readlink(main_c),
                         os.path.join(self.src, "modules", "core", "main.c"))
        for f in IN_TREE:
            if f != "main.o":
                self.assertFalse(os.path.lexists(
                    os.path.join(kb, "modules", "core", f)), f)
        self.assertTrue(os.path.islink(os.path.join(kb, "Kbuild")))

    def test_clean_needs_no_kdir_and_keeps_build(self):
        marker = os.path.join(self.src, "build", "bookworm-x86_64", "kept")
        os.makedirs(os.path.dirname(marker))
        open(marker, "w").close()
        env = dict(os.environ)
        env.pop("KDIR", None)
        for kdir in ([], ["KDIR=/nonexistent"]):
            r = subprocess.run(["make", "-C", self.src, "clean", *kdir],
                               capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
        for f in IN_TREE:
            self.assertFalse(os.path.exists(os.path.join(self.core, f)), f)
        self.assertTrue(os.path.exists(os.path.join(self.core, "main.c")))
        self.assertTrue(os.path.exists(marker))
        r = subprocess.run(["make", "-C", self.src, "distclean"],
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.src, "build")))

    @unittest.skipUnless(shutil.which("git") and
                         os.path.exists(os.path.join(TOP, ".git")),
                         "not a git checkout")
    def test_git_ignores_dependency_files(self):
        for f in ("modules/core/main.o.d", "modules/core/.main.o.d"):
            r = subprocess.run(["git", "-C", TOP, "check-ignore", "-q", f])
            self.assertEqual(r.returncode, 0, f)


if __name__ == "__main__":
    unittest.main()
