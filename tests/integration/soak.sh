#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak: for SOAK_SECONDS (10 in `make check`, 300 with `make soak`) addresses, links and routes
# flap in a namespace as fast as one `ip -batch` can make them (IPv4 and IPv6 addresses, default
# and other routes, links down and up, a link created and deleted, a link renamed), while clients
# ask `url` and `json` in a loop and two `watch` clients stream. Then:
# * the daemon's RSS stayed flat after a warm-up: the growth is printed and bounded (2 MiB; not
#   bounded in an AddressSanitizer build, whose quarantine keeps freed memory on purpose); in a
#   run of two minutes or more, the RSS at the end (VmRSS, and RssAnon: the heap, where a leak
#   shows) is at most 64 KiB above the RSS after the first minute;
# * every query was answered, with the LAN URL (its default route has the lowest metric all along);
# * its final view equals `ip -j addr` and the devices of `ip -j route show default`;
# * both watchers are still connected and their last line for the port equals the final view.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl

DURATION=${SOAK_SECONDS:-10}
case $DURATION in
''|*[!0-9]*) netns_die "SOAK_SECONDS must be a whole number of seconds, not '$DURATION'" ;;
esac
[ "$DURATION" -ge 5 ] || netns_die "SOAK_SECONDS must be at least 5"
# the warm-up: the state's arrays and the allocator's arenas reach their working size
WARMUP=$((DURATION * 3 / 10))
[ "$WARMUP" -ge 3 ] || WARMUP=3
RSS_GROWTH_MAX_KIB=2048
RSS_END_MAX_KIB=64
P=8601
LAN4=192.168.60.10
URL=http://$LAN4:$P/
NFLAP=4
STOP=$netns_tmp/stop

netns_peer_new
netns_veth_peer lan0 phone0
ip addr add "$LAN4/24" dev lan0
ip route add default via 192.168.60.1 dev lan0 onlink metric 100
netns_peer ip addr add 192.168.60.20/24 dev phone0
i=1
while [ "$i" -le "$NFLAP" ]; do
        ip link add "fa$i" type veth peer name "fb$i"
        ip link set "fa$i" up
        ip link set "fb$i" up
        i=$((i + 1))
done
ip link add fr0 type veth peer name fq0
ip link set fr0 up
ip link set fq0 up
netns_wait_operstate lan0 UP
netns_wait_operstate "fa$NFLAP" UP
netns_http "$P" 0.0.0.0

now_ms() {
        echo $(($(date +%s%N) / 1000000))
}

cpu_ticks() {
        sed 's/.*) //' "/proc/$REACHD_PID/stat" | awk '{ print $12 + $13 }'
}

# rss_kib: "VmRSS RssAnon" in KiB
rss_kib() {
        awk '$1 == "VmRSS:" { t = $2 } $1 == "RssAnon:" { a = $2 } END { print t, a }' "/proc/$REACHD_PID/status"
}

netns_daemon_start
netns_check_ctl_soon "before: reachctl url answers the LAN URL" 2 0 "$URL" url "$P"
netns_daemon_json
gen0=$(jq .generation "$netns_json")
W1=$netns_tmp/watch-all.ndjson
W2=$netns_tmp/watch-port.ndjson
netns_watch_start "$W1"
W1_PID=$NETNS_WATCH_PID
netns_watch_start "$W2" "$P"
W2_PID=$NETNS_WATCH_PID
netns_wait_lines "$W1" 1
netns_wait_lines "$W2" 1

# The flapper: one `ip -batch -` fed round after round until the time is up. Each round replaces
# the addresses of the last one on fa1..faN, moves a default route (IPv4 and IPv6, always a
# higher metric than lan0's) and a plain route to the next faK, takes one faK down and up,
# creates or deletes fc0, and renames fr0 <-> fs0. -force: IPv4 routes vanish on their own
# when their link goes down, so some deletions fail, on purpose.
cat >"$netns_tmp/flap.py" <<'EOF'
import subprocess, sys, time

seconds, nflap, err = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
errors = open(err, "w")

