#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Carrier loss: the kernel keeps the default routes of a link whose peer went down, flagged
# linkdown, and tells no one (no RTM_NEWROUTE). They lead nowhere: neither reachd --once nor the
# live daemon counts them as default routes, and the daemon says the network changed.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=8301
netns_peer_new
netns_veth_peer lan0 phone0
ip addr add 192.0.2.2/24 dev lan0
ip addr add 2001:db8:5::2/64 dev lan0 nodad
netns_wait_operstate lan0 UP
ip route add default via 192.0.2.1 dev lan0
ip -6 route add default via 2001:db8:5::1 dev lan0
netns_http "$P" 0.0.0.0

has_linkdown_defaults() {
        { ip -j route show default; ip -6 -j route show default; } |
                jq -s -e '[.[][] | select(.dev == "lan0" and ((.flags // []) | index(["linkdown"])))] | length == 2'
}

echo "## lan0 with carrier"
netns_once --port "$P"
netns_check_eq "default_route marks lan0" '[.interfaces[] | select(.default_route) | .name]' '["lan0"]'
netns_check_text "default_route marks the devices of ip -j route show default" \
        "$(netns_reachd_default_devs)" "$(netns_ip_default_devs)"
netns_check_server_eq "$P" "the share URL is on lan0" '[.share_url, .problem]' '["http://192.0.2.2:8301/", null]'

netns_daemon_start
netns_daemon_json
netns_check_eq "daemon: default_route marks lan0" '[.interfaces[] | select(.default_route) | .name]' '["lan0"]'

echo "## the peer's end goes down: lan0 loses its carrier, the routes stay, flagged linkdown"
netns_peer ip link set phone0 down
netns_wait_no_carrier lan0
netns_wait_for 5 "both default routes on lan0 flagged linkdown" has_linkdown_defaults
netns_once --port "$P"
netns_check_eq "reachd --once: no default_route anywhere" '[.interfaces[] | select(.default_route) | .name]' '[]'
netns_check_text "default_route marks the devices of ip -j route show default that are not linkdown" \
        "$(netns_reachd_default_devs)" "$(netns_ip_default_devs)"
netns_check_server "$P" "reachd --once: no URL says default_route" '[.urls[] | select(.default_route)] == []'
netns_check_log "daemon: the journal says the network changed to no default route" \
        "network changed: no default route"
netns_daemon_json
netns_check_eq "daemon: no default_route anywhere" '[.interfaces[] | select(.default_route) | .name]' '[]'

echo "## the carrier comes back (no RTM_NEWROUTE either)"
netns_peer ip link set phone0 up
netns_wait_operstate lan0 UP
netns_once --port "$P"
netns_check_eq "reachd --once: lan0 carries the default routes again" '[.interfaces[] | select(.default_route) | .name]' '["lan0"]'
netns_check_log "daemon: the journal says the default route is back on lan0" \
        "network changed: default route via lan0"
netns_daemon_json
netns_check_eq "daemon: lan0 carries the default routes again" '[.interfaces[] | select(.default_route) | .name]' '["lan0"]'
netns_check_server_eq "$P" "daemon: the share URL is on lan0" '[.share_url, .problem]' '["http://192.0.2.2:8301/", null]'

netns_finish
