#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults the running daemon must survive and report: its socket file deleted (re-created on the
# next rescan, and at once on SIGHUP), its socket directory removed (re-created when the directory
# is back), clients that close before reading their answer (SIGPIPE), netlink events lost
# (ENOBUFS), out of file descriptors (RLIMIT_NOFILE lowered to 32 while idle clients and watchers
# pile up: it must keep answering and not spin), and a config file that becomes unreadable,
# a directory, a FIFO or invalid (SIGHUP keeps the previous configuration). After each, the log
# says what happened and a normal `reachctl url` answers.
#
# Not injected here: a netlink error other than ENOBUFS (recvmsg gives no other one we could
# provoke from outside; every other error takes the same path: logged, then a full resync).
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl
command -v setpriv >/dev/null 2>&1 || netns_skip "setpriv is not installed"
command -v prlimit >/dev/null 2>&1 || netns_skip "prlimit is not installed"

P=8501          # watched (config file)
P2=8502         # listening, not watched until the config says so
P3=8503         # watched, starts listening while the daemon is out of fds
LAN4=192.168.50.10
URL=http://$LAN4:$P/
CONF=$netns_tmp/reachd.conf
SLOWDOWN=${REACHD_TEST_SLOWDOWN:-1}
case $SLOWDOWN in
''|0|*[!0-9]*) netns_die "REACHD_TEST_SLOWDOWN must be a whole number from 1, not '$SLOWDOWN'" ;;
esac
WATCH=$netns_tmp/watch.ndjson
HOLDER=$netns_tmp/holder.py

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_peer ip addr add 192.168.50.20/24 dev phone0
ip link add st0 type veth peer name st1
ip link set st0 up
ip link set st1 up
netns_wait_operstate lan0 UP
netns_wait_operstate st0 UP
netns_http "$P" 0.0.0.0
netns_http "$P2" 0.0.0.0

now_ms() {
        echo $(($(date +%s%N) / 1000000))
}

# utime + stime of the daemon, in clock ticks (the command name may hold spaces: skip past it)
cpu_ticks() {
        sed 's/.*) //' "/proc/$REACHD_PID/stat" | awk '{ print $12 + $13 }'
}

log_count() {
        grep -cF -- "$1" "$netns_daemon_log" || true
}

# check_log_more WHAT TEXT BEFORE: the log has more lines with TEXT than BEFORE, within 3 s
check_log_more() {
        left=60
        while [ "$(log_count "$2")" -le "$3" ] && [ "$left" -gt 0 ]; do
                left=$((left - 1))
                sleep 0.05
        done
        if [ "$(log_count "$2")" -gt "$3" ]; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "$(printf 'no new line with "%s" in the log of reachd:\n%s' "$2" "$(tail -n 20 "$netns_daemon_log")")"
        fi
}

# check_url_within WHAT MS: reachctl url $P answers the LAN URL within MS milliseconds (times
# $REACHD_TEST_SLOWDOWN, which tools/run-checks sets for the sanitizer build)
check_url_within() {
        t0=$(now_ms)
        netns_ctl url "$P"
        ms=$(($(now_ms) - t0))
        if [ "$NETNS_CTL_RC" = 0 ] && [ "$NETNS_CTL_OUT" = "$URL" ] && [ "$ms" -lt $(($2 * SLOWDOWN)) ]; then
                netns_ok "$1 (${ms} ms)"
        else
                netns_not_ok "$1" "$(netns_ctl_detail "url $P" 0; printf '\nexpected %s within %s ms; took %s ms' "$URL" $(($2 * SLOWDOWN)) "$ms")"
        fi
}

# check_cpu_idle WHAT SECONDS: the daemon uses less than a tenth of a CPU over SECONDS
check_cpu_idle() {
        c0=$(cpu_ticks)
        sleep "$2"
        c1=$(cpu_ticks)
        hz=$(getconf CLK_TCK)
        ms=$(((c1 - c0) * 1000 / hz))
        if [ "$ms" -lt $(($2 * 100)) ]; then
                netns_ok "$1: no spinning ($ms ms of CPU in $2 s)"
        else
                netns_not_ok "$1: no spinning" "$ms ms of CPU in $2 s"
        fi
}

json_servers() {
        netns_daemon_json
        jq -c '[.servers[] | [.port, .watched, .listening]]' "$netns_json"
}

# check_servers WHAT EXPECTED: the daemon's servers, as [port, watched, listening]
check_servers() {
        netns_daemon_json
        netns_check_eq "$1" '[.servers[] | [.port, .watched, .listening]]' "$2"
}

