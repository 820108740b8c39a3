#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One network change, one line (DESIGN.md §7): the Wi-Fi moves to another network, with and
# without a gap shorter than the settle time, and the daemon publishes each move once: one
# `watch` line per server (old URL to new URL) and one journal entry per server, one
# "network changed" entry, one new generation. A gap longer than the settle time is two: when the
# outage starts and when it ends. A server restarted between two re-scans under another PID is a
# line (and one for the other server: the default server moved to the restarted one) and a new
# generation; a new interface is a new generation without a line.
# The counts are exact; the times are loose (the settle time is 0.5 s, then 2 s after a reload).
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8301
P2=8302
HOME4=192.168.50.10
CAFE4=10.1.2.3
CONF=$netns_tmp/reachd.conf
WATCH=$netns_tmp/watch.ndjson

u() {
        echo "http://$1:$2/"
}

# The Wi-Fi: an Ethernet-like device to the peer, which plays both networks' routers
netns_peer_new
netns_ether_peer wlan0 ap0
netns_peer ip addr add 192.168.50.1/24 dev ap0
netns_peer ip addr add 10.1.2.1/24 dev ap0
ip addr add "$HOME4/24" dev wlan0
ip route add default via 192.168.50.1 dev wlan0
netns_wait_operstate wlan0 UP
netns_wait_dad

cd "$netns_tmp/www"
netns_http "$P" 0.0.0.0
SERVER=$NETNS_LAST_PID
netns_http "$P2" ::
: >"$CONF"
# no re-scan tick: listeners are re-scanned on queries and network changes only, so that a server
# restarted between two queries is restarted "between two re-scans"
netns_daemon_start -c "$CONF" --rescan 3600
netns_check_ctl_soon "url $P: the home network's URL" 2 0 "$(u $HOME4 $P)" url "$P"
netns_check_ctl "url $P2: the same network" 0 "$(u $HOME4 $P2)" url "$P2"

netns_watch_start "$WATCH"
netns_wait_lines "$WATCH" 2

# mark: remember where the watch stream, the log and the generation are
mark() {
        MARK_LINES=$(netns_lines "$WATCH")
        MARK_LOG=$(wc -l <"$netns_daemon_log" | tr -d ' ')
        netns_daemon_json
        MARK_GEN=$(jq .generation "$netns_json")
}

# the watch lines since the mark, as a JSON array
since_mark() {
        tail -n +$((MARK_LINES + 1)) "$WATCH" | jq -s -c "$@"
}

log_since_mark() {
        tail -n +$((MARK_LOG + 1)) "$netns_daemon_log"
}

# has_urls A B: the lines since the mark show the share URL A for port P and B for P2 (JSON values)
has_urls() {
        since_mark --argjson a "$1" --argjson b "$2" --argjson p "$P" --argjson p2 "$P2" \
                'any(.[]; .port == $p and .share_url == $a) and any(.[]; .port == $p2 and .share_url == $b)' |
                grep -qx true
}

# wait_published WHAT URL URL2: until the watch stream shows both servers' share URLs (null for
# none), then one settle time more and a margin: a line still held would be out by then
wait_published() {
        netns_wait_for 10 "the watch lines of $1" has_urls "\"$2\"" "\"$3\""
        sleep "$4"
}

# check_lines WHAT JQ-ARRAY-OF-[previous,current]-PER-PORT
check_lines() {
        netns_json=$netns_tmp/since.json
        since_mark . >"$netns_json"
        netns_json_what="the watch lines since the change"
        netns_json_shown=0
        netns_check_eq "$1: the watch lines of port $P" \
                '[.[] | select(.port == $p) | [.event, .previous_share_url, .share_url]]' "$2" --argjson p "$P"
        netns_check_eq "$1: the watch lines of port $P2" \
                '[.[] | select(.port == $p) | [.event, .previous_share_url, .share_url]]' "$3" --argjson p "$P2"
}

# check_log WHAT PATTERN COUNT: COUNT lines of the log since the mark match PATTERN (grep -E)
check_log_count() {
        n=$(log_since_mark | grep -cE "$2" || true)
        if [ "$n" = "$3" ]; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "$(printf '%s lines match /%s/, expected %s; the log since the change:\n%s' \
                        "$n" "$2" "$3" "$(log_since_mark)")"
        fi
}

check_generation() {
        netns_daemon_json
        netns_check_eq "$1" '.generation - $g' "$2" --argjson g "$MARK_GEN"
}

echo "## a move to another network without a gap (settle time 0.5 s, the default)"
mark
ip -batch - <<EOF2
addr del $HOME4/24 dev wlan0
addr add $CAFE4/24 dev wlan0
route add default via 10.1.2.1 dev wlan0
EOF2
wait_published "the move" "$(u $CAFE4 $P)" "$(u $CAFE4 $P2)" 1.5
check_lines "move" "[[\"changed\", \"$(u $HOME4 $P)\", \"$(u $CAFE4 $P)\"]]" \
        "[[\"changed\", \"$(u $HOME4 $P2)\", \"$(u $CAFE4 $P2)\"]]"
check_log_count "move: one journal entry for port $P, from the old URL to the new" \
        "^reachd: port $P: share URL is now $(u $CAFE4 $P) on wlan0 \\(was $(u $HOME4 $P)\\)\$" 1
check_log_count "move: and no other for port $P" "^reachd: port $P[: ]" 1
check_log_count "move: one journal entry for port $P2" "^reachd: port $P2[: ]" 1
check_log_count "move: one network-changed entry, to the new network" \
        "^reachd: network changed: default route via wlan0 \\($CAFE4\\)\$" 1
