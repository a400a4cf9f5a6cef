# SPDX-License-Identifier: GPL-2.0
"""mmscope-vm: boot a Debian guest kernel under QEMU and run a command."""
