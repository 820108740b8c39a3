#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# When the listening sockets are read (DESIGN.md §7, "Listener re-scans"). The daemon runs with
# --rescan 60, so its normal tick never comes during the test: a `reachctl wait` started before its
# server (with a port, and without one while nothing listens) must still return within 1 s of the
# listen() call, from the fast re-scans of a waiting client; once nobody waits, no more re-scans;
# a query still re-scans; and an address storm (with a watcher of a listening server) causes no
# re-scan at all. The re-scans are counted by the daemon's own counter, `listener_scans` in the
# `hello` line. (Loose bounds only: the speed itself is measured by `make bench`.)
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8611
P2=8612
P3=8613
LAN4=192.168.50.10
SLOWDOWN=${REACHD_TEST_SLOWDOWN:-1}
case $SLOWDOWN in
''|0|*[!0-9]*) netns_die "REACHD_TEST_SLOWDOWN must be a whole number from 1, not '$SLOWDOWN'" ;;
esac

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
ip link add st0 type veth peer name st1
ip link set st0 up
ip link set st1 up
netns_wait_operstate lan0 UP
netns_wait_operstate st0 UP
# late netlink events (DAD ending) must not be what makes the daemon look at its listeners
netns_wait_dad

# The daemon's count of listener scans, from a `hello` line (which itself scans nothing)
scans() {
        python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"hello\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(json.loads(data)["listener_scans"])
' "$NETNS_SOCKET"
}

# listen_at PORT: a TCP listener on 0.0.0.0:PORT that writes the wall clock (ns) of its listen()
# call to $netns_tmp/listen-PORT; its pid in $LISTENER_PID
listen_at() {
        python3 -c '
import signal, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
t = time.time_ns()
s.listen()
with open(sys.argv[2], "w") as f:
    f.write("%d\n" % t)
signal.pause()
' "$1" "$netns_tmp/listen-$1" &
        LISTENER_PID=$!
        netns_track "$LISTENER_PID"
}

# wait_start NAME ARGS...: reachctl wait ARGS in the background; the URL, then "rc=N at NS"
# (the wall clock when it returned) in $netns_tmp/NAME.out
wait_start() {
        wait_out=$netns_tmp/$1.out
        shift
        (
                rc=0
                "$REACHCTL" wait "$@" >"$wait_out.tmp" 2>"$wait_out.err" || rc=$?
                echo "rc=$rc at $(date +%s%N)" >>"$wait_out.tmp"
                mv "$wait_out.tmp" "$wait_out"
        ) &
        netns_track $!
}

wait_done() {
        [ -s "$1" ]
}

# check_wait WHAT NAME PORT: the wait NAME printed PORT's URL and returned 0, within 1 s
# (times $REACHD_TEST_SLOWDOWN) of PORT's listen()
check_wait() {
        cw_out=$netns_tmp/$2.out
        cw_left=$((100 * SLOWDOWN))
        while ! wait_done "$cw_out" && [ "$cw_left" -gt 0 ]; do
                cw_left=$((cw_left - 1))
                sleep 0.1
        done
        if ! wait_done "$cw_out"; then
                netns_not_ok "$1" "reachctl wait did not return within $((10 * SLOWDOWN)) s of the listen()"
                return 0
        fi
        cw_url=$(sed -n 1p "$cw_out")
        cw_rc=$(sed -n 's/^rc=\([0-9]*\) at .*/\1/p' "$cw_out")
        cw_end=$(sed -n 's/^rc=[0-9]* at \([0-9]*\)$/\1/p' "$cw_out")
        cw_listen=$(cat "$netns_tmp/listen-$3")
        cw_ms=$(((cw_end - cw_listen) / 1000000))
        if [ "$cw_rc" = 0 ] && [ "$cw_url" = "http://$LAN4:$3/" ] && [ "$cw_ms" -lt $((1000 * SLOWDOWN)) ]; then
                netns_ok "$1 (${cw_ms} ms after the listen())"
        else
                netns_not_ok "$1" "$(printf 'expected http://%s:%s/ and status 0 within %s ms of the listen(); got:\n%s\nstderr: %s\n(%s ms)' \
                        "$LAN4" "$3" $((1000 * SLOWDOWN)) "$(cat "$cw_out")" "$(cat "$cw_out.err")" "$cw_ms")"
        fi
}

# check_scans WHAT BEFORE MAX: the daemon scanned at most MAX times since it counted BEFORE
check_scans() {
        cs_now=$(scans)
        if [ $((cs_now - $2)) -le "$3" ]; then
                netns_ok "$1 ($((cs_now - $2)) re-scans)"
        else
                netns_not_ok "$1" "$((cs_now - $2)) listener re-scans (at most $3 expected; $2 before, $cs_now now)"
        fi
}

netns_daemon_start --rescan 60

# 1. wait PORT, for a port nothing listens on (not in the view)
wait_start port --timeout 30 "$P"
sleep 0.5
listen_at "$P"
check_wait "wait $P started before its server returns its URL at once" port "$P"
kill "$LISTENER_PID"
wait "$LISTENER_PID" 2>/dev/null || true
netns_untrack "$LISTENER_PID"
# a query re-scans: the server is gone from the answer at once, whatever the tick
netns_check_ctl "url $P right after its server stopped says so" 1 "" url "$P"

# 2. wait without a port while nothing listens
wait_start default --timeout 30
sleep 0.5
listen_at "$P2"
check_wait "wait (no port) started before any server returns the new server's URL at once" default "$P2"

# 3. nobody waits: back to the normal tick (60 s), even with a watcher of a listening server
netns_watch_start "$netns_tmp/watch.ndjson" "$P2"
netns_wait_lines "$netns_tmp/watch.ndjson" 1
s0=$(scans)
sleep 2
check_scans "no re-scans once nobody waits (a watcher of a listening server is not waiting)" "$s0" 1

# 4. a query sees a server that started after the last scan
listen_at "$P3"
netns_wait_listen "$P3"
netns_check_ctl "a query re-scans: url $P3 answers a server the ticks have not seen" 0 "http://$LAN4:$P3/" url "$P3"

# 5. an address storm: the view follows it, the listeners are not re-read for it
batch=$netns_tmp/storm.batch
python3 - "$batch" <<'EOF'
import sys

adds = ["addr add 10.77.%d.%d/32 dev st0" % (i // 250, i % 250 + 1) for i in range(2000)]
with open(sys.argv[1], "w") as f:
    print("\n".join(adds + [a.replace("addr add", "addr del", 1) for a in adds[:1000]]), file=f)
EOF
s0=$(scans)
ip -batch "$batch"
# each json answer re-scans once: they are counted, and nothing else may scan
queries=0
while :; do
        queries=$((queries + 1))
        if "$REACHCTL" json | jq -e '[.interfaces[] | select(.name == "st0") | .addresses[] |
                                      select(.family == "ipv4")] | length == 1000' >/dev/null; then
                break
        fi
        [ "$queries" -lt $((200 * SLOWDOWN)) ] || netns_die "reachd did not see the storm's end within $((20 * SLOWDOWN)) s"
        sleep 0.1
done
check_scans "an address storm of 3000 events re-scans nothing (only the $queries json queries do)" "$s0" "$queries"
netns_check_ctl "url $P2 after the storm" 0 "http://$LAN4:$P2/" url "$P2"

netns_finish
