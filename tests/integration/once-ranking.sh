#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Which candidate becomes the share URL (DESIGN.md §4): the default route's interface beats a
# container bridge, the lowest metric wins, the route's preferred source wins on its interface,
# a primary IPv4 address beats a secondary one, and an interface without carrier or down is not
# shared.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8101
LAN=192.168.50.10
SEC=192.168.50.5
ALT=10.20.0.10
BR=172.17.0.1
u() {
        echo "http://$1:$P/"
}

netns_peer_new
# The bridge comes first, so it has the lowest ifindex and the lowest address: without the
# default route rule it would win the tie between bridges and veths.
ip link add br0 type bridge
ip link add ctr0 type veth peer name ctr1
ip link set ctr0 master br0
ip addr add "$BR/16" dev br0
ip link set br0 up
ip link set ctr0 up
ip link set ctr1 up
netns_veth_peer lan0 phone0
ip addr add "$LAN/24" dev lan0
netns_peer ip addr add 192.168.50.20/24 dev phone0
ip route add default via 192.168.50.1 dev lan0 metric 100
netns_veth_peer lan1 phone1
ip addr add "$ALT/24" dev lan1
netns_peer ip addr add 10.20.0.20/24 dev phone1
netns_wait_operstate br0 UP
netns_wait_operstate lan0 UP
netns_wait_operstate lan1 UP
netns_http "$P" 0.0.0.0