# Holds many connections to the daemon: "idle" ones that never send, or "watch" ones that
# read their stream into OUT. Writes READY once all are connected, closes them all when the
# file RELEASE appears.
cat >"$HOLDER" <<'EOF'
import os, select, socket, sys, time

path, mode, n, ready, release, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    if mode == "watch":
        s.sendall(b"watch\n")
    s.setblocking(False)
    socks.append(s)
open(ready, "w").close()
buf = {s: b"" for s in socks}
with open(out, "w") as f:
    while not os.path.exists(release):
        r, _, _ = select.select(socks, [], [], 0.05)
        for s in r:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                socks.remove(s)
                continue
            buf[s] += data
            while b"\n" in buf[s]:
                line, buf[s] = buf[s].split(b"\n", 1)
                f.write(line.decode() + "\n")
                f.flush()
for s in socks:
    s.close()
EOF

HOLDER_PID=
# hold MODE N: starts the holder and waits until its connections are made
hold() {
        rm -f "$netns_tmp/ready" "$netns_tmp/release"
        : >"$netns_tmp/held.ndjson"
        python3 "$HOLDER" "$NETNS_SOCKET" "$1" "$2" "$netns_tmp/ready" "$netns_tmp/release" \
                "$netns_tmp/held.ndjson" 2>"$netns_tmp/holder.err" &
        HOLDER_PID=$!
        netns_track "$HOLDER_PID"
        netns_wait_for 10 "$2 $1 connections to reachd" test -e "$netns_tmp/ready"
}

release() {
        touch "$netns_tmp/release"
        wait "$HOLDER_PID" || netns_die "the connection holder failed: $(cat "$netns_tmp/holder.err")"
        netns_untrack "$HOLDER_PID"
}

held_lines() {
        grep -c . "$netns_tmp/held.ndjson" || true
}

held_at_least() {
        [ "$(held_lines)" -ge "$1" ]
}

# Without CAP_DAC_OVERRIDE even root cannot read a file of mode 000, so the chmod case below
# is a real one under root in CI too.
printf '#!/bin/sh\nexec setpriv --bounding-set -dac_override,-dac_read_search -- "%s" "$@"\n' "$REACHD" \
        >"$netns_tmp/reachd-nodac"
chmod +x "$netns_tmp/reachd-nodac"
REAL_REACHD=$REACHD
REACHD=$netns_tmp/reachd-nodac
printf 'port = %s %s\nrescan = 1\n' "$P" "$P3" >"$CONF"
netns_daemon_start -c "$CONF"
REACHD=$REAL_REACHD
netns_check_ctl_soon "start: reachctl url answers the LAN URL" 2 0 "$URL" url
netns_watch_start "$WATCH"
netns_wait_lines "$WATCH" 2
SOCKET=$NETNS_SOCKET

echo "## the socket file deleted"
rm "$SOCKET"
netns_check_ctl_soon "within 3 s (rescan 1 s) the socket is back and answers" 3 0 "$URL" url
netns_check_log "the log says the socket was deleted and re-created" \
        "the socket $SOCKET was deleted: listening on a new one"
netns_check_text "the new socket file has mode 0600" "$(stat -c %a "$SOCKET")" 600
before=$(netns_lines "$WATCH")
ip addr add 192.168.50.11/24 dev lan0
netns_wait_lines "$WATCH" $((before + 1))
netns_ok "the watch client connected before the deletion still gets changes"

echo "## the socket directory removed, then back"
n=$(log_count "cannot be re-created")
rm -rf "$XDG_RUNTIME_DIR"
check_log_more "the log says the socket cannot be re-created while its directory is gone" \
        "the socket $SOCKET was deleted and cannot be re-created" "$n"
sleep 1.2
netns_check_text "the missing directory is logged once, not on every rescan" \
        "$(log_count "the socket $SOCKET was deleted and cannot be re-created")" $((n + 1))
netns_ctl url
netns_check_text "directory gone: reachctl url exits 3" "$NETNS_CTL_RC" 3
mkdir -m 0700 "$XDG_RUNTIME_DIR"
netns_check_ctl_soon "directory back: within 3 s reachctl url answers" 3 0 "$URL" url
netns_check_log "the log says it listens again" "listening on $SOCKET again"
netns_check_alive "socket faults"
before=$(netns_lines "$WATCH")
ip addr del 192.168.50.11/24 dev lan0
netns_wait_lines "$WATCH" $((before + 1))
netns_ok "the watch client connected before both faults still gets changes"
# the views below grow to thousands of addresses and change faster than a watcher reads them
# (it would rightly be dropped as a slow reader): its part is done
kill "$NETNS_WATCH_PID"
wait "$NETNS_WATCH_PID" 2>/dev/null || true
netns_untrack "$NETNS_WATCH_PID"

