/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "hint.h"
#include "macro.h"
#include "reach.h"
#include "testutil.h"

#define UID 1000

static State *st;
static Listener ls[16];
static ProcInfo procs[16];
static size_t n_ls;
static ReachView *view;

static void setup(void) {
        ck_assert_int_eq(state_new(&st), 0);
        n_ls = 0;
        memset(ls, 0, sizeof(ls));
        memset(procs, 0, sizeof(procs));
        view = NULL;
}

static void teardown(void) {
        for (size_t i = 0; i < ELEMENTSOF(procs); i++)
                procs[i].chain = procchain_unref(procs[i].chain);
        view = reach_view_free(view);
        st = state_free(st);
}

static void parse(int family, const char *s, union in_addr_union *ret) {
        memset(ret, 0, sizeof(*ret));
        ck_assert_int_eq(inet_pton(family, s, ret->bytes), 1);
}

/* a link that is up with carrier unless told otherwise */
static void add_link(int ifindex, const char *name, const char *info_kind, uint16_t arphrd, uint8_t operstate) {
        Link l = {
                .ifindex = ifindex,
                .arphrd = arphrd,
                .flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP | (arphrd == ARPHRD_LOOPBACK ? IFF_LOOPBACK : 0),
                .operstate = operstate,
                .wireless_probed = true,
        };

        snprintf(l.name, sizeof(l.name), "%s", name);
        snprintf(l.info_kind, sizeof(l.info_kind), "%s", info_kind);
        if (operstate == IF_OPER_DOWN)
                l.flags = 0;
        ck_assert_int_ge(state_link_update(st, &l), 0);
}

static void add_lo(void) {
        add_link(1, "lo", "", ARPHRD_LOOPBACK, IF_OPER_UNKNOWN);
}

static void add_addr(int ifindex, int family, const char *addr, uint8_t prefixlen, uint32_t flags) {
        Address a = { .family = family, .ifindex = ifindex, .prefixlen = prefixlen, .flags = flags };

        parse(family, addr, &a.address);
        a.scope = inaddr_is_loopback(family, &a.address) ? RT_SCOPE_HOST :
                  (family == AF_INET6 && inaddr_is_link_local(family, &a.address)) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        ck_assert_int_ge(state_address_update(st, &a), 0);
}

static void add_default(int family, int oif, uint32_t metric, const char *prefsrc) {
        Route r = { .family = family, .oif = oif, .metric = metric, .table = RT_TABLE_MAIN };

        if (prefsrc) {
                r.has_prefsrc = true;
                parse(family, prefsrc, &r.prefsrc);
        }
        ck_assert_int_ge(state_route_update(st, &r), 0);
}

static Listener *add_listener(int family, const char *addr, uint16_t port) {
        Listener *l = &ls[n_ls++];

        *l = (Listener) { .family = family, .port = port, .uid = UID, .inode = 1000 + n_ls,
                          .socket_is_v6 = family == AF_INET6 };
        parse(family, addr, &l->address);
        return l;
}

static void compute_ports(const uint16_t *ports, size_t n) {
        ReachConfig c = { .ports = ports, .n_ports = n, .uid = UID };

        view = reach_view_free(view);
        ck_assert_int_eq(reach_compute(st, ls, n_ls, procs, &c, &view), 0);
        ck_assert_int_eq(hint_view(view), 0);
}

static void compute(void) {
        compute_ports(NULL, 0);
}

static const ReachServer *server(uint16_t port) {
        const ReachServer *srv = reach_view_find(view, port);

        ck_assert_ptr_nonnull(srv);
        return srv;
}

static const char *share(uint16_t port) {
        const ReachUrl *u = reach_server_share(server(port));

        return u ? u->url : NULL;
}

/* a typical laptop: lo, wired eth0, wlan0 with the default route, docker0 */
static void laptop(void) {
        add_lo();
        add_addr(1, AF_INET, "127.0.0.1", 8, IFA_F_PERMANENT);
        add_addr(1, AF_INET6, "::1", 128, IFA_F_PERMANENT);
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_DOWN);
        add_link(3, "wlan0", "", ARPHRD_ETHER, IF_OPER_UP);
        state_get_link_mutable(st, 3)->wireless = true;
        add_addr(3, AF_INET, "192.168.1.23", 24, 0);
        add_addr(3, AF_INET6, "2001:db8::5", 64, 0);
        add_addr(3, AF_INET6, "fe80::1", 64, IFA_F_PERMANENT);
        add_link(4, "docker0", "bridge", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(4, AF_INET, "172.17.0.1", 16, IFA_F_PERMANENT);
        add_default(AF_INET, 3, 600, NULL);
        add_default(AF_INET6, 3, 600, NULL);
}

