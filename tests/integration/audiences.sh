#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Audiences (DESIGN.md §4) on a laptop as life makes it: a container bridge with carrier, the
# Wi-Fi uplink, a VPN tunnel. The share URL is the URL a colleague on the LAN opens, whatever the
# routes say; the VPN's and the containers' URLs are given to their own audiences, and each URL is
# opened by a peer of that audience (and refused by the others). When the LAN goes, there is no
# share URL, and `wait` keeps waiting.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

P=5173
LAN4=192.168.1.23
VPN4=10.8.0.2
DOCK4=172.17.0.1
BR4=192.168.7.2
u() {
        echo "http://$1:$P/"
}

echo "## the laptop"
# the colleague: the peer, on the Wi-Fi's network (wlan0 is an Ethernet-kind device)
netns_peer_new
netns_ether_peer wlan0 lan0
ip addr add "$LAN4/24" dev wlan0
ip route add default via 192.168.1.1 dev wlan0 metric 600 onlink
netns_peer ip addr add 192.168.1.50/24 dev lan0
# a container on docker0, a bridge with carrier
netns_ns_new
CT=$NETNS_LAST_PID
ip link add docker0 type bridge
ip link add vethc0 type veth peer name eth0 netns "$CT"
ip link set vethc0 master docker0
ip link set vethc0 up
ip link set docker0 up
ip addr add "$DOCK4/16" dev docker0
netns_in "$CT" ip link set eth0 up
netns_in "$CT" ip addr add 172.17.0.2/16 dev eth0
# the VPN: tun0 here, tun1 at the VPN peer, packets relayed by a process as a VPN client does
netns_ns_new
VPN=$NETNS_LAST_PID
python3 "$TESTLIB/tunrelay.py" tun0 "$VPN" tun1 >"$netns_tmp/tunrelay.log" 2>&1 &
netns_track $!
tunnels_ready() {
        grep -q ready "$netns_tmp/tunrelay.log"
}
netns_wait_for 5 "the VPN's tun devices" tunnels_ready
ip addr add "$VPN4/24" dev tun0
ip link set tun0 up
netns_in "$VPN" ip addr add 10.8.0.1/24 dev tun1
netns_in "$VPN" ip link set tun1 up
netns_wait_operstate wlan0 UP
netns_wait_operstate docker0 UP

cd "$netns_tmp/www"
netns_http "$P" ::
netns_daemon_start

echo "## on the Wi-Fi, with a VPN and a container"
netns_check_ctl_soon "url: the Wi-Fi's URL" 2 0 "$(u $LAN4)" url
netns_check_ctl "url --audience lan: the same" 0 "$(u $LAN4)" url --audience lan
netns_check_ctl "url --audience vpn: the tunnel's URL" 0 "$(u $VPN4)" url --audience vpn
netns_check_ctl "url --audience host: docker0's URL" 0 "$(u $DOCK4)" url --audience host "$P"
netns_daemon_json
netns_check_server_eq "$P" "json: the best URL of each audience" '.audiences' \
        "{\"lan\":\"$(u $LAN4)\",\"vpn\":\"$(u $VPN4)\",\"host\":\"$(u $DOCK4)\"}"
netns_check_server_eq "$P" "json: every shareable IPv4 URL with its audience, LAN first" \
        '[.urls[] | select(.shareable and .family == "ipv4") | [.interface, .kind, .audience]]' \
        '[["wlan0","ethernet","lan"],["tun0","vpn","vpn"],["docker0","bridge","host"]]'
netns_check_server_eq "$P" "json: lo's URL is for this machine alone" \
        '[.urls[] | select(.interface == "lo") | .audience] | unique' '["loopback"]'
netns_check_curl_ok "the colleague opens the share URL" "$(u $LAN4)"
netns_check_curl_ok_in "$VPN" "the VPN peer opens the VPN URL" "$(u $VPN4)"
netns_check_curl_ok_in "$CT" "the container opens docker0's URL" "$(u $DOCK4)"
netns_check_curl_fails "the colleague cannot open the VPN URL" "$(u $VPN4)"
netns_check_curl_fails "the colleague cannot open docker0's URL" "$(u $DOCK4)"

