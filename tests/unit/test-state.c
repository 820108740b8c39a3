/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "state.h"
#include "testutil.h"

static Link mklink(int ifindex, const char *name, uint16_t arphrd, uint32_t flags,
                   uint8_t operstate, const char *kind) {
        Link l = { .ifindex = ifindex, .arphrd = arphrd, .flags = flags, .operstate = operstate };

        snprintf(l.name, sizeof(l.name), "%s", name);
        snprintf(l.info_kind, sizeof(l.info_kind), "%s", kind);
        return l;
}

static union in_addr_union ip(int family, const char *s) {
        union in_addr_union a = {};

        ck_assert_int_eq(inet_pton(family, s, &a), 1);
        return a;
}

static Address mkaddr(int family, int ifindex, const char *s, uint8_t prefixlen, uint32_t flags) {
        return (Address) {
                .family = family,
                .ifindex = ifindex,
                .address = ip(family, s),
                .prefixlen = prefixlen,
                .flags = flags,
        };
}

static Route mkroute(int family, int oif, uint32_t metric, const char *gateway,
                     const char *prefsrc) {
        Route r = { .family = family, .oif = oif, .metric = metric, .table = RT_TABLE_MAIN };

        if (gateway) {
                r.has_gateway = true;
                r.gateway = ip(family, gateway);
        }
        if (prefsrc) {
                r.has_prefsrc = true;
                r.prefsrc = ip(family, prefsrc);
        }
        return r;
}

static State *new_state(void) {
        State *s = NULL;

        ck_assert_int_eq(state_new(&s), 0);
        ck_assert_ptr_nonnull(s);
        return s;
}

#define LINK_UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

/* Links 2, 3 and 4, up with carrier */
static void add_carrier_links(State *s) {
        for (int i = 2; i <= 4; i++) {
                Link l = mklink(i, "x", ARPHRD_ETHER, LINK_UP, IF_OPER_UP, "");

                ck_assert_int_eq(state_link_update(s, &l), 1);
        }
}

START_TEST(test_new_free) {
        State *s = new_state();

        ck_assert_uint_eq(s->n_links, 0);
        ck_assert_uint_eq(s->n_addresses, 0);
        ck_assert_uint_eq(s->n_routes, 0);
        ck_assert_ptr_null(state_free(s));
        ck_assert_ptr_null(state_free(NULL));
}
END_TEST

START_TEST(test_copy) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        __attribute__((cleanup(state_freep))) State *c = new_state();
        Address a = mkaddr(AF_INET, 2, "10.0.0.2", 24, 0);
        Route r = mkroute(AF_INET, 2, 100, "10.0.0.1", NULL);
        Nexthop nh = { .id = 7, .family = AF_INET, .oif = 2 };

        /* an empty state copies to an empty one */
        ck_assert_int_eq(state_copy(c, s), 0);
        ck_assert_uint_eq(c->n_links + c->n_addresses + c->n_routes + c->n_nexthops, 0);

        add_carrier_links(s);
        ck_assert_int_eq(state_address_update(s, &a), 1);
        ck_assert_int_eq(state_route_update(s, &r), 1);
        ck_assert_int_eq(state_nexthop_update(s, &nh), 1);
        ck_assert_int_eq(state_copy(c, s), 0);
        ck_assert_uint_eq(c->n_links, 3);
        ck_assert_mem_eq(c->links, s->links, 3 * sizeof(Link));
        ck_assert_uint_eq(c->n_addresses, 1);
        ck_assert_mem_eq(c->addresses, s->addresses, sizeof(Address));
        ck_assert_uint_eq(c->n_routes, 1);
        ck_assert_mem_eq(c->routes, s->routes, sizeof(Route));
        ck_assert_uint_eq(c->n_nexthops, 1);
        ck_assert_ptr_nonnull(state_get_nexthop(c, 7));

        /* a copy, not a view: the source moves on alone, and a smaller copy reuses the arrays */
        ck_assert_int_eq(state_link_remove(s, 2), 1);
        ck_assert_uint_eq(c->n_links, 3);
        ck_assert_uint_eq(c->n_addresses, 1);
        ck_assert_int_eq(state_copy(c, s), 0);
        ck_assert_uint_eq(c->n_links, 2);
        ck_assert_uint_eq(c->n_addresses, 0);
        ck_assert_uint_eq(c->n_routes, 0);
        ck_assert_ptr_null(state_get_link(c, 2));
        ck_assert_ptr_nonnull(state_get_link(c, 3));
}
END_TEST

