#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Captures the seed corpus of the rtnl, sockdiag and nl80211 harnesses from the real kernel,
# inside a private network namespace (nothing on the host is touched):
#     tests/fuzz/capture.sh CAPTURE-BINARY [CORPUS-DIRECTORY]
# CAPTURE-BINARY is tests/fuzz/capture (`make tests/fuzz/capture`); the corpus directory defaults
# to tests/fuzz/corpus beside this script. Files are written to rtnl/, sockdiag/ and nl80211/ in it
# (see capture.c for the last: a namespace has no Wi-Fi, and generic netlink families are global): the
# dumps of a namespace with veths, a bridge, a tun, addresses of both families (secondary,
# deprecated, tentative, peer, link-local), default routes (metrics, prefsrc, multipath of both
# families, a nexthop object, table 1000) and TCP listeners (0.0.0.0, ::, v6only, 127.0.0.1,
# ::1, a specific and a v4-mapped address, a gone address, SO_BINDTODEVICE); then the events
# of a series of changes; then the dumps again with nexthop_compat_mode off.
set -euo pipefail

if [ -z "${CAPTURE_IN_NETNS:-}" ]; then
        if [ "$(id -u)" = 0 ]; then
                exec unshare -n env CAPTURE_IN_NETNS=1 "$0" "$@"
        fi
        exec unshare -rn env CAPTURE_IN_NETNS=1 "$0" "$@"
fi

