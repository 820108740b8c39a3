#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Netlink failures injected with an LD_PRELOAD shim (tests/lib/fault-inject.c: sendto() on a
# netlink socket of one protocol fails while a file says so):
#  * the listener scan fails from the start (sock_diag, EPERM, as under an LSM that denies
#    nlmsg_read): the daemon runs, every answer and STATUS= say the listening sockets cannot be
#    read and why, it retries on the rescan timer and recovers by itself; reachd --once exits
#    non-zero with the same sentence.
#  * a full re-read of the network state cannot be asked for (sendto on rtnetlink fails after a
#    lost event, ENOBUFS, injected too): the daemon retries on a timer, less and less often, logs
#    it once, and once sendto works again converges without any further netlink event.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl

SHIM=${BUILDDIR:?BUILDDIR is not set}/tests/lib/fault-inject.so
[ -f "$SHIM" ] || netns_die "$SHIM is missing (make check builds it)"
P=8601
LAN4=192.168.60.10
URL=http://$LAN4:$P/
FAULT=$netns_tmp/fault
NOTIFY=$netns_tmp/notify.sock
STATUS_LOG=$netns_tmp/notify.log
SENTENCE="cannot read the listening sockets: Operation not permitted"
mkdir "$FAULT"
# the shim is not built with the sanitizers: ASan must not insist on coming first
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.60.1 dev lan0 onlink
netns_wait_operstate lan0 UP
netns_http "$P" 0.0.0.0

netns_notify_reader "$NOTIFY" "$STATUS_LOG"

has_status() {
        grep -qF -- "$1" "$STATUS_LOG" 2>/dev/null
}

# the daemon under the shim, its socket in a private XDG_RUNTIME_DIR; started: READY=1
start_faulty_daemon() {
        XDG_RUNTIME_DIR=$netns_tmp/run
        export XDG_RUNTIME_DIR
        mkdir -p "$XDG_RUNTIME_DIR"
        chmod 0700 "$XDG_RUNTIME_DIR"
        netns_daemon_log=$netns_tmp/reachd.log
        LD_PRELOAD=$SHIM REACHD_FAULT_DIR=$FAULT NOTIFY_SOCKET=$NOTIFY "$REACHD" "$@" >>"$netns_daemon_log" 2>&1 &
        REACHD_PID=$!
        netns_track "$REACHD_PID"
        netns_wait_for 10 "READY=1 from reachd $*" has_status READY=1
        echo "# reachd $* under $SHIM (pid $REACHD_PID)"
}

# check_ctl_err WHAT ARGS...: reachctl ARGS fails (exit 4) and says the sentence on stderr
check_ctl_err() {
        netns_cce_what=$1
        shift
        netns_ctl "$@"
        case "$NETNS_CTL_RC:$NETNS_CTL_ERR" in
        "4:reachctl: reachd answered: listeners-unreadable $SENTENCE")
                netns_ok "$netns_cce_what" ;;
        *)
                netns_not_ok "$netns_cce_what" "$(netns_ctl_detail "$*" 4)" ;;
        esac
}

echo "## the listener scan fails from the start (sendto on sock_diag: EPERM)"
echo 1 >"$FAULT/sendto-4"
start_faulty_daemon --rescan 1
check_ctl_err "url: says the listening sockets cannot be read, and why" url
netns_check_alive "after url"
check_ctl_err "url PORT: the same" url "$P"
check_ctl_err "json: the same" json
check_ctl_err "list: the same" list
check_ctl_err "status: the same" status
check_ctl_err "watch: the same, and no stream" watch
netns_check_alive "after every command"

printf 'ping\n' | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
sys.stdout.write(s.makefile().readline())
' "$XDG_RUNTIME_DIR/reachd.sock" >"$netns_tmp/ping.out" || true
netns_check_text "ping still answers pong" "$(cat "$netns_tmp/ping.out")" pong
if has_status "STATUS=$SENTENCE; retrying every 1 s"; then
        netns_ok "STATUS= says the listening sockets cannot be read, and why"
else
        netns_not_ok "STATUS= says the listening sockets cannot be read, and why" "$(cat "$STATUS_LOG")"
fi
netns_check_log "the log says it, with the retry" \
        "cannot read the listening sockets (retrying every 1 s): Operation not permitted"
n=$(grep -c "cannot read the listening sockets" "$netns_daemon_log" || true)
netns_check_text "the log says it once, not once per retry or query" "$n" 1

