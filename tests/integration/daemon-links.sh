#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The running daemon follows links and servers: carrier loss (the share URL moves to another
# interface, then there is none), an interface renamed and one deleted, a server that stops and
# starts again, two servers, a link whose events are bigger than a receive slot; reachctl's exit
# codes when there is no URL and when there is no daemon; SIGTERM ends the daemon cleanly and
# removes its socket.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl

P=8301
P2=8302
LAN4=192.168.50.10
ALT4=10.1.2.3
u() {
        echo "http://$1:${2:-$P}/"
}
WATCH=$netns_tmp/watch.ndjson

# the lines of port $1 in the watch stream, as "event share_url"
watch_events() {
        jq -r --argjson port "$1" 'select(.port == $port) | "\(.event) \(.share_url)"' "$WATCH"
}

# check_watch_tail WHAT PORT EXPECTED: the last lines of PORT in the watch stream, as
# watch_events prints them, end with EXPECTED (waits up to 2 s for them).
check_watch_tail() {
        n=$(printf '%s\n' "$3" | wc -l)
        left=40
        while [ "$(watch_events "$2" | tail -n "$n")" != "$3" ] && [ "$left" -gt 0 ]; do
                left=$((left - 1))
                sleep 0.05
        done
        if [ "$(watch_events "$2" | tail -n "$n")" = "$3" ]; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "$(printf 'expected the watch lines of port %s to end with:\n%s\nthey are:\n%s' \
                        "$2" "$3" "$(watch_events "$2")")"
        fi
}

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_peer ip addr add 192.168.50.20/24 dev phone0
netns_ns_new
WIFI=$NETNS_LAST_PID
netns_ether_to "$WIFI" lan1 ap1
ip addr add "$ALT4/24" dev lan1
netns_in "$WIFI" ip addr add 10.1.2.1/24 dev ap1
netns_wait_operstate lan0 UP
netns_wait_operstate lan1 UP

echo "## no daemon"
XDG_RUNTIME_DIR=$netns_tmp/run
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
netns_ctl url
if [ "$NETNS_CTL_RC" = 3 ] && [ -z "$NETNS_CTL_OUT" ] &&
   printf '%s' "$NETNS_CTL_ERR" | grep -qF "reachd is not running" &&
   printf '%s' "$NETNS_CTL_ERR" | grep -qF "$XDG_RUNTIME_DIR/reachd.sock"; then
        netns_ok "no daemon: reachctl url exits 3, says reachd is not running and where it looked"
else
        netns_not_ok "no daemon: reachctl url exits 3, says reachd is not running and where it looked" \
                "$(netns_ctl_detail url 3)"
fi

netns_http "$P" 0.0.0.0
netns_daemon_start
netns_check_ctl_soon "reachctl url: the LAN URL (default route)" 2 0 "$(u $LAN4)" url
netns_watch_start "$WATCH"
netns_wait_lines "$WATCH" 1

echo "## carrier loss"
netns_peer ip link set phone0 down
netns_wait_no_carrier lan0
netns_check_ctl_soon "the LAN peer's end down: the share URL moves to lan1" 2 0 "$(u $ALT4)" url
netns_daemon_json
netns_check_eq "json: lan0 is up without carrier" \
        '[.interfaces[] | select(.name == "lan0") | [.up, .carrier]]' '[[true, false]]'
netns_check_server_eq "$P" "json: lan0's URL is listed, not shareable, reason no-carrier" \
        "[.urls[] | select(.interface == \"lan0\") | [.url, .shareable, .reason]]" \
        "[[\"$(u $LAN4)\", false, \"no-carrier\"]]"
netns_in "$WIFI" ip link set ap1 down
netns_wait_no_carrier lan1
netns_check_ctl_soon "both peers' ends down: reachctl url exits 1, prints nothing" 2 1 "" url
if [ -n "$NETNS_CTL_ERR" ]; then
        netns_ok "both peers' ends down: reachctl url says why on stderr"
else
        netns_not_ok "both peers' ends down: reachctl url says why on stderr" "$(netns_ctl_detail url 1)"