echo "## a full-tunnel VPN: its default route outranks the Wi-Fi's"
ip route add default dev tun0 metric 50
# the share URL stays: a change of the other URLs, published after the settle time
netns_daemon_json_until 2 'any(.interfaces[]; .name == "tun0" and .default_route)'
netns_check_eq "json: tun0 and wlan0 carry default routes" \
        '[.interfaces[] | select(.default_route) | .name] | sort' '["tun0","wlan0"]'
netns_check_ctl "url: still the Wi-Fi's URL" 0 "$(u $LAN4)" url
netns_check_curl_ok "the colleague opens it" "$(u $LAN4)"
netns_check_curl_fails "the colleague cannot open the VPN URL" "$(u $VPN4)"

echo "## bound to the Wi-Fi's address, when the Wi-Fi loses carrier"
netns_http 5174 "$LAN4"
netns_check_ctl_soon "url 5174: the Wi-Fi's URL" 2 0 "http://$LAN4:5174/" url 5174

echo "## the Wi-Fi gone: the VPN and the container stay"
netns_peer ip link set lan0 down
netns_wait_no_carrier wlan0
netns_check_ctl_soon "url: no share URL" 2 1 "" url "$P"
netns_check_text "url: it says so, and names the VPN's URL" "$NETNS_CTL_ERR" \
        "reachctl: port $P listens, but this machine is not on a local network; colleagues on the VPN tun0 can open $(u $VPN4); connect this machine to a local network (Wi-Fi or Ethernet); the server listens on every interface and will be reachable as soon as an address appears"
netns_daemon_json
netns_check_server_eq "$P" "json: no share URL, problem no-network, the VPN's and docker0's URLs" \
        '[.share_url, .problem, .audiences.vpn, .audiences.host]' \
        "[null, \"no-network\", \"$(u $VPN4)\", \"$(u $DOCK4)\"]"
netns_check_server_eq 5174 "json: 5174 is bound to an address on a link without carrier" \
        '[.share_url, .problem, .urls[0].reason]' '[null, "bound-link-down", "no-carrier"]'
netns_ctl url 5174
# the hint is the server's own command with the bind changed (python3 as the shell found it)
case $NETNS_CTL_ERR in
"reachctl: port 5174 is bound to $LAN4, on wlan0 without carrier: not reachable until it reconnects; reconnect that interface (cable, Wi-Fi), or restart it with \`"*"python3 -m http.server 5174 --bind 0.0.0.0 --directory $netns_tmp/www\` so it listens on every interface and follows network changes")
        netns_ok "url 5174: the link, and to reconnect or bind to every address" ;;
*)      netns_not_ok "url 5174: the link, and to reconnect or bind to every address" "$NETNS_CTL_ERR" ;;
esac
netns_check_ctl "url --audience vpn: the tunnel's URL" 0 "$(u $VPN4)" url --audience vpn "$P"
netns_check_curl_ok_in "$VPN" "the VPN peer opens it" "$(u $VPN4)"
netns_ctl qr --audience vpn --color=never "$P"
if [ "$NETNS_CTL_RC" = 2 ] && case $NETNS_CTL_ERR in *"without libqrencode"*) true ;; *) false ;; esac; then
        echo "# reachctl qr: built without libqrencode"
else
        netns_check_text "qr --audience vpn: the tunnel's URL, then its code" \
                "$NETNS_CTL_RC $(printf '%s\n' "$NETNS_CTL_OUT" | head -n 1)" "0 $(u $VPN4)"
fi
netns_check_ctl "wait --timeout 1: keeps waiting (a VPN is no LAN)" 1 "" wait --timeout 1 "$P"

echo "## the VPN gone too: the container stays"
ip link set tun0 down
netns_check_ctl_soon "url --audience vpn: none" 2 1 "" url --audience vpn "$P"
netns_check_text "url --audience vpn: why" "$NETNS_CTL_ERR" \
        "reachctl: port $P has no URL that peers on a VPN can open"
