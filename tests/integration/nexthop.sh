#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Default routes on nexthop objects (`ip route add default nhid N`, as systemd-networkd's
# [NextHop] sections and FRR make them): the kernel changes or removes such routes without a
# word when the object is replaced or deleted or a group loses a member. The daemon's
# default_route must stay ip -j route's through replace, groups and deletes, IPv4 and IPv6,
# and so must the share URL; reachd --once agrees.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"
netns_need_reachctl
ip nexthop show >/dev/null 2>&1 || netns_skip "no nexthop objects here (Linux 5.3, iproute2 5.3)"

P=8701
LAN4=192.168.70.10
WAN4=10.70.0.10

netns_peer_new
netns_ns_new
WAN=$NETNS_LAST_PID
netns_veth_peer lan0 phone0
netns_veth_to "$WAN" wan0 gw0
ip addr add "$LAN4/24" dev lan0
ip addr add "$WAN4/24" dev wan0
ip -6 addr add 2001:db8:70::10/64 dev lan0 nodad
netns_wait_operstate lan0 UP
netns_wait_operstate wan0 UP
netns_http "$P" 0.0.0.0

ip nexthop add id 10 via 192.168.70.1 dev lan0
ip nexthop add id 11 via 10.70.0.1 dev wan0
ip nexthop add id 30 via 2001:db8:70::1 dev lan0
ip route add default nhid 10 metric 100
ip -6 route add default nhid 30 metric 100

netns_daemon_start

defaults_are() {
        netns_daemon_json
        [ "$(netns_reachd_default_devs)" = "$1" ] && [ "$(netns_ip_default_devs)" = "$1" ]
}

# check_defaults WHAT EXPECTED: within 3 s, the daemon's default_route devices and ip's are EXPECTED
check_defaults() {
        netns_cd_left=30
        while ! defaults_are "$2"; do
                netns_cd_left=$((netns_cd_left - 1))
                if [ "$netns_cd_left" -le 0 ]; then
                        netns_not_ok "$1" "$(printf 'expected: %s\nip:       %s\nreachd:   %s\nip -d route: %s' "$2" \
                                "$(netns_ip_default_devs)" "$(netns_reachd_default_devs)" "$(ip -d route show default; ip -6 route show default)")" show-json
                        return 0
                fi
                sleep 0.1
        done
        netns_ok "$1"
}

echo "## a route on nexthop 10 (lan0), an IPv6 one on nexthop 30 (lan0)"
check_defaults "default_route: lan0, as ip says" '["lan0"]'
netns_check_ctl "the share URL is lan0's" 0 "http://$LAN4:$P/" url

echo "## ip nexthop replace id 10 via wan0 (the kernel re-sends the route in compat mode only)"
ip nexthop replace id 10 via 10.70.0.1 dev wan0
check_defaults "default_route: wan0 and lan0 (IPv6), as ip says" '["lan0","wan0"]'
ip -6 route del default nhid 30
check_defaults "the IPv6 route deleted: wan0 only" '["wan0"]'
netns_check_ctl "the share URL moved to wan0" 0 "http://$WAN4:$P/" url
ip nexthop replace id 10 via 192.168.70.1 dev lan0
check_defaults "replaced back: lan0" '["lan0"]'

echo "## a group: nexthop 20 = 10 (lan0) + 11 (wan0), a route on it with a lower metric"
ip nexthop add id 20 group 10/11
ip route add default nhid 20 metric 50
check_defaults "default_route: lan0 and wan0" '["lan0","wan0"]'
ip nexthop del id 11
check_defaults "member 11 deleted (no route message): the group leaves through lan0 only" '["lan0"]'

echo "## ip nexthop del id 10: the routes on it and on the group go, without RTM_DELROUTE"
ip route add default via 10.70.0.1 dev wan0 metric 900
check_defaults "a plain route on wan0 beside them" '["lan0","wan0"]'
ip nexthop del id 10
check_defaults "nexthop 10 deleted: only the plain route on wan0 is left" '["wan0"]'
netns_check_ctl "the share URL is not the old LAN one" 0 "http://$WAN4:$P/" url
netns_once
netns_check_text "reachd --once agrees" "$(netns_reachd_default_devs)" '["wan0"]'

echo "## IPv6: ip nexthop del of a route's object"
ip nexthop add id 31 via 2001:db8:70::1 dev lan0
ip -6 route add default nhid 31 metric 100
check_defaults "IPv6 route on nexthop 31: lan0 and wan0" '["lan0","wan0"]'
ip nexthop del id 31
check_defaults "nexthop 31 deleted: wan0" '["wan0"]'

netns_finish
