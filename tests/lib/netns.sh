# SPDX-License-Identifier: GPL-2.0-or-later
# Harness of the integration tests, sourced by tests/integration/*.sh (POSIX sh: dash and bash).
#
# A test starts with
#         . "$TESTLIB/netns.sh"
#         netns_enter "$0" "$@"
# which re-executes the script inside a private network and mount namespace of its own, so nothing
# the test does can reach the host's interfaces, addresses or routes. The LAN peer (a colleague's
# laptop, a phone) is a sleeping process in one more network namespace, entered with nsenter, so
# no named namespace is left behind in /run/netns.
#
# Environment: REACHD (the daemon binary, required), REACHCTL (the client, required by the tests
# of the live daemon: netns_daemon_start), TESTLIB (this directory),
# REACHD_REQUIRE_NETNS=1 turns every "cannot run here" skip (exit 77) into a failure (exit 1),
# REACHD_TEST_TRACE=1 traces the test (set -x) once inside its namespace.

netns_nfail=0
netns_nchecks=0
netns_pids=
netns_tmp=
netns_json=
netns_json_shown=0
netns_json_what=
netns_nonce=0
PEER=

netns_skip() {
        if [ "${REACHD_REQUIRE_NETNS:-0}" = 1 ]; then
                echo "FAIL: $* (REACHD_REQUIRE_NETNS=1: skipping is not allowed)" >&2
                exit 1
        fi
        echo "SKIP: $*" >&2
        exit 77
}

# The test could not even set up what it wanted to check: stop now.
netns_die() {
        echo "FAIL (setup): $*" >&2
        exit 1
}

netns_track() {
        netns_pids="$netns_pids $1"
}

# For a process the test has reaped itself: its pid may be reused, cleanup must not kill it.
netns_untrack() {
        netns_ut_left=
        for p in $netns_pids; do
                [ "$p" = "$1" ] || netns_ut_left="$netns_ut_left $p"
        done
        netns_pids=$netns_ut_left
}

netns_cleanup() {
        for p in $netns_pids; do
                # continue a stopped process (kill -STOP in a test) first: a SIGCONT after the
                # SIGTERM could discard the SIGSTOP LeakSanitizer uses while the daemon exits
                kill -CONT "$p" 2>/dev/null || true
                kill "$p" 2>/dev/null || true
        done
        for p in $netns_pids; do
                wait "$p" 2>/dev/null || true
        done
        netns_pids=
        if [ -n "$netns_tmp" ]; then
                rm -rf "$netns_tmp"
        fi
}

netns_current() {
        readlink /proc/self/ns/net
}

netns_enter() {
        netns_script=$1
        shift

        [ -n "${REACHD:-}" ] || netns_die "REACHD is not set (run through 'make check' or set REACHD=path/to/reachd)"
        [ -x "$REACHD" ] || netns_die "REACHD=$REACHD is not an executable file"
        for t in ip ss jq curl python3 unshare nsenter mount; do
                command -v "$t" >/dev/null 2>&1 || netns_skip "$t is not installed"
        done

        case "${1:-}" in
        --netns-inside=*)
                # An argument, not an environment variable: it cannot leak into another test run
                # and make it believe it is already isolated.
                netns_parent=${1#--netns-inside=}
                shift
                [ "$(netns_current)" != "$netns_parent" ] ||
                        netns_die "re-executed, but still in the parent network namespace"
                netns_setup
                return 0
                ;;
        esac

        if [ "$(id -u)" = 0 ] && unshare -mn --propagation private true 2>/dev/null; then
                netns_how="unshare -mn --propagation private"
        elif unshare -rmn --propagation private true 2>/dev/null; then
                netns_how="unshare -rmn --propagation private"
        else
                netns_skip "cannot create a private network namespace (neither unshare -mn as root nor unshare -rmn)"
        fi
        # $netns_how is split on purpose
        exec $netns_how "${BASH:-/bin/sh}" "$netns_script" "--netns-inside=$(netns_current)" "$@"
}