START_TEST(test_link_update) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Link l = mklink(3, "eth0", ARPHRD_ETHER, IFF_UP, IF_OPER_UP, "");
        const Link *got;

        ck_assert_int_eq(state_link_update(s, &l), 1);
        ck_assert_int_eq(state_link_update(s, &l), 0);
        ck_assert_uint_eq(s->n_links, 1);

        l.operstate = IF_OPER_DOWN;
        ck_assert_int_eq(state_link_update(s, &l), 1);
        l.flags |= IFF_RUNNING;
        ck_assert_int_eq(state_link_update(s, &l), 1);
        snprintf(l.name, sizeof(l.name), "lan0");
        ck_assert_int_eq(state_link_update(s, &l), 1);
        snprintf(l.info_kind, sizeof(l.info_kind), "vlan");
        ck_assert_int_eq(state_link_update(s, &l), 1);
        l.wireless_probed = true;
        ck_assert_int_eq(state_link_update(s, &l), 1);
        ck_assert_int_eq(state_link_update(s, &l), 0);
        ck_assert_uint_eq(s->n_links, 1);

        got = state_get_link(s, 3);
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got->name, "lan0");
        ck_assert_str_eq(got->info_kind, "vlan");
        ck_assert_uint_eq(got->operstate, IF_OPER_DOWN);
        ck_assert_uint_eq(got->flags, IFF_UP | IFF_RUNNING);
        ck_assert(got->wireless_probed);
        ck_assert_ptr_null(state_get_link(s, 4));
        ck_assert_ptr_eq(state_get_link_mutable(s, 3), got);

        l.ifindex = 0;
        ck_assert_int_eq(state_link_update(s, &l), -EINVAL);
        l.ifindex = -1;
        ck_assert_int_eq(state_link_update(s, &l), -EINVAL);
        ck_assert_uint_eq(s->n_links, 1);
}
END_TEST

START_TEST(test_link_update_unterminated_name) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Link l = mklink(2, "", ARPHRD_ETHER, 0, 0, "");

        memset(l.name, 'x', sizeof(l.name));
        memset(l.info_kind, 'k', sizeof(l.info_kind));
        ck_assert_int_eq(state_link_update(s, &l), 1);
        ck_assert_uint_eq(strlen(state_get_link(s, 2)->name), IFNAMSIZ - 1);
        ck_assert_uint_eq(strlen(state_get_link(s, 2)->info_kind), LINK_INFO_KIND_MAX - 1);
}
END_TEST

START_TEST(test_links_sorted_and_grow) {
        __attribute__((cleanup(state_freep))) State *s = new_state();

        for (int i = 1000; i >= 1; i--) {
                char name[IFNAMSIZ];
                Link l;

                snprintf(name, sizeof(name), "v%d", i);
                l = mklink(i * 2, name, ARPHRD_ETHER, 0, 0, "veth");
                ck_assert_int_eq(state_link_update(s, &l), 1);
        }
        ck_assert_uint_eq(s->n_links, 1000);
        ck_assert_uint_ge(s->allocated_links, 1000);
        for (size_t i = 0; i < s->n_links; i++)
                ck_assert_int_eq(s->links[i].ifindex, (int) (i + 1) * 2);
        ck_assert_str_eq(state_get_link(s, 1000)->name, "v500");
        ck_assert_ptr_null(state_get_link(s, 999));
        ck_assert_ptr_null(state_get_link(s, 2001));
        ck_assert_int_eq(state_link_remove(s, 1000), 1);
        ck_assert_ptr_null(state_get_link(s, 1000));
        ck_assert_str_eq(state_get_link(s, 1002)->name, "v501");
        ck_assert_uint_eq(s->n_links, 999);
}
END_TEST

START_TEST(test_link_remove_cascades) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Link a = mklink(2, "eth0", ARPHRD_ETHER, IFF_UP, IF_OPER_UP, "");
        Link b = mklink(3, "wlan0", ARPHRD_ETHER, IFF_UP, IF_OPER_UP, "");
        Address a1 = mkaddr(AF_INET, 2, "192.168.1.2", 24, 0);
        Address a2 = mkaddr(AF_INET6, 2, "2001:db8::2", 64, 0);
        Address b1 = mkaddr(AF_INET, 3, "10.0.0.3", 8, 0);
        Route r1 = mkroute(AF_INET, 2, 100, "192.168.1.1", NULL);
        Route r2 = mkroute(AF_INET6, 2, 1024, "fe80::1", NULL);
        Route r3 = mkroute(AF_INET, 3, 600, "10.0.0.1", NULL);

        ck_assert_int_eq(state_link_update(s, &a), 1);
        ck_assert_int_eq(state_link_update(s, &b), 1);
        ck_assert_int_eq(state_address_update(s, &a1), 1);
        ck_assert_int_eq(state_address_update(s, &a2), 1);
        ck_assert_int_eq(state_address_update(s, &b1), 1);
        ck_assert_int_eq(state_route_update(s, &r1), 1);
        ck_assert_int_eq(state_route_update(s, &r2), 1);
        ck_assert_int_eq(state_route_update(s, &r3), 1);

        ck_assert_int_eq(state_link_remove(s, 2), 1);
        ck_assert_uint_eq(s->n_links, 1);
        ck_assert_int_eq(s->links[0].ifindex, 3);
        ck_assert_uint_eq(s->n_addresses, 1);
        ck_assert_int_eq(s->addresses[0].ifindex, 3);
        ck_assert_uint_eq(s->n_routes, 1);
        ck_assert_int_eq(s->routes[0].oif, 3);

        ck_assert_int_eq(state_link_remove(s, 2), 0);
        ck_assert_int_eq(state_link_remove(s, 77), 0);

        /* addresses and routes of a link we never saw still go with its index */
        ck_assert_int_eq(state_address_update(s, &a1), 1);
        ck_assert_int_eq(state_link_remove(s, 2), 1);
        ck_assert_uint_eq(s->n_addresses, 1);
}
END_TEST

