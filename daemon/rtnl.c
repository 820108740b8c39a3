/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/filter.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "macro.h"
#include "netlink.h"
#include "rtnl.h"

static int parse_attrs_payload(const void *payload, size_t len,
                               const struct nlattr **tb, uint16_t max) {
        NetlinkAttrs attrs;

        netlink_attrs_init_payload(payload, len, &attrs);
        return netlink_attrs_table(&attrs, tb, max);
}

/* The attributes after a fixed header of hdrlen bytes, up to nlmsg_len */
static int parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
                       const struct nlattr **tb, uint16_t max) {
        NetlinkAttrs attrs;
        int r;

        r = netlink_attrs_init(nlh, hdrlen, &attrs);
        if (r < 0)
                return r;
        return netlink_attrs_table(&attrs, tb, max);
}

/* nlmsg_len covers the netlink header and a fixed header of size bytes */
static bool has_header(const struct nlmsghdr *nlh, size_t size) {
        return nlh->nlmsg_len >= NLMSG_HDRLEN && mnl_nlmsg_get_payload_len(nlh) >= size;
}

static int get_u32(const struct nlattr *attr, uint32_t *ret) {
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
                return -EBADMSG;
        *ret = mnl_attr_get_u32(attr);
        return 0;
}

static int get_inaddr(const struct nlattr *attr, int family, union in_addr_union *ret) {
        if (mnl_attr_validate2(attr, MNL_TYPE_BINARY, inaddr_size(family)) < 0)
                return -EBADMSG;
        return inaddr_from_bytes(family, mnl_attr_get_payload(attr),
                                 mnl_attr_get_payload_len(attr), ret);
}

/* A NUL-terminated string that fits in size bytes, NUL included */
static int get_string(const struct nlattr *attr, size_t size, const char **ret) {
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
                return -EBADMSG;
        if (mnl_attr_get_payload_len(attr) > size)
                return -EBADMSG;
        *ret = mnl_attr_get_str(attr);
        return 0;
}

/* ---- links ---- */

static int parse_linkinfo_kind(const struct nlattr *linkinfo, char *kind, size_t size) {
        const struct nlattr *tb[IFLA_INFO_MAX + 1];
        const char *s;
        int r;

        if (mnl_attr_validate(linkinfo, MNL_TYPE_NESTED) < 0)
                return -EBADMSG;
        r = parse_attrs_payload(mnl_attr_get_payload(linkinfo), mnl_attr_get_payload_len(linkinfo),
                                tb, IFLA_INFO_MAX);
        if (r < 0)
                return r;
        if (!tb[IFLA_INFO_KIND])
                return 0;
        /* No kernel kind comes close to the limit; a longer one matches nothing we classify */
        r = get_string(tb[IFLA_INFO_KIND], SIZE_MAX, &s);
        if (r < 0)
                return r;
        strncpy(kind, s, size - 1);
        kind[size - 1] = 0;
        return 0;
}

int rtnl_parse_link(const struct nlmsghdr *nlh, Link *ret) {
        const struct nlattr *tb[IFLA_MAX + 1];
        const struct ifinfomsg *ifi;
        const char *name;
        Link l = {};
        int r;

        if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
                return -EOPNOTSUPP;
        if (!has_header(nlh, sizeof(*ifi)))
                return -EBADMSG;
        ifi = mnl_nlmsg_get_payload(nlh);
        /* The bridge reports its ports as AF_BRIDGE RTM_NEWLINK/RTM_DELLINK on the same group; a
         * port leaving its bridge is an AF_BRIDGE RTM_DELLINK of a link that still exists. */
        if (ifi->ifi_family != AF_UNSPEC)
                return -EOPNOTSUPP;
        if (ifi->ifi_index <= 0)
                return -EBADMSG;

        r = parse_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX);
        if (r < 0)
                return r;
        if (!tb[IFLA_IFNAME])
                return -EBADMSG;
        r = get_string(tb[IFLA_IFNAME], sizeof(l.name), &name);
        if (r < 0)
                return r;
        strcpy(l.name, name);
        if (tb[IFLA_OPERSTATE]) {
                if (mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) < 0)
                        return -EBADMSG;
                l.operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
        }
        if (tb[IFLA_MASTER]) {
                if (mnl_attr_validate(tb[IFLA_MASTER], MNL_TYPE_U32) < 0)
                        return -EBADMSG;
                l.master = (int) mnl_attr_get_u32(tb[IFLA_MASTER]);
        }
        if (tb[IFLA_LINKINFO]) {
                r = parse_linkinfo_kind(tb[IFLA_LINKINFO], l.info_kind, sizeof(l.info_kind));
                if (r < 0)
                        return r;
        }
        l.ifindex = ifi->ifi_index;
        l.arphrd = ifi->ifi_type;
        l.flags = ifi->ifi_flags;
        *ret = l;
        return 0;
}

