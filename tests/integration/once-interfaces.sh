#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# reachd --once describes the links, addresses and default routes exactly as the kernel has them
# (compared with `ip -j`), on 50 veth pairs in every state: up, down, no carrier, with secondary,
# peer (point-to-point), link- and host-scope IPv4 addresses, IPv6 global, ULA, site-local,
# deprecated and tentative addresses, a multipath default, and defaults that must not count.
set -eu
. "${TESTLIB:?TESTLIB is not set}/netns.sh"
netns_enter "$0" "$@"

N=50
batch=$netns_tmp/links.batch
: >"$batch"
i=1
while [ "$i" -le "$N" ]; do
        echo "link add vx$i type veth peer name vy$i" >>"$batch"
        i=$((i + 1))
done
ip -batch "$batch" || netns_die "cannot create $N veth pairs"

: >"$batch"
i=1
while [ "$i" -le "$N" ]; do
        echo "addr add 10.$i.0.1/24 dev vx$i" >>"$batch"
        if [ $((i % 3)) = 0 ]; then
                echo "addr add 10.$i.0.2/24 dev vx$i" >>"$batch"
                echo "addr add 10.$i.0.3/24 dev vx$i" >>"$batch"
        fi
        if [ $((i % 2)) = 0 ]; then
                echo "addr add 2001:db8:$i::1/64 dev vx$i nodad" >>"$batch"
        fi
        if [ $((i % 4)) = 0 ]; then
                echo "addr add fd00:$i::1/64 dev vx$i nodad" >>"$batch"
                echo "addr add 10.$i.1.1/24 dev vy$i" >>"$batch"
        fi
        # i % 5: 0 both ends down, 1 only vx up (no carrier: LOWERLAYERDOWN), else both up
        case $((i % 5)) in
        0) ;;
        1) echo "link set vx$i up" >>"$batch" ;;
        *) echo "link set vx$i up" >>"$batch"; echo "link set vy$i up" >>"$batch" ;;
        esac
        i=$((i + 1))
done
cat >>"$batch" <<EOF
addr add 10.250.0.1 peer 10.250.0.2/32 dev vy7
addr add 169.254.8.1/16 scope link dev vy8
addr add 10.99.0.1/32 scope host dev vy9
addr add fec0::9/64 dev vy9 nodad
addr add 2001:db8:100::1/64 dev vy12 nodad preferred_lft 0
addr add 2001:db8:101::1/64 dev vy12 nodad noprefixroute
addr add 2001:db8:102::1/64 dev vx10
addr add 2001:db8:103::1/64 dev vx11
link add br0 type bridge
link set vy22 master br0
addr add 172.17.0.1/16 dev br0
link set br0 up
route add default via 10.2.0.254 dev vx2 metric 100
route add default via 10.3.0.254 dev vx3 metric 200
route add default metric 300 nexthop via 10.4.0.254 dev vx4 nexthop via 10.6.0.254 dev vx6
route add default via 10.13.0.254 dev vx13 table 100
route add 10.200.0.0/16 via 10.14.0.254 dev vx14
route add default via 2001:db8:2::fe dev vx2 metric 100
route add default via fe80::1 dev vx12 metric 200
route add default via 2001:db8:16::fe dev vx16 table 100
EOF
ip -batch "$batch" || netns_die "cannot configure the veth pairs"

netns_wait_operstate br0 UP
# vx10 is down and vx11 has no carrier: their addresses without nodad stay tentative forever,
# while DAD on the up interfaces finishes, so the view below is of a settled kernel.
netns_wait_dad

# The flags we set above, as ip names them; ip prints "dynamic" for an address without
# IFA_F_PERMANENT and nothing for one with it.
FLAGS='["secondary","temporary","nodad","optimistic","dadfailed","deprecated","tentative","permanent","noprefixroute","mngtmpaddr","stable-privacy"]'