netns_setup() {
        if [ "${REACHD_TEST_TRACE:-0}" = 1 ]; then
                set -x
        fi
        trap netns_cleanup EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        trap 'exit 129' HUP
        trap 'exit 141' PIPE
        # sysfs shows the network namespace of whoever mounted it: remount it so that
        # /sys/class/net (which the daemon may read) describes this namespace, not the host's.
        mount -t sysfs sysfs /sys 2>/dev/null || true
        netns_tmp=$(mktemp -d "${TMPDIR:-/tmp}/reachd-test.XXXXXX") || netns_die "mktemp failed"
        mkdir "$netns_tmp/www"
        # python's http.server looks its bind address up in DNS (socket.getfqdn); in here that
        # would wait for a resolver that cannot answer. Point the resolver at our own loopback,
        # where nothing listens, so the lookup fails at once and no query leaves the namespace.
        printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$netns_tmp/resolv.conf"
        if [ -e /etc/resolv.conf ]; then
                mount --bind "$netns_tmp/resolv.conf" /etc/resolv.conf 2>/dev/null || true
        fi
        echo "hello from reachd's test server" >"$netns_tmp/www/index.html"
        ip link set lo up || netns_die "cannot bring lo up"
}

# ---- waiting ----

# netns_wait_for SECONDS WHAT COMMAND...: poll COMMAND every 0.1 s; die with WHAT on timeout.
netns_wait_for() {
        netns_w_left=$(($1 * 10))
        netns_w_what=$2
        shift 2
        while ! "$@" >/dev/null 2>&1; do
                netns_w_left=$((netns_w_left - 1))
                [ "$netns_w_left" -gt 0 ] || netns_die "timed out waiting for $netns_w_what"
                sleep 0.1
        done
}

netns_is_listening() {
        [ -n "$(ss -Htln "sport = :$1")" ]
}

netns_wait_listen() {
        netns_wait_for 10 "a TCP listener on port $1 (ss -tln)" netns_is_listening "$1"
}

netns_has_operstate() {
        [ "$(ip -j link show dev "$1" | jq -r '.[0].operstate')" = "$2" ]
}

# netns_wait_operstate IFNAME STATE (as ip -j prints it: UP, DOWN, LOWERLAYERDOWN…)
netns_wait_operstate() {
        netns_wait_for 10 "operstate $2 on $1" netns_has_operstate "$1" "$2"
}

netns_lacks_carrier() {
        ip -j link show dev "$1" | jq -e '.[0].flags | index(["LOWER_UP"]) == null'
}

# A veth whose peer went down is LOWERLAYERDOWN only when that peer is in the same namespace:
# the kernel looks the iflink up in the veth's own namespace and says DOWN when it is not there.
netns_wait_no_carrier() {
        netns_wait_for 10 "carrier loss on $1" netns_lacks_carrier "$1"
}

# True when no up interface (or only IFNAME's, when given) has an IPv6 address in DAD.
netns_dad_settled() {
        if [ -n "${1:-}" ]; then
                ip -j addr show dev "$1" |
                        jq -e '[.[].addr_info[] | select(.tentative)] | length == 0'
        else
                ip -j addr show |
                        jq -e '[.[] | select(.operstate == "UP") | .addr_info[] | select(.tentative)] | length == 0'
        fi
}

netns_wait_dad() {
        netns_wait_for 15 "IPv6 duplicate address detection to finish${1:+ on $1}" netns_dad_settled "${1:-}"
}

# ---- the LAN peer ----

# Starts the peer namespace; its pid is in $PEER.
# The namespaces' holders sleep until the test's cleanup kills them: a holder that ran out of
# time would take the namespace and every veth into it with it (a one-hour soak lost its LAN so).
netns_peer_new() {
        unshare -n sleep infinity &
        PEER=$!
        netns_track "$PEER"
        netns_wait_for 5 "the peer network namespace" netns_peer_ready
        netns_peer ip link set lo up
}

netns_peer_ready() {
        netns_pr=$(readlink "/proc/$PEER/ns/net") || return 1
        [ "$netns_pr" != "$(netns_current)" ]
}

netns_peer() {
        nsenter -t "$PEER" -n "$@"
}