capture=$(realpath "$1")
out=$(realpath "${2:-$(dirname "$0")/corpus}")
tmp=$(mktemp -d)
listeners=
cleanup() {
        [ -n "$listeners" ] && kill "$listeners" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$out/rtnl" "$out/sockdiag"

# ---- the network ----
ip link set lo up
ip link add lan0 type veth peer name lanpeer
ip link add wan0 type veth peer name wanpeer
ip link add br0 type bridge
ip link add ct0 type veth peer name ctpeer
ip link set ctpeer master br0
ip tuntap add tun0 mode tun
for l in lan0 lanpeer wan0 wanpeer br0 ct0 ctpeer tun0; do
        ip link set "$l" up
done
ip addr add 10.0.0.2/24 dev lan0
ip addr add 10.0.0.3/24 dev lan0
ip addr add 2001:db8:1::2/64 dev lan0 nodad
ip addr add 2001:db8:1::99/64 dev lan0 nodad preferred_lft 0
ip addr add fd00:1::2/64 dev lan0
ip addr add 192.168.50.2/24 dev wan0
ip addr add 169.254.7.7/16 dev wan0 scope link
ip addr add 2001:db8:2::2/64 dev wan0 nodad
ip addr add 172.17.0.1/16 dev br0 label br0:docker
ip addr add 10.8.0.1 peer 10.8.0.2 dev tun0
ip route add default via 10.0.0.1 dev lan0 metric 100
ip route add default via 10.0.0.1 dev lan0 src 10.0.0.3 metric 200
ip route add default via 192.168.50.1 dev wan0 metric 600
ip route add default metric 50 nexthop via 10.0.0.1 dev lan0 weight 1 nexthop via 192.168.50.1 dev wan0 weight 2
ip route add default via 10.0.0.1 dev lan0 table 1000
ip route add unreachable default metric 4000
ip route add 10.20.0.0/16 via 10.0.0.1 dev lan0
ip nexthop add id 10 via 10.0.0.1 dev lan0
ip route add default nhid 10 metric 700
ip -6 route add default via 2001:db8:1::1 dev lan0 metric 100
ip -6 route add default metric 50 nexthop via 2001:db8:1::1 dev lan0 nexthop via 2001:db8:2::1 dev wan0

# ---- the listeners ----
cat >"$tmp/listen.py" <<'EOF'
import socket, sys
held = []
def listen(family, address, port, v6only=None, device=None, freebind=False):
    s = socket.socket(family, socket.SOCK_STREAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    if device:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device.encode())
    if freebind:
        s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND
    s.bind((address, port))
    s.listen()
    held.append(s)
listen(socket.AF_INET, "0.0.0.0", 5173)
listen(socket.AF_INET, "127.0.0.1", 8000)
listen(socket.AF_INET6, "::1", 8001)
listen(socket.AF_INET6, "::", 3000, v6only=False)
listen(socket.AF_INET6, "::", 3001, v6only=True)
listen(socket.AF_INET, "10.0.0.2", 9000)
listen(socket.AF_INET6, "2001:db8:1::2", 9001)
listen(socket.AF_INET6, "::ffff:10.0.0.3", 9002, v6only=False)
listen(socket.AF_INET, "192.168.99.1", 9003, freebind=True)
listen(socket.AF_INET, "0.0.0.0", 7000, device="lan0")
listen(socket.AF_INET, "0.0.0.0", 80)
print("ready", flush=True)
sys.stdin.read()
EOF
mkfifo "$tmp/listeners-in"
python3 "$tmp/listen.py" >"$tmp/listeners-ready" <"$tmp/listeners-in" &
listeners=$!
exec 4>"$tmp/listeners-in"
until grep -q ready "$tmp/listeners-ready"; do
        sleep 0.05
done

# ---- the dumps: fd00:1::2 and the link-local addresses are still tentative ----
"$capture" "$out"

# ---- the events of a series of changes ----
mkfifo "$tmp/events-in"
"$capture" --events "$out" <"$tmp/events-in" >"$tmp/events-ready" &
events=$!
exec 3>"$tmp/events-in"
until grep -q ready "$tmp/events-ready"; do
        sleep 0.05
done
ip addr add 10.0.0.4/24 dev lan0
ip addr del 10.0.0.4/24 dev lan0
ip -6 addr add 2001:db8:1::5/64 dev lan0
sleep 2          # DAD ends: RTM_NEWADDR again, without IFA_F_TENTATIVE
ip -6 addr change 2001:db8:1::5/64 dev lan0 preferred_lft 0
ip -6 addr del 2001:db8:1::5/64 dev lan0
ip route replace default via 10.0.0.1 dev lan0 metric 100
ip route add default via 192.168.50.1 dev wan0 metric 300
ip route del default via 192.168.50.1 dev wan0 metric 300
ip link set wanpeer down
ip link set wanpeer up
ip link set wan0 down
ip link set wan0 up
ip addr add 2001:db8:2::2/64 dev wan0 nodad
ip addr del 10.0.0.3/24 dev lan0
ip link set ct0 master br0
ip link set ct0 nomaster
ip addr flush dev tun0
ip link set lan0 down
ip link set lan0 name eth7
ip link set eth7 up
ip link set eth7 mtu 1400
ip -6 route add default via 2001:db8:2::1 dev wan0 metric 1024
sysctl -qw net.ipv4.nexthop_compat_mode=0
ip nexthop add id 11 via 10.0.0.1 dev eth7     # id 10 went with lan0 down
ip route add default nhid 11 metric 800
ip link add wl0 type veth peer name wlpeer
ip link del wl0
ip link del ct0
ip link del br0
sleep 0.5
exec 3>&-
wait "$events"

# ---- the dumps again: routes over nexthop objects now carry RTA_NH_ID only ----
mkdir "$tmp/after"
"$capture" "$tmp/after"
for f in "$tmp/after"/rtnl/* "$tmp/after"/sockdiag/*; do
        mv "$f" "$(dirname "${f/$tmp\/after/$out}")/after-$(basename "$f")"
done

# ---- buffers as a reader may see them: a dump reply followed by events ----
cat "$out/rtnl/dump-addresses-001" "$out/rtnl/event-001" "$out/rtnl/event-002" >"$out/rtnl/mixed-001"
cat "$out/rtnl/dump-routes-001" "$out/rtnl/event-"0[1-3]* >"$out/rtnl/mixed-002"

exec 4>&-
wait "$listeners" || true
listeners=