# Take the kernel's answer before and after reachd's, so a change in between (it should not
# happen once DAD has settled) shows up as a retry, never as a false failure.
tries=0
while :; do
        netns_ip_view >"$netns_tmp/ip-before.json"
        netns_ip_flags "$FLAGS" >"$netns_tmp/ipflags-before.json"
        netns_once
        netns_ip_view >"$netns_tmp/ip.json"
        netns_ip_flags "$FLAGS" >"$netns_tmp/ipflags.json"
        if cmp -s "$netns_tmp/ip-before.json" "$netns_tmp/ip.json" &&
           cmp -s "$netns_tmp/ipflags-before.json" "$netns_tmp/ipflags.json"; then
                break
        fi
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] || netns_die "the kernel's addresses kept changing; cannot compare"
        sleep 1
done
netns_reachd_view >"$netns_tmp/reachd.json"
netns_reachd_flags "$FLAGS" >"$netns_tmp/reachdflags.json"
netns_ip_default_devs >"$netns_tmp/ip-defaults.json"

nlinks=$(jq length "$netns_tmp/ip.json")
[ "$nlinks" -ge $((2 * N + 2)) ] || netns_die "expected at least $((2 * N + 2)) links, ip shows $nlinks"
# vx6 has no carrier: its hop of the multipath default is flagged linkdown and leads nowhere
[ "$(cat "$netns_tmp/ip-defaults.json")" = '["vx12","vx2","vx3","vx4"]' ] ||
        netns_die "ip shows other default routes than the test set up: $(cat "$netns_tmp/ip-defaults.json")"
[ "$(jq -c '[.[].operstate] | unique' "$netns_tmp/ip.json")" = '["down","lowerlayerdown","unknown","up"]' ] ||
        netns_die "the test meant to set up links in every operstate: $(jq -c '[.[].operstate] | unique' "$netns_tmp/ip.json")"
netns_check_eq "version is 1" '.version' 1
netns_check "interfaces are sorted by index, no duplicates" \
        '[.interfaces[].index] as $i | $i == ($i | unique)'
netns_check_files_eq "interfaces (index, name, operstate) and addresses (address, prefixlen, family, scope) equal ip -j addr" \
        "$netns_tmp/ip.json" "$netns_tmp/reachd.json"
netns_check_files_eq "address flags equal ip -j addr's" \
        "$netns_tmp/ipflags.json" "$netns_tmp/reachdflags.json"
netns_check_eq "default_route marks the devices of ip -j route show default (IPv4 and IPv6, main table, not linkdown)" \
        '[.interfaces[] | select(.default_route) | .name] | sort' \
        "$(cat "$netns_tmp/ip-defaults.json")"
netns_check_eq "default_route is a boolean on every interface" \
        '[.interfaces[] | .default_route | type] | unique' '["boolean"]'

ip -j link show >"$netns_tmp/links.json"
netns_check_eq "up equals IFF_UP" \
        '[.interfaces[] | select(.up) | .name] | sort' \
        "$(jq -c '[.[] | select(.flags | index(["UP"])) | .ifname] | sort' "$netns_tmp/links.json")"
netns_check_eq "carrier: operstate UP, or UNKNOWN with LOWER_UP" \
        '[.interfaces[] | select(.carrier) | .name] | sort' \
        "$(jq -c '[.[] | select(.operstate == "UP" or (.operstate == "UNKNOWN" and (.flags | index(["LOWER_UP"])))) | .ifname] | sort' "$netns_tmp/links.json")"
netns_check_eq "kinds: lo loopback, br0 bridge, every vx/vy veth" \
        '[.interfaces[] | {(.name): .kind}] | add | [.lo, .br0, ([to_entries[] | select(.key | test("^v[xy]")) | .value] | unique)]' \
        '["loopback","bridge",["veth"]]'
netns_check_eq "the point-to-point address is the local one, not the peer" \
        '[.interfaces[] | select(.name == "vy7") | .addresses[] | select(.family == "ipv4") | [.address, .prefixlen]]' \
        '[["10.250.0.1",32]]'
netns_check_eq "no listeners in a fresh namespace: no servers" '.servers' '[]'

netns_finish
