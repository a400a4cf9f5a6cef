# SPDX-License-Identifier: GPL-2.0
"""The guest's kernel and initramfs: resolve, build, assemble."""

import lzma
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import zlib

VM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = os.path.dirname(os.path.dirname(VM_DIR))
CACHE = os.environ.get("MMSCOPE_CACHE") or os.path.expanduser("~/.cache/mmscope")
USERLAND = "bookworm"


class SetupError(Exception):
    """Something the guest needs could not be prepared."""


def _read_env(text):
    env = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and re.fullmatch(r"[A-Z_]+", key):
            env[key] = value
    return env


def _replace_file(path, data):
    """Write a cache file atomically (parallel runs share the cache)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def resolve_kernel(release, arch, tmp):
    """The mmscope-kernel description of a guest kernel, as a dict and
    the path of a copy in tmp (for mmscope-initramfs --kernel-env).
    mmscope-kernel answers from its cache while the apt index is
    unchanged."""
    res = subprocess.run(
        [os.path.join(VM_DIR, "mmscope-kernel"), release, arch],
        stdout=subprocess.PIPE, universal_newlines=True,
    )
    if res.returncode:
        raise SetupError(f"mmscope-kernel {release} {arch} failed")
    env = _read_env(res.stdout)
    if "VMLINUZ" not in env or "KREL" not in env:
        raise SetupError(f"mmscope-kernel {release} {arch} gave no kernel")
    path = os.path.join(tmp, "kernel.env")
    with open(path, "w") as f:
        f.write(res.stdout)
    return env, path


def base_initramfs(release, arch, kernel_env_path):
    """Path of the cached base initramfs (built by mmscope-initramfs)."""
    res = subprocess.run(
        [os.path.join(VM_DIR, "mmscope-initramfs"), "--kernel-env",
         kernel_env_path, release, arch],
        stdout=subprocess.PIPE, universal_newlines=True,
    )
    if res.returncode or not res.stdout.strip():
        raise SetupError(f"mmscope-initramfs {release} {arch} failed")
    return res.stdout.strip().splitlines()[-1]


def _bzimage_payload(data):
    """The compressed kernel inside an x86 bzImage (boot protocol >= 2.08:
    payload_offset/length at 0x248/0x24c, counted from the protected-mode
    code that follows the setup sectors)."""
    if len(data) < 0x250 or data[0x202:0x206] != b"HdrS":
        raise SetupError("not an x86 bzImage")
    setup_sects = data[0x1F1] or 4
    start = (setup_sects + 1) * 512
    offset = int.from_bytes(data[0x248:0x24C], "little")
    length = int.from_bytes(data[0x24C:0x250], "little")
    return data[start + offset:start + offset + length]


def _decompress(payload):
    if payload.startswith(b"\xfd7zXZ"):
        return lzma.LZMADecompressor().decompress(payload)
    if payload.startswith(b"\x28\xb5\x2f\xfd"):
        # The build appends the decompressed size (4 bytes) to the frame.
        res = subprocess.run(["zstd", "-qdc"], input=payload[:-4],
                             stdout=subprocess.PIPE)
        if res.returncode == 0:
            return res.stdout
    if payload.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(31).decompress(payload)
    raise SetupError("unknown compression of the kernel payload")


def elf_kernel(env):
    """An uncompressed x86_64 vmlinux (ELF, with the PVH entry note) made
    from the bzImage, cached per kernel. QEMU boots it through the PVH
    entry, which skips the in-guest decompression: several seconds under
    TCG."""
    vmlinuz = env["VMLINUZ"]
    st = os.stat(vmlinuz)
    name = f"vmlinux-{env['KREL']}-{env.get('KVERSION', '')}-{st.st_size}"
    path = os.path.join(CACHE, "vm", name)
    if os.path.exists(path):
        return path
    with open(vmlinuz, "rb") as f:
        image = _decompress(_bzimage_payload(f.read()))
    if not image.startswith(b"\x7fELF"):
        raise SetupError(f"no ELF kernel inside {vmlinuz}")
    _replace_file(path, image)
    # Older images of the same kernel release are stale.
    for old in os.listdir(os.path.dirname(path)):
        if old.startswith(f"vmlinux-{env['KREL']}-") and old != name:
            try:
                os.unlink(os.path.join(os.path.dirname(path), old))
            except FileNotFoundError:
                pass
    return path


def has_guest_target(top=TOP):
    try:
        with open(os.path.join(top, "Makefile")) as f:
            text = f.read()
    except OSError:
        return False
    return re.search(r"^guest\s*:", text, re.M) is not None


def build_guest_tree(release, arch, top=TOP):
    """Run `make guest` so the staging tree is fresh; its output goes to
    stderr, stdout belongs to the guest command."""
    cmd = ["make", "-s", "-C", top, "guest", f"KERNEL={release}", f"ARCH={arch}"]
    res = subprocess.run(cmd, stdout=2)
    if res.returncode:
        raise SetupError("building the guest tree failed: " + shlex.join(cmd))


def default_guest_dir(release, arch, top=TOP):
    return os.path.join(top, "build", f"{release}-{arch}", "guest")


def write_cpio(src_dir, out, dereference=False):
    """Append a newc cpio of src_dir's contents (owned by root) to out."""
    find = ["find"] + (["-L"] if dereference else []) + [".", "-mindepth", "1", "-print0"]
    cpio = ["cpio", "-o", "-0", "-H", "newc", "-R", "0:0", "--quiet"]
    if dereference:
        cpio.append("-L")
    names = subprocess.run(find, cwd=src_dir, stdout=subprocess.PIPE, check=True).stdout
    res = subprocess.run(cpio, cwd=src_dir, input=names, stdout=out)
    if res.returncode:
        raise SetupError(f"cpio of {src_dir} failed")