echo "## clients that close before reading their answer (SIGPIPE)"
i=0
: >"$netns_tmp/many.batch"
while [ "$i" -lt 1500 ]; do
        echo "addr add 10.77.$((i / 250)).$((i % 250 + 1))/32 dev st0" >>"$netns_tmp/many.batch"
        i=$((i + 1))
done
ip -batch "$netns_tmp/many.batch"
netns_wait_for 5 "the 1500 addresses in reachd's view" sh -c \
        "'$REACHCTL' json | jq -e '[.interfaces[] | select(.name == \"st0\") | .addresses[]] | length >= 1500'"
size=$("$REACHCTL" json | wc -c)
python3 - "$SOCKET" <<'EOF'
import socket, sys

# the answer (hundreds of KiB) cannot be sent before the peer is gone: send() hits EPIPE or
# ECONNRESET, which must not kill the daemon
for i in range(300):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(b"watch\n" if i % 3 == 2 else b"json\n")
    if i % 3 == 1:
        s.recv(100)
    s.close()
EOF
ip addr flush dev st0 to 10.77.0.0/16
netns_check_alive "after 300 clients that left early ($size-byte answers)"
check_url_within "after the early leavers: reachctl url answers within 1 s" 1000
# the flush is published after the settle time (it removes candidates, not the share URL)
netns_daemon_json_until 3 '[.interfaces[] | select(.name == "st0") | .addresses[]] | length == 0'
netns_check_eq "the view is whole: no 10.77 address left, lan0's one address" \
        '[.interfaces[] | select(.name == "lan0" or .name == "st0") | [.name, [.addresses[] | select(.family == "ipv4") | .address]]]' \
        '[["lan0",["192.168.50.10"]],["st0",[]]]'

# 36,000 address events, about 27 MB of socket buffers against reachd's 16 MiB (8 MiB doubled by the
# kernel); the route events that come with them do not count: reachd's socket filter drops them
echo "## netlink events lost (ENOBUFS): 36,000 address changes while reachd is stopped"
: >"$netns_tmp/storm.batch"
i=0
while [ "$i" -lt 24000 ]; do
        echo "addr add 10.88.$((i / 250)).$((i % 250 + 1))/32 dev st0" >>"$netns_tmp/storm.batch"
        i=$((i + 1))
done
sed -n 'n; s/^addr add/addr del/p' "$netns_tmp/storm.batch" >"$netns_tmp/storm-del.batch"
cat "$netns_tmp/storm-del.batch" >>"$netns_tmp/storm.batch"
n=$(log_count "the kernel dropped network events")
kill -STOP "$REACHD_PID"
ip -batch "$netns_tmp/storm.batch" || { kill -CONT "$REACHD_PID"; netns_die "the storm's ip -batch failed"; }
kill -CONT "$REACHD_PID"
check_url_within "right after SIGCONT: reachctl url answers within 2 s" 2000
check_log_more "the log says events were lost and the state re-read" "the kernel dropped network events" "$n"
want=$(ip -j addr show dev st0 | jq -c '[.[].addr_info[] | select(.family == "inet") | .local] | sort')
left=40
while :; do
        netns_daemon_json
        got=$(jq -c '[.interfaces[] | select(.name == "st0") | .addresses[] | select(.family == "ipv4") | .address] | sort' "$netns_json")
        [ "$got" != "$want" ] && [ "$left" -gt 0 ] || break
        left=$((left - 1))
        sleep 0.25
done
netns_check_text "after the resync st0's IPv4 addresses equal ip -j addr ($(printf '%s' "$want" | jq length) addresses)" \
        "$got" "$want"
ip addr flush dev st0 to 10.88.0.0/16

echo "## out of file descriptors: RLIMIT_NOFILE 32, 60 idle clients"
nofile=$(prlimit --pid "$REACHD_PID" --nofile --output SOFT --noheadings | tr -d ' ')
prlimit --pid "$REACHD_PID" --nofile=32: || netns_die "cannot lower reachd's RLIMIT_NOFILE"
hold idle 60
sleep 0.3
check_url_within "60 idle clients hold every fd: reachctl url still answers within 2 s" 2000
check_log_more "the log says connections cannot be accepted, with the limit" \
        "the limit is 32 open files): closing idle clients to make room" 0