START_TEST(test_address_keys) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Address a = mkaddr(AF_INET, 2, "192.168.1.2", 24, IFA_F_PERMANENT);
        Address b;

        ck_assert_int_eq(state_address_update(s, &a), 1);
        /* a lifetime refresh repeats everything we keep */
        ck_assert_int_eq(state_address_update(s, &a), 0);

        b = a;
        b.flags = IFA_F_PERMANENT | IFA_F_SECONDARY;
        ck_assert_int_eq(state_address_update(s, &b), 1);
        ck_assert_uint_eq(s->n_addresses, 1);
        ck_assert_uint_eq(s->addresses[0].flags, IFA_F_PERMANENT | IFA_F_SECONDARY);
        b.scope = RT_SCOPE_LINK;
        ck_assert_int_eq(state_address_update(s, &b), 1);
        ck_assert_uint_eq(s->n_addresses, 1);
        ck_assert_uint_eq(s->addresses[0].scope, RT_SCOPE_LINK);

        /* each key field makes a new entry */
        b = a;
        b.prefixlen = 16;
        ck_assert_int_eq(state_address_update(s, &b), 1);
        b = a;
        b.ifindex = 3;
        ck_assert_int_eq(state_address_update(s, &b), 1);
        b = mkaddr(AF_INET, 2, "192.168.1.3", 24, 0);
        ck_assert_int_eq(state_address_update(s, &b), 1);
        ck_assert_uint_eq(s->n_addresses, 4);

        /* bytes past an IPv4 address are not part of the key, and not kept */
        b = a;
        memset(b.address.bytes + 4, 0xaa, 12);
        ck_assert_int_eq(state_address_update(s, &b), 1);
        ck_assert_uint_eq(s->n_addresses, 4);
        for (size_t i = 0; i < s->n_addresses; i++)
                for (size_t j = 4; j < 16; j++)
                        ck_assert_uint_eq(s->addresses[i].address.bytes[j], 0);

        ck_assert_int_eq(state_address_remove(s, &b), 1);
        ck_assert_int_eq(state_address_remove(s, &a), 0);
        ck_assert_uint_eq(s->n_addresses, 3);

        b.family = AF_PACKET;
        ck_assert_int_eq(state_address_update(s, &b), -EAFNOSUPPORT);
        b = a;
        b.ifindex = 0;
        ck_assert_int_eq(state_address_update(s, &b), -EINVAL);
        ck_assert_uint_eq(s->n_addresses, 3);
}
END_TEST

START_TEST(test_address_count) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Address list[] = {
                mkaddr(AF_INET6, 2, "fe80::1", 64, 0),
                mkaddr(AF_INET, 2, "192.168.1.2", 24, 0),
                mkaddr(AF_INET, 2, "192.168.1.9", 24, IFA_F_SECONDARY),
                mkaddr(AF_INET, 1, "127.0.0.1", 8, 0),
                mkaddr(AF_INET6, 3, "2001:db8::3", 64, 0),
                mkaddr(AF_INET, 4, "10.0.0.4", 8, 0),
        };

        for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
                ck_assert_int_eq(state_address_update(s, &list[i]), 1);
        ck_assert_uint_eq(state_link_count_addresses(s, 2, AF_INET), 2);
        ck_assert_uint_eq(state_link_count_addresses(s, 2, AF_INET6), 1);
        ck_assert_uint_eq(state_link_count_addresses(s, 1, AF_INET), 1);
        ck_assert_uint_eq(state_link_count_addresses(s, 3, AF_INET), 0);
        ck_assert_uint_eq(state_link_count_addresses(s, 3, AF_INET6), 1);
        ck_assert_uint_eq(state_link_count_addresses(s, 5, AF_INET), 0);

        /* kept sorted by link */
        for (size_t i = 1; i < s->n_addresses; i++)
                ck_assert_int_le(s->addresses[i - 1].ifindex, s->addresses[i].ifindex);
}
END_TEST