check_log_count "move: and no other" "^reachd: network changed" 1
check_generation "move: one new generation" 1
netns_check_curl_ok "the peer opens the new URL" "$(u $CAFE4 $P)"

echo "## the settle time from the configuration: 2 s"
echo "settle = 2" >"$CONF"
kill -HUP "$REACHD_PID"
netns_check_log "the daemon reloaded its configuration" "reloaded $CONF"

echo "## back home, with a gap of 0.5 s (shorter than the settle time)"
mark
ip addr del "$CAFE4/24" dev wlan0
sleep 0.5
ip -batch - <<EOF2
addr add $HOME4/24 dev wlan0
route add default via 192.168.50.1 dev wlan0
EOF2
wait_published "the move with a gap" "$(u $HOME4 $P)" "$(u $HOME4 $P2)" 3
check_lines "move with a gap" "[[\"changed\", \"$(u $CAFE4 $P)\", \"$(u $HOME4 $P)\"]]" \
        "[[\"changed\", \"$(u $CAFE4 $P2)\", \"$(u $HOME4 $P2)\"]]"
check_log_count "move with a gap: one journal entry for port $P" "^reachd: port $P: share URL is now $(u $HOME4 $P) " 1
check_log_count "move with a gap: and no other for port $P" "^reachd: port $P[: ]" 1
check_log_count "move with a gap: one journal entry for port $P2" "^reachd: port $P2[: ]" 1
check_log_count "move with a gap: one network-changed entry" "^reachd: network changed: default route via wlan0 \\($HOME4\\)\$" 1
check_log_count "move with a gap: and no other" "^reachd: network changed" 1
check_generation "move with a gap: one new generation" 1

echo "## an outage of 4 s (longer than the settle time), then the other network"
mark
ip addr del "$HOME4/24" dev wlan0
netns_wait_for 10 "the outage published" has_urls null null
# the outage was held for the settle time, not published at once: the URL still answered meanwhile
sleep 4
ip -batch - <<EOF2
addr add $CAFE4/24 dev wlan0
route add default via 10.1.2.1 dev wlan0
EOF2
wait_published "the end of the outage" "$(u $CAFE4 $P)" "$(u $CAFE4 $P2)" 3
check_lines "outage" "[[\"changed\", \"$(u $HOME4 $P)\", null], [\"changed\", null, \"$(u $CAFE4 $P)\"]]" \
        "[[\"changed\", \"$(u $HOME4 $P2)\", null], [\"changed\", null, \"$(u $CAFE4 $P2)\"]]"
netns_check_eq "outage: the first line says why there is no URL, the second that it is back" \
        '[.[] | select(.port == $p) | [.previous_problem, .problem]]' '[[null, "no-network"], ["no-network", null]]' \
        --argjson p "$P"
check_log_count "outage: two journal entries for port $P" "^reachd: port $P[: ]" 2
check_log_count "outage: the first when it starts" \
        "^reachd: port $P listens, but this machine is not on a local network \\(was $(u $HOME4 $P)\\)\$" 1
check_log_count "outage: two journal entries for port $P2" "^reachd: port $P2[: ]" 2
check_log_count "outage: two network-changed entries" "^reachd: network changed" 2
check_log_count "outage: one says there is no network" "^reachd: network changed: no default route\$" 1
check_generation "outage: two new generations" 2

echo "## a server restarted between two re-scans, under another PID"
mark
OLD_PID=$(jq --argjson p "$P" '.servers[] | select(.port == $p) | .process.pid' "$netns_json")
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
netns_untrack "$SERVER"
netns_http "$P" 0.0.0.0
NEW_PID=$NETNS_LAST_PID
[ "$NEW_PID" != "$OLD_PID" ] || netns_die "the new server has the old PID"
# the daemon learns of it on this query: its re-scan
netns_daemon_json
netns_check_eq "restart: json shows the new PID and a new generation" \
        '[(.servers[] | select(.port == $p) | .process.pid), .generation - $g]' "[$NEW_PID, 1]" \
        --argjson p "$P" --argjson g "$MARK_GEN"
netns_wait_lines "$WATCH" $((MARK_LINES + 2))
sleep 0.5
netns_json=$netns_tmp/since.json
since_mark . >"$netns_json"
# the most recently started server is now this one: `url` without a port moved to it
netns_check_eq "restart: one watch line, with the new PID, the share URL unchanged, now the default" \
        '[.[] | select(.port == $p) | [.event, .process.pid, .previous_share_url == .share_url, .default]]' \
        "[[\"changed\", $NEW_PID, true, true]]" --argjson p "$P"
netns_check_eq "restart: and one for port $P2, no longer the default" \
        '[.[] | select(.port == $p) | [.event, .previous_share_url == .share_url, .default]]' \
        '[["changed", true, false]]' --argjson p "$P2"
check_log_count "restart: no journal entry (the share URL did not change)" "^reachd: port" 0

echo "## a new interface: a new generation, no watch line"
mark
ip link add spare0 type veth peer name spare1
netns_daemon_json_until 5 'any(.interfaces[]; .name == "spare0")'
netns_check_eq "new interface: json lists it, in a new generation" \
        '[any(.interfaces[]; .name == "spare0"), .generation - $g]' '[true, 1]' --argjson g "$MARK_GEN"
sleep 2.5
netns_check_text "new interface: no watch line" "$(netns_lines "$WATCH")" "$MARK_LINES"

netns_finish
