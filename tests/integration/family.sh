#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An IPv4-only server on an IPv6-only network (the addresses from real SLAAC: radvd in the LAN
# peer's namespace, stable and temporary privacy addresses): reachd names the problem
# (family-mismatch, not "no network"), its hint works when typed, and the fixed server's share URL
# is the stable address, which the colleague opens.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

command -v radvd >/dev/null 2>&1 || netns_skip "radvd is not installed"
P=5180

netns_peer_new
sysctl -q -w net.ipv6.conf.default.accept_ra=2 net.ipv6.conf.default.use_tempaddr=2
netns_ether_peer wlan0 lan0
sysctl -q -w net.ipv6.conf.wlan0.accept_ra=2 net.ipv6.conf.wlan0.use_tempaddr=2
netns_peer sysctl -q -w net.ipv6.conf.all.forwarding=1
netns_peer ip addr add 2001:db8:77::50/64 dev lan0 nodad
netns_radvd lan0 2001:db8:77::/64
netns_wait_slaac wlan0
STABLE=$NETNS_SLAAC_STABLE
ip -4 addr show dev wlan0 | grep -q inet && netns_die "wlan0 has an IPv4 address: the network is not IPv6-only"

cd "$netns_tmp/www"
python3 -m http.server "$P" --bind 0.0.0.0 >"$netns_tmp/http.log" 2>&1 &
SERVER=$!
netns_track "$SERVER"
netns_wait_listen "$P"
netns_daemon_start

echo "## 0.0.0.0 on an IPv6-only network"
netns_check_ctl_soon "url: no share URL" 2 1 "" url "$P"
netns_daemon_json
netns_check_server_eq "$P" "json: the family problem" '[.share_url, .problem]' '[null, "family-mismatch"]'
netns_ctl url "$P"
case $NETNS_CTL_ERR in
*"listens on 0.0.0.0 (IPv4 only), but the local network has only IPv6 addresses"*) netns_ok "url: the sentence says what is wrong" ;;
*) netns_not_ok "url: the sentence says what is wrong" "$NETNS_CTL_ERR" ;;
esac
HINTED=$(printf '%s\n' "$NETNS_CTL_ERR" | sed -n 's/.*`\([^`]*\)`.*/\1/p')
case $HINTED in
*::*) netns_ok "the hint is a command listening on :: ($HINTED)" ;;
*) netns_not_ok "the hint is a command listening on ::" "$NETNS_CTL_ERR" ;;
esac

echo "## the hinted command, run as typed"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
netns_untrack "$SERVER"
sh -c "$HINTED" >"$netns_tmp/hinted.log" 2>&1 &
netns_track $!
netns_wait_listen "$P"
netns_check_ctl_soon "url: the stable SLAAC address" 3 0 "http://[$STABLE]:$P/" url "$P"
netns_check_curl_ok "the colleague opens it" "http://[$STABLE]:$P/"

netns_finish
