# SPDX-License-Identifier: GPL-2.0
"""tools/bpf/mmscope_btf.py on synthetic BTF blobs and boot images."""

import gzip
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tools", "bpf"))

import mmscope_btf as mb  # noqa: E402


def info(kind, vlen=0):
    return (kind << 24) | vlen


def make_btf(structs=("task_struct", "mm_struct"), padding=0):
    """A small but complete BTF: an int, a pointer, the named structs each
    holding an int and a pointer, a function and its prototype."""
    strs = bytearray(b"\0")

    def s(name):
        off = len(strs)
        strs.extend(name.encode() + b"\0")
        return off

    types = bytearray()
    # [1] INT 'int' size 4, signed, 32 bits
    types += struct.pack("<III", s("int"), info(1), 4) + struct.pack("<I", (1 << 24) | 32)
    # [2] PTR -> void
    types += struct.pack("<III", 0, info(2), 0)
    for name in structs:
        types += struct.pack("<III", s(name), info(4, 2), 16)
        types += struct.pack("<III", s("pid"), 1, 0)
        types += struct.pack("<III", s("next"), 2, 64)
    # FUNC_PROTO int (int x), then FUNC 'probe'
    proto = 3 + len(structs)
    types += struct.pack("<III", 0, info(13, 1), 1) + struct.pack("<II", s("x"), 1)
    types += struct.pack("<III", s("probe"), info(12, 1), proto)
    strs.extend(bytes(padding))
    hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strs))
    return hdr + bytes(types) + bytes(strs)


def arm64_image(*blobs):
    img = bytearray(0x40)
    img[0x38:0x3C] = b"ARM\x64"
    for b in blobs:
        img += b"\xaa" * 100 + b
    return bytes(img + b"\xaa" * 100)


def bzimage(payload):
    setup_sects = 1
    pm = (setup_sects + 1) * 512
    head = bytearray(pm)
    head[0x1F1] = setup_sects
    head[0x202:0x206] = b"HdrS"
    poff = 64
    struct.pack_into("<II", head, 0x248, poff, len(payload))
    return bytes(head) + bytes(poff) + payload + bytes(32)


class TestParse(unittest.TestCase):
    def test_synthetic_blob_parses_with_its_structs(self):
        btf = mb.parse(make_btf())
        self.assertEqual(btf.ntypes, 6)
        self.assertTrue(btf.is_kernel())

    def test_blob_without_mm_struct_is_not_a_kernel(self):
        self.assertFalse(mb.parse(make_btf(structs=("task_struct",))).is_kernel())

    def test_truncated_type_section_is_rejected(self):
        blob = bytearray(make_btf())
        # Claim one more vlen entry in the first struct than there is room for.
        struct.pack_into("<I", blob, 24 + 16 + 12 + 4, info(4, 200))
        with self.assertRaises(mb.BtfError):
            mb.parse(bytes(blob))

    def test_unknown_kind_is_rejected(self):
        blob = bytearray(make_btf())
        struct.pack_into("<I", blob, 24 + 4, info(30))
        with self.assertRaises(mb.BtfError):
            mb.parse(bytes(blob))

    def test_bad_magic_is_rejected(self):
        with self.assertRaises(mb.BtfError):
            mb.parse(b"\x9e\xeb" + make_btf()[2:])


class TestFind(unittest.TestCase):
    def test_arm64_image_picks_biggest_kernel_blob(self):
        small = make_btf()
        big = make_btf(padding=4000)
        decoy = make_btf(structs=("bpf_iter",), padding=9000)
        how, blob, btf = mb.find_kernel_btf(arm64_image(small, decoy, big))
        self.assertEqual(blob, big)
        self.assertIn("arm64 Image", how)
        self.assertEqual(btf.size, len(big))

    def test_gzip_arm64_image(self):
        big = make_btf(padding=100)
        _, blob, _ = mb.find_kernel_btf(gzip.compress(arm64_image(big)))
        self.assertEqual(blob, big)

    def test_image_without_kernel_btf_fails(self):
        with self.assertRaises(mb.BtfError):
            mb.find_kernel_btf(arm64_image(make_btf(structs=("x",))))

    def test_bzimage_xz_elf_payload_uses_btf_section(self):
        blob = make_btf(padding=64)
        elf = mb.make_elf(blob, "x86_64")
        payload = lzma.compress(elf, format=lzma.FORMAT_XZ) + struct.pack("<I", len(elf))
        how, got, _ = mb.find_kernel_btf(bzimage(payload))
        self.assertEqual(got, blob)
        self.assertIn("xz", how)
        self.assertIn(".BTF section", how)

    @unittest.skipUnless(shutil.which("zstd"), "no zstd program")
    def test_bzimage_zstd_payload(self):
        blob = make_btf(padding=8)
        elf = mb.make_elf(blob, "x86_64")
        z = subprocess.run(["zstd", "-qc"], input=elf, capture_output=True, check=True).stdout
        how, got, _ = mb.find_kernel_btf(bzimage(z + struct.pack("<I", len(elf))))
        self.assertEqual(got, blob)
        self.assertIn("zstd", how)


class TestElf(unittest.TestCase):
    def test_make_elf_round_trips_btf_section(self):
        blob = make_btf()
        for arch, machine in (("x86_64", 62), ("arm64", 183)):
            elf = mb.make_elf(blob, arch)
            self.assertEqual(struct.unpack_from("<H", elf, 18)[0], machine)
            self.assertEqual(mb.elf_sections(elf)[".BTF"], blob)

    @unittest.skipUnless(shutil.which("bpftool"), "no bpftool")
    def test_bpftool_reads_raw_blob_and_elf(self):
        blob = make_btf()
        with tempfile.TemporaryDirectory() as d:
            raw = os.path.join(d, "x.btf")
            elf = os.path.join(d, "vmlinux")
            with open(raw, "wb") as f:
                f.write(blob)
            with open(elf, "wb") as f:
                f.write(mb.make_elf(blob, "arm64"))
            for path in (raw, elf):
                out = subprocess.run(["bpftool", "btf", "dump", "file", path, "format", "c"],
                                     capture_output=True, text=True, check=True).stdout
                self.assertIn("struct task_struct {", out)
                self.assertIn("struct mm_struct {", out)


if __name__ == "__main__":
    unittest.main()