echo "## a container bridge with an address, next to the LAN interface with the default route"
netns_once --port "$P"
netns_check_server_eq "$P" "the LAN interface wins" '.share_url' "\"$(u $LAN)\""
netns_check_server_eq "$P" "every URL in order: default route first, then the lowest ifindex" \
        '[.urls[] | [.url, .interface, .kind, .default_route, .shareable, .reason]]' \
        "[[\"$(u $LAN)\",\"lan0\",\"veth\",true,true,null],
          [\"$(u $BR)\",\"br0\",\"bridge\",false,true,null],
          [\"$(u $ALT)\",\"lan1\",\"veth\",false,true,null],
          [\"$(u 127.0.0.1)\",\"lo\",\"loopback\",false,false,\"loopback\"]]"
netns_check_eq "default_route marks lan0 only" '[.interfaces[] | select(.default_route) | .name]' '["lan0"]'
netns_check_share_curl "$P"

echo "## a second default route with a lower metric on lan1"
ip route add default via 10.20.0.1 dev lan1 metric 50
netns_once --port "$P"
netns_check_server_eq "$P" "the lower metric wins: lan1" '.share_url' "\"$(u $ALT)\""
netns_check_server_eq "$P" "shareable URLs: metric 50, metric 100, no default route" \
        '[.urls[] | select(.shareable) | [.interface, .default_route]]' \
        '[["lan1",true],["lan0",true],["br0",false]]'
netns_check_share_curl "$P"

echo "## lan1's default route now has the higher metric"
ip route del default via 10.20.0.1 dev lan1 metric 50
ip route add default via 10.20.0.1 dev lan1 metric 150
netns_once --port "$P"
netns_check_server_eq "$P" "back to lan0" '.share_url' "\"$(u $LAN)\""
netns_check_server_eq "$P" "shareable URLs: metric 100, metric 150, no default route" \
        '[.urls[] | select(.shareable) | .interface]' '["lan0","lan1","br0"]'

echo "## a secondary IPv4 address on lan0 (lower than the primary)"
ip addr add "$SEC/24" dev lan0
netns_once --port "$P"
netns_check_server_eq "$P" "the primary stays the share URL" '.share_url' "\"$(u $LAN)\""
netns_check_server_eq "$P" "lan0's URLs: primary, then secondary; only the secondary flagged so" \
        '[.urls[] | select(.interface == "lan0") | [.address, (.flags | index("secondary") != null), .shareable]]' \
        "[[\"$LAN\",false,true],[\"$SEC\",true,true]]"
netns_check_curl_ok "the peer opens the secondary address's URL too" "$(u $SEC)"

echo "## lan0's default route names the secondary address as preferred source"
ip route replace default via 192.168.50.1 dev lan0 metric 100 src "$SEC"
[ "$(ip -j route show default dev lan0 | jq -r '.[0].prefsrc')" = "$SEC" ] ||
        netns_die "the default route on lan0 has no preferred source $SEC"
netns_once --port "$P"
netns_check_server_eq "$P" "the route's preferred source wins on its interface" '.share_url' "\"$(u $SEC)\""
netns_check_server_eq "$P" "lan0's URLs: preferred source first" \
        '[.urls[] | select(.interface == "lan0") | .address]' "[\"$SEC\",\"$LAN\"]"
ip route replace default via 192.168.50.1 dev lan0 metric 100

echo "## carrier loss on the interface of the best default route"
ip route del default via 10.20.0.1 dev lan1 metric 150
ip route add default via 10.20.0.1 dev lan1 metric 50
netns_once --port "$P"
netns_check_server_eq "$P" "lan1 (metric 50) wins while it has carrier" '.share_url' "\"$(u $ALT)\""
netns_peer ip link set phone1 down
netns_wait_no_carrier lan1
netns_once --port "$P"
netns_check_eq "lan1 without carrier: up, no carrier, operstate as ip says" \
        '[.interfaces[] | select(.name == "lan1") | [.up, .carrier, .operstate]]' \
        "[[true,false,$(ip -j link show dev lan1 | jq '.[0].operstate | ascii_downcase')]]"
netns_check_server_eq "$P" "lan1's URL is not shareable: no-carrier" \
        '[.urls[] | select(.interface == "lan1") | [.address, .shareable, .reason]]' \
        "[[\"$ALT\",false,\"no-carrier\"]]"
netns_check_server_eq "$P" "the share URL moves to lan0" '.share_url' "\"$(u $LAN)\""
netns_check_share_curl "$P"

echo "## a veth whose peer, in this namespace, is down: lowerlayerdown"
ip link add cx0 type veth peer name cx1
ip addr add 10.30.0.10/24 dev cx0
ip link set cx0 up
netns_wait_operstate cx0 LOWERLAYERDOWN
netns_once --port "$P"
netns_check_eq "cx0: up, no carrier, lowerlayerdown" \
        '[.interfaces[] | select(.name == "cx0") | [.up, .carrier, .operstate]]' \
        '[[true,false,"lowerlayerdown"]]'
netns_check_server_eq "$P" "cx0's URL is not shareable: no-carrier" \
        '[.urls[] | select(.interface == "cx0") | [.address, .shareable, .reason]]' \
        '[["10.30.0.10",false,"no-carrier"]]'
ip link del cx0

netns_peer ip link set phone1 up
netns_wait_operstate lan1 UP
netns_once --port "$P"
netns_check_server_eq "$P" "carrier back: lan1 wins again" '.share_url' "\"$(u $ALT)\""

echo "## lan1 administratively down"
ip link set lan1 down
netns_wait_operstate lan1 DOWN
netns_once --port "$P"
netns_check_eq "lan1 down: not up, no carrier, down" \
        '[.interfaces[] | select(.name == "lan1") | [.up, .carrier, .operstate]]' \
        '[[false,false,"down"]]'
netns_check_server_eq "$P" "lan1's URL is not shareable: down" \
        '[.urls[] | select(.interface == "lan1") | [.address, .shareable, .reason]]' \
        "[[\"$ALT\",false,\"down\"]]"
netns_check_server_eq "$P" "the share URL moves to lan0" '.share_url' "\"$(u $LAN)\""
# The kernel drops IPv4 routes of a link that goes down, without telling (DESIGN.md §3).
netns_check_eq "default_route marks what ip -j route show default lists" \
        '[.interfaces[] | select(.default_route) | .name] | sort' \
        "$(ip -j route show default | jq -c '[.[].dev] | unique')"
netns_check_share_curl "$P"

netns_finish