# ip -batch ends on some errors even with -force (iproute2 exit()s on a few argument errors):
# a new one takes over, and the restarts are counted
def start_ip():
    return subprocess.Popen(["ip", "-force", "-batch", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=errors, text=True)

ip = start_ip()
restarts = 0
deadline = time.monotonic() + seconds
rounds = ops = 0
last = []
churn = False
names = ("fr0", "fs0")
while time.monotonic() < deadline:
    cmds = [c.replace(" add ", " del ", 1) for c in last]
    last = []
    x = rounds % 200 + 1
    for i in range(1, nflap + 1):
        last.append("addr add 10.60.%d.%d/24 dev fa%d" % (i, x, i))
        last.append("addr add 2001:db8:60:%d::%x/64 dev fa%d nodad" % (i, x, i))
    k = rounds % nflap + 1
    last.append("route add default via 10.60.%d.254 dev fa%d metric %d onlink" % (k, k, 1000 + k))
    last.append("route add ::/0 via 2001:db8:60:%d::fe dev fa%d metric %d onlink" % (k, k, 1000 + k))
    last.append("route add 10.200.%d.0/24 via 10.60.%d.254 dev fa%d onlink" % (k, k, k))
    cmds += last
    j = (rounds + 1) % nflap + 1
    cmds += ["link set fa%d down" % j, "link set fa%d up" % j]
    if churn:
        cmds.append("link del fc0")
    else:
        cmds += ["link add fc0 type veth peer name fd0", "link set fc0 up",
                 "addr add 10.61.0.1/24 dev fc0"]
    churn = not churn
    old, new = names[rounds % 2], names[(rounds + 1) % 2]
    cmds += ["link set %s down" % old, "link set %s name %s" % (old, new), "link set %s up" % new]
    try:
        ip.stdin.write("\n".join(cmds) + "\n")
        ip.stdin.flush()
    except BrokenPipeError:
        ip.wait()
        ip = start_ip()
        restarts += 1
    rounds += 1
    ops += len(cmds)
    time.sleep(0.002)
ip.stdin.close()
ip.wait()
print(rounds, ops, restarts)
EOF

# query_loop KIND FILE: `reachctl url PORT` or `reachctl json` until $STOP exists; one line per
# query in FILE: "exit-status milliseconds ok|bad"
query_loop() {
        q_n=0
        while [ ! -e "$STOP" ]; do
                q_n=$((q_n + 1))
                q_out=$netns_tmp/q-$1.out
                q_t0=$(now_ms)
                q_rc=0
                case $1 in
                url)
                        "$REACHCTL" url "$P" >"$q_out" 2>&1 || q_rc=$?
                        q_ms=$(($(now_ms) - q_t0))
                        if [ "$q_rc" = 0 ] && [ "$(cat "$q_out")" = "$URL" ]; then q_ok=ok; else q_ok=bad; fi
                        ;;
                json)
                        "$REACHCTL" json >"$q_out" 2>&1 || q_rc=$?
                        q_ms=$(($(now_ms) - q_t0))
                        if [ "$q_rc" = 0 ] && jq -e --argjson p "$P" --arg u "$URL" \
                                '[.servers[] | select(.port == $p) | .share_url] == [$u]' "$q_out" >/dev/null 2>&1; then
                                q_ok=ok
                        else
                                q_ok=bad
                        fi
                        ;;
                esac
                echo "$q_rc $q_ms $q_ok" >>"$2"
                if [ "$q_ok" = bad ] && [ ! -e "$2.first-bad" ]; then
                        cp "$q_out" "$2.first-bad"
                fi
        done
}

rss_loop() {
        while [ ! -e "$STOP" ]; do
                echo "$(now_ms) $(rss_kib)" >>"$1"
                sleep 0.5
        done
}

echo "## flapping for $DURATION s (warm-up $WARMUP s)"
rm -f "$STOP"
cpu0=$(cpu_ticks)
t_start=$(now_ms)
python3 "$netns_tmp/flap.py" "$DURATION" "$NFLAP" "$netns_tmp/flap.err" >"$netns_tmp/flap.out" &
FLAP=$!
netns_track "$FLAP"
query_loop url "$netns_tmp/q-url" &
QU=$!
netns_track "$QU"
query_loop json "$netns_tmp/q-json" &
QJ=$!
netns_track "$QJ"
rss_loop "$netns_tmp/rss" &
RS=$!
netns_track "$RS"
flap_rc=0
wait "$FLAP" || flap_rc=$?
netns_untrack "$FLAP"
touch "$STOP"
for p in $QU $QJ $RS; do
        wait "$p" || true
        netns_untrack "$p"
done
ip link show lan0 >/dev/null 2>&1 || netns_die "lan0 is gone: the peer's namespace did not last the soak"
[ "$flap_rc" = 0 ] || netns_die "the flapper failed ($flap_rc): $(tail -n 5 "$netns_tmp/flap.err")"
cpu1=$(cpu_ticks)
read -r rounds ops restarts <"$netns_tmp/flap.out"
[ "$rounds" -ge $((DURATION * 5)) ] || netns_die "only $rounds flapping rounds in $DURATION s: the soak did not run as meant"

