# SPDX-License-Identifier: GPL-2.0
"""mmscope-vm: run a command (or a shell) in a Debian guest kernel.

Exit status: the command's, or
  124  the timeout expired (QEMU was killed)
  125  the guest kernel reported trouble (BUG, Oops, WARNING, panic,
       lockdep, RCU stall, lockup, hung task), the guest ended without
       an exit status, or the guest could not be set up
    2  bad usage
"""

import argparse
import datetime
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import sys
import tempfile

from . import guestroot, logscan, qemu

EXIT_TIMEOUT = 124
EXIT_FAILED = 125


def _size_bytes(text):
    m = re.fullmatch(r"(\d+)([KMGT]?)i?B?", text.strip(), re.I)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size '{text}' (e.g. 512M, 2G)")
    shift = " KMGT".index(m.group(2).upper() or " ") * 10
    return int(m.group(1)) << shift


def _mem_size(text):
    _size_bytes(text)
    return text


def _kernels():
    """The KERNEL names of tools/vm/kernels, in its order."""
    table = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         "kernels")
    with open(table) as f:
        return [line.split()[0] for line in f
                if line.strip() and not line.startswith("#")]


def _host_arch():
    machine = platform.machine()
    return "arm64" if machine in ("aarch64", "arm64") else "x86_64"


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="mmscope-vm",
        usage="mmscope-vm [options] [-- COMMAND [ARG...]]",
        description="Boot Debian's guest kernel under QEMU with the mmscope "
        "suite loaded and run COMMAND as root (a shell without COMMAND).",
        epilog="Exit status: COMMAND's; 124 on timeout; 125 when the guest "
        "kernel reported BUG/Oops/WARNING/panic/lockdep/RCU stall/lockup/"
        "hung task, the guest gave no exit status, or setup failed.",
    )
    p.add_argument("--kernel", default="bookworm", choices=_kernels(),
                   help="the guest kernel, as tools/vm/kernels names it: "
                   "bookworm (6.1), trixie (6.12), backports (Debian's newest, "
                   "7.x) (default bookworm)")
    p.add_argument("--arch", default=_host_arch(), choices=["x86_64", "arm64"],
                   help="guest architecture (default: the host's)")
    p.add_argument("--mem", default="1G", type=_mem_size,
                   help="guest memory, e.g. 512M or 2G (default 1G)")
    p.add_argument("--cpus", type=int, default=2, help="guest CPUs (default 2)")
    p.add_argument("--swap", type=_size_bytes, metavar="SIZE",
                   help="add a virtio disk of SIZE used as swap")
    p.add_argument("--hotplug-mem", type=_size_bytes, metavar="SIZE",
                   help="add a virtio-mem device of SIZE: memory the guest "
                   "plugs when virtio_mem is loaded, hot-added, so it can be "
                   "taken offline (arm64 keeps boot memory online)")
    p.add_argument("--add", action="append", default=[], metavar="HOST[:GUEST]",
                   help="copy a host file into the guest (default /root/NAME)")
    p.add_argument("--append", default="", metavar="ARGS",
                   help="extra kernel command line")
    p.add_argument("--timeout", type=float, default=600, metavar="S",
                   help="kill the guest after S seconds (default 600)")
    p.add_argument("--no-load", action="store_true",
                   help="do not load the suite's modules")
    p.add_argument("--guest-dir", metavar="DIR",
                   help="staging tree to use as is (default: build/KERNEL-ARCH/"
                   "guest, refreshed with `make guest`)")
    p.add_argument("--log", metavar="FILE",
                   help="console log file (default build/vm-logs/...)")
    p.add_argument("--accel", choices=["tcg", "kvm"],
                   default=os.environ.get("MMSCOPE_ACCEL") or "tcg",
                   help="QEMU accelerator (default tcg, or $MMSCOPE_ACCEL)")
    p.add_argument("--mlock", action="store_true",
                   help="lock the guest's memory into host RAM (-overcommit "
                   "mem-lock=on): no host reclaim under timed runs")
    p.add_argument("--print-boot-time", action="store_true",
                   help="print how long the boot and the command took")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print the QEMU command line and timings")
    if "--" in argv:
        i = argv.index("--")
        args = p.parse_args(argv[:i])
        args.command = argv[i + 1:]
    else:
        p.add_argument("command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        args = p.parse_args(argv)
    if args.cpus < 1 or args.timeout <= 0:
        p.error("--cpus and --timeout must be positive")
    return args


def say(msg):
    print(f"mmscope-vm: {msg}", file=sys.stderr, flush=True)


def _log_path(args):
    if args.log:
        os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
        return os.path.abspath(args.log)
    logs = os.path.join(guestroot.TOP, "build", "vm-logs")
    os.makedirs(logs, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = os.path.join(logs, f"{stamp}-{args.kernel}-{args.arch}")
    path, n = base + ".log", 1
    while True:
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return path
        except FileExistsError:
            n += 1
            path = f"{base}-{n}.log"


def prepare(args, tmp):
    """Build what the guest needs; returns (kernel env, kernel image,
    initrd path)."""
    env, env_path = guestroot.resolve_kernel(args.kernel, args.arch, tmp)
    guest_dir = args.guest_dir
    if guest_dir is None:
        guest_dir = guestroot.default_guest_dir(args.kernel, args.arch)
        if not os.environ.get("MMSCOPE_VM_NO_BUILD") and guestroot.has_guest_target():
            guestroot.build_guest_tree(args.kernel, args.arch)
    if not os.path.isdir(guest_dir):
        if not args.no_load:
            raise guestroot.SetupError(
                f"no guest tree at {guest_dir} (make guest KERNEL={args.kernel} "
                f"ARCH={args.arch}, or --no-load to boot without the suite)")
        guest_dir = None
    base = guestroot.base_initramfs(args.kernel, args.arch, env_path)
    adds = [guestroot.parse_add(a) for a in args.add]
    conf = {
        "VM_MODE": "command" if args.command else "shell",
        "VM_LOAD": 0 if args.no_load else 1,
        "VM_SWAP": 1 if args.swap else 0,
        "VM_TOKEN": args.token,
    }
    if not args.command:
        size = shutil.get_terminal_size((0, 0))
        if size.columns and size.lines:
            conf.update(VM_COLUMNS=size.columns, VM_LINES=size.lines)
    run_dir = os.path.join(tmp, "run")
    guestroot.write_run_tree(run_dir, conf, shlex.join(args.command), adds)
    initrd = os.path.join(tmp, "initrd")
    guestroot.assemble_initrd(initrd, base, guest_dir, run_dir)
    kernel = env["VMLINUZ"]
    if args.arch == "x86_64" and not os.environ.get("MMSCOPE_VM_BZIMAGE"):
        kernel = guestroot.elf_kernel(env)
    return env, kernel, initrd


def verdict(args, result, log_path):
    """Exit status and the reason line for a finished run."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    finding = logscan.scan(lines)
    where = f"(console log: {log_path})"
    if result.timed_out:
        msg = f"timeout after {args.timeout:g} s {where}"
        if finding:
            msg += f"; the kernel reported {finding.message}"
        return EXIT_TIMEOUT, msg
    if finding:
        return EXIT_FAILED, f"kernel reported {finding.message} {where}"
    if result.error:
        return EXIT_FAILED, f"guest: {result.error} {where}"
    if result.status is None:
        reason = logscan.init_error(lines)
        extra = f" (init: {reason})" if reason else ""
        if result.qemu_rc:
            extra += f" (qemu exit status {result.qemu_rc})"
        return EXIT_FAILED, f"guest ended without an exit status{extra} {where}"
    return result.status, None


def print_times(args, result):
    def s(t):
        return "-" if t is None else f"{t:.2f} s"

    cmd = None
    if result.t_status is not None and result.t_ready is not None:
        cmd = result.t_status - result.t_ready
    say(f"boot time {args.kernel} {args.arch}: init started {s(result.t_init)} "
        f"after qemu start (guest uptime {result.guest_uptime or '-'} s), "
        f"command started {s(result.t_ready)}, command took {s(cmd)}, "
        f"total {s(result.t_total)}")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    args.token = "@@mmscope-eof-" + secrets.token_hex(8) + "@@"
    log_path = None
    tmp = tempfile.mkdtemp(prefix="mmscope-vm.")
    # A killed runner takes its guest along (see qemu.run_command).
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda n, _: sys.exit(128 + n))
    try:
        if shutil.which(qemu.ARCHES[args.arch]["qemu"]) is None:
            say(f"{qemu.ARCHES[args.arch]['qemu']} is not installed")
            return EXIT_FAILED
        try:
            env, kernel, initrd = prepare(args, tmp)
        except guestroot.SetupError as e:
            say(str(e))
            return EXIT_FAILED
        log_path = _log_path(args)
        swap_image = ""
        if args.swap:
            swap_image = os.path.join(tmp, "swap.img")
            with open(swap_image, "wb") as f:
                f.truncate(args.swap)
        cfg = qemu.QemuConfig(
            arch=args.arch, kernel=kernel, initrd=initrd,
            cmdline=qemu.kernel_cmdline(args.arch, args.append,
                                        quiet=not args.command),
            mem=args.mem, cpus=args.cpus, accel=args.accel,
            cpu=os.environ.get("MMSCOPE_VM_CPU", ""),
            swap_image=swap_image, interactive=not args.command,
            hotplug_mem=args.hotplug_mem or 0,
            maxmem=_size_bytes(args.mem) + (args.hotplug_mem or 0),
            log_path=log_path, mlock=args.mlock)

        def show(cmd):
            if args.verbose:
                say("qemu: " + shlex.join(cmd))

        if args.command:
            qemu_err = os.path.join(tmp, "qemu.err")
            with open(log_path, "wb") as log, open(qemu_err, "wb") as err:
                log.write(f"mmscope-vm: {args.kernel} {args.arch} "
                          f"{env.get('KREL', '')}: {cfg.cmdline}\n".encode())
                log.flush()
                result = qemu.run_command(cfg, log, args.token,
                                          args.timeout, err, show)
            with open(qemu_err, "rb") as f:
                qerr = f.read()
            if qerr:
                with open(log_path, "ab") as log:
                    log.write(b"\n--- qemu messages ---\n" + qerr)
        else:
            say("interactive shell; `exit` ends it, Ctrl-a x kills the guest")
            result = qemu.run_interactive(cfg, show)
            qerr = b""
        rc, msg = verdict(args, result, log_path)
        if msg:
            say(msg)
            if result.status is None and not result.timed_out and qerr:
                sys.stderr.write(qerr.decode(errors="replace"))
        if args.print_boot_time or args.verbose:
            print_times(args, result)
        say(f"console log: {log_path}")
        return rc
    except KeyboardInterrupt:
        say("interrupted" + (f" (console log: {log_path})" if log_path else ""))
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