# netns_ns_new: one more namespace beside the peer's (a second LAN: the new Wi-Fi); its pid, for
# netns_in and netns_veth_to, is in $NETNS_LAST_PID.
netns_ns_new() {
        unshare -n sleep infinity &
        netns_nn_pid=$!
        netns_track "$netns_nn_pid"
        netns_wait_for 5 "a new network namespace" netns_ns_ready "$netns_nn_pid"
        netns_in "$netns_nn_pid" ip link set lo up
        NETNS_LAST_PID=$netns_nn_pid
}

netns_ns_ready() {
        netns_nr=$(readlink "/proc/$1/ns/net") || return 1
        [ "$netns_nr" != "$(netns_current)" ]
}

# netns_in PID COMMAND...: runs COMMAND in the network namespace of PID.
netns_in() {
        netns_in_pid=$1
        shift
        nsenter -t "$netns_in_pid" -n "$@"
}

# netns_veth_to PID LOCAL REMOTE: a veth pair, LOCAL here, REMOTE in the namespace of PID, both up.
netns_veth_to() {
        ip link add "$2" type veth peer name "$3" netns "$1" || netns_die "cannot create veth $2/$3"
        ip link set "$2" up
        netns_in "$1" ip link set "$3" up
}

# netns_veth_peer LOCAL REMOTE: a veth pair, LOCAL here, REMOTE in the peer namespace, both up.
netns_veth_peer() {
        ip link add "$1" type veth peer name "$2" netns "$PEER" || netns_die "cannot create veth $1/$2"
        ip link set "$1" up
        netns_peer ip link set "$2" up
}

# netns_ether_to PID LOCAL REMOTE: like netns_veth_to, but LOCAL is an Ethernet device (a macvlan on
# a veth named LOCAL-l), as a laptop's LAN interface is; a plain veth without the default route is
# a container's link, which no colleague reaches. REMOTE's carrier is LOCAL's.
netns_ether_to() {
        ip link add "$2-l" type veth peer name "$3" netns "$1" || netns_die "cannot create veth $2-l/$3"
        # the lower device carries frames, and no address of its own
        sysctl -q -w "net.ipv6.conf.$2-l.disable_ipv6=1"
        ip link set "$2-l" up
        ip link add "$2" link "$2-l" type macvlan mode bridge || netns_die "cannot create macvlan $2"
        ip link set "$2" up
        netns_in "$1" ip link set "$3" up
}

# netns_ether_peer LOCAL REMOTE: netns_ether_to the peer namespace.
netns_ether_peer() {
        netns_ether_to "$PEER" "$1" "$2"
}

# netns_radvd IFACE PREFIX: a real radvd in the peer namespace, advertising PREFIX (SLAAC) on the
# peer's IFACE every 3 to 4 s, as a home router does.
netns_radvd() {
        cat >"$netns_tmp/radvd.conf" <<EOF
interface $1 {
        AdvSendAdvert on;
        MinRtrAdvInterval 3;
        MaxRtrAdvInterval 4;
        prefix $2 { AdvOnLink on; AdvAutonomous on; };
};
EOF
        # exec: the tracked pid must be radvd's own, or cleanup kills a shell and leaves radvd
        # running after the test
        (exec nsenter -t "$PEER" -n radvd -n -C "$netns_tmp/radvd.conf" -p "$netns_tmp/radvd.pid" \
                -m logfile -l "$netns_tmp/radvd.log") &
        netns_track $!
}

netns_slaac_done() {
        ip -6 -j addr show dev "$1" scope global | jq -e '[.[].addr_info[] | select(.tentative | not)] |
                (map(select(.temporary)) | length > 0) and (map(select(.temporary | not)) | length > 0)' >/dev/null
}

# netns_wait_slaac IFACE: until IFACE has a stable and a temporary global address, both past DAD;
# they are then in $NETNS_SLAAC_STABLE and $NETNS_SLAAC_TEMP.
netns_wait_slaac() {
        netns_wait_for 20 "SLAAC addresses on $1, past DAD" netns_slaac_done "$1"
        NETNS_SLAAC_STABLE=$(ip -6 -j addr show dev "$1" scope global |
                jq -r '[.[].addr_info[] | select(.temporary | not) | .local][0]')
        NETNS_SLAAC_TEMP=$(ip -6 -j addr show dev "$1" scope global |
                jq -r '[.[].addr_info[] | select(.temporary) | .local][0]')
}