echo "## reachd --once under the same fault"
rc=0
LD_PRELOAD=$SHIM REACHD_FAULT_DIR=$FAULT "$REACHD" --once >"$netns_tmp/once.out" 2>"$netns_tmp/once.err" || rc=$?
if [ "$rc" != 0 ] && [ "$(cat "$netns_tmp/once.err")" = "reachd: $SENTENCE" ] && [ ! -s "$netns_tmp/once.out" ]; then
        netns_ok "reachd --once exits non-zero ($rc) with the same sentence, and prints no view"
else
        netns_not_ok "reachd --once exits non-zero with the same sentence" \
                "exit $rc; stderr: $(cat "$netns_tmp/once.err"); stdout: $(head -c 300 "$netns_tmp/once.out")"
fi

echo "## the fault goes: the rescan timer (no query meanwhile) finds the server"
rm "$FAULT/sendto-4"
netns_wait_for 10 "STATUS= to share $URL" has_status "STATUS=Sharing $URL on lan0"
netns_ok "STATUS= shares $URL again, with no query in between"
netns_check_log "the log says reading works again" "reading the listening sockets works again"
netns_check_ctl "url answers the LAN URL" 0 "$URL" url
netns_daemon_json
netns_check_server_eq "$P" "json: the server, listening, with its share URL" '[.listening, .share_url]' "[true, \"$URL\"]"

echo "## the fault comes back while the daemon runs, then goes"
echo 12 >"$FAULT/sendto-4"
netns_wait_for 10 "STATUS= to say the scan fails (ENOMEM)" has_status \
        "STATUS=cannot read the listening sockets: Cannot allocate memory; retrying every 1 s"
netns_ok "STATUS= says the scan fails again, with the new errno"
netns_ctl url
netns_check_text "url: the new errno, not the old view" "$NETNS_CTL_RC:$NETNS_CTL_ERR" \
        "4:reachctl: reachd answered: listeners-unreadable cannot read the listening sockets: Cannot allocate memory"
rm "$FAULT/sendto-4"
netns_check_ctl_soon "url answers the LAN URL again" 3 0 "$URL" url

echo "## events lost (ENOBUFS) while the re-read cannot be asked for (sendto on rtnetlink: EPERM)"
LAN4B=192.168.61.11
URLB=http://$LAN4B:$P/
echo 1 >"$FAULT/sendto-0"
echo 105 >"$FAULT/recvmsg-0"
ip addr add "$LAN4B/24" dev lan0
ip addr del "$LAN4/24" dev lan0
netns_wait_for 5 "the injected ENOBUFS" test ! -e "$FAULT/recvmsg-0"
netns_check_log "the log says the re-read failed, and that it retries" \
        "cannot re-read the network state (trying again, then less and less often, up to every 30 s): Operation not permitted"
sleep 4
n=$(grep -c . "$FAULT/sendto-0.log" || true)
if [ "$n" -ge 3 ]; then
        netns_ok "retried on its own while sendto fails ($n attempts in about 4 s)"
else
        netns_not_ok "retried on its own while sendto fails" "$n attempts in about 4 s: $(cat "$FAULT/sendto-0.log" 2>&1)"
fi
# netlink events try the request at once too: the timer's attempts are the gaps over 200 ms
gaps=$(awk 'NR > 1 && $1 - last > 200 { printf "%s ", $1 - last } { last = $1 }' "$FAULT/sendto-0.log")
if echo "$gaps" | awk '{ if (NF < 2) exit 1; for (i = 2; i <= NF; i++) if ($i < $(i - 1) * 1.5) exit 1 }'; then
        netns_ok "with back-off: the gaps between attempts grow (ms: $gaps)"
else
        netns_not_ok "with back-off: the gaps between attempts grow" "gaps in ms: $gaps"
fi
n=$(grep -c "cannot re-read the network state" "$netns_daemon_log" || true)
netns_check_text "the failure is logged once, not once per attempt" "$n" 1
netns_check_alive "while re-reads fail"
rm "$FAULT/sendto-0"
# no netlink event from here on: only the retry timer can bring the view back
netns_check_ctl_soon "sendto works again: without another event, the view converges (the new address's URL)" 20 0 "$URLB" url
netns_check_log "the log says the re-read worked" "re-read the network state after"
echo "# the failed attempts (CLOCK_MONOTONIC, ms): $(tr '\n' ' ' <"$FAULT/sendto-0.log")"
netns_daemon_json
netns_check_eq "lan0's addresses are the kernel's" \
        '[.interfaces[] | select(.name == "lan0") | .addresses[] | select(.family == "ipv4") | .address]' "[\"$LAN4B\"]"
netns_check_alive "at the end"

netns_finish