START_TEST(test_route_keys) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Route r = mkroute(AF_INET, 2, 100, "192.168.1.1", NULL);
        Route x;

        ck_assert_int_eq(state_route_update(s, &r), 1);
        ck_assert_int_eq(state_route_update(s, &r), 0);

        /* prefsrc is not part of the key, but a change of it is a change */
        x = mkroute(AF_INET, 2, 100, "192.168.1.1", "192.168.1.2");
        ck_assert_int_eq(state_route_update(s, &x), 1);
        ck_assert_int_eq(state_route_update(s, &x), 0);
        ck_assert_uint_eq(s->n_routes, 1);
        ck_assert(s->routes[0].has_prefsrc);
        x = mkroute(AF_INET, 2, 100, "192.168.1.1", "192.168.1.3");
        ck_assert_int_eq(state_route_update(s, &x), 1);
        ck_assert_int_eq(state_route_update(s, &r), 1);
        ck_assert(!s->routes[0].has_prefsrc);
        ck_assert_uint_eq(s->n_routes, 1);

        /* nor is multipath */
        x = r;
        x.multipath = true;
        ck_assert_int_eq(state_route_update(s, &x), 1);
        ck_assert_int_eq(state_route_update(s, &x), 0);
        ck_assert_int_eq(state_route_update(s, &r), 1);
        ck_assert_uint_eq(s->n_routes, 1);

        /* a stale gateway in a route without one is no part of the key */
        x = mkroute(AF_INET, 2, 50, NULL, NULL);
        ck_assert_int_eq(state_route_update(s, &x), 1);
        x.gateway = ip(AF_INET, "1.2.3.4");
        ck_assert_int_eq(state_route_update(s, &x), 0);
        ck_assert_uint_eq(s->n_routes, 2);

        /* every key field makes a new entry */
        x = r;
        x.metric = 600;
        ck_assert_int_eq(state_route_update(s, &x), 1);
        x = r;
        x.oif = 3;
        ck_assert_int_eq(state_route_update(s, &x), 1);
        x = r;
        x.table = 1000;
        ck_assert_int_eq(state_route_update(s, &x), 1);
        x = mkroute(AF_INET, 2, 100, "192.168.1.254", NULL);
        ck_assert_int_eq(state_route_update(s, &x), 1);
        x = mkroute(AF_INET6, 2, 100, "::", NULL);
        ck_assert_int_eq(state_route_update(s, &x), 1);
        ck_assert_uint_eq(s->n_routes, 7);

        ck_assert_int_eq(state_route_remove(s, &r), 1);
        ck_assert_int_eq(state_route_remove(s, &r), 0);
        ck_assert_uint_eq(s->n_routes, 6);

        x.family = AF_UNSPEC;
        ck_assert_int_eq(state_route_update(s, &x), -EAFNOSUPPORT);
}
END_TEST

START_TEST(test_routes_sorted) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Route list[] = {
                mkroute(AF_INET6, 2, 1024, "fe80::1", NULL),
                mkroute(AF_INET, 3, 100, "10.0.0.1", NULL),
                mkroute(AF_INET, 2, 600, "192.168.1.1", NULL),
                mkroute(AF_INET, 2, 100, "192.168.1.9", NULL),
                mkroute(AF_INET, 2, 100, NULL, NULL),
                mkroute(AF_INET, 2, 100, "192.168.1.1", NULL),
        };
        static const struct {
                int family;
                int oif;
                uint32_t metric;
                const char *gateway;
        } want[] = {
                { AF_INET, 2, 100, NULL },
                { AF_INET, 2, 100, "192.168.1.1" },
                { AF_INET, 2, 100, "192.168.1.9" },
                { AF_INET, 3, 100, "10.0.0.1" },
                { AF_INET, 2, 600, "192.168.1.1" },
                { AF_INET6, 2, 1024, "fe80::1" },
        };

        for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
                ck_assert_int_eq(state_route_update(s, &list[i]), 1);
        ck_assert_uint_eq(s->n_routes, sizeof(want) / sizeof(want[0]));
        for (size_t i = 0; i < s->n_routes; i++) {
                const Route *r = &s->routes[i];

                ck_assert_int_eq(r->family, want[i].family);
                ck_assert_int_eq(r->oif, want[i].oif);
                ck_assert_uint_eq(r->metric, want[i].metric);
                ck_assert(r->has_gateway == (want[i].gateway != NULL));
                if (want[i].gateway) {
                        union in_addr_union g = ip(want[i].family, want[i].gateway);

                        ck_assert(inaddr_equal(r->family, &r->gateway, &g));
                }
        }
}
END_TEST

