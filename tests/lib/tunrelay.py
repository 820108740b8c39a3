#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A VPN as the tests need one: a tun device here and another in the network namespace of PEER_PID,
# with this process relaying the packets between them, as a VPN client relays them between its
# tun device and its server. Usage: tunrelay.py LOCAL PEER_PID REMOTE. Prints "ready" once both
# devices exist; runs until killed.
import ctypes
import fcntl
import os
import select
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), path)
    finally:
        os.close(fd)


def main():
    local, peer_pid, remote = sys.argv[1], sys.argv[2], sys.argv[3]
    here = "/proc/self/ns/net"
    back = os.open(here, os.O_RDONLY)
    a = open_tun(local)
    # a tun device belongs to the namespace of the process that creates it
    setns("/proc/%s/ns/net" % peer_pid)
    b = open_tun(remote)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.setns(back, CLONE_NEWNET)
    print("ready", flush=True)
    peer = {a: b, b: a}
    while True:
        readable, _, _ = select.select([a, b], [], [])
        for fd in readable:
            try:
                packet = os.read(fd, 65536)
                os.write(peer[fd], packet)
            except OSError:
                # a device that is down drops what is written to it, as a link would
                pass


if __name__ == "__main__":
    main()