START_TEST(test_wildcard_v4) {
        laptop();
        add_listener(AF_INET, "0.0.0.0", 5173);
        compute();
        ck_assert_uint_eq(view->n_servers, 1);
        ck_assert_str_eq(share(5173), "http://192.168.1.23:5173/");
        ck_assert_int_eq(server(5173)->problem, REACH_PROBLEM_NONE);
        ck_assert_ptr_null(server(5173)->hint);
        /* 192.168.1.23 (wlan0), 172.17.0.1 (docker0), 127.0.0.1 (lo) */
        ck_assert_uint_eq(server(5173)->n_urls, 3);
        ck_assert_str_eq(server(5173)->urls[0].ifname, "wlan0");
        ck_assert_int_eq(server(5173)->urls[0].kind, LINK_KIND_WIFI);
        ck_assert(server(5173)->urls[0].default_route);
        ck_assert_str_eq(server(5173)->urls[1].url, "http://172.17.0.1:5173/");
        ck_assert(server(5173)->urls[1].shareable);
        ck_assert(!server(5173)->urls[1].default_route);
        ck_assert_str_eq(server(5173)->urls[2].url, "http://127.0.0.1:5173/");
        ck_assert(!server(5173)->urls[2].shareable);
        ck_assert_int_eq(server(5173)->urls[2].reason, REACH_REASON_LOOPBACK);
        ck_assert(server(5173)->listening);
        ck_assert(!server(5173)->watched);
}
END_TEST

START_TEST(test_loopback_only) {
        laptop();
        add_listener(AF_INET, "127.0.0.1", 8000);
        add_listener(AF_INET6, "::1", 8001);
        add_listener(AF_INET, "127.0.0.53", 8002);
        compute();
        for (uint16_t p = 8000; p <= 8002; p++) {
                ck_assert_ptr_null(share(p));
                ck_assert_int_eq(server(p)->problem, REACH_PROBLEM_LOOPBACK_ONLY);
                ck_assert_ptr_nonnull(server(p)->hint);
                ck_assert_uint_eq(server(p)->n_urls, 1);
                ck_assert_int_eq(server(p)->urls[0].reason, REACH_REASON_LOOPBACK);
                /* all of 127/8 is local through lo, even addresses not configured on it */
                ck_assert_str_eq(server(p)->urls[0].ifname, "lo");
        }
        ck_assert_str_eq(server(8001)->urls[0].url, "http://[::1]:8001/");
}
END_TEST

START_TEST(test_dual_stack_and_v6only) {
        Listener *l;

        laptop();
        add_listener(AF_INET6, "::", 3000);
        l = add_listener(AF_INET6, "::", 3001);
        l->v6only = true;
        compute();
        /* :: without V6ONLY takes IPv4 too, and IPv4 ranks first */
        ck_assert_str_eq(share(3000), "http://192.168.1.23:3000/");
        ck_assert(!server(3000)->v6only);
        ck_assert_str_eq(share(3001), "http://[2001:db8::5]:3001/");
        ck_assert(server(3001)->v6only);
        for (size_t i = 0; i < server(3001)->n_urls; i++)
                ck_assert_int_eq(server(3001)->urls[i].family, AF_INET6);
        /* fe80:: and ::1 are listed but not shareable */
        ck_assert_uint_eq(server(3001)->n_urls, 3);
        ck_assert_str_eq(server(3001)->urls[1].url, "http://[fe80::1]:3001/");
        ck_assert_int_eq(server(3001)->urls[1].reason, REACH_REASON_LINK_LOCAL);
        ck_assert_str_eq(server(3001)->urls[2].url, "http://[::1]:3001/");
        ck_assert_int_eq(server(3001)->urls[2].reason, REACH_REASON_LOOPBACK);
}
END_TEST