# netns_lan4 ADDRESS: this machine on an IPv4 LAN: lan0 (Ethernet, ADDRESS/24, the default route
# via .1) and the peer's phone0 (.20 of the same /24), up.
netns_lan4() {
        netns_peer_new
        netns_ether_peer lan0 phone0
        ip addr add "$1/24" dev lan0
        ip route add default via "${1%.*}.1" dev lan0 onlink
        netns_peer ip addr add "${1%.*}.20/24" dev phone0
        netns_wait_operstate lan0 UP
}

# netns_notify_reader SOCKET LOG: a service manager's notify socket at SOCKET (for
# NOTIFY_SOCKET=SOCKET), its datagrams one a line in LOG: "MONOTONIC-MS TEXT".
netns_notify_reader() {
        python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab") as f:
    while True:
        m = s.recv(65536).replace(b"\n", b" ")
        f.write(b"%d " % (time.monotonic_ns() // 1000000) + m + b"\n")
        f.flush()
' "$1" "$2" &
        netns_track $!
        netns_wait_for 5 "the notify socket" test -S "$1"
}

# ---- servers ----

# netns_http PORT ADDRESS: python3 -m http.server bound to ADDRESS; waits until it listens.
# Its pid is in $NETNS_LAST_PID.
netns_http() {
        python3 -m http.server "$1" --bind "$2" --directory "$netns_tmp/www" \
                >"$netns_tmp/http-$1.log" 2>&1 &
        NETNS_LAST_PID=$!
        netns_track $!
        netns_wait_listen "$1"
}

# netns_http_v6only PORT: an HTTP server on [::] with IPV6_V6ONLY set (http.server clears it).
netns_http_v6only() {
        python3 -c '
import functools, http.server, socket, sys

class V6OnlyServer(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()

handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
V6OnlyServer(("::", int(sys.argv[1])), handler).serve_forever()
' "$1" "$netns_tmp/www" >"$netns_tmp/http-$1.log" 2>&1 &
        NETNS_LAST_PID=$!
        netns_track $!
        netns_wait_listen "$1"
}

# ---- the daemon ----

# netns_once [ARGS...]: runs reachd --once ARGS; the JSON view is then in the file $netns_json.
netns_once() {
        netns_nonce=$((netns_nonce + 1))
        netns_json=$netns_tmp/once-$netns_nonce.json
        netns_json_shown=0
        netns_json_what="reachd --once $*"
        netns_rc=0
        "$REACHD" --once "$@" >"$netns_json" 2>"$netns_json.err" || netns_rc=$?
        if [ "$netns_rc" != 0 ]; then
                echo "FAIL: $netns_json_what exited with $netns_rc" >&2
                echo "--- stderr:" >&2
                cat "$netns_json.err" >&2
                echo "--- stdout:" >&2
                cat "$netns_json" >&2
                exit 1
        fi
        # --slurp: jq -e is content with empty input
        if ! jq -s -e 'length == 1 and (.[0] | type == "object")' "$netns_json" >/dev/null 2>&1; then
                echo "FAIL: $netns_json_what did not print one JSON object" >&2
                echo "--- stdout:" >&2
                cat "$netns_json" >&2
                echo "--- stderr:" >&2
                cat "$netns_json.err" >&2
                exit 1
        fi
        echo "# $netns_json_what"
}

# ---- assertions (each one counted; the test goes on after a failure, netns_finish decides) ----

netns_ok() {
        netns_nchecks=$((netns_nchecks + 1))
        echo "ok - $1"
}

# netns_not_ok WHAT DETAIL [show-json]
netns_not_ok() {
        netns_nchecks=$((netns_nchecks + 1))
        netns_nfail=$((netns_nfail + 1))
        {
                echo "FAIL - $1"
                printf '%s\n' "$2" | sed 's/^/    /'
                if [ "${3:-}" = show-json ] && [ "$netns_json_shown" = 0 ] && [ -n "$netns_json" ]; then
                        netns_json_shown=1
                        echo "    the view ($netns_json_what):"
                        jq . "$netns_json" | sed 's/^/    | /'
                fi
        } >&2
}

# netns_check WHAT FILTER [JQ-ARGS...]: FILTER, run on the last view, must yield true.
netns_check() {
        netns_c_what=$1
        netns_c_filter=$2
        shift 2
        if jq -e "$@" "$netns_c_filter" "$netns_json" >/dev/null 2>&1; then
                netns_ok "$netns_c_what"
        else
                netns_not_ok "$netns_c_what" "jq filter not true: $netns_c_filter" show-json
        fi
}

# netns_check_eq WHAT FILTER EXPECTED-JSON [JQ-ARGS...]: FILTER must yield exactly EXPECTED-JSON.
netns_check_eq() {
        netns_c_what=$1
        netns_c_filter=$2
        netns_c_want=$(printf '%s\n' "$3" | jq -c .) || netns_die "bad expected JSON in '$1': $3"
        shift 3
        netns_c_got=$(jq -c "$@" "$netns_c_filter" "$netns_json" 2>&1) || true
        if [ "$netns_c_got" = "$netns_c_want" ]; then
                netns_ok "$netns_c_what"
        else
                netns_not_ok "$netns_c_what" "$(printf 'filter:   %s\nexpected: %s\ngot:      %s' \
                        "$netns_c_filter" "$netns_c_want" "$netns_c_got")" show-json
        fi
}

# netns_check_files_eq WHAT EXPECTED-FILE ACTUAL-FILE: two JSON documents must be equal.
netns_check_files_eq() {
        if jq -n -e --slurpfile a "$2" --slurpfile b "$3" '$a == $b' >/dev/null 2>&1; then
                netns_ok "$1"
        else
                jq -c 'if type == "array" then .[] else . end' "$2" >"$2.lines" 2>&1 || true
                jq -c 'if type == "array" then .[] else . end' "$3" >"$3.lines" 2>&1 || true
                netns_not_ok "$1" "$(printf 'expected (<) vs reachd (>), one element a line:\n%s' \
                        "$(diff "$2.lines" "$3.lines" | head -n 80)")" show-json
        fi
}

netns_server_filter='[.servers[] | select(.port == $port)] | length == 1 and (.[0] | '

# netns_check_server PORT WHAT FILTER: FILTER, run on the one server object of PORT, must be true.
netns_check_server() {
        netns_check "port $1: $2" "$netns_server_filter$3)" --argjson port "$1"
}

# netns_check_server_eq PORT WHAT FILTER EXPECTED-JSON
netns_check_server_eq() {
        netns_check_eq "port $1: $2" "[.servers[] | select(.port == \$port)] | if length == 1 then .[0] | $3 else \"\\(length) server objects for the port\" end" \
                "$4" --argjson port "$1"
}

# The share URL of PORT in the last view, "null" when it has none.
netns_share_url() {
        jq -r --argjson port "$1" '.servers[] | select(.port == $port) | .share_url' "$netns_json" | head -n 1
}

netns_peer_curl() {
        netns_curl_in "$PEER" "$1"
}

# netns_curl_in PID URL: fetches URL from the namespace of PID, prints the HTTP status.
netns_curl_in() {
        netns_in "$1" curl -g -sS -o /dev/null --connect-timeout 2 --max-time 4 -w '%{http_code}' "$2"
}

# netns_check_curl_ok WHAT URL: the peer gets HTTP 200 from URL.
netns_check_curl_ok() {
        netns_check_curl_ok_in "$PEER" "$@"
}

# netns_check_curl_ok_in PID WHAT URL: the namespace of PID gets HTTP 200 from URL.
netns_check_curl_ok_in() {
        # a fresh address may still be in neighbour discovery on a macvlan: three tries, 0.5 s apart
        for netns_cu_try in 1 2 3; do
                netns_cu_rc=0
                netns_cu_out=$(netns_curl_in "$1" "$3" 2>&1) || netns_cu_rc=$?
                [ "$netns_cu_rc" = 7 ] || break
                sleep 0.5
        done
        if [ "$netns_cu_rc" = 0 ] && [ "$netns_cu_out" = 200 ]; then
                netns_ok "$2"
        else
                netns_not_ok "$2" "curl of $3 from the namespace of pid $1: exit $netns_cu_rc, $netns_cu_out"
        fi
}

# netns_check_curl_fails WHAT URL: the peer cannot fetch URL.
netns_check_curl_fails() {
        netns_check_curl_fails_in "$PEER" "$@"
}

# netns_check_curl_fails_in PID WHAT URL: the namespace of PID cannot fetch URL.
netns_check_curl_fails_in() {
        netns_cu_rc=0
        netns_cu_out=$(netns_curl_in "$1" "$3" 2>&1) || netns_cu_rc=$?
        if [ "$netns_cu_rc" != 0 ]; then
                netns_ok "$2"
        else
                netns_not_ok "$2" "curl of $3 from the namespace of pid $1 succeeded (HTTP $netns_cu_out), it must not"
        fi
}

# netns_check_share_curl PORT: the peer can open the share URL of PORT.
netns_check_share_curl() {
        netns_sc_url=$(netns_share_url "$1")
        case "$netns_sc_url" in
        http://*)
                netns_check_curl_ok "port $1: the peer opens the share URL $netns_sc_url" "$netns_sc_url"
                ;;
        *)
                netns_not_ok "port $1: the peer opens the share URL" "no share URL in the view (got '$netns_sc_url')" show-json
                ;;
        esac
}

# netns_check_text WHAT GOT EXPECTED: two strings must be equal.
netns_check_text() {
        if [ "$2" = "$3" ]; then
                netns_ok "$1"
        else
                netns_not_ok "$1" "$(printf 'expected: %s\ngot:      %s' "$3" "$2")"
        fi
}

# ---- the live daemon and reachctl ----

REACHD_PID=
NETNS_SOCKET=
netns_daemon_log=

netns_need_reachctl() {
        [ -n "${REACHCTL:-}" ] || netns_die "REACHCTL is not set (run through 'make check' or set REACHCTL=path/to/reachctl)"
        [ -x "$REACHCTL" ] || netns_die "REACHCTL=$REACHCTL is not an executable file"
}

# netns_daemon_start [ARGS...]: runs reachd ARGS in the background, its socket in a private
# XDG_RUNTIME_DIR (exported, so that reachctl finds it there too: $NETNS_SOCKET), stdout and
# stderr appended to $netns_daemon_log, its pid in $REACHD_PID. Waits until it answers.
netns_daemon_start() {
        netns_need_reachctl
        XDG_RUNTIME_DIR=$netns_tmp/run
        export XDG_RUNTIME_DIR
        mkdir -p "$XDG_RUNTIME_DIR"
        chmod 0700 "$XDG_RUNTIME_DIR"
        NETNS_SOCKET=$XDG_RUNTIME_DIR/reachd.sock
        netns_daemon_log=$netns_tmp/reachd.log
        "$REACHD" "$@" >>"$netns_daemon_log" 2>&1 &
        REACHD_PID=$!
        netns_track "$REACHD_PID"
        netns_ds_left=100
        # json answers whether or not a server listens; an old socket file alone proves nothing
        while ! "$REACHCTL" json >/dev/null 2>&1; do
                if ! kill -0 "$REACHD_PID" 2>/dev/null; then
                        netns_ds_rc=0
                        wait "$REACHD_PID" || netns_ds_rc=$?
                        netns_untrack "$REACHD_PID"
                        netns_die "reachd $* exited with $netns_ds_rc at start; its log:
$(cat "$netns_daemon_log")"
                fi
                netns_ds_left=$((netns_ds_left - 1))
                [ "$netns_ds_left" -gt 0 ] || netns_die "reachd $* did not answer on $NETNS_SOCKET within 10 s; its log:
$(cat "$netns_daemon_log")"
                sleep 0.1
        done
        echo "# reachd $* (pid $REACHD_PID)"
}

# netns_daemon_stop [SIGNAL]: signals the daemon (TERM) and waits; its exit status is then in
# $NETNS_DAEMON_RC (128 + n when killed by signal n).
netns_daemon_stop() {
        NETNS_DAEMON_RC=0
        kill -"${1:-TERM}" "$REACHD_PID" 2>/dev/null || true
        # (dash reports a job killed by a signal on wait's stderr)
        wait "$REACHD_PID" 2>/dev/null || NETNS_DAEMON_RC=$?
        netns_untrack "$REACHD_PID"
}

# netns_ctl ARGS...: runs reachctl ARGS; stdout in $NETNS_CTL_OUT, stderr in $NETNS_CTL_ERR,
# exit status in $NETNS_CTL_RC. Never fails.
netns_ctl() {
        NETNS_CTL_RC=0
        "$REACHCTL" "$@" >"$netns_tmp/ctl.out" 2>"$netns_tmp/ctl.err" || NETNS_CTL_RC=$?
        NETNS_CTL_OUT=$(cat "$netns_tmp/ctl.out")
        NETNS_CTL_ERR=$(cat "$netns_tmp/ctl.err")
}

netns_ctl_detail() {
        printf 'reachctl %s\nexit status: %s (expected %s)\nstdout: %s\nstderr: %s' \
                "$1" "$NETNS_CTL_RC" "$2" "$NETNS_CTL_OUT" "$NETNS_CTL_ERR"
}

# netns_check_ctl WHAT RC STDOUT ARGS...: reachctl ARGS exits with RC and prints exactly STDOUT.
netns_check_ctl() {
        netns_cc_what=$1
        netns_cc_rc=$2
        netns_cc_out=$3
        shift 3
        netns_ctl "$@"
        if [ "$NETNS_CTL_RC" = "$netns_cc_rc" ] && [ "$NETNS_CTL_OUT" = "$netns_cc_out" ]; then
                netns_ok "$netns_cc_what"
        else
                netns_not_ok "$netns_cc_what" "$(netns_ctl_detail "$*" "$netns_cc_rc"; printf '\nexpected stdout: %s' "$netns_cc_out")"
        fi
}

# netns_check_ctl_soon WHAT SECONDS RC STDOUT ARGS...: the same, within SECONDS (polled every 50 ms).
netns_check_ctl_soon() {
        netns_cs_what=$1
        netns_cs_left=$(($2 * 20))
        netns_cs_rc=$3
        netns_cs_out=$4
        shift 4
        while :; do
                netns_ctl "$@"
                if [ "$NETNS_CTL_RC" = "$netns_cs_rc" ] && [ "$NETNS_CTL_OUT" = "$netns_cs_out" ]; then
                        netns_ok "$netns_cs_what"
                        return 0
                fi
                netns_cs_left=$((netns_cs_left - 1))
                if [ "$netns_cs_left" -le 0 ]; then
                        netns_not_ok "$netns_cs_what" "$(netns_ctl_detail "$*" "$netns_cs_rc"; printf '\nexpected stdout: %s' "$netns_cs_out")"
                        return 0
                fi
                sleep 0.05
        done
}

# netns_daemon_json: the daemon's view (reachctl json) into $netns_json, for netns_check and co.
netns_daemon_json() {
        netns_nonce=$((netns_nonce + 1))
        netns_json=$netns_tmp/json-$netns_nonce.json
        netns_json_shown=0
        netns_json_what="reachctl json"
        netns_rc=0
        "$REACHCTL" json >"$netns_json" 2>"$netns_json.err" || netns_rc=$?
        if [ "$netns_rc" != 0 ] || ! jq -s -e 'length == 1 and (.[0] | type == "object")' "$netns_json" >/dev/null 2>&1; then
                echo "FAIL: reachctl json exited with $netns_rc or did not print one JSON object" >&2
                echo "--- stderr:" >&2
                cat "$netns_json.err" >&2
                echo "--- stdout:" >&2
                head -c 4000 "$netns_json" >&2
                exit 1
        fi
}

# netns_check_alive WHAT: the daemon started by netns_daemon_start is still running
netns_check_alive() {
        if kill -0 "$REACHD_PID" 2>/dev/null; then
                netns_ok "$1: reachd is still running"
        else
                netns_not_ok "$1: reachd is still running" "$(tail -n 20 "$netns_daemon_log")"
        fi
}

# netns_daemon_json_until SECONDS FILTER: netns_daemon_json again every 50 ms until FILTER is true
# on it, or SECONDS passed (the checks that follow then show the last view): for a change that the
# daemon holds for its settle time before publishing it
netns_daemon_json_until() {
        netns_du_left=$(($1 * 20))
        while :; do
                netns_daemon_json
                if jq -e "$2" "$netns_json" >/dev/null 2>&1; then
                        return 0
                fi
                netns_du_left=$((netns_du_left - 1))
                [ "$netns_du_left" -gt 0 ] || return 0
                sleep 0.05
        done
}

netns_log_has() {
        grep -qF -- "$1" "$netns_daemon_log"
}

# netns_check_log WHAT TEXT: the daemon's log says TEXT, within 2 s.
netns_check_log() {
        netns_cl_left=40
        while ! netns_log_has "$2"; do
                netns_cl_left=$((netns_cl_left - 1))
                if [ "$netns_cl_left" -le 0 ]; then
                        netns_not_ok "$1" "$(printf 'no line with "%s" in the log of reachd:\n%s' "$2" "$(tail -n 40 "$netns_daemon_log")")"
                        return 0
                fi
                sleep 0.05
        done
        netns_ok "$1"
}

# netns_watch_start FILE [ARGS...]: reachctl watch --json ARGS in the background, the lines in
# FILE, stderr in FILE.err; its pid in $NETNS_WATCH_PID.
netns_watch_start() {
        netns_ws_file=$1
        shift
        "$REACHCTL" watch --json "$@" >"$netns_ws_file" 2>"$netns_ws_file.err" &
        NETNS_WATCH_PID=$!
        netns_track "$NETNS_WATCH_PID"
}

# The number of complete lines in FILE
netns_lines() {
        wc -l <"$1" | tr -d ' '
}

netns_has_lines() {
        [ "$(netns_lines "$1")" -ge "$2" ]
}

# netns_wait_lines FILE N [SECONDS]: until FILE has at least N complete lines (default 5 s).
netns_wait_lines() {
        netns_wait_for "${3:-5}" "$2 lines in $1" netns_has_lines "$1" "$2"
}

netns_finish() {
        if [ "$netns_nfail" -gt 0 ]; then
                echo "$netns_nfail of $netns_nchecks checks FAILED" >&2
                exit 1
        fi
        if [ "$netns_nchecks" = 0 ]; then
                echo "no checks ran" >&2
                exit 1
        fi
        echo "all $netns_nchecks checks passed"
        exit 0
}

# The kernel's view (ip -j) and reachd's ($netns_json), in the same shape, for exact comparison

netns_ip_view() {
        ip -j addr show | jq -S '[.[] | {
                index: .ifindex,
                name: .ifname,
                operstate: (.operstate | ascii_downcase),
                addresses: ([.addr_info[] | {
                        address: .local,
                        prefixlen,
                        family: (if .family == "inet" then "ipv4" else "ipv6" end),
                        scope
                }] | sort)
        }] | sort_by(.index)'
}

