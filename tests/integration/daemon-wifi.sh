#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "Wi-Fi changes" scenario, live: the laptop leaves one network for another (a new address on
# another interface, the default route moved there, the old address gone). The running daemon
# follows within milliseconds: `reachctl url` answers the new URL, a `watch` client sees exactly
# one change to it and nothing for netlink events that change nothing, the journal line says from
# what to what, and a machine on the new network opens the URL.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8201
OLD4=192.168.50.10
NEW4=10.1.2.3
OLD_URL=http://$OLD4:$P/
NEW_URL=http://$NEW4:$P/
WATCH=$netns_tmp/watch.ndjson

# the old Wi-Fi: a LAN with a phone on it and the default route
netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$OLD4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_peer ip addr add 192.168.50.20/24 dev phone0
netns_wait_operstate lan0 UP
netns_http "$P" 0.0.0.0

netns_daemon_start
netns_check_ctl_soon "reachctl url: the LAN URL" 2 0 "$OLD_URL" url

netns_watch_start "$WATCH"
netns_wait_lines "$WATCH" 1
netns_json=$WATCH
netns_json_what="reachctl watch --json"
netns_check_eq "watch starts with the snapshot of the server, on the old LAN" \
        'map(select(.port)) | .[0] | [.event, .port, .share_url]' "[\"snapshot\", $P, \"$OLD_URL\"]" --slurp

echo "## the Wi-Fi changes: new network on lan1, default route moved, old address gone"
netns_ns_new
WIFI=$NETNS_LAST_PID
netns_veth_to "$WIFI" lan1 ap1
netns_in "$WIFI" ip addr add 10.1.2.1/24 dev ap1
netns_wait_operstate lan1 UP
# with lifetimes, as DHCP gives them: renewing them later must publish nothing
ip addr add "$NEW4/24" dev lan1 valid_lft 7200 preferred_lft 7200
ip route replace default via 10.1.2.1 dev lan1
ip addr del "$OLD4/24" dev lan0

netns_check_ctl_soon "reachctl url follows within 2 s: the new URL" 2 0 "$NEW_URL" url

has_new_url() {
        jq -s -e --arg new "$NEW_URL" 'any(.[]; .share_url == $new)' "$WATCH"
}
netns_wait_for 2 "the watch line with $NEW_URL" has_new_url
# a spurious line right after the change would come within a few ms; give it the time
sleep 0.3
netns_json=$WATCH
netns_json_what="reachctl watch --json"
netns_json_shown=0
netns_check_eq "watch: exactly one snapshot for the port" \
        '[.[] | select(.port == $port and .event == "snapshot")] | length' 1 --slurp --argjson port "$P"
netns_check_eq "watch: exactly one line where share_url becomes the new URL" \
        '[.[] | select(.port == $port)] as $l
         | [range(1; $l | length) | select($l[.].share_url == $new and $l[. - 1].share_url != $new)] | length' \
        1 --slurp --argjson port "$P" --arg new "$NEW_URL"
netns_check_eq "watch: the share URL went from the old URL straight to the new one, never null" \
        '[.[] | select(.port == $port) | .share_url] | reduce .[] as $u ([]; if .[-1:] == [$u] then . else . + [$u] end)' \
        "[\"$OLD_URL\", \"$NEW_URL\"]" --slurp --argjson port "$P"
netns_check "watch: every line after the snapshot is a change of this server" \
        'map(select(.port)) | .[1:] | length > 0 and all(.[]; .event == "changed" and .port == $port)' --slurp --argjson port "$P"
netns_check_eq "watch: the last line lists lan1's address as the one shareable URL" \
        '.[-1] | [.urls[] | select(.shareable) | [.url, .interface]]' \
        "[[\"$NEW_URL\", \"lan1\"]]" --slurp

echo "## netlink events that change nothing published: no watch line"
MON=$netns_tmp/monitor.txt
ip monitor link address route >"$MON" 2>&1 &
MON_PID=$!
netns_track "$MON_PID"
sleep 0.2
before=$(netns_lines "$WATCH")
ip link set lan0 mtu 1400
# (re-adding an identical route is no event at all: the kernel sends nothing for it)
ip route add default via 10.1.2.1 dev lan1 table 100
ip route add 10.77.0.0/16 via 10.1.2.1 dev lan1
ip addr change "$NEW4/24" dev lan1 valid_lft 3600 preferred_lft 3600
# Let the daemon handle these on their own, then make a real change: netlink keeps the order,
# so once its line is there, any line for the events before it would be there too.
sleep 0.5
kill "$MON_PID"
wait "$MON_PID" 2>/dev/null || true
netns_untrack "$MON_PID"
for what in "mtu 1400" "default via 10.1.2.1 dev lan1 table 100" "10.77.0.0/16 via 10.1.2.1" "valid_lft 3600sec"; do
        grep -qF "$what" "$MON" || netns_die "the kernel sent no event with '$what' (ip monitor saw: $(cat "$MON"))"
done
ip addr add 10.1.2.4/24 dev lan1
netns_wait_lines "$WATCH" $((before + 1)) 2
sleep 0.3
after=$(netns_lines "$WATCH")
if [ "$after" = $((before + 1)) ]; then
        netns_ok "no watch line for an MTU change, a default route in another table, a non-default route, a renewed lifetime"
else
        netns_not_ok "no watch line for an MTU change, a default route in another table, a non-default route, a renewed lifetime" \
                "$(printf 'lines before: %s, after the no-op events and one real change: %s (expected %s); the new lines:\n%s' \
                        "$before" "$after" $((before + 1)) "$(tail -n +$((before + 1)) "$WATCH" | jq -c '{event, port, share_url, urls: [.urls[].url]}')")"
fi
netns_check_eq "the line for the real change adds 10.1.2.4 and keeps the share URL" \
        '.[-1] | [.event, .share_url, ([.urls[].address] | index("10.1.2.4") != null)]' \
        "[\"changed\", \"$NEW_URL\", true]" --slurp
ip addr del 10.1.2.4/24 dev lan1
netns_wait_lines "$WATCH" $((before + 2)) 2

echo "## the new network can open it; the old one cannot"
netns_check_curl_ok_in "$WIFI" "a machine on the new network opens $NEW_URL" "$NEW_URL"
netns_check_curl_fails "the phone on the old LAN cannot open the old URL any more" "$OLD_URL"
netns_check_ctl "reachctl wait --timeout 5 prints the new URL" 0 "$NEW_URL" wait --timeout 5

netns_daemon_json
netns_check_server_eq "$P" "json: share URL and no problem" '[.share_url, .problem]' "[\"$NEW_URL\", null]"
netns_check_eq "json: the default route is on lan1 only" \
        '[.interfaces[] | select(.default_route) | .name]' '["lan1"]'
netns_check_eq "json: lan0 kept no IPv4 address, lan1 has $NEW4" \
        '[.interfaces[] | select(.name == "lan0" or .name == "lan1") | [.name, [.addresses[] | select(.family == "ipv4") | .address]]]' \
        "[[\"lan0\", []], [\"lan1\", [\"$NEW4\"]]]"

netns_check_log "the daemon's log says the share URL is now the new one" "share URL is now $NEW_URL"
netns_check_log "the daemon's log says from what to what" \
        "port $P: share URL is now $NEW_URL on lan1 (was $OLD_URL)"
if kill -0 "$NETNS_WATCH_PID" 2>/dev/null; then
        netns_ok "the watch client is still connected"
else
        netns_not_ok "the watch client is still connected" "reachctl watch exited: $(cat "$WATCH.err")"
fi

netns_finish
