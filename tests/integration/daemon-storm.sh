#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An event storm that overflows the daemon's netlink buffer: while reachd is stopped
# (SIGSTOP), 20,000 addresses are added and 15,000 deleted and default routes come and go.
# Continued, it must notice the loss ("the kernel dropped network events"), re-read everything,
# and end with a view equal to `ip -j addr` / `ip -j route show default` (IPv4 and IPv6), while
# `reachctl url` keeps answering within a second. Then the same storm while it runs: it stays
# responsive in the middle and converges again. Its CPU time is printed, and bounded loosely.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8401
LAN4=192.168.50.10
URL=http://$LAN4:$P/
NDEV=32

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.50.1 dev lan0 onlink
netns_peer ip addr add 192.168.50.20/24 dev phone0
batch=$netns_tmp/links.batch
: >"$batch"
i=1
while [ "$i" -le "$NDEV" ]; do
        echo "link add vs$i type veth peer name vt$i" >>"$batch"
        echo "link set vs$i up" >>"$batch"
        echo "link set vt$i up" >>"$batch"
        i=$((i + 1))
done
ip -batch "$batch" || netns_die "cannot create $NDEV veth pairs"
netns_wait_operstate lan0 UP
netns_wait_operstate "vs$NDEV" UP
netns_wait_dad

# The storms, spread over NDEV devices (the kernel inserts an IPv4 address in O(addresses on
# the device)). IPv6 deletions are slow in the kernel (about 1 ms each): few of them.
python3 - "$netns_tmp" "$NDEV" <<'EOF'
import sys

