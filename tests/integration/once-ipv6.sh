#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An IPv6-only LAN: link-local only means no network, a tentative address is not shared until
# DAD is done, a deprecated address ranks after a preferred one, global beats unique-local, and
# the peer opens the IPv6 share URL.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8201
G=2001:db8:1::10
DEP=2001:db8:1::5
ULA=fd00:1::10
ULA2=fd00:2::10
u() {
        echo "http://[$1]:$P/"
}

has_flag() {
        ip -j addr show dev "$1" | jq -e --arg a "$2" --arg f "$3" \
                '[.[].addr_info[] | select(.local == $a) | .[$f]] == [true]' >/dev/null
}

netns_peer_new
# ula0 stays down (so without any address) until the last step; created first, it has the
# lower ifindex, which is what the family rule has to beat there. Both are Ethernet devices
# (macvlans on veths): without the default route, a plain veth is a container's link.
ip link add ula0-l type veth peer name phone2 netns "$PEER"
sysctl -q -w net.ipv6.conf.ula0-l.disable_ipv6=1
ip link set ula0-l up
ip link add ula0 link ula0-l type macvlan mode bridge
netns_ether_peer lan0 phone0
netns_peer ip addr add 2001:db8:1::20/64 dev phone0 nodad
netns_wait_operstate lan0 UP
ip -6 route add default via fe80::1 dev lan0
netns_wait_dad lan0
LL=$(ip -j addr show dev lan0 | jq -r '.[0].addr_info[] | select(.scope == "link") | .local')
case "$LL" in
fe80:*) ;;
*) netns_die "lan0 has no single link-local address: '$LL'" ;;
esac
netns_http "$P" ::

echo "## lan0 with its link-local address only"
netns_once --port "$P"
netns_check_eq "lan0 has no IPv4 address, and the link-local one" \
        '[.interfaces[] | select(.name == "lan0") | .addresses[] | [.address, .family, .scope]]' \
        "[[\"$LL\",\"ipv6\",\"link\"]]"
netns_check_eq "lan0 carries the IPv6 default route" \
        '[.interfaces[] | select(.default_route) | .name]' '["lan0"]'
netns_check_server_eq "$P" "no-network: no share URL" '[.listening, .share_url, .problem]' \
        '[true, null, "no-network"]'
netns_check_server "$P" "a hint" '(.hint | type) == "string" and (.hint | length) > 0'
netns_check_server_eq "$P" "the link-local address is listed, not shareable: link-local" \
        '[.urls[] | select(.interface == "lan0") | [.address, .family, .shareable, .reason]]' \
        "[[\"$LL\",\"ipv6\",false,\"link-local\"]]"
netns_check_server_eq "$P" "the other candidates are lo's" \
        '[.urls[] | select(.interface != "lan0") | [.address, .reason]] | sort' \
        '[["127.0.0.1","loopback"],["::1","loopback"]]'

echo "## a global address while DAD runs: tentative"
sysctl -q -w net.ipv6.conf.lan0.dad_transmits=60 || netns_die "cannot set dad_transmits on lan0"
ip addr add "$G/64" dev lan0
has_flag lan0 "$G" tentative || netns_die "$G is not tentative"
netns_once --port "$P"
has_flag lan0 "$G" tentative || netns_die "$G finished DAD during the test: the check below is void"
netns_check_server_eq "$P" "the tentative address is not shareable: tentative" \
        '[.urls[] | select(.address == "'"$G"'") | [.shareable, .reason, (.flags | index("tentative") != null)]]' \
        '[[false,"tentative",true]]'
netns_check_server_eq "$P" "still no share URL: no-network" '[.share_url, .problem]' '[null, "no-network"]'
netns_check_curl_fails "the peer cannot open the tentative address" "$(u $G)"
ip addr del "$G/64" dev lan0
sysctl -q -w net.ipv6.conf.lan0.dad_transmits=1

echo "## the global address, without DAD"
ip addr add "$G/64" dev lan0 nodad
netns_once --port "$P"
netns_check_server_eq "$P" "the global address is the share URL" '[.share_url, .problem, .hint]' \
        "[\"$(u $G)\", null, null]"
netns_check_server_eq "$P" "its candidate" \
        '.urls[0] | [.address, .family, .interface, .kind, .default_route, .shareable, .reason]' \
        "[\"$G\",\"ipv6\",\"lan0\",\"ethernet\",true,true,null]"
netns_check_share_curl "$P"

echo "## a deprecated address, lower than the preferred one"
ip addr add "$DEP/64" dev lan0 nodad preferred_lft 0
has_flag lan0 "$DEP" deprecated || netns_die "$DEP is not deprecated"
netns_once --port "$P"
netns_check_server_eq "$P" "the preferred address stays the share URL" '.share_url' "\"$(u $G)\""
netns_check_server_eq "$P" "shareable: preferred, then deprecated (flagged)" \
        '[.urls[] | select(.shareable) | [.address, (.flags | index("deprecated") != null)]]' \
        "[[\"$G\",false],[\"$DEP\",true]]"
netns_check_curl_ok "the peer opens the deprecated address's URL too" "$(u $DEP)"

echo "## a unique-local address next to the global ones"
ip addr add "$ULA/64" dev lan0 nodad
netns_once --port "$P"
netns_check_server_eq "$P" "global wins" '.share_url' "\"$(u $G)\""
# The family rule comes before the deprecated rule (DESIGN.md §4, 3 before 4).
netns_check_server_eq "$P" "shareable: global, global deprecated, unique-local" \
        '[.urls[] | select(.shareable) | .address]' "[\"$G\",\"$DEP\",\"$ULA\"]"

echo "## no default route; unique-local on a lower ifindex than the global address"
ip -6 route del default via fe80::1 dev lan0
ip link set ula0 up
netns_peer ip link set phone2 up
ip addr add "$ULA2/64" dev ula0 nodad
netns_wait_operstate ula0 UP
netns_once --port "$P"
netns_check_eq "no interface carries a default route" '[.interfaces[] | select(.default_route)]' '[]'
netns_check "ula0 has the lower ifindex" \
        '([.interfaces[] | select(.name == "ula0") | .index][0]) < ([.interfaces[] | select(.name == "lan0") | .index][0])'
netns_check_server_eq "$P" "global on lan0 still wins" '.share_url' "\"$(u $G)\""
netns_check_server_eq "$P" "shareable: global, global deprecated, then unique-local by ifindex" \
        '[.urls[] | select(.shareable) | .address]' "[\"$G\",\"$DEP\",\"$ULA2\",\"$ULA\"]"
netns_check_share_curl "$P"

netns_finish
