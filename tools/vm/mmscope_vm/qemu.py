# SPDX-License-Identifier: GPL-2.0
"""QEMU command line and the host side of a guest run.

The kernel console is the first serial port; mmscope-vm reads it from a
socket and keeps it as the console log. The command's stdout and stderr
come on two virtio serial ports and go to the host's stdout and stderr as
they arrive. A third port carries the exit status (see tools/vm/guest/init).
"""

import os
import ctypes
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

ARCHES = {
    "x86_64": {
        "qemu": "qemu-system-x86_64",
        "machine": ["-machine", "q35"],
        "cpu": [],
        "console": "ttyS0",
    },
    "arm64": {
        "qemu": "qemu-system-aarch64",
        "machine": ["-machine", "virt"],
        # Emulated pointer authentication with the architected QARMA
        # cipher dominates TCG time; the implementation-defined one is
        # equivalent for the guest and much cheaper.
        "cpu": ["-cpu", "neoverse-n1"],
        "console": "ttyAMA0",
    },
}

PORTS = ("stdout", "stderr", "status")


def kernel_cmdline(arch, append="", quiet=False):
    """The guest kernel command line.

    panic=-1 with QEMU's -no-reboot ends the run on a panic; oops=panic
    turns an Oops into a panic so a broken kernel does not hang until the
    timeout (boot with --append sysctl.kernel.panic_on_oops=0 to keep
    going after one). printk.time=1 marks kernel lines for the log scan.
    The guest is disposable: CPU vulnerability mitigations are off, and on
    arm64 so is the page table isolation KASLR forces, which alone makes
    every system call ten times slower under TCG. --append comes last, so
    it can turn any of these back (e.g. --append kpti=1). quiet (the
    interactive shell): only warnings and worse reach the console
    (loglevel=5); dmesg has the rest.
    """
    args = [
        "console=" + ARCHES[arch]["console"],
        "panic=-1",
        "oops=panic",
        "loglevel=5" if quiet else "loglevel=7",
        "printk.time=1",
        "mitigations=off",
    ]
    if arch == "arm64":
        args.append("kpti=0")
    if append:
        args.append(append)
    return " ".join(args)


@dataclass
class QemuConfig:
    arch: str
    kernel: str
    initrd: str
    cmdline: str
    mem: str = "1G"
    cpus: int = 2
    accel: str = "tcg"
    cpu: str = ""  # QEMU -cpu model; default per arch
    swap_image: str = ""
    hotplug_mem: int = 0  # bytes of virtio-mem, 0: none
    maxmem: int = 0  # bytes: -m's maxmem, with hotplug_mem
    interactive: bool = False
    log_path: str = ""  # interactive mode: QEMU writes the log itself
    mlock: bool = False  # -overcommit mem-lock=on
    fds: dict = field(default_factory=dict)  # chardev id -> fd


def qemu_command(cfg):
    a = ARCHES[cfg.arch]
    cmd = [a["qemu"]] + a["machine"]
    if cfg.accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        # One host thread runs every vCPU in turn: with one thread per
        # vCPU (thread=multi) a 6.12 x86_64 guest sometimes died at boot
        # in the kernel's own text patching (an int3 left in code another
        # vCPU had already translated: "Oops: int3" in sched_clock_cpu),
        # before any module of the suite was loaded. MMSCOPE_TCG_THREAD
        # overrides it.
        thread = os.environ.get("MMSCOPE_TCG_THREAD") or "single"
        cmd += ["-accel", "tcg,thread=" + thread]
        cmd += ["-cpu", cfg.cpu] if cfg.cpu else a["cpu"]
    cmd += [
        "-m", cfg.mem, "-smp", str(cfg.cpus),
        "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
        "-kernel", cfg.kernel, "-initrd", cfg.initrd, "-append", cfg.cmdline,
    ]
    if cfg.mlock:
        cmd += ["-overcommit", "mem-lock=on"]
    if cfg.interactive:
        cmd += [
            "-chardev",
            f"stdio,id=console,mux=on,signal=off,logfile={cfg.log_path}",
            "-serial", "chardev:console",
            "-mon", "chardev=console,mode=readline",
        ]
    else:
        cmd += [
            "-chardev", f"socket,id=console,fd={cfg.fds['console']}",
            "-serial", "chardev:console",
        ]
    cmd += ["-device", "virtio-rng-pci", "-device", "virtio-serial-pci,id=vser"]
    for port in PORTS:
        if port in cfg.fds:
            cmd += [
                "-chardev", f"socket,id={port},fd={cfg.fds[port]}",
                "-device",
                f"virtserialport,bus=vser.0,chardev={port},name=mmscope.{port}",
            ]
    if cfg.hotplug_mem:
        # The device's memory sits above RAM, in the machine's device
        # memory region, which maxmem sizes. Nothing is plugged until
        # the guest's virtio_mem driver asks for requested-size.
        mib = 1 << 20
        cmd[cmd.index("-m") + 1] = f"{cfg.mem},maxmem={-(-cfg.maxmem // mib)}M"
        cmd += [
            "-object", f"memory-backend-ram,id=hotmem,size={cfg.hotplug_mem}",
            "-device", "virtio-mem-pci,id=hotmem0,memdev=hotmem,"
            f"requested-size={cfg.hotplug_mem}",
        ]
    if cfg.swap_image:
        cmd += [
            "-drive",
            f"file={cfg.swap_image},format=raw,if=none,id=swap,cache=unsafe",
            "-device", "virtio-blk-pci,drive=swap,serial=mmscope-swap",
        ]
    return cmd


