#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Find a kernel's own BTF in its boot image, and wrap BTF in an ELF file.

Debian ships neither a vmlinux nor a usable System.map for every kernel, but
CONFIG_DEBUG_INFO_BTF puts the whole .BTF section into the image: raw in an
arm64 Image, inside the compressed ELF payload of an x86 bzImage. This module
unpacks the image, finds every BTF header in it, checks each candidate by
walking all of its types, and returns the biggest one that describes a
kernel (it has struct task_struct and struct mm_struct).

    mmscope_btf.py extract IMAGE OUT      write the kernel's raw BTF to OUT
    mmscope_btf.py section ELF OUT        write ELF's .BTF section to OUT
    mmscope_btf.py elf BTF ARCH OUT       write an ELF (x86_64|arm64) holding
                                          BTF as its .BTF section
    mmscope_btf.py info BTF               print what a raw BTF blob holds

Only little-endian kernels are handled (x86_64 and arm64).
"""

import gzip
import lzma
import shutil
import struct
import subprocess
import sys
import zlib

BTF_MAGIC = 0xEB9F
BTF_HDR = struct.Struct("<HBBIIIII")  # magic version flags hdr_len, 4 x u32
BTF_TYPE = struct.Struct("<III")  # name_off, info, size/type

# Bytes each kind adds after its 12-byte header: (fixed, per vlen entry).
KIND_EXTRA = {
    1: (4, 0),    # INT
    2: (0, 0),    # PTR
    3: (12, 0),   # ARRAY
    4: (0, 12),   # STRUCT
    5: (0, 12),   # UNION
    6: (0, 8),    # ENUM
    7: (0, 0),    # FWD
    8: (0, 0),    # TYPEDEF
    9: (0, 0),    # VOLATILE
    10: (0, 0),   # CONST
    11: (0, 0),   # RESTRICT
    12: (0, 0),   # FUNC
    13: (0, 8),   # FUNC_PROTO
    14: (4, 0),   # VAR
    15: (0, 12),  # DATASEC
    16: (0, 0),   # FLOAT
    17: (4, 0),   # DECL_TAG
    18: (0, 0),   # TYPE_TAG
    19: (0, 12),  # ENUM64
}
KIND_STRUCT = 4

KERNEL_STRUCTS = ("task_struct", "mm_struct")

EM = {"x86_64": 62, "arm64": 183}


class BtfError(Exception):
    pass


class Btf:
    """What a parsed raw BTF blob holds."""

    def __init__(self, size, ntypes, structs):
        self.size = size
        self.ntypes = ntypes
        self.structs = structs

    def is_kernel(self):
        return all(s in self.structs for s in KERNEL_STRUCTS)


def parse_header(data, off=0):
    """Return (hdr_len, type_off, type_len, str_off, str_len, total size) of
    the BTF header at data[off:], or raise BtfError."""
    if len(data) - off < BTF_HDR.size:
        raise BtfError("too short for a BTF header")
    magic, version, flags, hdr_len, type_off, type_len, str_off, str_len = \
        BTF_HDR.unpack_from(data, off)
    if magic != BTF_MAGIC or version != 1 or flags != 0:
        raise BtfError("no BTF magic/version 1/flags 0")
    if hdr_len < BTF_HDR.size or hdr_len > 256:
        raise BtfError(f"odd header length {hdr_len}")
    if type_off % 4 or type_len % 4 or str_len == 0:
        raise BtfError("misaligned or empty sections")
    if type_off + type_len > str_off:
        raise BtfError("type section overlaps strings")
    total = hdr_len + str_off + str_len
    if off + total > len(data):
        raise BtfError("sections run past the end of the data")
    return hdr_len, type_off, type_len, str_off, str_len, total


def parse(blob):
    """Walk every type of a raw BTF blob; return a Btf or raise BtfError."""
    hdr_len, type_off, type_len, str_off, str_len, total = parse_header(blob)
    if total != len(blob):
        raise BtfError(f"blob is {len(blob)} bytes, header says {total}")
    types = blob[hdr_len + type_off:hdr_len + type_off + type_len]
    strs = blob[hdr_len + str_off:hdr_len + str_off + str_len]
    if strs[0] != 0 or strs[-1] != 0:
        raise BtfError("string section is not NUL-delimited")

    def name(name_off):
        if name_off >= str_len:
            raise BtfError(f"name offset {name_off} outside strings")
        return strs[name_off:strs.index(b"\0", name_off)].decode("latin-1")

    pos = 0
    ntypes = 0
    structs = set()
    while pos < type_len:
        if pos + BTF_TYPE.size > type_len:
            raise BtfError(f"type {ntypes + 1} cut off")
        name_off, info, _ = BTF_TYPE.unpack_from(types, pos)
        kind = (info >> 24) & 0x1F
        vlen = info & 0xFFFF
        if kind not in KIND_EXTRA:
            raise BtfError(f"type {ntypes + 1} has unknown kind {kind}")
        fixed, per = KIND_EXTRA[kind]
        if kind == KIND_STRUCT and name_off:
            structs.add(name(name_off))
        else:
            name(name_off)
        pos += BTF_TYPE.size + fixed + per * vlen
        ntypes += 1
    if pos != type_len:
        raise BtfError("last type runs past the type section")
    return Btf(len(blob), ntypes, structs)


def candidates(data):
    """Yield (offset, blob) for every well-formed BTF header in data."""
    needle = struct.pack("<HBB", BTF_MAGIC, 1, 0)
    off = data.find(needle)
    while off >= 0:
        try:
            total = parse_header(data, off)[5]
            yield off, data[off:off + total]
        except BtfError:
            pass
        off = data.find(needle, off + 1)


def elf_sections(data):
    """Return {name: bytes} for a little-endian ELF64 file, or None."""
    if data[:6] != b"\x7fELF\x02\x01":
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shoff == 0 or shnum == 0 or shoff + shnum * shentsize > len(data):
        return None
    hdrs = []
    for i in range(shnum):
        name, typ, _, _, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        hdrs.append((name, typ, off, size))
    _, _, stroff, strsize = hdrs[shstrndx]
    names = data[stroff:stroff + strsize]
    out = {}
    for name, typ, off, size in hdrs:
        if typ == 8:  # SHT_NOBITS
            continue
        out[names[name:names.index(b"\0", name)].decode()] = data[off:off + size]
    return out


def _zstd(payload):
    if not shutil.which("zstd"):
        raise BtfError("zstd payload but no zstd program (apt-get install zstd)")
    # The kernel appends the uncompressed size (4 bytes) after the frame.
    for body in (payload, payload[:-4]):
        r = subprocess.run(["zstd", "-dcq"], input=body, capture_output=True)
        if r.returncode == 0:
            return r.stdout
    raise BtfError("zstd payload does not decompress: " + r.stderr.decode().strip())


def _xz(payload):
    return lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(payload)


def _lzma(payload):
    return lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(payload)


def _gzip(payload):
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)


# Compressed stream magics, in the order the kernel's Kconfig lists them.
COMPRESSORS = (
    ("gzip", b"\x1f\x8b", _gzip),
    ("xz", b"\xfd7zXZ\x00", _xz),
    ("zstd", b"\x28\xb5\x2f\xfd", _zstd),
    ("lzma", b"\x5d\x00\x00", _lzma),
)


def _decompress(payload, what):
    for name, magic, fn in COMPRESSORS:
        if payload.startswith(magic):
            try:
                return name, fn(payload)
            except (OSError, EOFError, lzma.LZMAError, zlib.error) as e:
                raise BtfError(f"{what}: {name} payload: {e}") from e
    raise BtfError(f"{what}: unknown compression (starts {payload[:6].hex()}); "
                   "only gzip, xz, zstd and lzma are handled")


def unpack_image(data):
    """Return (how, kernel) where kernel is the uncompressed kernel (an ELF or
    a raw arm64 Image) inside a boot image, and how says what was done."""
    steps = []
    for _ in range(3):
        if len(data) > 0x250 and data[0x202:0x206] == b"HdrS":
            # x86 bzImage: the protected-mode part starts after the setup
            # sectors; the boot header says where its payload lies in it.
            setup_sects = data[0x1F1] or 4
            pm = (setup_sects + 1) * 512
            poff, plen = struct.unpack_from("<II", data, 0x248)
            payload = data[pm + poff:pm + poff + plen]
            name, data = _decompress(payload, "bzImage")
            steps.append(f"bzImage {name} payload")
        elif data[:2] == b"MZ" and data[4:8] == b"zimg":
            # EFI zboot: payload offset/size at 8/12, compressor name at 24.
            poff, plen = struct.unpack_from("<II", data, 8)
            payload = data[poff:poff + plen]
            name, data = _decompress(payload, "EFI zboot")
            steps.append(f"EFI zboot {name} payload")
        elif data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
            steps.append("gzip")
        else:
            break
    if data[0x38:0x3C] == b"ARM\x64":
        steps.append("arm64 Image")
    elif data[:4] == b"\x7fELF":
        steps.append("ELF")
    else:
        steps.append("raw data")
    return ", ".join(steps), data


def find_kernel_btf(data):
    """Return (how, blob, Btf) for the kernel's BTF in an image or ELF."""
    how, kernel = unpack_image(data)
    sections = elf_sections(kernel)
    if sections and ".BTF" in sections:
        blob = sections[".BTF"]
        btf = parse(blob)
        if btf.is_kernel():
            return how + ", .BTF section", blob, btf
    best = None
    seen = 0
    for off, blob in candidates(kernel):
        seen += 1
        try:
            btf = parse(blob)
        except BtfError:
            continue
        if btf.is_kernel() and (best is None or btf.size > best[2].size):
            best = (f"{how}, BTF at offset {off:#x} of {seen} candidates", blob, btf)
    if best is None:
        raise BtfError(f"no kernel BTF in the image ({how}; {seen} BTF headers, "
                       "none with struct task_struct and struct mm_struct): "
                       "is CONFIG_DEBUG_INFO_BTF set?")
    return best


