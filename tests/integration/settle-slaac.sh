#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A SLAAC join, one line: the laptop joins an IPv6-only network whose router (a real radvd in the
# peer's namespace) hands out a prefix; the kernel makes a stable and a temporary privacy address
# (use_tempaddr=2), both tentative until duplicate address detection is over, which takes it one
# to two seconds, in random order. reachd, with a settle time longer than that (settle = 3),
# publishes the join once: one watch line and one journal entry, with the stable address as the
# share URL (never the temporary one first), and nothing for the router's periodic advertisements
# that refresh the lifetimes. The peer opens the URL.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

command -v radvd >/dev/null 2>&1 || netns_skip "radvd is not installed"
P=8311
WATCH=$netns_tmp/watch.ndjson

netns_peer_new
sysctl -q -w net.ipv6.conf.default.accept_ra=2 net.ipv6.conf.default.use_tempaddr=2
netns_ether_peer wlan0 lan0
sysctl -q -w net.ipv6.conf.wlan0.accept_ra=2 net.ipv6.conf.wlan0.use_tempaddr=2
netns_peer sysctl -q -w net.ipv6.conf.all.forwarding=1
netns_peer ip addr add 2001:db8:77::50/64 dev lan0 nodad
netns_wait_operstate wlan0 UP
netns_wait_dad wlan0
ip -6 addr show dev wlan0 scope global | grep -q inet6 && netns_die "wlan0 has a global address before the router runs"

cd "$netns_tmp/www"
netns_http "$P" ::
echo "settle = 3" >"$netns_tmp/reachd.conf"
netns_daemon_start -c "$netns_tmp/reachd.conf"
netns_check_ctl_soon "before the router: no share URL" 2 1 "" url "$P"
netns_watch_start "$WATCH" "$P"
netns_wait_lines "$WATCH" 1
LOG_MARK=$(wc -l <"$netns_daemon_log" | tr -d ' ')

echo "## the router starts: SLAAC"
netns_radvd lan0 2001:db8:77::/64
netns_wait_slaac wlan0
STABLE=$NETNS_SLAAC_STABLE
TEMP=$NETNS_SLAAC_TEMP
URL="http://[$STABLE]:$P/"
echo "# stable $STABLE, temporary $TEMP"
netns_check_ctl_soon "url: the stable address" 5 0 "$URL" url "$P"
# the settle time, then two router advertisements more (every 3 to 4 s): none may add a line
sleep 9

netns_json=$WATCH
netns_json_what="the watch lines"
netns_check_eq "watch: the snapshot, then one line for the join" \
        '[.[] | select(.port) | [.event, .previous_share_url, .share_url, .previous_problem, .problem]]' \
        "[[\"snapshot\", null, null, \"no-network\", \"no-network\"], [\"changed\", null, \"$URL\", \"no-network\", null]]" --slurp
netns_check_eq "watch: that line lists the temporary address too, past DAD" \
        '.[-1] | [.urls[] | select(.address == $t) | [.shareable, (.flags | index("temporary") != null)]]' \
        '[[true, true]]' --slurp --arg t "$TEMP"
netns_check_eq "watch: the temporary address was never the share URL" \
        '[.[] | select(.share_url != null and (.share_url | contains($t)))] | length' 0 --slurp --arg t "$TEMP"

log_since() {
        tail -n +$((LOG_MARK + 1)) "$netns_daemon_log"
}
n=$(log_since | grep -c "^reachd: port $P" || true)
if [ "$n" = 1 ] && log_since | grep -qxF "reachd: port $P: share URL is now $URL on wlan0"; then
        netns_ok "journal: one entry for the port, with the stable address"
else
        netns_not_ok "journal: one entry for the port, with the stable address" "$(log_since)"
fi
n=$(log_since | grep -c "^reachd: network changed" || true)
netns_check_text "journal: one network-changed entry" "$n" 1
netns_check_curl_ok "the peer opens the share URL" "$URL"

netns_finish
