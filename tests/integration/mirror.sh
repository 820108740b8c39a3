#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A program mirrors reachd's view from `watch` alone (tests/lib/mirror.py, written from the man
# page): through a network move, a server restarted under a new PID between two re-scans, a
# reload, a daemon restart and a dropped watcher, its mirror equals `json` after each step, and it
# got exactly one line per published change of a server.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=5173
LAN4=192.168.50.10
NEW4=10.1.2.3
STATE=$netns_tmp/mirror.json
CONF=$netns_tmp/reachd.conf

# the mirror's STATE equals json: same boot_id and generation, same servers
mirror_matches() {
        "$REACHCTL" json >"$netns_tmp/json.now" 2>/dev/null || return 1
        [ -s "$STATE" ] || return 1
        jq -e --slurpfile m "$STATE" '$m[0] as $m | $m.synced and $m.boot_id == .boot_id and
                $m.generation <= .generation and $m.servers == .servers and ($m.errors | length) == 0' \
                "$netns_tmp/json.now" >/dev/null 2>&1
}

mirror_lines() {
        jq -r .lines "$STATE"
}

# check_mirror WHAT LINES: within 5 s the mirror equals json, with LINES more change lines than
# at the last check
last_lines=0
check_mirror() {
        left=100
        while ! mirror_matches && [ "$left" -gt 0 ]; do
                left=$((left - 1))
                sleep 0.05
        done
        # a moment for lines that should not come
        sleep 0.3
        if mirror_matches; then
                netns_ok "$1: the mirror equals json"
        else
                netns_not_ok "$1: the mirror equals json" "$(printf 'json:\n%s\nmirror:\n%s' \
                        "$(jq -c '{boot_id, generation, servers}' "$netns_tmp/json.now")" \
                        "$(jq -c '{boot_id, generation, synced, errors, servers}' "$STATE")")"
        fi
        now=$(mirror_lines)
        netns_check_text "$1: $2 change line(s)" "$((now - last_lines))" "$2"
        last_lines=$now
}

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_peer ip addr add 192.168.50.20/24 dev phone0
netns_ns_new
WIFI=$NETNS_LAST_PID
netns_ether_to "$WIFI" lan1 ap1
netns_in "$WIFI" ip addr add 10.1.2.1/24 dev ap1
netns_wait_operstate lan0 UP
netns_wait_operstate lan1 UP

cd "$netns_tmp/www"
netns_http "$P" 0.0.0.0
# no re-scan tick during the test: a server restarted in between is seen by the next query
printf 'rescan = 3600\n' >"$CONF"
netns_daemon_start -c "$CONF"
python3 "$TESTLIB/mirror.py" "$NETNS_SOCKET" "$STATE" >"$netns_tmp/mirror.log" 2>&1 &
netns_track $!

echo "## the snapshot"
check_mirror "snapshot" 0
netns_check_text "the hello line: protocol 2 and this daemon's boot_id" \
        "$(jq -c '[.hello.protocol, .hello.boot_id]' "$STATE")" \
        "$(jq -c '[2, .boot_id]' "$netns_tmp/json.now")"
BOOT1=$(jq -r .boot_id "$netns_tmp/json.now")

echo "## the network moves: the old address goes, a new one comes on lan1 with the default route"
ip addr del "$LAN4/24" dev lan0
ip -batch - <<EOF
address add $NEW4/24 dev lan1
route replace default via 10.1.2.1 dev lan1
EOF
check_mirror "network move" 1
netns_check_text "json: the new share URL" "$(jq -r '.servers[0].share_url' "$netns_tmp/json.now")" "http://$NEW4:$P/"

echo "## the server restarted under a new PID, between two re-scans"
OLD_PID=$NETNS_LAST_PID
kill "$OLD_PID"
wait "$OLD_PID" 2>/dev/null || true
netns_untrack "$OLD_PID"
netns_http "$P" 0.0.0.0
check_mirror "server restarted" 1
netns_check_text "json: the new PID" "$(jq -r '.servers[0].process.pid' "$netns_tmp/json.now")" "$NETNS_LAST_PID"

echo "## a reload: port 6000 watched (nothing listens there), 5173 watched too"
printf 'rescan = 3600\nport = %s 6000\n' "$P" >"$CONF"
kill -HUP "$REACHD_PID"
check_mirror "reload" 2
netns_check_text "json: two watched servers" \
        "$(jq -c '[.servers[] | [.port, .watched, .listening]]' "$netns_tmp/json.now")" \
        "[[5173,true,true],[6000,true,false]]"

echo "## the daemon restarted"
netns_daemon_stop
netns_daemon_start -c "$CONF"
check_mirror "daemon restarted" 0
netns_check_text "json: a new boot_id" "$(jq -r '.boot_id != "'"$BOOT1"'"' "$netns_tmp/json.now")" "true"
netns_check_text "the mirror connected twice" "$(jq -r .connects "$STATE")" "2"

echo "## a watcher that does not read is dropped, and told so"
GEN_BEFORE=$("$REACHCTL" json | jq .generation)
python3 "$TESTLIB/mirror.py" --slow "$NETNS_SOCKET" "$netns_tmp/slow.out" 120 &
SLOW=$!
netns_track "$SLOW"
netns_wait_for 5 "the slow watcher" test -e "$netns_tmp/slow.out.ready"
# candidate URLs come, one by one: the daemon publishes them in bursts, each line longer than
# the last, far more than a watcher may leave unread
i=1
while [ "$i" -le 1000 ] && ! netns_log_has "dropped 1 watch client"; do
        ip addr add "10.9.$((i / 250)).$((i % 250 + 1))/16" dev lan1
        i=$((i + 1))
done
netns_check_log "the daemon says it dropped the watcher that did not read" "dropped 1 watch client that did not read"
# now it reads, within the 5 s a dropped watcher has to make progress
touch "$netns_tmp/slow.out.go"
wait "$SLOW" || true
netns_untrack "$SLOW"
netns_check_text "the slow watcher's last line says it was dropped, and why" \
        "$(tail -n 1 "$netns_tmp/slow.out" | jq -c '[.event, .reason]')" '["dropped","too-slow"]'
# every publication of the storm changed 5173's URLs (and the interfaces): one line each
sleep 1
GEN_AFTER=$("$REACHCTL" json | jq .generation)
check_mirror "after the storm" "$((GEN_AFTER - GEN_BEFORE))"
netns_check_text "the mirror heard the daemon stop once, and was never dropped as too slow" \
        "$(jq -c .dropped "$STATE")" '["stopping"]'


netns_finish