bool rtnl_link_is_wireless_noise(const struct nlmsghdr *nlh) {
        const struct nlattr *attr;
        NetlinkAttrs attrs;
        bool wireless = false;
        int r;

        if (nlh->nlmsg_type != RTM_NEWLINK || netlink_attrs_init(nlh, sizeof(struct ifinfomsg), &attrs) < 0)
                return false;
        while ((r = netlink_attrs_next(&attrs, &attr)) > 0)
                switch (mnl_attr_get_type(attr)) {
                case IFLA_WIRELESS:
                        wireless = true;
                        break;
                case IFLA_IFNAME:
                        break;
                default:
                        return false;
                }
        return r == 0 && wireless;
}

/* ---- addresses ---- */

int rtnl_parse_address(const struct nlmsghdr *nlh, Address *ret) {
        const struct nlattr *tb[IFA_MAX + 1];
        const struct ifaddrmsg *ifa;
        Address a = {};
        int r;

        if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
                return -EOPNOTSUPP;
        if (!has_header(nlh, sizeof(*ifa)))
                return -EBADMSG;
        ifa = mnl_nlmsg_get_payload(nlh);
        if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
                return -EOPNOTSUPP;
        if (ifa->ifa_index == 0 || ifa->ifa_index > INT32_MAX ||
            ifa->ifa_prefixlen > inaddr_size(ifa->ifa_family) * 8)
                return -EBADMSG;

        r = parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX);
        if (r < 0)
                return r;
        /* IFA_ADDRESS is the peer on point-to-point links, IFA_LOCAL our end; IPv6 sends
         * IFA_LOCAL only when there is a peer, IPv4 always. */
        if (tb[IFA_LOCAL])
                r = get_inaddr(tb[IFA_LOCAL], ifa->ifa_family, &a.address);
        else if (tb[IFA_ADDRESS])
                r = get_inaddr(tb[IFA_ADDRESS], ifa->ifa_family, &a.address);
        else
                r = -EBADMSG;
        if (r < 0)
                return r;
        a.flags = ifa->ifa_flags;
        /* ifa_flags has room for 8 bits only; IFA_FLAGS carries all of them */
        if (tb[IFA_FLAGS]) {
                r = get_u32(tb[IFA_FLAGS], &a.flags);
                if (r < 0)
                        return r;
        }
        a.family = ifa->ifa_family;
        a.ifindex = (int) ifa->ifa_index;
        a.prefixlen = ifa->ifa_prefixlen;
        a.scope = ifa->ifa_scope;
        *ret = a;
        return 0;
}

/* ---- routes ---- */