def make_elf(blob, arch):
    """An ELF64 relocatable file for arch whose only content is .BTF."""
    shstr = b"\0.BTF\0.shstrtab\0"
    ehsize, shentsize = 64, 64
    btf_off = ehsize
    str_off = btf_off + len(blob)
    sh_off = (str_off + len(shstr) + 7) & ~7
    eh = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack(
        "<HHIQQQIHHHHHH", 1, EM[arch], 1, 0, 0, sh_off, 0,
        ehsize, 0, 0, shentsize, 3, 2)
    sh = bytes(shentsize)
    # .BTF: PROGBITS, SHF_ALLOC as in vmlinux, byte-aligned.
    sh += struct.pack("<IIQQQQIIQQ", 1, 1, 2, 0, btf_off, len(blob), 0, 0, 1, 0)
    sh += struct.pack("<IIQQQQIIQQ", 6, 3, 0, 0, str_off, len(shstr), 0, 0, 1, 0)
    pad = bytes(sh_off - str_off - len(shstr))
    return eh + blob + shstr + pad + sh


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    try:
        if cmd == "extract" and len(argv) == 4:
            how, blob, btf = find_kernel_btf(_read(argv[2]))
            _write(argv[3], blob)
            print(f"{how}: {btf.size} bytes, {btf.ntypes} types")
        elif cmd == "section" and len(argv) == 4:
            sections = elf_sections(_read(argv[2])) or {}
            if ".BTF" not in sections:
                raise BtfError(f"{argv[2]}: no .BTF section")
            btf = parse(sections[".BTF"])
            if not btf.is_kernel():
                raise BtfError(f"{argv[2]}: .BTF has no struct task_struct/mm_struct")
            _write(argv[3], sections[".BTF"])
            print(f".BTF section of {argv[2]}: {btf.size} bytes, {btf.ntypes} types")
        elif cmd == "elf" and len(argv) == 5 and argv[3] in EM:
            blob = _read(argv[2])
            parse(blob)
            _write(argv[4], make_elf(blob, argv[3]))
        elif cmd == "info" and len(argv) == 3:
            btf = parse(_read(argv[2]))
            print(f"{btf.size} bytes, {btf.ntypes} types, {len(btf.structs)} structs, "
                  f"kernel: {'yes' if btf.is_kernel() else 'no'}")
        else:
            print(__doc__.split("\n\n")[2], file=sys.stderr)
            return 2
    except (BtfError, OSError) as e:
        print(f"mmscope_btf: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
