/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The machine's network as the kernel last told us: links, addresses and default routes.
 * Pure data: nothing here does I/O. Updates return 1 when something changed, 0 when the
 * update repeated what we had, -errno on failure. */

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inaddr.h"

typedef enum LinkKind {
        LINK_KIND_ETHERNET,
        LINK_KIND_WIFI,
        LINK_KIND_VPN,
        LINK_KIND_BRIDGE,
        LINK_KIND_VETH,
        LINK_KIND_LOOPBACK,
        LINK_KIND_OTHER,
        _LINK_KIND_MAX,
} LinkKind;

#define LINK_INFO_KIND_MAX 24
#define LINK_SSID_MAX 32                      /* IEEE 802.11: 0 to 32 bytes, any bytes */

typedef struct Link {
        int ifindex;
        char name[IFNAMSIZ];
        uint16_t arphrd;                      /* ifi_type, ARPHRD_* */
        uint32_t flags;                       /* ifi_flags, IFF_* */
        uint8_t operstate;                    /* IF_OPER_* */
        char info_kind[LINK_INFO_KIND_MAX];   /* IFLA_INFO_KIND, "" when absent */
        int master;                           /* IFLA_MASTER: the bridge or bond it is a port of, 0: none */
        bool wireless;                        /* filled in by I/O code (sysfs, nl80211) */
        bool wireless_probed;
        char ssid[LINK_SSID_MAX + 1];         /* the Wi-Fi network (nl80211): raw bytes, then a NUL */
        uint8_t ssid_len;                     /* 0: none (not Wi-Fi, not connected, or unknown) */
        bool marked;                          /* mark-and-sweep */
} Link;

typedef struct Address {
        int family;
        int ifindex;
        union in_addr_union address;          /* IFA_LOCAL for IPv4, IFA_ADDRESS for IPv6 */
        uint8_t prefixlen;
        uint8_t scope;                        /* RT_SCOPE_* */
        uint32_t flags;                       /* IFA_F_*, from IFA_FLAGS when present */
        bool marked;
} Address;

/* One next hop of a default route in the main table. A multipath route is one entry per hop. */
typedef struct Route {
        int family;
        int oif;
        uint32_t metric;                      /* RTA_PRIORITY */
        uint32_t table;
        bool has_gateway;
        union in_addr_union gateway;
        bool has_prefsrc;
        union in_addr_union prefsrc;
        bool multipath;                       /* IPv4: one of several hops (kept, dead, on link down) */
        bool linkdown;                        /* RTNH_F_LINKDOWN or RTNH_F_DEAD */
        uint32_t nhid;                        /* RTA_NH_ID: its hops are those of a nexthop object */
        bool marked;
} Route;

#define STATE_NEXTHOP_GROUP_MAX 32

/* A nexthop object (RTM_NEWNEXTHOP, `ip nexthop`): one hop, or a group of other objects' hops */
typedef struct Nexthop {
        uint32_t id;
        int family;                           /* of the gateway; AF_UNSPEC for a group */
        int oif;                              /* 0: none (a group, a blackhole) */
        bool has_gateway;
        union in_addr_union gateway;
        bool blackhole;
        size_t n_group;
        uint32_t group[STATE_NEXTHOP_GROUP_MAX];
        bool marked;
} Nexthop;

/* Kept sorted, so the order does not depend on the order of events: links by ifindex, addresses
 * by (ifindex, family, address, prefixlen), routes by (family, table, metric, oif, gateway). */
typedef struct State {
        Link *links;
        size_t n_links, allocated_links;
        Address *addresses;
        size_t n_addresses, allocated_addresses;
        Route *routes;
        size_t n_routes, allocated_routes;
        Nexthop *nexthops;                    /* few, looked up by id: in no order */
        size_t n_nexthops, allocated_nexthops;
} State;

int state_new(State **ret);
State *state_free(State *s);
void state_freep(State **s);

/* dst becomes a copy of src, in dst's arrays when they are big enough; -ENOMEM leaves dst as it
 * was */
int state_copy(State *dst, const State *src);

const Link *state_get_link(const State *s, int ifindex);
Link *state_get_link_mutable(State *s, int ifindex);

/* Insert or replace, keyed by ifindex (names change). Clears the mark. The SSID is not rtnetlink's:
 * a new link has none, an existing one keeps its own (state_link_set_ssid() changes it). */
int state_link_update(State *s, const Link *l);
/* len 0 clears it; -ENOENT when there is no such link, -EINVAL when len > LINK_SSID_MAX */
int state_link_set_ssid(State *s, int ifindex, const void *ssid, size_t len);
/* Removes the link and every address and route on it. */
int state_link_remove(State *s, int ifindex);

/* Keyed by (family, ifindex, address, prefixlen). Clears the mark. */
int state_address_update(State *s, const Address *a);
int state_address_remove(State *s, const Address *a);
/* Number of addresses of the family on the link */
size_t state_link_count_addresses(const State *s, int ifindex, int family);

/* Keyed by (family, table, metric, oif, gateway). Clears the mark. */
int state_route_update(State *s, const Route *r);
int state_route_remove(State *s, const Route *r);
/* Drops the routes of the family (AF_UNSPEC: all) on the link; returns how many went. */
int state_routes_flush_link(State *s, int ifindex, int family);
/* The kernel flags the hops on a link linkdown when it loses its carrier and clears the flag when
 * the carrier comes back, without a message: returns how many routes changed. */
int state_routes_set_linkdown(State *s, int ifindex, bool linkdown);
/* Drops the IPv4 routes whose preferred source is the address; returns how many went. */
int state_routes_flush_prefsrc(State *s, int family, const union in_addr_union *prefsrc);

/* Keyed by id. Clears the mark. */
int state_nexthop_update(State *s, const Nexthop *nh);
int state_nexthop_remove(State *s, uint32_t id);
const Nexthop *state_get_nexthop(const State *s, uint32_t id);
/* The object is id, or a group with id in it */
bool state_nexthop_uses(const State *s, uint32_t nhid, uint32_t id);

/* Mark-and-sweep after a full re-dump: mark, let the dump update (and so unmark) what still
 * exists, then sweep the rest. Returns how many entries the sweep deleted. */
void state_mark_all(State *s);
int state_sweep(State *s);

/* Carrier: operstate UP, or UNKNOWN with IFF_LOWER_UP and IFF_RUNNING (lo, tun, wireguard). */
bool state_link_has_carrier(const Link *l);
bool state_link_is_up(const Link *l);
LinkKind state_link_kind(const Link *l);
const char *state_link_kind_to_string(LinkKind k);
const char *state_operstate_to_string(uint8_t operstate);
const char *state_scope_to_string(uint8_t scope);

/* A route the kernel keeps while its link has no carrier (flagged linkdown, or on a link that is
 * gone, down or without carrier) leads nowhere: it is no default route for anything below. */
bool state_route_is_live(const State *s, const Route *r);
/* The lowest metric of the live default routes leaving through the link (either family);
 * -ENOENT when none does. */
int state_link_default_route_metric(const State *s, int ifindex, uint32_t *ret_metric);
/* A default route of the family has the address as preferred source (RTA_PREFSRC), leaving
 * through oif (0: any link); live_only: only a route that leads somewhere counts */
bool state_route_prefers(const State *s, int family, const union in_addr_union *a, int oif, bool live_only);
/* The address is the preferred source of a live default route of its family */
bool state_address_is_default_prefsrc(const State *s, const Address *a);