def guest_path(host, guest):
    """Where an --add file lands: GUEST, a directory GUEST/ or /root."""
    base = os.path.basename(host.rstrip("/"))
    if not guest:
        return "/root/" + base
    if guest.endswith("/"):
        guest += base
    if not guest.startswith("/"):
        guest = "/root/" + guest
    return os.path.normpath(guest)


def parse_add(spec):
    """HOST[:GUEST] -> (host, guest path)."""
    host, sep, guest = spec.partition(":")
    if not os.path.exists(host):
        raise SetupError(f"--add {spec}: no such file {host}")
    return os.path.abspath(host), guest_path(host, guest if sep else "")


def write_run_tree(run_dir, conf, command, adds):
    """The per-run part of the guest root: settings, command, --add files
    (as links to the host files; the cpio follows them)."""
    etc = os.path.join(run_dir, "etc", "mmscope")
    os.makedirs(etc)
    with open(os.path.join(etc, "vm.conf"), "w") as f:
        for key, value in conf.items():
            f.write(f"{key}={shlex.quote(str(value))}\n")
    with open(os.path.join(etc, "vm-command"), "w") as f:
        f.write(command + "\n")
    for host, guest in adds:
        dest = os.path.join(run_dir, guest.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.lexists(dest):
            os.unlink(dest)
        os.symlink(host, dest)


def _pad(out, align=512):
    """Zero-pad to the alignment: the kernel only finds the next archive
    of an initrd at a 4-byte aligned offset, and skips zeros before it."""
    out.flush()
    extra = out.tell() % align
    if extra:
        out.write(b"\0" * (align - extra))
    out.flush()


def assemble_initrd(path, base, guest_dir, run_dir):
    """initrd = base image + staging tree + this run, as one file of
    concatenated archives (the kernel unpacks them in order, later files
    replacing earlier ones)."""
    with open(path, "wb") as out:
        with open(base, "rb") as f:
            shutil.copyfileobj(f, out)
        _pad(out)
        if guest_dir:
            write_cpio(guest_dir, out)
            _pad(out)
        write_cpio(run_dir, out, dereference=True)