START_TEST(test_route_flush) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Route list[] = {
                mkroute(AF_INET, 2, 100, "192.168.1.1", "192.168.1.2"),
                mkroute(AF_INET, 2, 200, "192.168.1.254", NULL),
                mkroute(AF_INET6, 2, 1024, "fe80::1", NULL),
                mkroute(AF_INET, 3, 600, "10.0.0.1", "192.168.1.2"),
                mkroute(AF_INET, 3, 700, "10.0.0.1", "10.0.0.3"),
                mkroute(AF_INET6, 3, 1024, "fe80::1", "2001:db8::3"),
        };

        for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
                ck_assert_int_eq(state_route_update(s, &list[i]), 1);

        ck_assert_int_eq(state_routes_flush_prefsrc(s, AF_INET, &list[0].prefsrc), 2);
        ck_assert_uint_eq(s->n_routes, 4);
        ck_assert_int_eq(state_routes_flush_prefsrc(s, AF_INET, &list[0].prefsrc), 0);
        /* the family must match too */
        ck_assert_int_eq(state_routes_flush_prefsrc(s, AF_INET, &list[5].prefsrc), 0);

        ck_assert_int_eq(state_routes_flush_link(s, 2, AF_INET), 1);
        ck_assert_uint_eq(s->n_routes, 3);
        ck_assert_int_eq(state_routes_flush_link(s, 2, AF_INET), 0);
        ck_assert_int_eq(state_routes_flush_link(s, 3, AF_UNSPEC), 2);
        ck_assert_uint_eq(s->n_routes, 1);
        ck_assert_int_eq(s->routes[0].family, AF_INET6);
        ck_assert_int_eq(s->routes[0].oif, 2);
}
END_TEST

START_TEST(test_mark_sweep) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Link l2 = mklink(2, "eth0", ARPHRD_ETHER, IFF_UP, IF_OPER_UP, "");
        Link l3 = mklink(3, "eth1", ARPHRD_ETHER, IFF_UP, IF_OPER_UP, "");
        Link l4 = mklink(4, "eth2", ARPHRD_ETHER, IFF_UP, IF_OPER_UP, "");
        Address a2 = mkaddr(AF_INET, 2, "192.168.1.2", 24, 0);
        Address a2b = mkaddr(AF_INET, 2, "192.168.1.3", 24, 0);
        Address a4 = mkaddr(AF_INET, 4, "10.0.0.4", 8, 0);
        Route r2 = mkroute(AF_INET, 2, 100, "192.168.1.1", NULL);
        Route r2b = mkroute(AF_INET, 2, 200, "192.168.1.1", NULL);
        Route r4 = mkroute(AF_INET, 4, 100, "10.0.0.1", NULL);
        Nexthop nh = { .id = 7, .family = AF_INET, .oif = 2 };

        ck_assert_int_eq(state_link_update(s, &l2), 1);
        ck_assert_int_eq(state_link_update(s, &l3), 1);
        ck_assert_int_eq(state_link_update(s, &l4), 1);
        ck_assert_int_eq(state_address_update(s, &a2), 1);
        ck_assert_int_eq(state_address_update(s, &a2b), 1);
        ck_assert_int_eq(state_address_update(s, &a4), 1);
        ck_assert_int_eq(state_route_update(s, &r2), 1);
        ck_assert_int_eq(state_route_update(s, &r2b), 1);
        ck_assert_int_eq(state_route_update(s, &r4), 1);

        state_mark_all(s);
        ck_assert(state_get_link(s, 3)->marked);
        /* the re-dump: links 2 and 3, one address and one route of 2; link 4 is gone */
        ck_assert_int_eq(state_link_update(s, &l2), 0);
        ck_assert_int_eq(state_link_update(s, &l3), 0);
        ck_assert_int_eq(state_address_update(s, &a2), 0);
        ck_assert_int_eq(state_route_update(s, &r2), 0);
        ck_assert(!state_get_link(s, 3)->marked);

        /* link 4 with its address and route, a2b, r2b */
        ck_assert_int_eq(state_sweep(s), 5);
        ck_assert_uint_eq(s->n_links, 2);
        ck_assert_ptr_null(state_get_link(s, 4));
        ck_assert_uint_eq(s->n_addresses, 1);
        ck_assert(inaddr_equal(AF_INET, &s->addresses[0].address, &a2.address));
        ck_assert_uint_eq(s->n_routes, 1);
        ck_assert_uint_eq(s->routes[0].metric, 100);

        ck_assert_int_eq(state_sweep(s), 0);
        ck_assert_uint_eq(s->n_links, 2);

        /* a nexthop object the re-dump does not repeat is gone too, and counts */
        ck_assert_int_eq(state_nexthop_update(s, &nh), 1);
        state_mark_all(s);
        ck_assert_int_eq(state_sweep(s), 5);
        ck_assert_uint_eq(s->n_links + s->n_addresses + s->n_routes + s->n_nexthops, 0);
}
END_TEST

