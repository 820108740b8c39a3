#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# STATUS= is for a person reading `systemctl status` (DESIGN.md §4): the first change is sent at
# once, and when the share URL changes faster than once a second, STATUS= follows at most once a
# second and ends on the latest view, while `watch` and the log still tell every change.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl

P=8601
A4=192.168.60.10
B4=192.168.61.10
NOTIFY=$netns_tmp/notify.sock
STATUS_LOG=$netns_tmp/notify.log
FLIPS=30

netns_peer_new
netns_veth_peer lan0 phone0
netns_veth_peer lan1 phone1
ip addr add "$A4/24" dev lan0
ip addr add "$B4/24" dev lan1
ip route add default via 192.168.60.1 dev lan0 onlink
netns_wait_operstate lan0 UP
netns_wait_operstate lan1 UP
netns_http "$P" 0.0.0.0

netns_notify_reader "$NOTIFY" "$STATUS_LOG"

last_status() {
        grep ' STATUS=' "$STATUS_LOG" | tail -n 1 | cut -d' ' -f2-
}

status_is() {
        [ "$(last_status)" = "$1" ]
}

NOTIFY_SOCKET=$NOTIFY netns_daemon_start --settle 0
netns_wait_for 5 "READY=1" grep -q ' READY=1$' "$STATUS_LOG"
netns_wait_for 5 "the first STATUS=" status_is "STATUS=Sharing http://$A4:$P/ on lan0"
netns_ok "the first STATUS= shares http://$A4:$P/ on lan0"
W=$netns_tmp/watch.ndjson
netns_watch_start "$W" "$P"
netns_wait_lines "$W" 1

# the default route flips between the links, FLIPS times in about 1.5 s, and ends on lan1
sleep 1.1
t0=$(($(date +%s%N) / 1000000))
n0=$(grep -c ' STATUS=' "$STATUS_LOG")
i=1
while [ "$i" -le "$FLIPS" ]; do
        if [ $((i % 2)) = 1 ]; then
                ip route replace default via 192.168.61.1 dev lan1 onlink
        else
                ip route replace default via 192.168.60.1 dev lan0 onlink
        fi
        sleep 0.05
        i=$((i + 1))
done
[ $((FLIPS % 2)) = 0 ] && ip route replace default via 192.168.61.1 dev lan1 onlink
t1=$(($(date +%s%N) / 1000000))
netns_wait_for 3 "STATUS= to end on lan1" status_is "STATUS=Sharing http://$B4:$P/ on lan1"
netns_ok "STATUS= ends on the latest view: Sharing http://$B4:$P/ on lan1"

sleep 1.2
sent=$(($(grep -c ' STATUS=' "$STATUS_LOG") - n0))
seconds=$((($(date +%s%N) / 1000000 - t0 + 999) / 1000))
changes=$(grep -c '"changed"' "$W" || true)
echo "# $FLIPS flips in $((t1 - t0)) ms: $changes watch lines, $sent STATUS= in $seconds s"
if [ "$changes" -ge "$FLIPS" ]; then
        netns_ok "watch tells every flip ($changes lines)"
else
        netns_not_ok "watch tells every flip" "$changes lines for $FLIPS flips"
fi
if [ "$sent" -ge 1 ] && [ "$sent" -le "$seconds" ]; then
        netns_ok "STATUS= at most once a second: $sent in $seconds s"
else
        netns_not_ok "STATUS= at most once a second" "$sent in $seconds s: $(tail -n "$sent" "$STATUS_LOG")"
fi
# from the last STATUS= before the burst; 100 ms of the timer's accuracy and the scheduler's
gap=$(grep ' STATUS=' "$STATUS_LOG" | tail -n +"$n0" | awk '{ if (NR > 1) { d = $1 - p; if (NR == 2 || d < m) m = d } p = $1 } END { print (NR > 1 ? m : -1) }')
if [ "$gap" -ge 900 ]; then
        netns_ok "STATUS= lines of the burst at least 0.9 s apart (shortest gap: $gap ms)"
else
        netns_not_ok "STATUS= lines of the burst at least 0.9 s apart" "shortest gap: $gap ms: $(tail -n "$((sent + 1))" "$STATUS_LOG")"
fi

# quiet again: the next change is sent at once
ip route replace default via 192.168.60.1 dev lan0 onlink
netns_wait_for 2 "STATUS= at once after a quiet second" status_is "STATUS=Sharing http://$A4:$P/ on lan0"
netns_ok "after a quiet second, STATUS= follows the next change at once"

netns_finish
