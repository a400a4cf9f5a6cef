# SPDX-License-Identifier: GPL-2.0
"""The CLI's buffered output (tools/mmscope/out.c): its hand-made hex and
decimal formatting gives the bytes printf gives, over two million values
(out_test.c), built with the host's compiler."""

import os
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@unittest.skipUnless(shutil.which("gcc"), "no gcc on the host")
class OutTest(unittest.TestCase):
    def test_formatting_matches_printf(self):
        tmp = tempfile.mkdtemp(prefix="out-test.")
        try:
            exe = os.path.join(tmp, "out_test")
            # out.c's headers name json-c's types only as pointers
            os.mkdir(os.path.join(tmp, "json-c"))
            open(os.path.join(tmp, "json-c", "json.h"), "w").close()
            cmd = ["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE",
                   "-I" + os.path.join(TOP, "tools", "mmscope"),
                   "-I" + os.path.join(TOP, "tools", "lib", "mmscope"),
                   "-I" + os.path.join(TOP, "include", "uapi"), "-I" + tmp,
                   "-o", exe, os.path.join(TOP, "selftests", "host", "out_test.c"),
                   os.path.join(TOP, "tools", "mmscope", "out.c")]
            r = subprocess.run(cmd, text=True, capture_output=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            want = subprocess.run([exe, "printf"], capture_output=True, check=True).stdout
            got = subprocess.run([exe, "out"], capture_output=True, check=True).stdout
        finally:
            shutil.rmtree(tmp)
        self.assertEqual(want.count(b"\n"), 2000000)
        self.assertTrue(want == got, "out.c and printf differ")


if __name__ == "__main__":
    unittest.main()