fi
netns_daemon_json
netns_check_server_eq "$P" "json: no share URL, problem no-network" '[.share_url, .problem]' '[null, "no-network"]'
check_watch_tail "watch: the share URL moved to lan1, then there was none" "$P" \
        "changed $(u $ALT4)
changed null"
netns_peer ip link set phone0 up
netns_in "$WIFI" ip link set ap1 up
netns_wait_operstate lan0 UP
netns_wait_operstate lan1 UP
netns_check_ctl_soon "carrier back: the LAN URL again" 2 0 "$(u $LAN4)" url

echo "## lan1 renamed to wlan7 (down, renamed, up)"
LAN1_INDEX=$(cat /sys/class/net/lan1/ifindex)
ip link set dev lan1 down
ip link set dev lan1 name wlan7
ip link set dev wlan7 up
netns_wait_operstate wlan7 UP
netns_check_ctl_soon "reachctl list: $ALT4's URL is on wlan7" 2 0 \
        "$(printf '%s\t%s\t%s\t%s\t%s\n%s\t%s\t%s\t%s\t%s\n%s\t%s\t%s\t%s\t%s' \
                "$P" "$(u $LAN4)" lan0 veth shareable \
                "$P" "$(u $ALT4)" wlan7 ethernet shareable \
                "$P" "$(u 127.0.0.1)" lo loopback loopback)" list
netns_daemon_json
netns_check_eq "json: the interface of index $LAN1_INDEX is now called wlan7, no lan1 left" \
        '[.interfaces[] | select(.index == $i or .name == "lan1") | .name]' '["wlan7"]' --argjson i "$LAN1_INDEX"
netns_check_server_eq "$P" "json: the URLs name wlan7" '[.urls[] | .interface]' '["lan0", "wlan7", "lo"]'

echo "## lan0 deleted"
ip link del lan0
netns_check_ctl_soon "the share URL moves to wlan7" 2 0 "$(u $ALT4)" url
netns_daemon_json
netns_check_eq "json: lan0 is gone" '[.interfaces[] | select(.name == "lan0")]' '[]'
netns_check_server_eq "$P" "json: its URL is gone too" "[.urls[] | .url]" "[\"$(u $ALT4)\", \"$(u 127.0.0.1)\"]"
netns_check_eq "json: no default route left" '[.interfaces[] | select(.default_route) | .name]' '[]'
check_watch_tail "watch: one change to the wlan7 URL" "$P" "changed $(u $ALT4)"
netns_check_curl_ok_in "$WIFI" "the new network opens $(u $ALT4)" "$(u $ALT4)"

echo "## the server stops and starts again"
SERVER_PID=$NETNS_LAST_PID
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
netns_untrack "$SERVER_PID"
netns_check_ctl_soon "server stopped: reachctl url exits 1" 3 1 "" url
if printf '%s' "$NETNS_CTL_ERR" | grep -q .; then
        netns_ok "server stopped: reachctl url says why on stderr"
else
        netns_not_ok "server stopped: reachctl url says why on stderr" "$(netns_ctl_detail url 1)"
fi
check_watch_tail "watch: the server was removed" "$P" "removed null"
netns_http "$P" 0.0.0.0
netns_check_ctl_soon "server back: reachctl url answers its URL again" 3 0 "$(u $ALT4)" url
check_watch_tail "watch: removed, then added with the URL" "$P" "removed null
added $(u $ALT4)"

echo "## two servers"
netns_http "$P2" 0.0.0.0
netns_check_ctl_soon "reachctl url $P2" 3 0 "$(u $ALT4 $P2)" url "$P2"
netns_check_ctl "reachctl url $P" 0 "$(u $ALT4)" url "$P"
netns_check_ctl "reachctl url without a port: the most recently started server, $P2" 0 "$(u $ALT4 $P2)" url
netns_ctl list
netns_check_text "reachctl list: shareable URLs of both servers" \
        "$(printf '%s\n' "$NETNS_CTL_OUT" | awk -F '\t' '$5 == "shareable" { print $1, $2 }' | sort | tr '\n' ' ')" \
        "$P $(u $ALT4) $P2 $(u $ALT4 $P2) "