tmp, ndev = sys.argv[1], int(sys.argv[2])
a4 = ["addr add 10.%d.%d.%d/32 dev vs%d" % (100 + i % ndev, i // 250, i % 250 + 1, i % ndev + 1)
      for i in range(16000)]
a6 = ["addr add 2001:db8:%x::%x/128 dev vs%d nodad" % (i % ndev + 1, i + 1, i % ndev + 1)
      for i in range(5000)]


def dels(adds):
    return [a.replace("addr add", "addr del", 1) for a in adds]


# 1: 20,000 adds, 15,000 deletes, defaults added on vs2 (IPv4) and vs3 (IPv6)
with open(tmp + "/storm1.batch", "w") as f:
    lines = a4 + a6[:4000] + dels(a4[:14000]) + dels(a6[:1000])
    lines += ["route add 0.0.0.0/0 dev vs2 metric 600", "route add ::/0 dev vs3 metric 600"]
    print("\n".join(lines), file=f)
# 2: 15,000 adds, 15,000 deletes, the defaults moved to vs4 and vs5
with open(tmp + "/storm2.batch", "w") as f:
    lines = a4[:14000] + a6[4000:] + dels(a4[2000:16000]) + dels(a6[1000:2000])
    lines += ["route del 0.0.0.0/0 dev vs2 metric 600", "route del ::/0 dev vs3 metric 600",
              "route add 0.0.0.0/0 dev vs4 metric 700", "route add ::/0 dev vs5 metric 700"]
    print("\n".join(lines), file=f)
EOF

# netns_ip_view, netns_reachd_view and the *_flags helpers (tests/lib/netns.sh) compare the views
# The flags we set or the kernel sets here, as ip names them; ip prints "dynamic" for an address
# without IFA_F_PERMANENT and nothing for one with it.
FLAGS='["secondary","nodad","tentative","deprecated","permanent","noprefixroute"]'

views_equal() {
        netns_ip_view >"$netns_tmp/ip.json"
        netns_ip_flags "$FLAGS" >"$netns_tmp/ipflags.json"
        netns_ip_default_devs >"$netns_tmp/ip-defaults.json"
        netns_daemon_json
        netns_reachd_view >"$netns_tmp/reachd.json"
        netns_reachd_flags "$FLAGS" >"$netns_tmp/reachdflags.json"
        netns_reachd_default_devs >"$netns_tmp/reachd-defaults.json"
        cmp -s "$netns_tmp/ip.json" "$netns_tmp/reachd.json" &&
                cmp -s "$netns_tmp/ipflags.json" "$netns_tmp/reachdflags.json" &&
                cmp -s "$netns_tmp/ip-defaults.json" "$netns_tmp/reachd-defaults.json"
}

# check_converges WHAT EXPECTED-ADDRESS-COUNT: within 10 s the daemon's view equals the kernel's
check_converges() {
        left=20
        while ! views_equal; do
                left=$((left - 1))
                [ "$left" -gt 0 ] || break
                sleep 0.5
        done
        n=$(jq '[.[].addresses[]] | length' "$netns_tmp/ip.json")
        [ "$n" -ge "$2" ] || netns_die "the storm left $n addresses, expected at least $2: it did not run as meant"
        netns_check_files_eq "$1: interfaces and addresses equal ip -j addr ($n addresses)" \
                "$netns_tmp/ip.json" "$netns_tmp/reachd.json"
        netns_check_files_eq "$1: address flags equal ip -j addr's" \
                "$netns_tmp/ipflags.json" "$netns_tmp/reachdflags.json"
        netns_check_text "$1: default_route marks the devices of ip -j route show default (IPv4, IPv6)" \
                "$(cat "$netns_tmp/reachd-defaults.json")" "$(cat "$netns_tmp/ip-defaults.json")"
        netns_check_server_eq "$P" "$1: the share URL is still the LAN one" '.share_url' "\"$URL\""
}

now_ms() {
        echo $(($(date +%s%N) / 1000000))
}

# check_url_fast WHAT: reachctl url answers the LAN URL within 1 s
check_url_fast() {
        t0=$(now_ms)
        netns_ctl url
        ms=$(($(now_ms) - t0))
        if [ "$NETNS_CTL_RC" = 0 ] && [ "$NETNS_CTL_OUT" = "$URL" ] && [ "$ms" -lt $((1000 * ${REACHD_TEST_SLOWDOWN:-1})) ]; then
                netns_ok "$1 (${ms} ms)"
        else
                netns_not_ok "$1" "$(netns_ctl_detail url 0; printf '\nexpected %s within 1000 ms; took %s ms' "$URL" "$ms")"
        fi
}

# utime + stime of the daemon, in clock ticks (the command name may hold spaces: skip past it)
cpu_ticks() {
        sed 's/.*) //' "/proc/$REACHD_PID/stat" | awk '{ print $12 + $13 }'
}

netns_http "$P" 0.0.0.0
netns_daemon_start
netns_check_ctl_soon "before the storm: the LAN URL" 2 0 "$URL" url
cpu0=$(cpu_ticks)

echo "## storm 1: 35,000 address changes while reachd is stopped"
kill -STOP "$REACHD_PID"
t0=$(now_ms)
ip -batch "$netns_tmp/storm1.batch" || netns_die "the first storm's ip -batch failed"
echo "# ip -batch took $(($(now_ms) - t0)) ms"
kill -CONT "$REACHD_PID"
check_url_fast "right after SIGCONT: reachctl url answers within 1 s"
netns_check_log "the daemon noticed the overflow" "the kernel dropped network events"
check_converges "after storm 1" 5000
cp "$netns_tmp/ip.json" "$netns_tmp/ip-storm1.json"
check_url_fast "after storm 1: reachctl url answers within 1 s"

echo "## storm 2: 30,000 changes while reachd runs"
dropped_before=$(grep -cF "the kernel dropped network events" "$netns_daemon_log" || true)
ip -batch "$netns_tmp/storm2.batch" >"$netns_tmp/storm2.log" 2>&1 &
STORM=$!
netns_track "$STORM"
sleep 0.3
kill -0 "$STORM" 2>/dev/null || netns_die "the second storm ended before the daemon could be asked in its middle"
n=0
while kill -0 "$STORM" 2>/dev/null && [ "$n" -lt 5 ]; do
        n=$((n + 1))
        check_url_fast "in the middle of storm 2 (query $n): reachctl url answers within 1 s"
        sleep 0.2
done
storm_rc=0
wait "$STORM" || storm_rc=$?
netns_untrack "$STORM"
[ "$storm_rc" = 0 ] || netns_die "the second storm's ip -batch failed: $(cat "$netns_tmp/storm2.log")"
check_converges "after storm 2" 5000
! cmp -s "$netns_tmp/ip.json" "$netns_tmp/ip-storm1.json" || netns_die "storm 2 left the addresses as storm 1 did: it did not run as meant"
check_url_fast "after storm 2: reachctl url answers within 1 s"
dropped_after=$(grep -cF "the kernel dropped network events" "$netns_daemon_log" || true)
echo "# log lines about dropped events: $dropped_before before storm 2, $dropped_after after"

cpu1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
cpu_ms=$(((cpu1 - cpu0) * 1000 / hz))
echo "# reachd's CPU time for both storms (65,000 address changes): $cpu_ms ms"
if [ "$cpu_ms" -lt 30000 ]; then
        netns_ok "reachd's CPU time for both storms is bounded: $cpu_ms ms < 30 s"
else
        netns_not_ok "reachd's CPU time for both storms is bounded" "$cpu_ms ms of CPU"
fi
if kill -0 "$REACHD_PID" 2>/dev/null; then
        netns_ok "reachd is still running"
else
        netns_not_ok "reachd is still running" "$(tail -n 20 "$netns_daemon_log")"
fi

netns_finish
