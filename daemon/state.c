/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "state.h"

int state_new(State **ret) {
        State *s = calloc(1, sizeof(*s));

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

State *state_free(State *s) {
        if (!s)
                return NULL;
        free(s->links);
        free(s->addresses);
        free(s->routes);
        free(s->nexthops);
        free(s);
        return NULL;
}

void state_freep(State **s) {
        *s = state_free(*s);
}

static void *array_grow(void *array, size_t *allocated, size_t need, size_t size) {
        size_t n;
        void *p;

        if (need <= *allocated)
                return array;
        n = *allocated ? *allocated : 8;
        while (n < need) {
                if (n > SIZE_MAX / 2 / size)
                        return NULL;
                n *= 2;
        }
        p = reallocarray(array, n, size);
        if (!p)
                return NULL;
        *allocated = n;
        return p;
}

/* Room for n items in dst's array, its content kept */
static int array_reserve(void **array, size_t *allocated, size_t n, size_t size) {
        void *p;

        if (n <= *allocated)
                return 0;
        p = array_grow(*array, allocated, n, size);
        if (!p)
                return -ENOMEM;
        *array = p;
        return 0;
}

int state_copy(State *dst, const State *src) {
        /* all the room first, so a failure leaves dst as it was */
        if (array_reserve((void **) &dst->links, &dst->allocated_links, src->n_links, sizeof(Link)) < 0 ||
            array_reserve((void **) &dst->addresses, &dst->allocated_addresses, src->n_addresses, sizeof(Address)) < 0 ||
            array_reserve((void **) &dst->routes, &dst->allocated_routes, src->n_routes, sizeof(Route)) < 0 ||
            array_reserve((void **) &dst->nexthops, &dst->allocated_nexthops, src->n_nexthops, sizeof(Nexthop)) < 0)
                return -ENOMEM;
        dst->n_links = src->n_links;
        dst->n_addresses = src->n_addresses;
        dst->n_routes = src->n_routes;
        dst->n_nexthops = src->n_nexthops;
        if (src->n_links > 0)
                memcpy(dst->links, src->links, src->n_links * sizeof(Link));
        if (src->n_addresses > 0)
                memcpy(dst->addresses, src->addresses, src->n_addresses * sizeof(Address));
        if (src->n_routes > 0)
                memcpy(dst->routes, src->routes, src->n_routes * sizeof(Route));
        if (src->n_nexthops > 0)
                memcpy(dst->nexthops, src->nexthops, src->n_nexthops * sizeof(Nexthop));
        return 0;
}

/* ---- links: sorted by ifindex ---- */

static size_t link_lower_bound(const State *s, int ifindex) {
        size_t lo = 0, hi = s->n_links;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (s->links[mid].ifindex < ifindex)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

Link *state_get_link_mutable(State *s, int ifindex) {
        size_t i = link_lower_bound(s, ifindex);

        if (i < s->n_links && s->links[i].ifindex == ifindex)
                return &s->links[i];
        return NULL;
}

const Link *state_get_link(const State *s, int ifindex) {
        return state_get_link_mutable((State *) s, ifindex);
}

static bool link_equal(const Link *a, const Link *b) {
        return a->ifindex == b->ifindex &&
                a->arphrd == b->arphrd &&
                a->flags == b->flags &&
                a->operstate == b->operstate &&
                a->master == b->master &&
                a->wireless == b->wireless &&
                a->wireless_probed == b->wireless_probed &&
                strncmp(a->name, b->name, sizeof(a->name)) == 0 &&
                strncmp(a->info_kind, b->info_kind, sizeof(a->info_kind)) == 0;
}

int state_link_update(State *s, const Link *l) {
        size_t i;
        Link *p, copy;
        bool changed;

        if (l->ifindex <= 0)
                return -EINVAL;
        copy = *l;
        copy.name[sizeof(copy.name) - 1] = 0;
        copy.info_kind[sizeof(copy.info_kind) - 1] = 0;
        copy.marked = false;
        memset(copy.ssid, 0, sizeof(copy.ssid));
        copy.ssid_len = 0;

        i = link_lower_bound(s, l->ifindex);
        if (i < s->n_links && s->links[i].ifindex == l->ifindex) {
                memcpy(copy.ssid, s->links[i].ssid, sizeof(copy.ssid));
                copy.ssid_len = s->links[i].ssid_len;
                changed = !link_equal(&s->links[i], &copy);
                s->links[i] = copy;
                return changed;
        }

        p = array_grow(s->links, &s->allocated_links, s->n_links + 1, sizeof(Link));
        if (!p)
                return -ENOMEM;
        s->links = p;
        memmove(s->links + i + 1, s->links + i, (s->n_links - i) * sizeof(Link));
        s->links[i] = copy;
        s->n_links++;
        return 1;
}

int state_link_set_ssid(State *s, int ifindex, const void *ssid, size_t len) {
        Link *l;

        if (len > LINK_SSID_MAX)
                return -EINVAL;
        l = state_get_link_mutable(s, ifindex);
        if (!l)
                return -ENOENT;
        if (l->ssid_len == len && (len == 0 || memcmp(l->ssid, ssid, len) == 0))
                return 0;
        memset(l->ssid, 0, sizeof(l->ssid));
        if (len > 0)
                memcpy(l->ssid, ssid, len);
        l->ssid_len = (uint8_t) len;
        return 1;
}

/* Drops the link with its addresses and routes; returns how many entries went */
static int link_remove_all(State *s, int ifindex) {
        size_t i, j;
        int n = 0;

        i = link_lower_bound(s, ifindex);
        if (i < s->n_links && s->links[i].ifindex == ifindex) {
                memmove(s->links + i, s->links + i + 1, (s->n_links - i - 1) * sizeof(Link));
                s->n_links--;
                n++;
        }

        for (i = j = 0; i < s->n_addresses; i++) {
                if (s->addresses[i].ifindex == ifindex) {
                        n++;
                        continue;
                }
                s->addresses[j++] = s->addresses[i];
        }
        s->n_addresses = j;

        return n + state_routes_flush_link(s, ifindex, AF_UNSPEC);
}

int state_link_remove(State *s, int ifindex) {
        return link_remove_all(s, ifindex) > 0;
}

/* ---- addresses: sorted by (ifindex, family, address, prefixlen) ---- */

static int address_compare(const Address *a, const Address *b) {
        int r;

        if (a->ifindex != b->ifindex)
                return a->ifindex < b->ifindex ? -1 : 1;
        if (a->family != b->family)
                return a->family < b->family ? -1 : 1;
        r = inaddr_compare(a->family, &a->address, &b->address);
        if (r != 0)
                return r;
        if (a->prefixlen != b->prefixlen)
                return a->prefixlen < b->prefixlen ? -1 : 1;
        return 0;
}

static size_t address_lower_bound(const State *s, const Address *a) {
        size_t lo = 0, hi = s->n_addresses;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (address_compare(&s->addresses[mid], a) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

int state_address_update(State *s, const Address *a) {
        size_t i;
        Address *p, copy;
        bool changed;

        if (inaddr_size(a->family) == 0)
                return -EAFNOSUPPORT;
        if (a->ifindex <= 0)
                return -EINVAL;
        copy = *a;
        memset(copy.address.bytes + inaddr_size(a->family), 0,
               sizeof(copy.address) - inaddr_size(a->family));
        copy.marked = false;

        i = address_lower_bound(s, &copy);
        if (i < s->n_addresses && address_compare(&s->addresses[i], &copy) == 0) {
                changed = s->addresses[i].scope != copy.scope ||
                        s->addresses[i].flags != copy.flags;
                s->addresses[i] = copy;
                return changed;
        }

        p = array_grow(s->addresses, &s->allocated_addresses, s->n_addresses + 1, sizeof(Address));
        if (!p)
                return -ENOMEM;
        s->addresses = p;
        memmove(s->addresses + i + 1, s->addresses + i, (s->n_addresses - i) * sizeof(Address));
        s->addresses[i] = copy;
        s->n_addresses++;
        return 1;
}

int state_address_remove(State *s, const Address *a) {
        size_t i;

        if (inaddr_size(a->family) == 0)
                return -EAFNOSUPPORT;
        i = address_lower_bound(s, a);
        if (i >= s->n_addresses || address_compare(&s->addresses[i], a) != 0)
                return 0;
        memmove(s->addresses + i, s->addresses + i + 1, (s->n_addresses - i - 1) * sizeof(Address));
        s->n_addresses--;
        return 1;
}

size_t state_link_count_addresses(const State *s, int ifindex, int family) {
        const Address key = { .ifindex = ifindex, .family = AF_UNSPEC };
        size_t i, n = 0;

        /* AF_UNSPEC sorts before every real family, so this is the link's first address */
        for (i = address_lower_bound(s, &key); i < s->n_addresses; i++) {
                if (s->addresses[i].ifindex != ifindex)
                        break;
                if (s->addresses[i].family == family)
                        n++;
        }
        return n;
}

/* ---- routes: sorted by (family, table, metric, oif, gateway) ---- */

static int route_compare(const Route *a, const Route *b) {
        if (a->family != b->family)
                return a->family < b->family ? -1 : 1;
        if (a->table != b->table)
                return a->table < b->table ? -1 : 1;
        if (a->metric != b->metric)
                return a->metric < b->metric ? -1 : 1;
        if (a->oif != b->oif)
                return a->oif < b->oif ? -1 : 1;
        if (a->has_gateway != b->has_gateway)
                return a->has_gateway ? 1 : -1;
        if (!a->has_gateway)
                return 0;
        return inaddr_compare(a->family, &a->gateway, &b->gateway);
}

static size_t route_lower_bound(const State *s, const Route *r) {
        size_t lo = 0, hi = s->n_routes;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (route_compare(&s->routes[mid], r) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

int state_route_update(State *s, const Route *r) {
        Route *p, copy;
        size_t i;
        bool changed;

        if (inaddr_size(r->family) == 0)
                return -EAFNOSUPPORT;
        copy = *r;
        if (!copy.has_gateway)
                memset(&copy.gateway, 0, sizeof(copy.gateway));
        if (!copy.has_prefsrc)
                memset(&copy.prefsrc, 0, sizeof(copy.prefsrc));
        copy.marked = false;

        i = route_lower_bound(s, &copy);
        if (i < s->n_routes && route_compare(&s->routes[i], &copy) == 0) {
                Route *old = &s->routes[i];

                changed = old->multipath != copy.multipath ||
                        old->linkdown != copy.linkdown || old->nhid != copy.nhid ||
                        old->has_prefsrc != copy.has_prefsrc ||
                        (copy.has_prefsrc &&
                         !inaddr_equal(copy.family, &old->prefsrc, &copy.prefsrc));
                *old = copy;
                return changed;
        }

        p = array_grow(s->routes, &s->allocated_routes, s->n_routes + 1, sizeof(Route));
        if (!p)
                return -ENOMEM;
        s->routes = p;
        memmove(s->routes + i + 1, s->routes + i, (s->n_routes - i) * sizeof(Route));
        s->routes[i] = copy;
        s->n_routes++;
        return 1;
}

int state_route_remove(State *s, const Route *r) {
        size_t i;

        if (inaddr_size(r->family) == 0)
                return -EAFNOSUPPORT;
        i = route_lower_bound(s, r);
        if (i >= s->n_routes || route_compare(&s->routes[i], r) != 0)
                return 0;
        memmove(s->routes + i, s->routes + i + 1, (s->n_routes - i - 1) * sizeof(Route));
        s->n_routes--;
        return 1;
}

int state_routes_flush_link(State *s, int ifindex, int family) {
        size_t i, j;
        int n = 0;

        for (i = j = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                if (r->oif == ifindex && (family == AF_UNSPEC || r->family == family)) {
                        n++;
                        continue;
                }
                s->routes[j++] = *r;
        }
        s->n_routes = j;
        return n;
}

int state_routes_set_linkdown(State *s, int ifindex, bool linkdown) {
        int n = 0;

        for (size_t i = 0; i < s->n_routes; i++) {
                Route *r = &s->routes[i];

                if (r->oif == ifindex && r->linkdown != linkdown) {
                        r->linkdown = linkdown;
                        n++;
                }
        }
        return n;
}

int state_routes_flush_prefsrc(State *s, int family, const union in_addr_union *prefsrc) {
        size_t i, j;
        int n = 0;

        for (i = j = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                if (r->family == family && r->has_prefsrc &&
                    inaddr_equal(family, &r->prefsrc, prefsrc)) {
                        n++;
                        continue;
                }
                s->routes[j++] = *r;
        }
        s->n_routes = j;
        return n;
}

/* ---- nexthop objects ---- */

static Nexthop *nexthop_find(const State *s, uint32_t id) {
        for (size_t i = 0; i < s->n_nexthops; i++)
                if (s->nexthops[i].id == id)
                        return &s->nexthops[i];
        return NULL;
}

const Nexthop *state_get_nexthop(const State *s, uint32_t id) {
        return nexthop_find(s, id);
}

static bool nexthop_equal(const Nexthop *a, const Nexthop *b) {
        return a->id == b->id && a->family == b->family && a->oif == b->oif &&
                a->has_gateway == b->has_gateway &&
                memcmp(&a->gateway, &b->gateway, sizeof(a->gateway)) == 0 &&
                a->blackhole == b->blackhole && a->n_group == b->n_group &&
                memcmp(a->group, b->group, a->n_group * sizeof(a->group[0])) == 0;
}

int state_nexthop_update(State *s, const Nexthop *nh) {
        Nexthop copy = *nh, *old, *p;
        bool changed;

        if (nh->id == 0 || nh->n_group > STATE_NEXTHOP_GROUP_MAX)
                return -EINVAL;
        copy.marked = false;
        if (!copy.has_gateway)
                memset(&copy.gateway, 0, sizeof(copy.gateway));
        memset(copy.group + copy.n_group, 0, (STATE_NEXTHOP_GROUP_MAX - copy.n_group) * sizeof(copy.group[0]));
        old = nexthop_find(s, nh->id);
        if (old) {
                changed = !nexthop_equal(old, &copy);
                *old = copy;
                return changed;
        }
        p = array_grow(s->nexthops, &s->allocated_nexthops, s->n_nexthops + 1, sizeof(Nexthop));
        if (!p)
                return -ENOMEM;
        s->nexthops = p;
        s->nexthops[s->n_nexthops++] = copy;
        return 1;
}

int state_nexthop_remove(State *s, uint32_t id) {
        Nexthop *nh = nexthop_find(s, id);

        if (!nh)
                return 0;
        *nh = s->nexthops[--s->n_nexthops];
        return 1;
}

bool state_nexthop_uses(const State *s, uint32_t nhid, uint32_t id) {
        const Nexthop *nh;

        if (nhid == id)
                return true;
        nh = nexthop_find(s, nhid);
        for (size_t i = 0; nh && i < nh->n_group; i++)
                if (nh->group[i] == id)
                        return true;
        return false;
}

/* ---- mark and sweep ---- */

void state_mark_all(State *s) {
        for (size_t i = 0; i < s->n_links; i++)
                s->links[i].marked = true;
        for (size_t i = 0; i < s->n_addresses; i++)
                s->addresses[i].marked = true;
        for (size_t i = 0; i < s->n_routes; i++)
                s->routes[i].marked = true;
        for (size_t i = 0; i < s->n_nexthops; i++)
                s->nexthops[i].marked = true;
}

int state_sweep(State *s) {
        size_t i, j;
        int n = 0;

        for (i = 0; i < s->n_links;) {
                if (s->links[i].marked)
                        n += link_remove_all(s, s->links[i].ifindex);
                else
                        i++;
        }

        for (i = j = 0; i < s->n_addresses; i++) {
                if (s->addresses[i].marked) {
                        n++;
                        continue;
                }
                s->addresses[j++] = s->addresses[i];
        }
        s->n_addresses = j;

        for (i = j = 0; i < s->n_routes; i++) {
                if (s->routes[i].marked) {
                        n++;
                        continue;
                }
                s->routes[j++] = s->routes[i];
        }
        s->n_routes = j;

        for (i = j = 0; i < s->n_nexthops; i++) {
                if (s->nexthops[i].marked) {
                        n++;
                        continue;
                }
                s->nexthops[j++] = s->nexthops[i];
        }
        s->n_nexthops = j;

        return n;
}

/* ---- classification ---- */

bool state_link_has_carrier(const Link *l) {
        if (l->operstate == IF_OPER_UP)
                return true;
        return l->operstate == IF_OPER_UNKNOWN &&
                (l->flags & IFF_LOWER_UP) && (l->flags & IFF_RUNNING);
}

bool state_link_is_up(const Link *l) {
        return l->flags & IFF_UP;
}

static bool kind_in(const char *kind, const char *const *list) {
        for (; *list; list++)
                if (strcmp(kind, *list) == 0)
                        return true;
        return false;
}

LinkKind state_link_kind(const Link *l) {
        static const char *const vpn_kinds[] = {
                "wireguard", "ipip", "gre", "gretap", "ip6gre", "sit", "ip6tnl",
                "vti", "vti6", "xfrm", NULL,
        };
        /* macvlan and ipvlan devices sit on their parent's Ethernet segment */
        static const char *const ethernet_kinds[] = {
                "bond", "team", "vlan", "macvlan", "macvtap", "ipvlan", NULL,
        };
        const char *kind = l->info_kind;

        if ((l->flags & IFF_LOOPBACK) || l->arphrd == ARPHRD_LOOPBACK)
                return LINK_KIND_LOOPBACK;
        if (l->wireless)
                return LINK_KIND_WIFI;
        if (strcmp(kind, "veth") == 0)
                return LINK_KIND_VETH;
        if (strcmp(kind, "bridge") == 0)
                return LINK_KIND_BRIDGE;
        /* "tun" is also the kind of tap devices (ARPHRD_ETHER), which are mostly VM adapters */
        if (kind_in(kind, vpn_kinds) || (strcmp(kind, "tun") == 0 && l->arphrd == ARPHRD_NONE))
                return LINK_KIND_VPN;
        switch (l->arphrd) {
        case ARPHRD_TUNNEL:
        case ARPHRD_TUNNEL6:
        case ARPHRD_SIT:
        case ARPHRD_IPGRE:
        case ARPHRD_IP6GRE:
                return LINK_KIND_VPN;
        }
        if (kind_in(kind, ethernet_kinds) || (l->arphrd == ARPHRD_ETHER && kind[0] == 0))
                return LINK_KIND_ETHERNET;
        return LINK_KIND_OTHER;
}

const char *state_link_kind_to_string(LinkKind k) {
        switch (k) {
        case LINK_KIND_ETHERNET:
                return "ethernet";
        case LINK_KIND_WIFI:
                return "wifi";
        case LINK_KIND_VPN:
                return "vpn";
        case LINK_KIND_BRIDGE:
                return "bridge";
        case LINK_KIND_VETH:
                return "veth";
        case LINK_KIND_LOOPBACK:
                return "loopback";
        case LINK_KIND_OTHER:
                return "other";
        case _LINK_KIND_MAX:
                break;
        }
        return NULL;
}

const char *state_operstate_to_string(uint8_t operstate) {
        static const char *const names[] = {
                [IF_OPER_UNKNOWN] = "unknown",
                [IF_OPER_NOTPRESENT] = "notpresent",
                [IF_OPER_DOWN] = "down",
                [IF_OPER_LOWERLAYERDOWN] = "lowerlayerdown",
                [IF_OPER_TESTING] = "testing",
                [IF_OPER_DORMANT] = "dormant",
                [IF_OPER_UP] = "up",
        };

        if (operstate >= sizeof(names) / sizeof(names[0]))
                return NULL;
        return names[operstate];
}

const char *state_scope_to_string(uint8_t scope) {
        switch (scope) {
        case RT_SCOPE_UNIVERSE:
                return "global";
        case RT_SCOPE_SITE:
                return "site";
        case RT_SCOPE_LINK:
                return "link";
        case RT_SCOPE_HOST:
                return "host";
        case RT_SCOPE_NOWHERE:
                return "nowhere";
        }
        return NULL;
}

/* ---- default routes ---- */

bool state_route_is_live(const State *s, const Route *r) {
        const Link *l;

        if (r->linkdown)
                return false;
        l = state_get_link(s, r->oif);
        return l && state_link_has_carrier(l);
}

int state_link_default_route_metric(const State *s, int ifindex, uint32_t *ret_metric) {
        bool found = false;
        uint32_t best = 0;

        for (size_t i = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                if (r->oif != ifindex || !state_route_is_live(s, r))
                        continue;
                if (!found || r->metric < best)
                        best = r->metric;
                found = true;
        }
        if (!found)
                return -ENOENT;
        *ret_metric = best;
        return 0;
}

bool state_route_prefers(const State *s, int family, const union in_addr_union *a, int oif, bool live_only) {
        for (size_t i = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                if (r->family == family && r->has_prefsrc && (oif == 0 || r->oif == oif) &&
                    inaddr_equal(family, &r->prefsrc, a) && (!live_only || state_route_is_live(s, r)))
                        return true;
        }
        return false;
}

bool state_address_is_default_prefsrc(const State *s, const Address *a) {
        return state_route_prefers(s, a->family, &a->address, 0, true);
}