netns_ctl url "$P"
netns_check_text "url: only containers can open docker0's URL" "$NETNS_CTL_ERR" \
        "reachctl: port $P listens, but this machine is not on a local network; only containers and VMs on this machine can open $(u $DOCK4); connect this machine to a local network (Wi-Fi or Ethernet); the server listens on every interface and will be reachable as soon as an address appears"
netns_check_ctl "url --audience host: docker0's URL" 0 "$(u $DOCK4)" url --audience host "$P"
netns_check_curl_ok_in "$CT" "the container opens it" "$(u $DOCK4)"
netns_check_ctl "wait --timeout 1: keeps waiting (a container bridge is no LAN)" 1 "" wait --timeout 1 "$P"

echo "## the Wi-Fi back, while wait waits"
"$REACHCTL" wait --timeout 10 "$P" >"$netns_tmp/wait.out" 2>"$netns_tmp/wait.err" &
WAIT_PID=$!
netns_track "$WAIT_PID"
sleep 0.3
netns_peer ip link set lan0 up
netns_wait_operstate wlan0 UP
WAIT_RC=0
wait "$WAIT_PID" || WAIT_RC=$?
netns_untrack "$WAIT_PID"
netns_check_text "wait: the Wi-Fi's URL, once it is back" "$WAIT_RC $(cat "$netns_tmp/wait.out")" "0 $(u $LAN4)"
netns_check_curl_ok "the colleague opens it" "$(u $LAN4)"

echo "## a bridge with an Ethernet port (VMs in bridged mode) is the LAN"
netns_ns_new
BRN=$NETNS_LAST_PID
ip link add up0 type veth peer name p0 netns "$BRN"
sysctl -q -w net.ipv6.conf.up0.disable_ipv6=1
ip link set up0 up
# the port: an Ethernet-kind device (a macvlan passing all of up0's frames)
ip link add eth1 link up0 type macvlan mode passthru
ip link add br0 type bridge
ip link set eth1 master br0
ip link set eth1 up
ip link set br0 up
ip addr add "$BR4/24" dev br0
netns_in "$BRN" ip link set p0 up
netns_in "$BRN" ip addr add 192.168.7.1/24 dev p0
netns_wait_operstate br0 UP
# a new candidate alone is published after the settle time
netns_daemon_json_until 3 'any(.interfaces[]; .name == "br0" and .carrier and (.addresses | length > 0))'
netns_check_server_eq "$P" "json: br0's URL is for the LAN, after the default route's" \
        '[.urls[] | select(.shareable and .audience == "lan" and .family == "ipv4") | .interface]' '["wlan0","br0"]'
netns_check_curl_ok_in "$BRN" "a machine on br0's network opens br0's URL" "$(u $BR4)"
ip route del default dev wlan0
ip link set wlan0 down
netns_check_ctl_soon "url: br0's URL once the Wi-Fi is down" 2 0 "$(u $BR4)" url "$P"

echo "## two servers started in the same clock tick: url and wait agree"
# one process, two sockets: the same start time for certain
python3 -c '
import http.server, socketserver, sys, threading
h = http.server.SimpleHTTPRequestHandler
a = socketserver.TCPServer(("127.0.0.1", 8000), h)
b = socketserver.TCPServer(("0.0.0.0", 8001), h)
threading.Thread(target=a.serve_forever, daemon=True).start()
b.serve_forever()
' >"$netns_tmp/two.log" 2>&1 &
netns_track $!
netns_wait_listen 8000
netns_wait_listen 8001
netns_check_ctl_soon "url: the shareable one of the two" 2 0 "http://$BR4:8001/" url
netns_check_ctl "wait: the same server" 0 "http://$BR4:8001/" wait --timeout 2
netns_daemon_json
netns_check_eq "json: 8001 is the default server" '[.servers[] | select(.default) | .port]' '[8001]'

netns_finish