START_TEST(test_link_kind) {
        static const struct {
                uint16_t arphrd;
                uint32_t flags;
                const char *kind;
                bool wireless;
                LinkKind expect;
        } table[] = {
                { ARPHRD_LOOPBACK, IFF_LOOPBACK, "", false, LINK_KIND_LOOPBACK },
                { ARPHRD_LOOPBACK, 0, "", false, LINK_KIND_LOOPBACK },
                { ARPHRD_ETHER, IFF_LOOPBACK, "", false, LINK_KIND_LOOPBACK },
                { ARPHRD_ETHER, 0, "", true, LINK_KIND_WIFI },
                { ARPHRD_ETHER, 0, "", false, LINK_KIND_ETHERNET },
                { ARPHRD_ETHER, 0, "veth", false, LINK_KIND_VETH },
                { ARPHRD_ETHER, 0, "bridge", false, LINK_KIND_BRIDGE },
                { ARPHRD_ETHER, 0, "bond", false, LINK_KIND_ETHERNET },
                { ARPHRD_ETHER, 0, "team", false, LINK_KIND_ETHERNET },
                { ARPHRD_ETHER, 0, "vlan", false, LINK_KIND_ETHERNET },
                { ARPHRD_ETHER, 0, "macvlan", false, LINK_KIND_ETHERNET },
                { ARPHRD_ETHER, 0, "vxlan", false, LINK_KIND_OTHER },
                { ARPHRD_NONE, 0, "tun", false, LINK_KIND_VPN },
                { ARPHRD_ETHER, 0, "tun", false, LINK_KIND_OTHER },  /* tap */
                { ARPHRD_NONE, 0, "wireguard", false, LINK_KIND_VPN },
                { ARPHRD_TUNNEL, 0, "ipip", false, LINK_KIND_VPN },
                { ARPHRD_IPGRE, 0, "gre", false, LINK_KIND_VPN },
                { ARPHRD_ETHER, 0, "gretap", false, LINK_KIND_VPN },
                { ARPHRD_IP6GRE, 0, "ip6gre", false, LINK_KIND_VPN },
                { ARPHRD_SIT, 0, "sit", false, LINK_KIND_VPN },
                { ARPHRD_TUNNEL6, 0, "ip6tnl", false, LINK_KIND_VPN },
                { ARPHRD_TUNNEL, 0, "vti", false, LINK_KIND_VPN },
                { ARPHRD_TUNNEL6, 0, "vti6", false, LINK_KIND_VPN },
                { ARPHRD_NONE, 0, "xfrm", false, LINK_KIND_VPN },
                { ARPHRD_TUNNEL, 0, "", false, LINK_KIND_VPN },
                { ARPHRD_TUNNEL6, 0, "", false, LINK_KIND_VPN },
                { ARPHRD_SIT, 0, "", false, LINK_KIND_VPN },
                { ARPHRD_IPGRE, 0, "", false, LINK_KIND_VPN },
                { ARPHRD_IP6GRE, 0, "", false, LINK_KIND_VPN },
                { ARPHRD_NONE, 0, "", false, LINK_KIND_OTHER },
                { ARPHRD_PPP, 0, "", false, LINK_KIND_OTHER },
                { ARPHRD_PPP, 0, "ppp", false, LINK_KIND_OTHER },
                { ARPHRD_INFINIBAND, 0, "", false, LINK_KIND_OTHER },
        };

        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                Link l = mklink(5, "x", table[i].arphrd, table[i].flags, IF_OPER_UP, table[i].kind);
                LinkKind got;

                l.wireless = table[i].wireless;
                got = state_link_kind(&l);
                ck_assert_msg(got == table[i].expect, "row %zu (%s): got %s, want %s", i,
                              table[i].kind, state_link_kind_to_string(got),
                              state_link_kind_to_string(table[i].expect));
        }
}
END_TEST