check_watch_tail "watch: the second server was added" "$P2" "added $(u $ALT4 $P2)"

echo "## a link whose events outgrow a receive slot"
# 150 alternative names of 124 bytes make each RTM_NEWLINK of big0 about 20 KiB, more than a slot
# of the batched reads (16 KiB, DESIGN.md §1): the first such event counts as lost and the state
# is re-read; from then on the socket is read one datagram at a time and big0 is followed again.
ip link add big0 type veth peer name big1
ip link set big1 up
python3 -c 'print("\n".join("link property add dev big0 altname b%03d%s" % (i, "x" * 120) for i in range(150)))' |
        ip -batch - || netns_die "cannot give big0 its alternative names"
ip link set big0 up
ip addr add 10.9.9.9/24 dev big0
big0_has() {
        netns_daemon_json_until 3 "[.interfaces[] | select(.name == \"big0\") | .addresses[].address] | index(\"$1\") != null"
        jq -e "[.interfaces[] | select(.name == \"big0\") | .addresses[].address] | index(\"$1\") != null" "$netns_json" >/dev/null
}
if big0_has 10.9.9.9; then
        netns_ok "events of 20 KiB: the daemon follows big0 (10.9.9.9)"
else
        netns_not_ok "events of 20 KiB: the daemon follows big0 (10.9.9.9)" "$(jq -c '.interfaces[] | select(.name == "big0")' "$netns_json")"
fi
netns_check_log "an event bigger than a slot is lost and the state re-read" "re-read the whole network state"
ip addr add 10.9.9.10/24 dev big0
if big0_has 10.9.9.10; then
        netns_ok "and it goes on following big0 (10.9.9.10)"
else
        netns_not_ok "and it goes on following big0 (10.9.9.10)" "$(jq -c '.interfaces[] | select(.name == "big0")' "$netns_json")"
fi
netns_check_alive "after events of 20 KiB"
ip link del big0

echo "## SIGTERM"
SOCKET=$NETNS_SOCKET
netns_daemon_stop TERM
netns_check_text "SIGTERM: reachd exits with status 0" "$NETNS_DAEMON_RC" 0
if [ ! -e "$SOCKET" ]; then
        netns_ok "SIGTERM: the socket file is removed"
else
        netns_not_ok "SIGTERM: the socket file is removed" "$(ls -l "$SOCKET")"
fi
left=40
while kill -0 "$NETNS_WATCH_PID" 2>/dev/null && [ "$left" -gt 0 ]; do
        left=$((left - 1))
        sleep 0.05
done
watch_rc=0
if kill -0 "$NETNS_WATCH_PID" 2>/dev/null; then
        netns_not_ok "SIGTERM: reachctl watch ends with exit status 3" "still running 2 s after the daemon exited"
else
        wait "$NETNS_WATCH_PID" || watch_rc=$?
        netns_untrack "$NETNS_WATCH_PID"
        netns_check_text "SIGTERM: reachctl watch ends with exit status 3" "$watch_rc" 3
fi
netns_ctl url
netns_check_text "after SIGTERM: reachctl url exits 3" "$NETNS_CTL_RC" 3
netns_check_text "after SIGTERM: reachctl url says reachd is not running" \
        "$(printf '%s' "$NETNS_CTL_ERR" | grep -c "reachd is not running")" 1

echo "## a daemon killed with SIGKILL leaves its socket file behind"
netns_daemon_start
netns_daemon_stop KILL
[ -S "$SOCKET" ] || netns_die "the SIGKILLed daemon left no socket file; cannot test a stale one"
netns_ctl url
netns_check_text "stale socket: reachctl url exits 3" "$NETNS_CTL_RC" 3
netns_check_text "stale socket: reachctl url says reachd is not running" \
        "$(printf '%s' "$NETNS_CTL_ERR" | grep -c "reachd is not running")" 1
netns_daemon_start
netns_check_ctl_soon "a new daemon replaces the stale socket and answers" 2 0 "$(u $ALT4 $P2)" url

netns_finish