check_cpu_idle "idle clients holding every fd" 2
release

echo "## out of file descriptors: watchers hold every fd, and a server starts meanwhile"
hold watch 40
# the daemon accepts as many as its fds allow (about 20 of 32), the rest wait in the backlog
netns_wait_for 5 "snapshots for the watchers the daemon could accept" held_at_least 10
sleep 0.3
accepted=$(held_lines)
check_cpu_idle "$accepted watch lines, the other watchers wait in the backlog" 2
n=$(log_count "cannot find the owners of new listening sockets")
netns_check_text "no watcher that sent its request was closed as idle (no ERR line)" \
        "$(grep -c '^ERR' "$netns_tmp/held.ndjson" || true)" 0
netns_http "$P3" 0.0.0.0
SERVER3=$NETNS_LAST_PID
netns_wait_for 5 "a watch line saying $P3 listens" \
        jq -e -s --argjson p "$P3" 'any(.[]; .port == $p and .listening)' "$netns_tmp/held.ndjson"
netns_ok "without fds for /proc, the watchers still learn that $P3 listens"
check_log_more "the log says the owners cannot be looked up" "cannot find the owners of new listening sockets" "$n"
release
check_url_within "watchers gone: reachctl url answers within 2 s" 2000
netns_wait_for 5 "the owner of $P3 in the view" sh -c \
        "'$REACHCTL' json | jq -e '.servers[] | select(.port == $P3) | .process.pid == $SERVER3'"
netns_ok "fds back: the view names $P3's process (pid $SERVER3)"
netns_check_log "the log says the owners are found again" "found the owners of listening sockets again"
prlimit --pid "$REACHD_PID" --nofile="$nofile":
netns_check_alive "out of fds"

echo "## the config file becomes unreadable; SIGHUP keeps the previous configuration"
want="[[$P,true,true],[$P3,true,true]]"
check_servers "before: the config file's ports $P and $P3 are watched, $P2 is not listed" "$want"

chmod 000 "$CONF"
kill -HUP "$REACHD_PID"
netns_check_log "chmod 000: the log names the file and keeps the previous configuration" \
        "cannot read $CONF; keeping the previous configuration: Permission denied"
check_servers "chmod 000: still $P and $P3" "$want"
check_url_within "chmod 000: reachctl url answers" 1000

rm -f "$CONF"
mkdir "$CONF"
kill -HUP "$REACHD_PID"
netns_check_log "a directory: the log names the file and keeps the previous configuration" \
        "cannot read $CONF; keeping the previous configuration: Is a directory"
check_servers "a directory: still $P and $P3" "$want"

rmdir "$CONF"
mkfifo "$CONF"
kill -HUP "$REACHD_PID"
check_url_within "a FIFO: reachctl url answers within 1 s (no hang in open or read)" 1000
netns_check_log "a FIFO: the log names the file and keeps the previous configuration" \
        "$CONF: not a regular file; keeping the previous configuration"
check_servers "a FIFO: still $P and $P3" "$want"

rm -f "$CONF"
printf 'port = %s\nport = eighty\n' "$P2" >"$CONF"
kill -HUP "$REACHD_PID"
netns_check_log "an invalid file: the log names the file and the line" \
        "$CONF:2: invalid port 'eighty'"
check_servers "an invalid file: still $P and $P3" "$want"

printf 'port = %s\nrescan = 3600\n' "$P2" >"$CONF"
n=$(log_count "reloaded $CONF")
kill -HUP "$REACHD_PID"
check_log_more "a good file again: the log says it was reloaded" "reloaded $CONF" "$n"
check_servers "a good file again: now only $P2 is watched" "[[$P2,true,true]]"

echo "## SIGHUP re-creates a deleted socket at once (the rescan is now an hour away)"
n=$(log_count "the socket $SOCKET was deleted: listening on a new one")
rm "$SOCKET"
kill -HUP "$REACHD_PID"
netns_check_ctl_soon "after SIGHUP reachctl url answers within 1 s" 1 0 "http://$LAN4:$P2/" url
check_log_more "the log says the socket was re-created" "the socket $SOCKET was deleted: listening on a new one" "$n"

echo "## the end"
netns_daemon_stop TERM
netns_check_text "SIGTERM: reachd exits with status 0" "$NETNS_DAEMON_RC" 0
if [ ! -e "$SOCKET" ]; then
        netns_ok "SIGTERM: the re-created socket file is removed"
else
        netns_not_ok "SIGTERM: the re-created socket file is removed" "$(ls -l "$SOCKET")"
fi

netns_finish