netns_reachd_view() {
        jq -S '[.interfaces[] | {
                index,
                name,
                operstate,
                addresses: ([.addresses[] | {address, prefixlen, family, scope}] | sort)
        }]' "$netns_json"
}

# A route (or hop) flagged linkdown or dead leads nowhere: it is no default route
netns_ip_default_devs() {
        { ip -j route show default; ip -6 -j route show default; } |
                jq -s -c 'def live: (.flags // []) | (index(["linkdown"]) or index(["dead"])) | not;
                        [.[][] | ((select(.dev) | select(live) | .dev),
                                  (.nexthops // [] | .[] | select(live) | .dev))] | unique'
}

netns_reachd_default_devs() {
        jq -c '[.interfaces[] | select(.default_route) | .name] | sort' "$netns_json"
}

# The address flags of both views, restricted to the JSON array of names in $1 (the flags a test
# set); ip prints "dynamic" for an address without IFA_F_PERMANENT and nothing for one with it
netns_ip_flags() {
        ip -j addr show | jq -S --argjson known "$1" '[.[] | .ifname as $n | .addr_info[] | {
                name: $n,
                address: .local,
                flags: ([to_entries[] | select(.value == true) | .key]
                        + (if .dynamic then [] else ["permanent"] end)
                        | map(select(. as $f | $known | index([$f]))) | sort)
        }] | sort'
}

netns_reachd_flags() {
        jq -S --argjson known "$1" '[.interfaces[] | .name as $n | .addresses[] | {
                name: $n,
                address,
                flags: (.flags | map(select(. as $f | $known | index([$f]))) | sort)
        }] | sort' "$netns_json"
}