echo "## the queries"
for kind in url json; do
        f=$netns_tmp/q-$kind
        total=$(wc -l <"$f" | tr -d ' ')
        bad=$(grep -c ' bad$' "$f" || true)
        max=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$f")
        p99=$(awk '{ print $2 }' "$f" | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print a[i] }')
        echo "# $kind: $total queries, $bad not answered as expected, latency p99 $p99 ms, max $max ms"
        if [ "$total" -ge "$DURATION" ]; then
                netns_ok "$kind: $total queries during the soak"
        else
                netns_not_ok "$kind: at least one query a second during the soak" "only $total"
        fi
        if [ "$bad" = 0 ]; then
                netns_ok "$kind: every query answered with $URL"
        else
                netns_not_ok "$kind: every query answered with $URL" \
                        "$bad of $total were not; the first:
$(head -c 2000 "$f.first-bad")
$(grep -m 3 ' bad$' "$f")"
        fi
done

echo "## the memory"
# check_end WHAT KIB-AFTER-A-MINUTE KIB-AT-THE-END
check_end() {
        if [ $(($3 - $2)) -le "$RSS_END_MAX_KIB" ]; then
                netns_ok "$1 at the end within $RSS_END_MAX_KIB KiB of the first minute: $2 -> $3 KiB ($(($3 - $2)))"
        else
                netns_not_ok "$1 at the end within $RSS_END_MAX_KIB KiB of the first minute" "$2 -> $3 KiB: $(tr '\n' ' ' <"$netns_tmp/rss" | tail -c 3000)"
        fi
}
t_warm=$((t_start + WARMUP * 1000))
rss_base=$(awk -v t="$t_warm" '$1 >= t { print $2; exit }' "$netns_tmp/rss")
rss_max=$(awk -v t="$t_warm" 'BEGIN { m = 0 } $1 >= t && $2 > m { m = $2 } END { print m }' "$netns_tmp/rss")
rss_first=$(awk 'NR == 1 { print $2 }' "$netns_tmp/rss")
rss_last=$(awk 'END { print $2 }' "$netns_tmp/rss")
anon_last=$(awk 'END { print $3 }' "$netns_tmp/rss")
rss_minute=$(awk -v t="$((t_start + 60000))" '$1 >= t { print $2; exit }' "$netns_tmp/rss")
anon_minute=$(awk -v t="$((t_start + 60000))" '$1 >= t { print $3; exit }' "$netns_tmp/rss")
[ -n "$rss_base" ] || netns_die "no RSS sample after the warm-up"
growth=$((rss_max - rss_base))
hz=$(getconf CLK_TCK)
cpu_ms=$(((cpu1 - cpu0) * 1000 / hz))
echo "# $rounds rounds, $ops ip commands in $DURATION s ($restarts restarts of ip -batch); reachd used $cpu_ms ms of CPU"
echo "# RSS (KiB): $rss_first at the start, ${rss_minute:-?} after the first minute, $rss_base after the warm-up, at most $rss_max after it, $rss_last at the end; growth after the warm-up $growth KiB"
asan=no
if grep -q -a __asan_init "$REACHD" 2>/dev/null; then
        asan=yes
fi
if [ "$asan" = yes ]; then
        echo "# RSS growth not bounded: an AddressSanitizer build (its quarantine keeps freed memory)"
elif [ "$growth" -lt "$RSS_GROWTH_MAX_KIB" ]; then
        netns_ok "RSS flat after the warm-up: +$growth KiB (< $RSS_GROWTH_MAX_KIB KiB)"
else
        netns_not_ok "RSS flat after the warm-up" "grew by $growth KiB (bound $RSS_GROWTH_MAX_KIB KiB): $(tr '\n' ' ' <"$netns_tmp/rss")"
fi
if [ "$DURATION" -lt 120 ] || [ -z "$rss_minute" ]; then
        echo "# the end against the first minute: compared in runs of two minutes or more"
elif [ "$asan" = yes ]; then
        echo "# the end against the first minute: not compared in an AddressSanitizer build"
else
        echo "# RssAnon (KiB): $anon_minute after the first minute, $anon_last at the end"
        check_end VmRSS "$rss_minute" "$rss_last"
        check_end RssAnon "$anon_minute" "$anon_last"
fi

