#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A client of reachd's socket written from its documentation alone (reachd(8): SOCKET PROTOCOL,
# WATCH EVENTS): it mirrors the servers of the view from the `watch` stream, as a status bar
# would, and writes its mirror to STATE (JSON, replaced atomically) after every line, for the test
# to compare with `json`.
#
#   mirror.py SOCKET STATE          keep a mirror, reconnecting when the daemon goes away
#   mirror.py --slow SOCKET OUT SECONDS
#                                   watch without reading until OUT.go exists (SECONDS at most),
#                                   then read it all into OUT
import json
import os
import socket
import sys
import time

# what a watch line adds to a server object of the view
STREAM_FIELDS = ("event", "generation", "boot_id", "previous_share_url", "previous_problem", "changed")


class Mirror:
    def __init__(self, state_path):
        self.state_path = state_path
        self.boot_id = None
        self.generation = None
        self.synced = False
        self.servers = {}
        self.hello = None
        self.lines = 0            # server lines after `synced`: one per published change of a server
        self.connects = 0
        self.dropped = []
        self.errors = []

    def write(self):
        state = {
            "boot_id": self.boot_id,
            "generation": self.generation,
            "synced": self.synced,
            "servers": [self.servers[p] for p in sorted(self.servers)],
            "hello": self.hello,
            "lines": self.lines,
            "connects": self.connects,
            "dropped": self.dropped,
            "errors": self.errors,
        }
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.rename(tmp, self.state_path)

    def error(self, text):
        self.errors.append(text)

    def apply(self, line):
        obj = json.loads(line)
        event = obj.get("event")
        if event == "hello":
            if obj.get("protocol") != 2:
                self.error("protocol %r" % obj.get("protocol"))
            # a new boot_id: the daemon restarted, generation starts again
            self.hello = obj
            self.boot_id = obj["boot_id"]
            self.synced = False
            self.servers = {}
            return
        if event == "synced":
            if obj.get("boot_id") != self.boot_id:
                self.error("synced with another boot_id")
            self.generation = obj["generation"]
            self.synced = True
            return
        if event == "dropped":
            self.dropped.append(obj.get("reason"))
            return
        if event not in ("snapshot", "added", "changed", "removed"):
            self.error("unknown event %r" % event)
            return
        if obj.get("boot_id") != self.boot_id:
            self.error("a %s line of another boot_id" % event)
        if event == "snapshot" and self.synced:
            self.error("a snapshot line after synced")
        if event != "snapshot":
            if not self.synced:
                self.error("a %s line before synced" % event)
            if self.generation is not None and obj["generation"] < self.generation:
                self.error("generation went back from %d to %d" % (self.generation, obj["generation"]))
            self.generation = obj["generation"]
            self.lines += 1
        port = obj["port"]
        if event == "changed" and not obj.get("changed"):
            self.error("a changed line that names no field")
        if event == "removed":
            if obj.get("listening") or obj.get("share_url") is not None:
                self.error("a removed line that looks alive")
            self.servers.pop(port, None)
            return
        for k in STREAM_FIELDS:
            obj.pop(k, None)
        self.servers[port] = obj

    def run(self, path):
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
            except OSError:
                time.sleep(0.05)
                continue
            self.connects += 1
            s.sendall(b"watch\n")
            buf = b""
            while True:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    try:
                        self.apply(line.decode())
                    except (ValueError, KeyError) as e:
                        self.error("bad line %r: %s" % (line[:200], e))
                    self.write()
            s.close()
            self.synced = False
            self.write()


def slow(path, out, seconds):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    s.sendall(b"watch\n")
    with open(out + ".ready", "w"):
        pass
    # reads nothing until told to (OUT.go), for SECONDS at most, then all of it; a stream that
    # says nothing for 10 s is a failure the test reports
    end = time.monotonic() + seconds
    while not os.path.exists(out + ".go") and time.monotonic() < end:
        time.sleep(0.05)
    s.settimeout(10)
    with open(out, "wb") as f:
        while True:
            try:
                data = s.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            f.write(data)


def main():
    if sys.argv[1] == "--slow":
        slow(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    m = Mirror(sys.argv[2])
    m.write()
    m.run(sys.argv[1])


if __name__ == "__main__":
    main()