START_TEST(test_carrier) {
        static const struct {
                uint8_t operstate;
                uint32_t flags;
                bool carrier;
        } table[] = {
                { IF_OPER_UP, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, true },
                { IF_OPER_UP, 0, true },
                { IF_OPER_UNKNOWN, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, true },
                { IF_OPER_UNKNOWN, IFF_RUNNING | IFF_LOWER_UP, true },
                { IF_OPER_UNKNOWN, IFF_UP | IFF_LOWER_UP, false },
                { IF_OPER_UNKNOWN, IFF_UP | IFF_RUNNING, false },
                { IF_OPER_UNKNOWN, IFF_UP, false },
                { IF_OPER_DOWN, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, false },
                { IF_OPER_LOWERLAYERDOWN, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, false },
                { IF_OPER_DORMANT, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, false },
                { IF_OPER_TESTING, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, false },
                { IF_OPER_NOTPRESENT, IFF_UP | IFF_RUNNING | IFF_LOWER_UP, false },
        };

        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                Link l = mklink(5, "x", ARPHRD_ETHER, table[i].flags, table[i].operstate, "");

                ck_assert_msg(state_link_has_carrier(&l) == table[i].carrier, "row %zu", i);
        }
}
END_TEST

START_TEST(test_is_up) {
        Link l = mklink(5, "x", ARPHRD_ETHER, IFF_UP, IF_OPER_DOWN, "");

        ck_assert(state_link_is_up(&l));
        l.flags = IFF_RUNNING | IFF_LOWER_UP;
        l.operstate = IF_OPER_UP;
        ck_assert(!state_link_is_up(&l));
}
END_TEST

START_TEST(test_strings) {
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_ETHERNET), "ethernet");
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_WIFI), "wifi");
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_VPN), "vpn");
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_BRIDGE), "bridge");
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_VETH), "veth");
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_LOOPBACK), "loopback");
        ck_assert_str_eq(state_link_kind_to_string(LINK_KIND_OTHER), "other");
        ck_assert_ptr_null(state_link_kind_to_string(_LINK_KIND_MAX));

        ck_assert_str_eq(state_operstate_to_string(IF_OPER_UNKNOWN), "unknown");
        ck_assert_str_eq(state_operstate_to_string(IF_OPER_NOTPRESENT), "notpresent");
        ck_assert_str_eq(state_operstate_to_string(IF_OPER_DOWN), "down");
        ck_assert_str_eq(state_operstate_to_string(IF_OPER_LOWERLAYERDOWN), "lowerlayerdown");
        ck_assert_str_eq(state_operstate_to_string(IF_OPER_TESTING), "testing");
        ck_assert_str_eq(state_operstate_to_string(IF_OPER_DORMANT), "dormant");
        ck_assert_str_eq(state_operstate_to_string(IF_OPER_UP), "up");
        ck_assert_ptr_null(state_operstate_to_string(7));
        ck_assert_ptr_null(state_operstate_to_string(255));

        ck_assert_str_eq(state_scope_to_string(0), "global");
        ck_assert_str_eq(state_scope_to_string(200), "site");
        ck_assert_str_eq(state_scope_to_string(253), "link");
        ck_assert_str_eq(state_scope_to_string(254), "host");
        ck_assert_str_eq(state_scope_to_string(255), "nowhere");
        ck_assert_ptr_null(state_scope_to_string(1));
        ck_assert_ptr_null(state_scope_to_string(100));
}
END_TEST

START_TEST(test_default_route_metric) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Route list[] = {
                mkroute(AF_INET, 2, 600, "192.168.1.1", NULL),
                mkroute(AF_INET6, 2, 100, "fe80::1", NULL),
                mkroute(AF_INET, 2, 20600, "192.168.1.254", NULL),
                mkroute(AF_INET, 3, 0, "10.0.0.1", NULL),
        };
        uint32_t m = 4242;

        add_carrier_links(s);
        ck_assert_int_eq(state_link_default_route_metric(s, 2, &m), -ENOENT);
        ck_assert_uint_eq(m, 4242);
        for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
                ck_assert_int_eq(state_route_update(s, &list[i]), 1);

        ck_assert_int_eq(state_link_default_route_metric(s, 2, &m), 0);
        ck_assert_uint_eq(m, 100);
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), 0);
        ck_assert_uint_eq(m, 0);
        m = 4242;
        ck_assert_int_eq(state_link_default_route_metric(s, 4, &m), -ENOENT);
        ck_assert_uint_eq(m, 4242);
}
END_TEST