class StreamRelay:
    """Copies a port's bytes to a host stream, up to the end token the
    guest writes when the command is done. Only a tail that could be the
    start of the token is held back."""

    def __init__(self, out, token):
        self.out = out
        self.token = token.encode() if isinstance(token, str) else token
        self.pending = b""
        self.done = False

    def _write(self, data):
        if not data or self.out is None:
            return
        try:
            self.out.write(data)
            self.out.flush()
        except (BrokenPipeError, OSError):
            self.out = None

    def feed(self, data):
        buf = self.pending + data
        self.pending = b""
        if self.done:
            self._write(buf)
            return
        i = buf.find(self.token)
        if i >= 0:
            self.done = True
            self._write(buf[:i] + buf[i + len(self.token):])
            return
        keep = 0
        for n in range(min(len(buf), len(self.token) - 1), 0, -1):
            if self.token.startswith(buf[-n:]):
                keep = n
                break
        self._write(buf[: len(buf) - keep])
        self.pending = buf[len(buf) - keep:]

    def close(self):
        self._write(self.pending)
        self.pending = b""


@dataclass
class RunResult:
    status: int = None  # the command's exit status, if reported
    error: str = None  # a setup failure the guest init reported
    timed_out: bool = False
    qemu_rc: int = None
    t_init: float = None  # seconds from QEMU start to /init start
    t_ready: float = None  # ... to the command start
    t_status: float = None  # ... to the exit status
    t_total: float = None
    guest_uptime: str = None  # guest uptime when /init started
    qemu_stderr: bytes = b""


_INIT_MARK = re.compile(rb"mmscope-init: (start|ready) uptime=([0-9.]+)")


class ConsoleLog:
    """Writes the serial console to the log file, without the carriage
    returns of the serial line, and notes when /init starts."""

    def __init__(self, f, t0, result):
        self.f = f
        self.t0 = t0
        self.result = result
        self.line = b""

    def feed(self, data):
        data = data.replace(b"\r", b"")
        self.f.write(data)
        self.f.flush()
        self.line += data
        *lines, self.line = self.line.split(b"\n")
        for line in lines:
            self._mark(line)

    def _mark(self, line):
        m = _INIT_MARK.search(line)
        if not m:
            return
        now = time.monotonic() - self.t0
        if m.group(1) == b"start":
            self.result.t_init = now
            self.result.guest_uptime = m.group(2).decode()
        else:
            self.result.t_ready = now

    def close(self):
        if self.line:
            self._mark(self.line)