static int parse_multipath(const struct nlattr *attr, int family, RtnlRoute *rt) {
        const struct rtnexthop *nh = mnl_attr_get_payload(attr);
        size_t left = mnl_attr_get_payload_len(attr);

        if (left == 0)
                return -EBADMSG;
        while (left > 0) {
                const struct nlattr *tb[RTA_MAX + 1];
                size_t step;
                int r;

                if (left < sizeof(*nh) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
                        return -EBADMSG;
                r = parse_attrs_payload((const uint8_t *) nh + RTNH_LENGTH(0),
                                        nh->rtnh_len - RTNH_LENGTH(0), tb, RTA_MAX);
                if (r < 0)
                        return r;
                /* A default route with more hops than we keep still leaves through these */
                if (rt->n_nexthops < RTNL_MAX_NEXTHOPS) {
                        typeof(rt->nexthops[0]) *hop = &rt->nexthops[rt->n_nexthops];

                        memset(hop, 0, sizeof(*hop));
                        hop->oif = nh->rtnh_ifindex;
                        hop->linkdown = nh->rtnh_flags & (RTNH_F_LINKDOWN | RTNH_F_DEAD);
                        if (tb[RTA_GATEWAY]) {
                                r = get_inaddr(tb[RTA_GATEWAY], family, &hop->gateway);
                                if (r < 0)
                                        return r;
                                hop->has_gateway = true;
                        }
                        rt->n_nexthops++;
                }
                step = RTNH_ALIGN(nh->rtnh_len);
                if (step >= left)
                        break;
                nh = (const void *) ((const uint8_t *) nh + step);
                left -= step;
        }
        return 0;
}

int rtnl_parse_route(const struct nlmsghdr *nlh, RtnlRoute *ret) {
        const struct nlattr *tb[RTA_MAX + 1];
        const struct rtmsg *rtm;
        RtnlRoute rt = {};
        int r;

        if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
                return -EOPNOTSUPP;
        if (!has_header(nlh, sizeof(*rtm)))
                return -EBADMSG;
        rtm = mnl_nlmsg_get_payload(nlh);
        if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
                return -EOPNOTSUPP;
        if (rtm->rtm_dst_len > inaddr_size(rtm->rtm_family) * 8)
                return -EBADMSG;

        r = parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
        if (r < 0)
                return r;
        rt.family = rtm->rtm_family;
        rt.dst_len = rtm->rtm_dst_len;
        rt.type = rtm->rtm_type;
        rt.rtm_flags = rtm->rtm_flags;
        rt.table = rtm->rtm_table;
        /* rtm_table is 8 bits; tables above 255 exist only in RTA_TABLE */
        if (tb[RTA_TABLE]) {
                r = get_u32(tb[RTA_TABLE], &rt.table);
                if (r < 0)
                        return r;
        }
        if (tb[RTA_PRIORITY]) {
                r = get_u32(tb[RTA_PRIORITY], &rt.metric);
                if (r < 0)
                        return r;
        }
        if (tb[RTA_PREFSRC]) {
                r = get_inaddr(tb[RTA_PREFSRC], rt.family, &rt.prefsrc);
                if (r < 0)
                        return r;
                rt.has_prefsrc = true;
        }
        if (tb[RTA_NH_ID]) {
                r = get_u32(tb[RTA_NH_ID], &rt.nhid);
                if (r < 0)
                        return r;
        }
        if (tb[RTA_MULTIPATH]) {
                r = parse_multipath(tb[RTA_MULTIPATH], rt.family, &rt);
                if (r < 0)
                        return r;
        } else {
                uint32_t oif = 0;

                if (tb[RTA_OIF]) {
                        r = get_u32(tb[RTA_OIF], &oif);
                        if (r < 0)
                                return r;
                }
                rt.nexthops[0].oif = (int) oif;
                /* a single hop's RTNH_F_* are in rtm_flags */
                rt.nexthops[0].linkdown = rtm->rtm_flags & (RTNH_F_LINKDOWN | RTNH_F_DEAD);
                if (tb[RTA_GATEWAY]) {
                        r = get_inaddr(tb[RTA_GATEWAY], rt.family, &rt.nexthops[0].gateway);
                        if (r < 0)
                                return r;
                        rt.nexthops[0].has_gateway = true;
                }
                rt.n_nexthops = 1;
        }
        *ret = rt;
        return 0;
}

int rtnl_parse_nexthop(const struct nlmsghdr *nlh, Nexthop *ret) {
        const struct nlattr *tb[NHA_MAX + 1];
        const struct nhmsg *nhm;
        Nexthop nh = {};
        int r;

        if (nlh->nlmsg_type != RTM_NEWNEXTHOP && nlh->nlmsg_type != RTM_DELNEXTHOP)
                return -EOPNOTSUPP;
        if (!has_header(nlh, sizeof(*nhm)))
                return -EBADMSG;
        nhm = mnl_nlmsg_get_payload(nlh);
        r = parse_attrs(nlh, sizeof(*nhm), tb, NHA_MAX);
        if (r < 0)
                return r;
        if (!tb[NHA_ID])
                return -EBADMSG;
        r = get_u32(tb[NHA_ID], &nh.id);
        if (r < 0)
                return r;
        if (nh.id == 0)
                return -EBADMSG;
        nh.family = nhm->nh_family;
        if (tb[NHA_GROUP]) {
                const struct nexthop_grp *g = mnl_attr_get_payload(tb[NHA_GROUP]);
                size_t len = mnl_attr_get_payload_len(tb[NHA_GROUP]);

                if (len == 0 || len % sizeof(*g) != 0)
                        return -EBADMSG;
                /* a bigger group still leaves through these */
                for (size_t i = 0; i < len / sizeof(*g) && nh.n_group < STATE_NEXTHOP_GROUP_MAX; i++) {
                        uint32_t id;

                        memcpy(&id, (const uint8_t *) g + i * sizeof(*g) + offsetof(struct nexthop_grp, id),
                               sizeof(id));
                        nh.group[nh.n_group++] = id;
                }
        }
        nh.blackhole = tb[NHA_BLACKHOLE] != NULL;
        if (tb[NHA_OIF]) {
                uint32_t oif;

                r = get_u32(tb[NHA_OIF], &oif);
                if (r < 0)
                        return r;
                nh.oif = (int) oif;
        }
        if (tb[NHA_GATEWAY] && inaddr_size(nh.family) > 0) {
                r = get_inaddr(tb[NHA_GATEWAY], nh.family, &nh.gateway);
                if (r < 0)
                        return r;
                nh.has_gateway = true;
        }
        *ret = nh;
        return 0;
}

bool rtnl_route_is_default(const RtnlRoute *r) {
        return r->type == RTN_UNICAST && r->table == RT_TABLE_MAIN && r->dst_len == 0 &&
                !(r->rtm_flags & RTM_F_CLONED);
}

/* ---- applying messages to the state ---- */

static bool same_route(const Route *a, const Route *b) {
        return a->family == b->family && a->table == b->table && a->metric == b->metric;
}

/* A hop the kernel has marked RTNH_F_DEAD: its link is down, gone, or without IPv4 address */
static bool ipv4_hop_is_dead(const State *s, const Route *r) {
        const Link *l = state_get_link(s, r->oif);

        return !l || !state_link_is_up(l) || state_link_count_addresses(s, r->oif, AF_INET) == 0;
}

/* net/ipv4/fib_semantics.c, fib_sync_down_dev(): when a link goes down or loses its last IPv4
 * address, its hops die; a route whose hops are all dead is dropped by fib_flush() without a
 * word, while a multipath route with a live hop elsewhere keeps the dead one, which
 * fib_sync_up() later revives as silently. When the link goes away, every multipath route
 * with a hop on it dies. The hops of one route are neighbours in the sorted state. */
static int flush_ipv4_link(State *s, int ifindex, bool unregister) {
        size_t i, j, k = 0;
        int n = 0;

        for (i = 0; i < s->n_routes; i = j) {
                bool on_link = false, all_dead = true;

                for (j = i; j < s->n_routes && same_route(&s->routes[i], &s->routes[j]); j++) {
                        const Route *r = &s->routes[j];

                        if (!r->multipath)
                                continue;
                        if (r->oif == ifindex)
                                on_link = true;
                        else if (!ipv4_hop_is_dead(s, r))
                                all_dead = false;
                }
                for (size_t m = i; m < j; m++) {
                        Route r = s->routes[m];
                        bool dies = r.multipath ? on_link && (unregister || all_dead)
                                                : r.oif == ifindex;

                        if (r.family == AF_INET && dies) {
                                n++;
                                continue;
                        }
                        s->routes[k++] = r;
                }
        }
        s->n_routes = k;
        return n;
}

static int flush_link_nexthops(State *s, int ifindex);

static int apply_newlink(State *s, const struct nlmsghdr *nlh) {
        const Link *old;
        Link l;
        int r, changed;

        if (rtnl_link_is_wireless_noise(nlh))
                return 0;
        r = rtnl_parse_link(nlh, &l);
        if (r == -EOPNOTSUPP)
                return 0;
        if (r < 0)
                return r;

        /* The Wi-Fi probe belongs to the name: a renamed link is probed again */
        old = state_get_link(s, l.ifindex);
        if (old && strncmp(old->name, l.name, sizeof(l.name)) == 0) {
                l.wireless = old->wireless;
                l.wireless_probed = old->wireless_probed;
        }
        changed = state_link_update(s, &l);
        if (changed < 0)
                return changed;

        if (!(l.flags & IFF_UP) && flush_ipv4_link(s, l.ifindex, false) > 0)
                changed = 1;
        if (!(l.flags & IFF_UP)) {
                r = flush_link_nexthops(s, l.ifindex);
                if (r < 0)
                        return r;
                if (r > 0)
                        changed = 1;
        }
        /* fib_sync_down_dev() and rt6_sync_down_dev() on carrier loss, fib_sync_up() and
         * rt6_sync_up() on its return: no RTM_NEWROUTE tells */
        if (state_routes_set_linkdown(s, l.ifindex, !(l.flags & IFF_LOWER_UP)) > 0)
                changed = 1;
        return changed;
}

static int apply_dellink(State *s, const struct nlmsghdr *nlh) {
        Link l;
        int r, flushed;

        r = rtnl_parse_link(nlh, &l);
        if (r == -EOPNOTSUPP)
                return 0;
        if (r < 0)
                return r;
        flushed = flush_ipv4_link(s, l.ifindex, true);
        r = flush_link_nexthops(s, l.ifindex);
        if (r < 0)
                return r;
        return state_link_remove(s, l.ifindex) > 0 || flushed > 0 || r > 0;
}

static bool address_exists(const State *s, int family, const union in_addr_union *a, int ifindex) {
        for (size_t i = 0; i < s->n_addresses; i++) {
                const Address *x = &s->addresses[i];

                if (x->family == family && (ifindex == 0 || x->ifindex == ifindex) &&
                    inaddr_equal(family, &x->address, a))
                        return true;
        }
        return false;
}

/* Routes are few (default routes only), addresses may be thousands: ask the routes first */
/* net/ipv6/route.c drops the preferred source from routes on the address's link, silently */
static int clear_ipv6_prefsrc(State *s, const Address *a) {
        int n = 0;

        if (!state_route_prefers(s, AF_INET6, &a->address, a->ifindex, false) ||
            address_exists(s, AF_INET6, &a->address, a->ifindex))
                return 0;
        for (size_t i = 0; i < s->n_routes; i++) {
                Route *rt = &s->routes[i];

                if (rt->family == AF_INET6 && rt->oif == a->ifindex && rt->has_prefsrc &&
                    inaddr_equal(AF_INET6, &rt->prefsrc, &a->address)) {
                        rt->has_prefsrc = false;
                        memset(&rt->prefsrc, 0, sizeof(rt->prefsrc));
                        n++;
                }
        }
        return n;
}

static int apply_address(State *s, const struct nlmsghdr *nlh) {
        Address a;
        int r, changed;

        r = rtnl_parse_address(nlh, &a);
        if (r == -EOPNOTSUPP)
                return 0;
        if (r < 0)
                return r;
        if (nlh->nlmsg_type == RTM_NEWADDR)
                return state_address_update(s, &a);

        changed = state_address_remove(s, &a);
        if (changed < 0)
                return changed;
        if (a.family == AF_INET6)
                return clear_ipv6_prefsrc(s, &a) > 0 ? 1 : changed;

        /* net/ipv4/fib_frontend.c, fib_del_ifaddr(): routes preferring an address that is gone
         * from the machine die, and the kernel may not say so */
        if (state_route_prefers(s, AF_INET, &a.address, 0, false) && !address_exists(s, AF_INET, &a.address, 0) &&
            state_routes_flush_prefsrc(s, AF_INET, &a.address) > 0)
                changed = 1;
        if (state_link_count_addresses(s, a.ifindex, AF_INET) == 0 &&
            flush_ipv4_link(s, a.ifindex, false) > 0)
                changed = 1;
        return changed;
}

static void route_hop(const RtnlRoute *rt, size_t i, Route *ret) {
        *ret = (Route) {
                .family = rt->family,
                .oif = rt->nexthops[i].oif,
                .metric = rt->metric,
                .table = rt->table,
                .has_gateway = rt->nexthops[i].has_gateway,
                .gateway = rt->nexthops[i].gateway,
                .linkdown = rt->nexthops[i].linkdown,
                .has_prefsrc = rt->has_prefsrc,
                .prefsrc = rt->prefsrc,
                .nhid = rt->nhid,
                /* only IPv4 needs it, and IPv6 turns siblings into single routes silently; a
                 * group of nexthop objects loses a dead member silently instead */
                .multipath = rt->family == AF_INET && rt->n_nexthops > 1 && rt->nhid == 0,
        };
}

static bool route_is_hop_of(const Route *r, const RtnlRoute *rt) {
        for (size_t i = 0; i < rt->n_nexthops; i++) {
                const union in_addr_union *gw = &rt->nexthops[i].gateway;

                if (r->oif == rt->nexthops[i].oif &&
                    r->has_gateway == rt->nexthops[i].has_gateway &&
                    (!r->has_gateway || inaddr_equal(r->family, &r->gateway, gw)))
                        return true;
        }
        return false;
}

/* NLM_F_REPLACE swaps the route of that metric for the new one with no RTM_DELROUTE for the old */
static int drop_replaced(State *s, const RtnlRoute *rt) {
        size_t i, j;
        int n = 0;

        for (i = j = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                if (r->family == rt->family && r->table == rt->table && r->metric == rt->metric &&
                    !route_is_hop_of(r, rt)) {
                        n++;
                        continue;
                }
                s->routes[j++] = *r;
        }
        s->n_routes = j;
        return n;
}

/* ---- nexthop objects ---- */

static void nexthop_hop(const State *s, const Nexthop *nh, int family, RtnlRoute *rt) {
        typeof(rt->nexthops[0]) *hop;
        const Link *l;

        if (nh->blackhole || nh->oif <= 0 || rt->n_nexthops >= RTNL_MAX_NEXTHOPS)
                return;
        hop = &rt->nexthops[rt->n_nexthops++];
        memset(hop, 0, sizeof(*hop));
        hop->oif = nh->oif;
        /* an IPv4 route may go through an IPv6 gateway (RFC 5549): its link is what counts */
        if (nh->has_gateway && nh->family == family) {
                hop->has_gateway = true;
                hop->gateway = nh->gateway;
        }
        l = state_get_link(s, nh->oif);
        hop->linkdown = !l || !(l->flags & IFF_LOWER_UP);
}

/* The hops of a route on a nexthop object are the object's (a group's: its members'): what the
 * kernel says after `ip nexthop replace` or a member's removal, in no RTM_NEWROUTE. Unknown
 * objects leave the hops the message gave (nexthop_compat_mode). */
static void resolve_nexthop(const State *s, RtnlRoute *rt) {
        const Nexthop *nh = rt->nhid ? state_get_nexthop(s, rt->nhid) : NULL;

        if (!nh)
                return;
        rt->n_nexthops = 0;
        if (nh->n_group == 0)
                nexthop_hop(s, nh, rt->family, rt);
        for (size_t i = 0; i < nh->n_group; i++) {
                const Nexthop *member = state_get_nexthop(s, nh->group[i]);

                if (member)
                        nexthop_hop(s, member, rt->family, rt);
        }
}

/* Drops every hop of the route on the nexthop object */
static int drop_nexthop_route(State *s, const RtnlRoute *rt) {
        size_t i, j;
        int n = 0;

        for (i = j = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                if (r->nhid == rt->nhid && r->family == rt->family && r->table == rt->table &&
                    r->metric == rt->metric) {
                        n++;
                        continue;
                }
                s->routes[j++] = *r;
        }
        s->n_routes = j;
        return n;
}

static int add_hops(State *s, const RtnlRoute *rt) {
        int changed = 0;

        for (size_t i = 0; i < rt->n_nexthops; i++) {
                Route hop;
                int r;

                route_hop(rt, i, &hop);
                r = state_route_update(s, &hop);
                if (r < 0)
                        return r;
                if (r > 0)
                        changed = 1;
        }
        return changed;
}

static bool same_nexthop_route(const Route *x, const RtnlRoute *rt) {
        return x->nhid == rt->nhid && x->family == rt->family && x->table == rt->table &&
                x->metric == rt->metric;
}

/* The hops of the route, for telling a change from the same hops again; -E2BIG past the max */
static int nexthop_route_hops(const State *s, const RtnlRoute *rt, Route *ret, size_t *ret_n) {
        size_t n = 0;

        for (size_t i = 0; i < s->n_routes; i++) {
                if (!same_nexthop_route(&s->routes[i], rt))
                        continue;
                if (n >= RTNL_MAX_NEXTHOPS)
                        return -E2BIG;
                ret[n++] = s->routes[i];
        }
        *ret_n = n;
        return 0;
}

static bool hops_equal(const Route *a, size_t n_a, const Route *b, size_t n_b) {
        if (n_a != n_b)
                return false;
        /* both in the state's order */
        for (size_t i = 0; i < n_a; i++)
                if (a[i].oif != b[i].oif || a[i].has_gateway != b[i].has_gateway ||
                    a[i].linkdown != b[i].linkdown ||
                    (a[i].has_gateway && !inaddr_equal(a[i].family, &a[i].gateway, &b[i].gateway)))
                        return false;
        return true;
}

/* The routes on one of the objects ids (a nexthop object and the groups it is in) get their
 * hops again; those on an object that is gone go */
static int reexpand_routes(State *s, const uint32_t *ids, size_t n_ids) {
        RtnlRoute *todo;
        size_t n = 0;
        int changed = 0, r = 0;

        todo = calloc(s->n_routes + 1, sizeof(*todo));
        if (!todo)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_routes; i++) {
                const Route *x = &s->routes[i];
                bool wanted = false, seen = false;

                for (size_t j = 0; j < n_ids && !wanted; j++)
                        wanted = x->nhid != 0 && x->nhid == ids[j];
                for (size_t k = 0; k < n && wanted && !seen; k++)
                        seen = same_nexthop_route(x, &todo[k]);
                if (!wanted || seen)
                        continue;
                todo[n++] = (RtnlRoute) {
                        .family = x->family, .type = RTN_UNICAST, .table = x->table, .metric = x->metric,
                        .has_prefsrc = x->has_prefsrc, .prefsrc = x->prefsrc, .nhid = x->nhid,
                };
        }
        for (size_t k = 0; k < n && r >= 0; k++) {
                Route before[RTNL_MAX_NEXTHOPS], after[RTNL_MAX_NEXTHOPS];
                size_t n_before = 0, n_after = 0;

                r = nexthop_route_hops(s, &todo[k], before, &n_before);
                resolve_nexthop(s, &todo[k]);
                if (!state_get_nexthop(s, todo[k].nhid))
                        todo[k].n_nexthops = 0;
                drop_nexthop_route(s, &todo[k]);
                if (r >= 0)
                        r = add_hops(s, &todo[k]);
                if (r >= 0)
                        r = nexthop_route_hops(s, &todo[k], after, &n_after);
                if (r < 0 || !hops_equal(before, n_before, after, n_after))
                        changed = 1;
        }
        free(todo);
        return r < 0 && r != -E2BIG ? r : changed;
}

