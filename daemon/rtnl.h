/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* rtnetlink messages to State: pure functions from bytes to structs, no I/O. */

#include <linux/filter.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

#define RTNL_MAX_NEXTHOPS 16

typedef struct RtnlRoute {
        int family;
        uint8_t dst_len;
        uint8_t type;                         /* RTN_* */
        uint32_t table;                       /* RTA_TABLE, else rtm_table */
        uint32_t metric;
        uint32_t rtm_flags;                   /* RTM_F_CLONED etc. */
        bool has_prefsrc;
        union in_addr_union prefsrc;
        uint32_t nhid;                        /* RTA_NH_ID, 0 when none */
        size_t n_nexthops;
        struct {
                int oif;
                bool linkdown;                /* RTNH_F_LINKDOWN or RTNH_F_DEAD */
                bool has_gateway;
                union in_addr_union gateway;
        } nexthops[RTNL_MAX_NEXTHOPS];
} RtnlRoute;

/* Parsers: -EBADMSG for a malformed message, -EOPNOTSUPP for one of another type or family. */
int rtnl_parse_link(const struct nlmsghdr *nlh, Link *ret);
/* A RTM_NEWLINK that carries only IFLA_IFNAME and IFLA_WIRELESS is wireless-extension noise */
bool rtnl_link_is_wireless_noise(const struct nlmsghdr *nlh);
int rtnl_parse_address(const struct nlmsghdr *nlh, Address *ret);
int rtnl_parse_route(const struct nlmsghdr *nlh, RtnlRoute *ret);
/* RTM_NEWNEXTHOP, RTM_DELNEXTHOP */
int rtnl_parse_nexthop(const struct nlmsghdr *nlh, Nexthop *ret);
/* A unicast route in the main table with dst_len 0 */
bool rtnl_route_is_default(const RtnlRoute *r);

/* Applies one RTM_{NEW,DEL}{LINK,ADDR,ROUTE,NEXTHOP} to the state, including what the kernel
 * does without telling (IPv4 routes flushed when a link goes down or loses its last IPv4 address,
 * routes whose preferred source went away, routes whose nexthop object went away or changed). Returns 1 if the state changed, 0 if not (noise,
 * a refresh that repeats what we have, a route we do not track), -errno if malformed. */
int rtnl_apply(State *s, const struct nlmsghdr *nlh);

/* A classic BPF program for the rtnetlink socket: route events other than those of default
 * routes (rtm_dst_len 0) are dropped in the kernel, before they take room in the receive buffer
 * and a recvmsg() each, since rtnl_apply() would only throw them away (an address brings its
 * local, broadcast and prefix routes). Dump replies (NLM_F_MULTI) all pass: a filter sees only
 * the first message of a datagram. Fills ret, returns the number of instructions. */
#define RTNL_EVENT_FILTER_MAX 16
size_t rtnl_event_filter(struct sock_filter ret[RTNL_EVENT_FILTER_MAX]);

#define RTNL_DUMP_REQUEST_MAX 64

/* A dump request (RTM_GETLINK, RTM_GETADDR, RTM_GETNEXTHOP, RTM_GETROUTE) for the family into buf;
 * returns its length. Under strict checking a route dump asks the kernel for the main table's
 * unicast routes only (RTA_TABLE, rtm_type), so it skips the other tables instead of sending
 * them to be thrown away; the family must then be AF_INET or AF_INET6 (the MPLS part of an
 * AF_UNSPEC dump refuses any filter). Without strict checking the header is all zero. */
int rtnl_build_dump_request(void *buf, size_t size, uint16_t type, int family, bool strict, uint32_t seq);

/* Where a buffer of netlink messages stands with respect to our dump request. */
typedef struct RtnlDump {
        uint32_t portid;        /* our socket's port id */
        uint32_t seq;           /* sequence number of the dump in flight; 0 when none */
        bool done;              /* NLMSG_DONE (or an error) seen for seq */
        bool interrupted;       /* NLM_F_DUMP_INTR seen on a reply of seq */
        int error;              /* -errno from NLMSG_ERROR or NLMSG_DONE of seq, else 0 */
} RtnlDump;

/* Walks a buffer received from the rtnetlink socket: applies events (nlmsg_pid == 0) and replies
 * to the dump in flight to the state, in the order they came, and records the dump's progress.
 * Messages that fail to parse are skipped and added to *n_malformed (may be NULL).
 * Returns 1 if the state changed, 0 if not, -EBADMSG if the buffer itself is cut short
 * (everything before the cut is applied). */
int rtnl_process_buffer(State *s, RtnlDump *dump, const void *buf, size_t len, unsigned *n_malformed);