def _die_with_parent():
    """In QEMU's child process: get SIGKILL when mmscope-vm dies, so no
    guest outlives its runner."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _kill(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_command(cfg, log_file, token, timeout, qemu_err, show=None):
    """Boot the guest and relay its ports until QEMU exits or the timeout
    expires. log_file: open binary file for the console; qemu_err: open
    file for QEMU's own messages; show: called with the QEMU command."""
    result = RunResult()
    socks = {}
    for name in ("console",) + PORTS:
        host_end, qemu_end = socket.socketpair()
        socks[name] = host_end
        cfg.fds[name] = qemu_end.fileno()
        socks[name + ".qemu"] = qemu_end
    cmd = qemu_command(cfg)
    if show:
        show(cmd)
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=qemu_err, stderr=qemu_err,
        pass_fds=[cfg.fds[n] for n in ("console",) + PORTS],
        preexec_fn=_die_with_parent,
    )
    for name in ("console",) + PORTS:
        socks.pop(name + ".qemu").close()

    console = ConsoleLog(log_file, t0, result)
    relays = {
        "stdout": StreamRelay(sys.stdout.buffer, token),
        "stderr": StreamRelay(sys.stderr.buffer, token),
    }
    status_buf = b""
    acked = False
    sel = selectors.DefaultSelector()
    for name in ("console",) + PORTS:
        socks[name].setblocking(False)
        sel.register(socks[name], selectors.EVENT_READ, name)
    deadline = t0 + timeout
    open_socks = set(("console",) + PORTS)

    def handle(name, data):
        nonlocal status_buf
        if name == "console":
            console.feed(data)
        elif name == "status":
            status_buf += data
            *lines, status_buf = status_buf.split(b"\n")
            for line in lines:
                word, _, rest = line.decode(errors="replace").partition(" ")
                if word == "status" and rest.strip().lstrip("-").isdigit():
                    result.status = int(rest)
                    result.t_status = time.monotonic() - t0
                elif word == "error":
                    result.error = rest.strip()
                    result.t_status = time.monotonic() - t0
        else:
            relays[name].feed(data)

    try:
        while open_socks:
            now = time.monotonic()
            if now >= deadline and proc.poll() is None:
                result.timed_out = True
                _kill(proc)
            wait = max(0.0, min(0.2, deadline - now))
            for key, _ in sel.select(wait if proc.poll() is None else 0.2):
                name = key.data
                try:
                    data = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(key.fileobj)
                    open_socks.discard(name)
                    continue
                handle(name, data)
            # Let the guest power off once the host has all the output
            # (both end tokens), or after a grace period.
            if not acked and result.t_status is not None:
                complete = all(r.done for r in relays.values())
                late = time.monotonic() - t0 - result.t_status > 3
                if result.error or complete or late:
                    try:
                        socks["status"].sendall(b"ack\n")
                    except OSError:
                        pass
                    acked = True
            if proc.poll() is not None and not sel.select(0):
                break
    finally:
        _kill(proc)
        for s in socks.values():
            s.close()
        for r in relays.values():
            r.close()
        console.close()
    result.qemu_rc = proc.returncode
    result.t_total = time.monotonic() - t0
    return result


def run_interactive(cfg, show=None):
    """Boot the guest with the serial console on the terminal (QEMU writes
    the log). The exit status of the shell comes on the status port."""
    result = RunResult()
    host_end, qemu_end = socket.socketpair()
    cfg.fds["status"] = qemu_end.fileno()
    cmd = qemu_command(cfg)
    if show:
        show(cmd)
    t0 = time.monotonic()
    # ^C belongs to the guest: QEMU puts the terminal in raw mode, and
    # the host side must not die of a stray SIGINT meanwhile.
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        def child_setup():
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _die_with_parent()

        proc = subprocess.Popen(cmd, pass_fds=[cfg.fds["status"]],
                                preexec_fn=child_setup)
        qemu_end.close()
        buf = b""
        while True:
            data = host_end.recv(4096)
            if not data:
                break
            buf += data
            *lines, buf = buf.split(b"\n")
            for line in lines:
                word, _, rest = line.decode(errors="replace").partition(" ")
                if word == "status" and rest.strip().lstrip("-").isdigit():
                    result.status = int(rest)
                elif word == "error":
                    result.error = rest.strip()
                if word in ("status", "error"):
                    host_end.sendall(b"ack\n")
        proc.wait()
    finally:
        signal.signal(signal.SIGINT, old)
        host_end.close()
    result.qemu_rc = proc.returncode
    result.t_total = time.monotonic() - t0
    return result
