# SPDX-License-Identifier: GPL-2.0
"""libmmscope's parsers and decoders on the host: the C checks of
libmmscope_test.c, built against the library for the host's arch."""

import os
import platform
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARCH = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine())


@unittest.skipUnless(ARCH, "host arch has no mmscope build")
class LibmmscopeTest(unittest.TestCase):
    def test_parsers_and_decoders(self):
        tmp = tempfile.mkdtemp(prefix="libmmscope-test.")
        try:
            r = subprocess.run(["make", "-s", "-C",
                                os.path.join(TOP, "tools", "lib", "mmscope"),
                                "ARCH=" + ARCH, "OUT=" + tmp, "test"],
                               text=True, capture_output=True)
        finally:
            shutil.rmtree(tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"libmmscope: [1-9]\d* passed, 0 failed")


if __name__ == "__main__":
    unittest.main()