echo "## the final view"
views_equal() {
        netns_ip_view >"$netns_tmp/ip.json"
        netns_ip_default_devs >"$netns_tmp/ip-defaults.json"
        netns_daemon_json
        netns_reachd_view >"$netns_tmp/reachd.json"
        netns_reachd_default_devs >"$netns_tmp/reachd-defaults.json"
        cmp -s "$netns_tmp/ip.json" "$netns_tmp/reachd.json" &&
                cmp -s "$netns_tmp/ip-defaults.json" "$netns_tmp/reachd-defaults.json"
}

# IPv6 addresses on a link that went down and up may still be in DAD when the flapping stops
netns_wait_dad
left=40
while ! views_equal; do
        left=$((left - 1))
        [ "$left" -gt 0 ] || break
        sleep 0.25
done
n=$(jq '[.[].addresses[]] | length' "$netns_tmp/ip.json")
netns_check_files_eq "interfaces and addresses equal ip -j addr ($n addresses)" "$netns_tmp/ip.json" "$netns_tmp/reachd.json"
netns_check_text "default_route marks the devices of ip -j route show default" \
        "$(cat "$netns_tmp/reachd-defaults.json")" "$(cat "$netns_tmp/ip-defaults.json")"
netns_check_server_eq "$P" "the share URL is the LAN one" '.share_url' "\"$URL\""
gen1=$(jq .generation "$netns_json")
echo "# generation $gen0 before, $gen1 after"
if [ "$gen1" -ge $((gen0 + DURATION)) ]; then
        netns_ok "the view changed all along: generation $gen0 -> $gen1"
else
        netns_not_ok "the view changed all along (at least one generation a second)" "generation $gen0 -> $gen1"
fi

echo "## the watchers"
jq -c --argjson p "$P" '.servers[] | select(.port == $p)' "$netns_json" >"$netns_tmp/final-server.json"
# watch_tail_equal FILE: the last line of FILE for the port, without the fields of the change
# ("event", "generation", "boot_id", "changed", "previous_…"), equals the view
watch_tail_equal() {
        jq -c --argjson p "$P" 'select(.port == $p) | del(.event, .generation, .boot_id, .changed, .previous_share_url, .previous_problem)' "$1" |
                tail -n 1 >"$1.last"
        cmp -s "$1.last" "$netns_tmp/final-server.json"
}
for w in "$W1:$W1_PID:watch" "$W2:$W2_PID:watch $P"; do
        file=${w%%:*}
        rest=${w#*:}
        pid=${rest%%:*}
        what=${rest#*:}
        if kill -0 "$pid" 2>/dev/null; then
                netns_ok "$what: still connected ($(netns_lines "$file") lines)"
        else
                netns_not_ok "$what: still connected" "$(cat "$file.err")"
        fi
        if jq -e -s 'all(.[]; type == "object" and (.event | type == "string"))' "$file" >/dev/null 2>&1; then
                netns_ok "$what: every line is a JSON server object with an event"
        else
                netns_not_ok "$what: every line is a JSON server object with an event" "$(grep -v '^{' "$file" | head -n 3)"
        fi
        left=40
        while ! watch_tail_equal "$file" && [ "$left" -gt 0 ]; do
                left=$((left - 1))
                sleep 0.05
        done
        if watch_tail_equal "$file"; then
                netns_ok "$what: the last line for $P equals the final view"
        else
                netns_not_ok "$what: the last line for $P equals the final view" \
                        "$(printf 'last line: %s\nthe view: %s' "$(head -c 1500 "$file.last")" "$(head -c 1500 "$netns_tmp/final-server.json")")"
        fi
done
if kill -0 "$REACHD_PID" 2>/dev/null; then
        netns_ok "reachd is still running"
else
        netns_not_ok "reachd is still running" "$(tail -n 20 "$netns_daemon_log")"
fi
# in a sanitizer build a leak found at exit makes the exit status non-zero
netns_daemon_stop TERM
netns_check_text "SIGTERM: reachd exits with status 0" "$NETNS_DAEMON_RC" 0
echo "# soak: $DURATION s, $rounds rounds, $ops ip commands; $(wc -l <"$netns_tmp/q-url" | tr -d ' ') url and $(wc -l <"$netns_tmp/q-json" | tr -d ' ') json queries; RSS $rss_base -> max $rss_max KiB (+$growth), ${rss_minute:-?} after a minute -> $rss_last at the end (RssAnon ${anon_minute:-?} -> $anon_last); CPU $cpu_ms ms"

netns_finish