START_TEST(test_specific_address) {
        laptop();
        add_listener(AF_INET, "172.17.0.1", 4000);
        compute();
        /* docker0's address: containers can open it, colleagues cannot */
        ck_assert_ptr_null(share(4000));
        ck_assert_str_eq(reach_server_best(server(4000), REACH_AUDIENCE_HOST)->url, "http://172.17.0.1:4000/");
        ck_assert_int_eq(server(4000)->urls[0].audience, REACH_AUDIENCE_HOST);
        ck_assert_int_eq(server(4000)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_uint_eq(server(4000)->n_urls, 1);
        ck_assert_uint_eq(server(4000)->n_binds, 1);
}
END_TEST

START_TEST(test_bound_address_gone) {
        laptop();
        add_listener(AF_INET, "10.1.2.3", 4000);
        compute();
        ck_assert_ptr_null(share(4000));
        ck_assert_int_eq(server(4000)->problem, REACH_PROBLEM_BOUND_ADDRESS_GONE);
        ck_assert_uint_eq(server(4000)->n_urls, 1);
        ck_assert_int_eq(server(4000)->urls[0].reason, REACH_REASON_ADDRESS_GONE);
        ck_assert_int_eq(server(4000)->urls[0].ifindex, 0);
        ck_assert_ptr_nonnull(server(4000)->hint);
}
END_TEST

START_TEST(test_not_listening) {
        const uint16_t ports[] = { 9999, 5173 };

        laptop();
        add_listener(AF_INET, "0.0.0.0", 5173);
        add_listener(AF_INET, "0.0.0.0", 6000);
        compute_ports(ports, 2);
        ck_assert_uint_eq(view->n_servers, 2);
        ck_assert_ptr_null(reach_view_find(view, 6000));
        ck_assert(server(9999)->watched);
        ck_assert(!server(9999)->listening);
        ck_assert_int_eq(server(9999)->problem, REACH_PROBLEM_NOT_LISTENING);
        ck_assert_ptr_nonnull(server(9999)->hint);
        ck_assert_uint_eq(server(9999)->n_urls, 0);
        ck_assert_str_eq(share(5173), "http://192.168.1.23:5173/");
        /* `url` without a port prefers a server that listens */
        ck_assert_uint_eq(reach_view_default_server(view)->port, 5173);
}
END_TEST

START_TEST(test_no_network) {
        add_lo();
        add_addr(1, AF_INET, "127.0.0.1", 8, 0);
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_DOWN);
        add_addr(2, AF_INET, "192.168.7.2", 24, 0);
        add_link(3, "eth1", "", ARPHRD_ETHER, IF_OPER_LOWERLAYERDOWN);
        add_addr(3, AF_INET, "192.168.8.2", 24, 0);
        add_listener(AF_INET, "0.0.0.0", 5000);
        compute();
        ck_assert_ptr_null(share(5000));
        ck_assert_int_eq(server(5000)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_uint_eq(server(5000)->n_urls, 3);
        ck_assert_int_eq(server(5000)->urls[0].reason, REACH_REASON_DOWN);
        ck_assert_int_eq(server(5000)->urls[1].reason, REACH_REASON_NO_CARRIER);
        ck_assert_int_eq(server(5000)->urls[2].reason, REACH_REASON_LOOPBACK);
}
END_TEST

START_TEST(test_default_route_beats_kind) {
        add_lo();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "10.0.0.2", 24, 0);
        add_link(3, "veth0", "veth", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(3, AF_INET, "10.0.1.2", 24, 0);
        add_default(AF_INET, 3, 100, NULL);
        add_listener(AF_INET, "0.0.0.0", 5000);
        compute();
        ck_assert_str_eq(share(5000), "http://10.0.1.2:5000/");
}
END_TEST

START_TEST(test_default_route_metric_and_prefsrc) {
        add_lo();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "10.0.0.2", 24, 0);
        add_link(3, "eth1", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(3, AF_INET, "10.0.1.2", 24, 0);
        add_addr(3, AF_INET, "10.0.1.9", 24, IFA_F_SECONDARY);
        add_default(AF_INET, 2, 600, NULL);
        add_default(AF_INET, 3, 100, "10.0.1.9");
        add_listener(AF_INET, "0.0.0.0", 5000);
        compute();
        /* lowest metric first, and the route's preferred source before the primary address */
        ck_assert_str_eq(share(5000), "http://10.0.1.9:5000/");
        ck_assert_str_eq(server(5000)->urls[1].url, "http://10.0.1.2:5000/");
        ck_assert_str_eq(server(5000)->urls[2].url, "http://10.0.0.2:5000/");
        ck_assert(server(5000)->urls[2].default_route);
}
END_TEST

START_TEST(test_kind_order) {
        add_lo();
        add_link(2, "br0", "bridge", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "10.0.2.1", 24, 0);
        add_link(3, "wg0", "wireguard", ARPHRD_NONE, IF_OPER_UNKNOWN);
        add_addr(3, AF_INET, "10.0.3.1", 24, 0);
        add_link(4, "macv0", "macvlan", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(4, AF_INET, "10.0.4.1", 24, 0);
        add_link(5, "veth1", "veth", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(5, AF_INET, "10.0.1.1", 24, 0);
        add_link(6, "enp3s0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(6, AF_INET, "10.0.6.1", 24, 0);
        add_listener(AF_INET, "0.0.0.0", 5000);
        compute();
        ck_assert_uint_eq(server(5000)->n_urls, 5);
        /* a macvlan sits on its parent's Ethernet: the same tier, lowest ifindex first */
        ck_assert_str_eq(server(5000)->urls[0].ifname, "macv0");
        ck_assert_str_eq(server(5000)->urls[1].ifname, "enp3s0");
        ck_assert_int_eq(server(5000)->urls[1].audience, REACH_AUDIENCE_LAN);
        ck_assert_int_eq(server(5000)->urls[2].audience, REACH_AUDIENCE_VPN);
        ck_assert_int_eq(server(5000)->urls[3].audience, REACH_AUDIENCE_HOST);
        ck_assert_int_eq(server(5000)->urls[4].audience, REACH_AUDIENCE_HOST);
        /* a wireguard link has operstate unknown with LOWER_UP and RUNNING: it has carrier */
        ck_assert_str_eq(server(5000)->urls[2].ifname, "wg0");
        ck_assert(server(5000)->urls[2].shareable);
        ck_assert_int_eq(server(5000)->urls[2].kind, LINK_KIND_VPN);
        /* bridges and veths share the last tier: lowest ifindex first */
        ck_assert_str_eq(server(5000)->urls[3].ifname, "br0");
        ck_assert_str_eq(server(5000)->urls[4].ifname, "veth1");
}
END_TEST

START_TEST(test_family_order) {
        add_lo();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "169.254.3.4", 16, 0);
        add_addr(2, AF_INET6, "fd00::7", 64, 0);
        add_addr(2, AF_INET6, "2001:db8::7", 64, 0);
        add_addr(2, AF_INET, "10.0.0.7", 24, 0);
        add_listener(AF_INET6, "::", 5000);
        compute();
        ck_assert_uint_eq(server(5000)->n_urls, 4);
        ck_assert_str_eq(server(5000)->urls[0].url, "http://10.0.0.7:5000/");
        ck_assert_str_eq(server(5000)->urls[1].url, "http://[2001:db8::7]:5000/");
        ck_assert_str_eq(server(5000)->urls[2].url, "http://[fd00::7]:5000/");
        ck_assert_str_eq(server(5000)->urls[3].url, "http://169.254.3.4:5000/");
        ck_assert(server(5000)->urls[3].shareable);
}
END_TEST

START_TEST(test_deprecated_and_temporary) {
        Listener *l;

        add_lo();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET6, "2001:db8::1", 64, IFA_F_DEPRECATED);
        add_addr(2, AF_INET6, "2001:db8::2", 64, IFA_F_TEMPORARY);
        add_addr(2, AF_INET6, "2001:db8::3", 64, IFA_F_MANAGETEMPADDR);
        l = add_listener(AF_INET6, "::", 5000);
        l->v6only = true;
        compute();
        ck_assert_uint_eq(server(5000)->n_urls, 3);
        ck_assert_str_eq(server(5000)->urls[0].url, "http://[2001:db8::3]:5000/");
        ck_assert_str_eq(server(5000)->urls[1].url, "http://[2001:db8::2]:5000/");
        ck_assert_str_eq(server(5000)->urls[2].url, "http://[2001:db8::1]:5000/");
}
END_TEST

START_TEST(test_ifindex_then_address) {
        add_lo();
        add_link(3, "eth1", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(3, AF_INET, "10.0.0.1", 24, 0);
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "10.0.9.9", 24, 0);
        add_addr(2, AF_INET, "10.0.9.3", 24, 0);
        add_listener(AF_INET, "0.0.0.0", 5000);
        compute();
        ck_assert_str_eq(server(5000)->urls[0].url, "http://10.0.9.3:5000/");
        ck_assert_str_eq(server(5000)->urls[1].url, "http://10.0.9.9:5000/");
        ck_assert_str_eq(server(5000)->urls[2].url, "http://10.0.0.1:5000/");
}
END_TEST

/* Found by fuzzing: the kernel takes one IPv4 address twice on a link with two prefix lengths,
 * one of them secondary; ranked apart, the two were listed as two URLs */
START_TEST(test_same_address_twice) {
        const ReachServer *srv;

        add_lo();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "10.0.0.2", 24, IFA_F_PERMANENT);
        add_addr(2, AF_INET, "10.0.0.3", 24, IFA_F_PERMANENT | IFA_F_SECONDARY);
        add_addr(2, AF_INET, "10.0.0.3", 32, IFA_F_PERMANENT);
        add_addr(2, AF_INET, "10.0.0.9", 32, IFA_F_PERMANENT);
        add_listener(AF_INET, "0.0.0.0", 5000);
        compute();
        srv = server(5000);
        ck_assert_uint_eq(srv->n_urls, 3);
        ck_assert_str_eq(srv->urls[0].url, "http://10.0.0.2:5000/");
        ck_assert_str_eq(srv->urls[1].url, "http://10.0.0.3:5000/");
        /* the better ranked of the two stays */
        ck_assert_uint_eq(srv->urls[1].address_flags, IFA_F_PERMANENT);
        ck_assert_str_eq(srv->urls[2].url, "http://10.0.0.9:5000/");
}
END_TEST

START_TEST(test_unusable_addresses) {
        Listener *l;

        add_lo();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET6, "2001:db8::1", 64, IFA_F_TENTATIVE);
        add_addr(2, AF_INET6, "2001:db8::2", 64, IFA_F_DADFAILED | IFA_F_TENTATIVE);
        add_addr(2, AF_INET6, "fe80::2", 64, 0);
        l = add_listener(AF_INET6, "::", 5000);
        l->v6only = true;
        compute();
        ck_assert_ptr_null(share(5000));
        ck_assert_int_eq(server(5000)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_uint_eq(server(5000)->n_urls, 3);
        for (size_t i = 0; i < 3; i++) {
                const ReachUrl *u = &server(5000)->urls[i];

                if (strcmp(u->url, "http://[2001:db8::1]:5000/") == 0)
                        ck_assert_int_eq(u->reason, REACH_REASON_TENTATIVE);
                else if (strcmp(u->url, "http://[2001:db8::2]:5000/") == 0)
                        ck_assert_int_eq(u->reason, REACH_REASON_DAD_FAILED);
                else {
                        ck_assert_str_eq(u->url, "http://[fe80::2]:5000/");
                        ck_assert_int_eq(u->reason, REACH_REASON_LINK_LOCAL);
                }
        }
}
END_TEST

START_TEST(test_auto_selection) {
        Listener *l;

        laptop();
        add_listener(AF_INET, "0.0.0.0", 5173);
        add_listener(AF_INET, "0.0.0.0", 80);          /* privileged port: not a dev server */
        l = add_listener(AF_INET, "0.0.0.0", 6000);    /* another user's */
        l->uid = 0;
        add_listener(AF_INET6, "::", 5173);            /* same port twice is one server */
        compute();
        ck_assert_uint_eq(view->n_servers, 1);
        ck_assert_uint_eq(server(5173)->n_binds, 2);
        /* 0.0.0.0 and :: cover the same IPv4 addresses: each URL once */
        for (size_t i = 0; i < server(5173)->n_urls; i++)
                for (size_t j = i + 1; j < server(5173)->n_urls; j++)
                        ck_assert_str_ne(server(5173)->urls[i].url, server(5173)->urls[j].url);
}
END_TEST

START_TEST(test_bound_to_device) {
        Listener *l;

        laptop();
        l = add_listener(AF_INET, "0.0.0.0", 5000);
        l->ifindex = 4;
        compute();
        ck_assert_ptr_null(share(5000));
        ck_assert_str_eq(reach_server_best(server(5000), REACH_AUDIENCE_HOST)->url, "http://172.17.0.1:5000/");
        ck_assert_uint_eq(server(5000)->n_urls, 1);
}
END_TEST

START_TEST(test_default_server_most_recent) {
        laptop();
        add_listener(AF_INET, "0.0.0.0", 5000);
        procs[0] = (ProcInfo) { .pid = 10, .name = "node", .start_time = 500 };
        add_listener(AF_INET, "127.0.0.1", 6000);
        procs[1] = (ProcInfo) { .pid = 11, .name = "python3", .start_time = 900,
                                .cmdline = (char *) "python3 -m http.server 6000 --bind 127.0.0.1",
                                .chain = test_chain((const char *[]) {
                                        "python3|-m|http.server|6000|--bind|127.0.0.1", "bash", NULL }) };
        add_listener(AF_INET, "0.0.0.0", 7000);
        procs[2] = (ProcInfo) { .pid = 12, .name = "hugo", .start_time = 700 };
        compute();
        ck_assert_uint_eq(reach_view_default_server(view)->port, 6000);
        ck_assert_int_eq(server(6000)->process.pid, 11);
        ck_assert_str_eq(server(6000)->process.cmdline, "python3 -m http.server 6000 --bind 127.0.0.1");
        ck_assert_ptr_nonnull(strstr(server(6000)->hint, "--bind 0.0.0.0"));
}
END_TEST

START_TEST(test_ignored_interfaces) {
        char *globs[] = { (char *) "wl*", (char *) "nomatch" };
        ReachConfig c = { .uid = UID, .ignore = globs, .n_ignore = 2 };

        laptop();
        add_listener(AF_INET, "0.0.0.0", 5173);
        ck_assert_int_eq(reach_compute(st, ls, n_ls, procs, &c, &view), 0);
        /* wlan0 gives no candidate: docker0 is all that is left, and no colleague reaches it */
        ck_assert_ptr_null(share(5173));
        ck_assert_int_eq(server(5173)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_str_eq(reach_server_best(server(5173), REACH_AUDIENCE_HOST)->url, "http://172.17.0.1:5173/");
        for (size_t i = 0; i < server(5173)->n_urls; i++)
                ck_assert_str_ne(server(5173)->urls[i].ifname, "wlan0");
}
END_TEST


START_TEST(test_audience_wifi_gone_container) {
        /* the Wi-Fi left; docker0 has carrier (a container runs) */
        add_lo();
        add_addr(1, AF_INET, "127.0.0.1", 8, IFA_F_PERMANENT);
        add_link(3, "wlan0", "", ARPHRD_ETHER, IF_OPER_DOWN);
        add_link(4, "docker0", "bridge", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(4, AF_INET, "172.17.0.1", 16, IFA_F_PERMANENT);
        add_listener(AF_INET, "0.0.0.0", 5173);
        compute();
        ck_assert_ptr_null(share(5173));
        ck_assert_int_eq(server(5173)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_str_eq(reach_server_best(server(5173), REACH_AUDIENCE_HOST)->url, "http://172.17.0.1:5173/");
        ck_assert_ptr_null(reach_server_best(server(5173), REACH_AUDIENCE_VPN));
        ck_assert_ptr_null(reach_server_best(server(5173), REACH_AUDIENCE_LAN));
}
END_TEST

START_TEST(test_audience_vpn) {
        laptop();
        add_link(5, "tun0", "tun", ARPHRD_NONE, IF_OPER_UNKNOWN);
        add_addr(5, AF_INET, "10.8.0.2", 24, 0);
        add_listener(AF_INET, "0.0.0.0", 5173);
        /* a full-tunnel VPN: its default route outranks the Wi-Fi's, and still only reaches peers */
        add_default(AF_INET, 5, 50, NULL);
        compute();
        ck_assert_str_eq(share(5173), "http://192.168.1.23:5173/");
        ck_assert_str_eq(reach_server_best(server(5173), REACH_AUDIENCE_VPN)->url, "http://10.8.0.2:5173/");
        ck_assert_str_eq(reach_server_best(server(5173), REACH_AUDIENCE_HOST)->url, "http://172.17.0.1:5173/");
        ck_assert_int_eq(server(5173)->urls[1].audience, REACH_AUDIENCE_VPN);
        ck_assert(server(5173)->urls[1].default_route);

        /* the Wi-Fi goes: the VPN is no share URL, and the problem names it */
        ck_assert_int_eq(state_link_remove(st, 3), 1);
        compute();
        ck_assert_ptr_null(share(5173));
        ck_assert_int_eq(server(5173)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_str_eq(reach_server_best(server(5173), REACH_AUDIENCE_VPN)->url, "http://10.8.0.2:5173/");
}
END_TEST

START_TEST(test_audience_uplinks) {
        Link port = { .ifindex = 6, .arphrd = ARPHRD_ETHER, .operstate = IF_OPER_UP, .master = 2,
                      .flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP, .name = "enp3s0" };
        Link vport = { .ifindex = 7, .arphrd = ARPHRD_ETHER, .operstate = IF_OPER_UP, .master = 4,
                       .flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP, .name = "vethc0", .info_kind = "veth" };

        add_lo();
        /* br0 bridges the Ethernet port (VMs in bridged mode): the LAN, without a default route */
        add_link(2, "br0", "bridge", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(2, AF_INET, "192.168.1.23", 24, 0);
        ck_assert_int_ge(state_link_update(st, &port), 0);
        /* docker0 bridges a container's veth: this machine only */
        add_link(4, "docker0", "bridge", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(4, AF_INET, "172.17.0.1", 16, 0);
        ck_assert_int_ge(state_link_update(st, &vport), 0);
        /* inside a devcontainer: eth0 is a veth with the default route */
        add_link(8, "eth0", "veth", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(8, AF_INET, "172.18.0.5", 16, 0);
        add_link(9, "veth9", "veth", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(9, AF_INET, "10.99.0.1", 24, 0);
        add_default(AF_INET, 8, 0, NULL);
        add_listener(AF_INET, "0.0.0.0", 3000);
        compute();
        ck_assert_int_eq(reach_link_audience(st, state_get_link(st, 2)), REACH_AUDIENCE_LAN);
        ck_assert_int_eq(reach_link_audience(st, state_get_link(st, 4)), REACH_AUDIENCE_HOST);
        ck_assert_int_eq(reach_link_audience(st, state_get_link(st, 8)), REACH_AUDIENCE_LAN);
        ck_assert_int_eq(reach_link_audience(st, state_get_link(st, 9)), REACH_AUDIENCE_HOST);
        ck_assert_int_eq(reach_link_audience(st, state_get_link(st, 1)), REACH_AUDIENCE_LOOPBACK);
        /* the default route first */
        ck_assert_str_eq(share(3000), "http://172.18.0.5:3000/");
        ck_assert_str_eq(server(3000)->urls[1].url, "http://192.168.1.23:3000/");
        ck_assert_str_eq(reach_server_best(server(3000), REACH_AUDIENCE_HOST)->url, "http://172.17.0.1:3000/");
}
END_TEST

START_TEST(test_family_mismatch) {
        Listener *l;

        /* an IPv6-only network */
        add_lo();
        add_addr(1, AF_INET, "127.0.0.1", 8, IFA_F_PERMANENT);
        add_link(3, "wlan0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(3, AF_INET6, "2001:db8::5", 64, 0);
        add_addr(3, AF_INET6, "fe80::1", 64, IFA_F_PERMANENT);
        add_default(AF_INET6, 3, 600, NULL);
        add_listener(AF_INET, "0.0.0.0", 8000);
        l = add_listener(AF_INET6, "::", 8001);
        compute();
        ck_assert_ptr_null(share(8000));
        ck_assert_int_eq(server(8000)->problem, REACH_PROBLEM_FAMILY_MISMATCH);
        ck_assert_ptr_nonnull(strstr(server(8000)->hint, "::"));
        ck_assert_str_eq(share(8001), "http://[2001:db8::5]:8001/");

        /* an IPv4-only network and a v6only server */
        ck_assert_int_eq(state_link_remove(st, 3), 1);
        add_link(3, "wlan0", "", ARPHRD_ETHER, IF_OPER_UP);
        add_addr(3, AF_INET, "192.168.1.23", 24, 0);
        add_default(AF_INET, 3, 600, NULL);
        l->v6only = true;
        compute();
        ck_assert_str_eq(share(8000), "http://192.168.1.23:8000/");
        ck_assert_int_eq(server(8001)->problem, REACH_PROBLEM_FAMILY_MISMATCH);
        ck_assert_ptr_nonnull(strstr(server(8001)->hint, "0.0.0.0"));

        /* no network at all is not a family problem */
        ck_assert_int_eq(state_link_remove(st, 3), 1);
        compute();
        ck_assert_int_eq(server(8000)->problem, REACH_PROBLEM_NO_NETWORK);
        ck_assert_int_eq(server(8001)->problem, REACH_PROBLEM_NO_NETWORK);
}
END_TEST

START_TEST(test_bound_link_down) {
        laptop();
        add_link(2, "eth0", "", ARPHRD_ETHER, IF_OPER_DOWN);
        add_addr(2, AF_INET, "10.0.0.7", 24, IFA_F_PERMANENT);
        state_get_link_mutable(st, 2)->flags = IFF_UP;          /* up, no carrier: the cable is out */
        add_listener(AF_INET, "10.0.0.7", 4000);
        compute();
        ck_assert_ptr_null(share(4000));
        ck_assert_int_eq(server(4000)->problem, REACH_PROBLEM_BOUND_LINK_DOWN);
        ck_assert_int_eq(server(4000)->urls[0].reason, REACH_REASON_NO_CARRIER);
        ck_assert_ptr_null(strstr(server(4000)->hint, "connect this machine"));
}
END_TEST

START_TEST(test_default_server_tie) {
        laptop();
        /* the README's demo: two servers started in the same clock tick */
        add_listener(AF_INET, "127.0.0.1", 8000);
        procs[0] = (ProcInfo) { .pid = 10, .name = "python3", .start_time = 500 };
        add_listener(AF_INET, "0.0.0.0", 8001);
        procs[1] = (ProcInfo) { .pid = 11, .name = "python3", .start_time = 500 };
        add_listener(AF_INET, "0.0.0.0", 8002);
        procs[2] = (ProcInfo) { .pid = 12, .name = "python3", .start_time = 500 };
        compute();
        /* the shareable one, then the lowest port */
        ck_assert_uint_eq(reach_view_default_server(view)->port, 8001);
        ck_assert(server(8001)->is_default);
        ck_assert(!server(8000)->is_default);
        ck_assert(!server(8002)->is_default);
}
END_TEST

START_TEST(test_format_url) {
        union in_addr_union a;
        char buf[REACH_URL_MAX];

        parse(AF_INET6, "2001:db8::5", &a);
        ck_assert_int_eq(reach_format_url("https", AF_INET6, &a, 443, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "https://[2001:db8::5]:443/");
        parse(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a);
        ck_assert_int_eq(reach_format_url("https", AF_INET6, &a, 65535, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "https://[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535/");
        ck_assert_int_eq(reach_format_url("https", AF_INET6, &a, 65535, buf, 57), 0);
        ck_assert_int_eq(reach_format_url("https", AF_INET6, &a, 65535, buf, 56), -ENOBUFS);
        ck_assert_int_eq(reach_format_url("https", AF_INET6, &a, 65535, buf, 20), -ENOBUFS);
        ck_assert_int_eq(reach_format_url("https", AF_INET6, &a, 65535, buf, 0), -ENOBUFS);
        parse(AF_INET, "0.0.0.0", &a);
        ck_assert_int_eq(reach_format_url("x", AF_INET, &a, 0, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "x://0.0.0.0:0/");
        parse(AF_INET, "10.1.2.3", &a);
        ck_assert_int_eq(reach_format_url(NULL, AF_INET, &a, 80, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "http://10.1.2.3:80/");
}
END_TEST

START_TEST(test_names) {
        ck_assert_str_eq(reach_problem_to_string(REACH_PROBLEM_LOOPBACK_ONLY), "loopback-only");
        ck_assert_str_eq(reach_problem_to_string(REACH_PROBLEM_BOUND_ADDRESS_GONE), "bound-address-gone");
        ck_assert_str_eq(reach_problem_to_string(REACH_PROBLEM_NO_NETWORK), "no-network");
        ck_assert_str_eq(reach_problem_to_string(REACH_PROBLEM_NOT_LISTENING), "not-listening");
        ck_assert_ptr_null(reach_problem_to_string(REACH_PROBLEM_NONE));
        ck_assert_str_eq(reach_reason_to_string(REACH_REASON_NO_CARRIER), "no-carrier");
        ck_assert_str_eq(reach_reason_to_string(REACH_REASON_DAD_FAILED), "dad-failed");
        ck_assert_ptr_null(reach_reason_to_string(REACH_REASON_NONE));
}
END_TEST

static Suite *reach_suite(void) {
        Suite *s = suite_create("reach");
        TCase *tc = tcase_create("ranking");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_wildcard_v4);
        tcase_add_test(tc, test_loopback_only);
        tcase_add_test(tc, test_dual_stack_and_v6only);
        tcase_add_test(tc, test_specific_address);
        tcase_add_test(tc, test_bound_address_gone);
        tcase_add_test(tc, test_not_listening);
        tcase_add_test(tc, test_no_network);
        tcase_add_test(tc, test_default_route_beats_kind);
        tcase_add_test(tc, test_default_route_metric_and_prefsrc);
        tcase_add_test(tc, test_kind_order);
        tcase_add_test(tc, test_family_order);
        tcase_add_test(tc, test_deprecated_and_temporary);
        tcase_add_test(tc, test_ifindex_then_address);
        tcase_add_test(tc, test_same_address_twice);
        tcase_add_test(tc, test_unusable_addresses);
        tcase_add_test(tc, test_auto_selection);
        tcase_add_test(tc, test_bound_to_device);
        tcase_add_test(tc, test_default_server_most_recent);
        tcase_add_test(tc, test_ignored_interfaces);
        tcase_add_test(tc, test_audience_wifi_gone_container);
        tcase_add_test(tc, test_audience_vpn);
        tcase_add_test(tc, test_audience_uplinks);
        tcase_add_test(tc, test_family_mismatch);
        tcase_add_test(tc, test_bound_link_down);
        tcase_add_test(tc, test_default_server_tie);
        tcase_add_test(tc, test_format_url);
        tcase_add_test(tc, test_names);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(reach_suite)