START_TEST(test_default_prefsrc) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Route r4 = mkroute(AF_INET, 2, 100, "192.168.1.1", "192.168.1.9");
        Route r6 = mkroute(AF_INET6, 2, 100, "fe80::1", "2001:db8::9");
        Address a = mkaddr(AF_INET, 2, "192.168.1.9", 24, 0);
        Address other = mkaddr(AF_INET, 2, "192.168.1.2", 24, 0);
        Address a6 = mkaddr(AF_INET6, 2, "2001:db8::9", 64, 0);
        Address other6 = mkaddr(AF_INET6, 2, "2001:db8::2", 64, 0);

        add_carrier_links(s);
        ck_assert(!state_address_is_default_prefsrc(s, &a));
        ck_assert_int_eq(state_route_update(s, &r4), 1);
        ck_assert(state_address_is_default_prefsrc(s, &a));
        ck_assert(!state_address_is_default_prefsrc(s, &other));
        ck_assert(!state_address_is_default_prefsrc(s, &a6));
        ck_assert_int_eq(state_route_update(s, &r6), 1);
        ck_assert(state_address_is_default_prefsrc(s, &a6));
        ck_assert(!state_address_is_default_prefsrc(s, &other6));
}
END_TEST

/* After carrier loss the kernel keeps the routes, flagged linkdown: they lead nowhere */
START_TEST(test_default_route_linkdown) {
        __attribute__((cleanup(state_freep))) State *s = new_state();
        Route r4 = mkroute(AF_INET, 2, 100, "192.168.1.1", "192.168.1.9");
        Route r6 = mkroute(AF_INET6, 2, 100, "fe80::1", "2001:db8::9");
        Route other = mkroute(AF_INET, 3, 200, "10.0.0.1", NULL);
        Address a = mkaddr(AF_INET, 2, "192.168.1.9", 24, 0);
        Link lost = mklink(3, "x", ARPHRD_ETHER, IFF_UP, IF_OPER_LOWERLAYERDOWN, "");
        uint32_t m = 4242;

        add_carrier_links(s);
        r4.linkdown = true;
        r6.linkdown = true;
        ck_assert_int_eq(state_route_update(s, &r4), 1);
        ck_assert_int_eq(state_route_update(s, &r6), 1);
        ck_assert_int_eq(state_route_update(s, &other), 1);
        ck_assert(!state_route_is_live(s, &s->routes[0]));
        ck_assert_int_eq(state_link_default_route_metric(s, 2, &m), -ENOENT);
        ck_assert_uint_eq(m, 4242);
        ck_assert(!state_address_is_default_prefsrc(s, &a));

        /* the flag cleared: the same route again, a change */
        r4.linkdown = false;
        ck_assert_int_eq(state_route_update(s, &r4), 1);
        ck_assert_int_eq(state_route_update(s, &r4), 0);
        ck_assert_int_eq(state_link_default_route_metric(s, 2, &m), 0);
        ck_assert_uint_eq(m, 100);
        ck_assert(state_address_is_default_prefsrc(s, &a));

        /* set and cleared by link, as the kernel does it */
        ck_assert_int_eq(state_routes_set_linkdown(s, 2, true), 1);
        ck_assert_int_eq(state_routes_set_linkdown(s, 2, true), 0);
        ck_assert_int_eq(state_link_default_route_metric(s, 2, &m), -ENOENT);
        ck_assert_int_eq(state_routes_set_linkdown(s, 2, false), 2);
        ck_assert_int_eq(state_link_default_route_metric(s, 2, &m), 0);

        /* no flag, but the link has no carrier, or is gone */
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), 0);
        ck_assert_uint_eq(m, 200);
        ck_assert_int_eq(state_link_update(s, &lost), 1);
        ck_assert_int_eq(state_link_default_route_metric(s, 3, &m), -ENOENT);
        other.oif = 9;
        ck_assert_int_eq(state_route_update(s, &other), 1);
        ck_assert(!state_route_is_live(s, &other));
        ck_assert_int_eq(state_link_default_route_metric(s, 9, &m), -ENOENT);
}
END_TEST

static Suite *state_suite(void) {
        Suite *s = suite_create("state");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_new_free);
        tcase_add_test(tc, test_copy);
        tcase_add_test(tc, test_link_update);
        tcase_add_test(tc, test_link_update_unterminated_name);
        tcase_add_test(tc, test_links_sorted_and_grow);
        tcase_add_test(tc, test_link_remove_cascades);
        tcase_add_test(tc, test_address_keys);
        tcase_add_test(tc, test_address_count);
        tcase_add_test(tc, test_route_keys);
        tcase_add_test(tc, test_routes_sorted);
        tcase_add_test(tc, test_route_flush);
        tcase_add_test(tc, test_mark_sweep);
        tcase_add_test(tc, test_link_kind);
        tcase_add_test(tc, test_carrier);
        tcase_add_test(tc, test_is_up);
        tcase_add_test(tc, test_strings);
        tcase_add_test(tc, test_default_route_metric);
        tcase_add_test(tc, test_default_prefsrc);
        tcase_add_test(tc, test_default_route_linkdown);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(state_suite)