/* id, and the groups it is in */
static size_t nexthop_users(const State *s, uint32_t id, uint32_t *ret) {
        size_t n = 0;

        ret[n++] = id;
        for (size_t i = 0; i < s->n_nexthops; i++)
                if (s->nexthops[i].id != id && state_nexthop_uses(s, s->nexthops[i].id, id))
                        ret[n++] = s->nexthops[i].id;
        return n;
}

/* The object goes: the kernel drops the IPv4 routes on it without an RTM_DELROUTE, and the
 * groups lose it (saying so in an RTM_NEWNEXTHOP, or RTM_DELNEXTHOP for one left empty, after
 * `ip nexthop del`; not a word when its link went down or away) */
static int nexthop_delete(State *s, uint32_t id) {
        _cleanup_free_ uint32_t *ids = NULL;
        size_t n_ids;
        int r, changed;

        ids = calloc(s->n_nexthops + 1, sizeof(*ids));
        if (!ids)
                return -ENOMEM;
        n_ids = nexthop_users(s, id, ids);
        changed = state_nexthop_remove(s, id);
        for (size_t i = 0; i < s->n_nexthops;) {
                Nexthop *g = &s->nexthops[i];
                size_t k = 0, n = g->n_group;

                for (size_t j = 0; j < g->n_group; j++)
                        if (g->group[j] != id)
                                g->group[k++] = g->group[j];
                g->n_group = k;
                if (n > 0 && k == 0)
                        (void) state_nexthop_remove(s, g->id);
                else
                        i++;
        }
        r = reexpand_routes(s, ids, n_ids);
        return r < 0 ? r : (changed > 0 || r > 0);
}

/* nexthop_flush_dev(): a link going down or away takes its objects with it, silently */
static int flush_link_nexthops(State *s, int ifindex) {
        int changed = 0;

        for (size_t i = 0; i < s->n_nexthops;) {
                int r;

                if (s->nexthops[i].oif != ifindex) {
                        i++;
                        continue;
                }
                r = nexthop_delete(s, s->nexthops[i].id);
                if (r < 0)
                        return r;
                changed = 1;
                /* the array changed under us: from the start again */
                i = 0;
        }
        return changed;
}

static int apply_nexthop(State *s, const struct nlmsghdr *nlh) {
        _cleanup_free_ uint32_t *ids = NULL;
        size_t n_ids;
        Nexthop nh;
        int r, changed;

        r = rtnl_parse_nexthop(nlh, &nh);
        if (r == -EOPNOTSUPP)
                return 0;
        if (r < 0)
                return r;
        if (nlh->nlmsg_type == RTM_DELNEXTHOP)
                return nexthop_delete(s, nh.id);
        ids = calloc(s->n_nexthops + 1, sizeof(*ids));
        if (!ids)
                return -ENOMEM;
        n_ids = nexthop_users(s, nh.id, ids);
        changed = state_nexthop_update(s, &nh);
        if (changed <= 0)
                return changed;
        r = reexpand_routes(s, ids, n_ids);
        return r < 0 ? r : 1;
}

static int apply_route(State *s, const struct nlmsghdr *nlh) {
        RtnlRoute rt;
        int r, changed = 0;

        r = rtnl_parse_route(nlh, &rt);
        if (r == -EOPNOTSUPP)
                return 0;
        if (r < 0)
                return r;
        if (!rtnl_route_is_default(&rt))
                return 0;
        if (rt.nhid != 0) {
                Route before[RTNL_MAX_NEXTHOPS], after[RTNL_MAX_NEXTHOPS];
                size_t n_before = 0, n_after = 0;

                /* the object's hops, not the message's, which may be stale or absent */
                resolve_nexthop(s, &rt);
                r = nexthop_route_hops(s, &rt, before, &n_before);
                if (nlh->nlmsg_type == RTM_NEWROUTE && (nlh->nlmsg_flags & NLM_F_REPLACE) &&
                    drop_replaced(s, &rt) > 0)
                        changed = 1;
                drop_nexthop_route(s, &rt);
                if (nlh->nlmsg_type == RTM_DELROUTE)
                        return changed || n_before > 0 || r < 0;
                r = add_hops(s, &rt);
                if (r < 0)
                        return r;
                r = nexthop_route_hops(s, &rt, after, &n_after);
                return changed || r < 0 || !hops_equal(before, n_before, after, n_after);
        }

        if (nlh->nlmsg_type == RTM_NEWROUTE && (nlh->nlmsg_flags & NLM_F_REPLACE) &&
            drop_replaced(s, &rt) > 0)
                changed = 1;
        for (size_t i = 0; i < rt.n_nexthops; i++) {
                Route hop;

                route_hop(&rt, i, &hop);
                if (nlh->nlmsg_type == RTM_NEWROUTE)
                        r = state_route_update(s, &hop);
                else
                        r = state_route_remove(s, &hop);
                if (r < 0)
                        return r;
                if (r > 0)
                        changed = 1;
        }
        return changed;
}

int rtnl_apply(State *s, const struct nlmsghdr *nlh) {
        switch (nlh->nlmsg_type) {
        case RTM_NEWLINK:
                return apply_newlink(s, nlh);
        case RTM_DELLINK:
                return apply_dellink(s, nlh);
        case RTM_NEWADDR:
        case RTM_DELADDR:
                return apply_address(s, nlh);
        case RTM_NEWROUTE:
        case RTM_DELROUTE:
                return apply_route(s, nlh);
        case RTM_NEWNEXTHOP:
        case RTM_DELNEXTHOP:
                return apply_nexthop(s, nlh);
        }
        return -EOPNOTSUPP;
}

/* ---- dump requests ---- */

size_t rtnl_event_filter(struct sock_filter ret[RTNL_EVENT_FILTER_MAX]) {
        /* netlink is in host order, and BPF loads halfwords in network order */
        const struct sock_filter prog[] = {
                BPF_STMT(BPF_LD | BPF_H | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_type)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWROUTE), 1, 0),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_DELROUTE), 0, 4),
                BPF_STMT(BPF_LD | BPF_H | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_flags)),
                BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, htons(NLM_F_MULTI), 2, 0),
                BPF_STMT(BPF_LD | BPF_B | BPF_ABS, NLMSG_HDRLEN + offsetof(struct rtmsg, rtm_dst_len)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, 0xffffffffU),
                BPF_STMT(BPF_RET | BPF_K, 0),
        };

        static_assert(ELEMENTSOF(prog) <= RTNL_EVENT_FILTER_MAX, "RTNL_EVENT_FILTER_MAX");
        memcpy(ret, prog, sizeof(prog));
        return ELEMENTSOF(prog);
}

int rtnl_build_dump_request(void *buf, size_t size, uint16_t type, int family, bool strict, uint32_t seq) {
        struct nlmsghdr *nlh;
        size_t header;

        switch (type) {
        case RTM_GETLINK:
                header = sizeof(struct ifinfomsg);
                break;
        case RTM_GETADDR:
                header = sizeof(struct ifaddrmsg);
                break;
        case RTM_GETNEXTHOP:
                header = sizeof(struct nhmsg);
                break;
        case RTM_GETROUTE:
                header = sizeof(struct rtmsg);
                break;
        default:
                return -EINVAL;
        }
        if (size < RTNL_DUMP_REQUEST_MAX || (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
                return -EINVAL;
        memset(buf, 0, RTNL_DUMP_REQUEST_MAX);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        /* the family is the first byte of each of these headers */
        *(uint8_t *) mnl_nlmsg_put_extra_header(nlh, header) = (uint8_t) family;
        if (type == RTM_GETROUTE && strict && family != AF_UNSPEC) {
                struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

                rtm->rtm_table = RT_TABLE_MAIN;
                rtm->rtm_type = RTN_UNICAST;
                mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
        }
        return (int) nlh->nlmsg_len;
}

/* ---- a buffer from the socket ---- */

static void dump_end(RtnlDump *dump, int error) {
        dump->done = true;
        if (error != 0 && dump->error == 0)
                dump->error = error < 0 ? error : -EPROTO;
}

int rtnl_process_buffer(State *s, RtnlDump *dump, const void *buf, size_t len,
                        unsigned *n_malformed) {
        const struct nlmsghdr *nlh = buf;
        int left, changed = 0;

        if (len > INT32_MAX)
                return -EINVAL;
        left = (int) len;
        for (; netlink_message_fits(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
                bool ours, reply;
                int r;

                /* Events carry pid 0, or the pid and seq of whoever made the change (ip,
                 * NetworkManager): only our own pid marks a dump reply, and only the current
                 * seq a live one. */
                ours = dump && nlh->nlmsg_pid != 0 && nlh->nlmsg_pid == dump->portid;
                reply = ours && dump->seq != 0 && nlh->nlmsg_seq == dump->seq && !dump->done;
                if (ours && !reply)
                        continue;
                if (reply && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
                        dump->interrupted = true;

                switch (nlh->nlmsg_type) {
                case NLMSG_NOOP:
                case NLMSG_OVERRUN:
                        continue;
                case NLMSG_DONE:
                        if (reply) {
                                int err = 0;

                                /* the dump callback's error, if any, follows NLMSG_DONE */
                                if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
                                        memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
                                dump_end(dump, err);
                        }
                        continue;
                case NLMSG_ERROR:
                        if (reply) {
                                const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

                                if (mnl_nlmsg_get_payload_len(nlh) < sizeof(e->error))
                                        dump_end(dump, -EBADMSG);
                                else if (e->error != 0)
                                        dump_end(dump, e->error);
                        }
                        continue;
                }

                r = rtnl_apply(s, nlh);
                if (r == -ENOMEM)
                        return r;
                if (r == -EOPNOTSUPP)
                        continue;
                if (r < 0) {
                        if (n_malformed)
                                (*n_malformed)++;
                        continue;
                }
                if (r > 0)
                        changed = 1;
        }
        if (left > 0)
                return -EBADMSG;
        return changed;
}
