/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settle.h"
#include "testutil.h"

/* Network changes played on a State as the kernel tells them, message by message; the view after
 * each is offered as the manager does, and what gets published is counted. */

#define UID 1000
#define MS 1000ULL

static State *st;
static Listener ls[8];
static ProcInfo procs[8];
static size_t n_ls;
static ReachView *published;
static Settle settle;
static unsigned n_published;
static uint64_t now;

static void setup(void) {
        ck_assert_int_eq(state_new(&st), 0);
        n_ls = 0;
        memset(ls, 0, sizeof(ls));
        memset(procs, 0, sizeof(procs));
        published = NULL;
        settle = (Settle) { .delay_usec = 500 * MS };
        n_published = 0;
        now = 1000000 * MS;
}

static void teardown(void) {
        published = reach_view_free(published);
        st = state_free(st);
}

static void parse(int family, const char *s, union in_addr_union *ret) {
        memset(ret, 0, sizeof(*ret));
        ck_assert_int_eq(inet_pton(family, s, ret->bytes), 1);
}

static void add_link(int ifindex, const char *name, const char *info_kind) {
        Link l = {
                .ifindex = ifindex,
                .arphrd = ifindex == 1 ? ARPHRD_LOOPBACK : ARPHRD_ETHER,
                .flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP | (ifindex == 1 ? IFF_LOOPBACK : 0),
                .operstate = ifindex == 1 ? IF_OPER_UNKNOWN : IF_OPER_UP,
                .wireless_probed = true,
        };

        snprintf(l.name, sizeof(l.name), "%s", name);
        snprintf(l.info_kind, sizeof(l.info_kind), "%s", info_kind);
        ck_assert_int_ge(state_link_update(st, &l), 0);
}

static Address make_addr(int ifindex, int family, const char *addr, uint32_t flags) {
        Address a = { .family = family, .ifindex = ifindex, .prefixlen = family == AF_INET ? 24 : 64,
                      .flags = flags, .scope = RT_SCOPE_UNIVERSE };

        parse(family, addr, &a.address);
        if (family == AF_INET6 && inaddr_is_link_local(family, &a.address))
                a.scope = RT_SCOPE_LINK;
        return a;
}

static void add_addr(int ifindex, int family, const char *addr, uint32_t flags) {
        Address a = make_addr(ifindex, family, addr, flags);

        ck_assert_int_ge(state_address_update(st, &a), 0);
}

static void del_addr(int ifindex, int family, const char *addr) {
        Address a = make_addr(ifindex, family, addr, 0);

        ck_assert_int_ge(state_address_remove(st, &a), 0);
}

static Route make_default(int family, int oif) {
        return (Route) { .family = family, .oif = oif, .metric = 600, .table = RT_TABLE_MAIN };
}

static void add_default(int family, int oif) {
        Route r = make_default(family, oif);

        ck_assert_int_ge(state_route_update(st, &r), 0);
}

static void del_default(int family, int oif) {
        Route r = make_default(family, oif);

        ck_assert_int_ge(state_route_remove(st, &r), 0);
}

static void listen_on(int family, const char *addr, uint16_t port, pid_t pid) {
        Listener *l = &ls[n_ls];

        *l = (Listener) { .family = family, .port = port, .uid = UID, .inode = 1000 + n_ls,
                          .socket_is_v6 = family == AF_INET6 };
        parse(family, addr, &l->address);
        procs[n_ls] = (ProcInfo) { .pid = pid, .start_time = 100 + n_ls };
        snprintf(procs[n_ls].name, sizeof(procs[n_ls].name), "node");
        n_ls++;
}

static ReachView *compute(void) {
        ReachConfig c = { .uid = UID };
        ReachView *v = NULL;

        ck_assert_int_eq(reach_compute(st, ls, n_ls, procs, &c, &v), 0);
        return v;
}

/* What the manager does with a new view: publish it, hold it, or nothing */
static SettleVerdict offer(void) {
        ReachView *v = compute();
        Change *c = NULL;
        size_t n = 0;
        SettleVerdict r;

        ck_assert_int_eq(change_compute(published, v, &c, &n), 0);
        r = settle_decide(&settle, published, v, c, n, false, now);
        free(c);
        if (r == SETTLE_PUBLISH) {
                reach_view_free(published);
                published = v;
                n_published++;
        } else
                reach_view_free(v);
        return r;
}

static const char *published_share(uint16_t port) {
        const ReachServer *srv = reach_view_find(published, port);
        const ReachUrl *u;

        ck_assert_ptr_nonnull(srv);
        u = reach_server_share(srv);
        return u ? u->url : NULL;
}

static void after(uint64_t ms) {
        now += ms * MS;
}

/* The timer fired: the manager offers the view as it is then */
static SettleVerdict deadline(void) {
        ck_assert(settle.holding);
        ck_assert_uint_ge(settle.deadline_usec, now);
        now = settle.deadline_usec;
        return offer();
}

/* A change for the better: held only for the rest of its step, then published */
static SettleVerdict offer_better(void) {
        SettleVerdict r = offer();

        if (r != SETTLE_HOLD)
                return r;
        ck_assert_uint_le(settle.deadline_usec, now + SETTLE_STEP_USEC);
        return deadline();
}

/* lo, and wlan0 on the old network with the default route; a server on 0.0.0.0 and :: */
static void laptop_on_old_network(void) {
        add_link(1, "lo", "");
        add_addr(1, AF_INET, "127.0.0.1", IFA_F_PERMANENT);
        add_link(2, "wlan0", "");
        state_get_link_mutable(st, 2)->wireless = true;
        add_addr(2, AF_INET6, "fe80::1", IFA_F_PERMANENT);
        add_addr(2, AF_INET, "192.168.1.23", 0);
        add_addr(2, AF_INET6, "2001:db8:1::23", 0);
        add_default(AF_INET, 2);
        add_default(AF_INET6, 2);
        listen_on(AF_INET6, "::", 5173, 4242);
        ck_assert_int_eq(offer(), SETTLE_PUBLISH);
        ck_assert_str_eq(published_share(5173), "http://192.168.1.23:5173/");
        n_published = 0;
}

/* The old network goes the way NetworkManager takes it down: IPv6 first, then IPv4 */
static void leave_old_network(void) {
        del_default(AF_INET6, 2);
        offer();
        del_addr(2, AF_INET6, "2001:db8:1::23");
        offer();
        del_default(AF_INET, 2);
        offer();
        del_addr(2, AF_INET, "192.168.1.23");
        offer();
}

/* The address, then the default route: the step a DHCP client takes, published once */
static void join_new_network(void) {
        add_addr(2, AF_INET, "10.1.2.3", 0);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        add_default(AF_INET, 2);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        ck_assert_uint_le(settle.deadline_usec, now + SETTLE_STEP_USEC);
        ck_assert_int_eq(deadline(), SETTLE_PUBLISH);
}

START_TEST(test_move_without_gap) {
        laptop_on_old_network();
        leave_old_network();
        ck_assert(settle.holding);
        ck_assert_uint_eq(n_published, 0);
        /* the old URL stays published meanwhile */
        ck_assert_str_eq(published_share(5173), "http://192.168.1.23:5173/");
        join_new_network();
        ck_assert_uint_eq(n_published, 1);
        ck_assert_str_eq(published_share(5173), "http://10.1.2.3:5173/");
        ck_assert(!settle.holding);
}
END_TEST

START_TEST(test_move_with_short_gap) {
        laptop_on_old_network();
        leave_old_network();
        after(300);
        join_new_network();
        ck_assert_uint_eq(n_published, 1);
        ck_assert_str_eq(published_share(5173), "http://10.1.2.3:5173/");
        /* the hold's timer fires late: nothing left to publish */
        after(300);
        ck_assert_int_eq(offer(), SETTLE_NOTHING);
        ck_assert_uint_eq(n_published, 1);
}
END_TEST

START_TEST(test_outage_longer_than_settle) {
        uint64_t start;

        laptop_on_old_network();
        start = now;
        leave_old_network();
        after(100);
        /* the deadline counts from the first change held, not the last */
        ck_assert_uint_eq(settle.deadline_usec, start + 500 * MS);
        ck_assert_int_eq(deadline(), SETTLE_PUBLISH);
        ck_assert_uint_eq(n_published, 1);
        ck_assert_ptr_null(published_share(5173));
        ck_assert_int_eq(reach_view_find(published, 5173)->problem, REACH_PROBLEM_NO_NETWORK);
        after(5000);
        join_new_network();
        ck_assert_uint_eq(n_published, 2);
        ck_assert_str_eq(published_share(5173), "http://10.1.2.3:5173/");
}
END_TEST

START_TEST(test_gap_that_comes_back) {
        laptop_on_old_network();
        del_addr(2, AF_INET, "192.168.1.23");
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        del_default(AF_INET, 2);
        del_default(AF_INET6, 2);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        add_addr(2, AF_INET, "192.168.1.23", 0);
        add_default(AF_INET, 2);
        add_default(AF_INET6, 2);
        ck_assert_int_eq(offer(), SETTLE_NOTHING);
        ck_assert(!settle.holding);
        ck_assert_uint_eq(n_published, 0);
}
END_TEST

START_TEST(test_worse_held_until_deadline) {
        laptop_on_old_network();
        /* IPv4 goes for good: the IPv6 URL is the share URL now, a lower-ranked one */
        del_addr(2, AF_INET, "192.168.1.23");
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        after(499);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        ck_assert(!settle_due(&settle, now));
        ck_assert(settle_due(&settle, now + MS));
        ck_assert_int_eq(deadline(), SETTLE_PUBLISH);
        ck_assert(!settle_due(&settle, now + MS));
        ck_assert_str_eq(published_share(5173), "http://[2001:db8:1::23]:5173/");
        /* and back: better, at once */
        add_addr(2, AF_INET, "192.168.1.23", 0);
        ck_assert_int_eq(offer_better(), SETTLE_PUBLISH);
        ck_assert_uint_eq(n_published, 2);
}
END_TEST

START_TEST(test_other_candidates_held) {
        laptop_on_old_network();
        /* a container bridge comes up: the share URL stays, the list grows */
        add_link(3, "docker0", "bridge");
        add_addr(3, AF_INET, "172.17.0.1", IFA_F_PERMANENT);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        ck_assert_int_eq(deadline(), SETTLE_PUBLISH);
        ck_assert_uint_eq(reach_view_find(published, 5173)->n_urls, 5);
}
END_TEST

START_TEST(test_server_changes_at_once) {
        laptop_on_old_network();
        del_addr(2, AF_INET, "192.168.1.23");
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        /* a server that starts is news for whoever waits for it: it ends the hold */
        listen_on(AF_INET, "0.0.0.0", 3000, 777);
        ck_assert_int_eq(offer(), SETTLE_PUBLISH);
        ck_assert(!settle.holding);
        /* a restart under another PID, the URLs unchanged */
        procs[0].pid = 4343;
        ck_assert_int_eq(offer(), SETTLE_PUBLISH);
        ck_assert_uint_eq(n_published, 2);
        ck_assert_int_eq(reach_view_find(published, 5173)->process.pid, 4343);
}
END_TEST

START_TEST(test_slaac_join_waits_for_stable) {
        /* an IPv6-only network, joined by SLAAC: stable and temporary addresses, both in DAD */
        add_link(1, "lo", "");
        add_link(2, "eth0", "");
        add_addr(2, AF_INET6, "fe80::1", IFA_F_PERMANENT);
        listen_on(AF_INET6, "::", 8000, 99);
        ck_assert_int_eq(offer(), SETTLE_PUBLISH);
        ck_assert_ptr_null(published_share(8000));
        n_published = 0;

        add_default(AF_INET6, 2);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        add_addr(2, AF_INET6, "2001:db8::aaaa", IFA_F_TENTATIVE | IFA_F_MANAGETEMPADDR);
        add_addr(2, AF_INET6, "2001:db8::7e4", IFA_F_TENTATIVE | IFA_F_TEMPORARY);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        /* the temporary address is ready first: better than nothing, but the stable one is coming */
        after(200);
        add_addr(2, AF_INET6, "2001:db8::7e4", IFA_F_TEMPORARY);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        after(200);
        add_addr(2, AF_INET6, "2001:db8::aaaa", IFA_F_MANAGETEMPADDR);
        ck_assert_int_eq(offer_better(), SETTLE_PUBLISH);
        ck_assert_uint_eq(n_published, 1);
        ck_assert_str_eq(published_share(8000), "http://[2001:db8::aaaa]:8000/");
}
END_TEST

START_TEST(test_slaac_stable_first) {
        add_link(1, "lo", "");
        add_link(2, "eth0", "");
        listen_on(AF_INET6, "::", 8000, 99);
        offer();
        n_published = 0;
        add_default(AF_INET6, 2);
        add_addr(2, AF_INET6, "2001:db8::aaaa", IFA_F_TENTATIVE);
        add_addr(2, AF_INET6, "2001:db8::7e4", IFA_F_TENTATIVE | IFA_F_TEMPORARY);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        /* the stable address is ready first: the share URL it will be, but the temporary one is
         * still in DAD: its candidate comes in the same line */
        after(100);
        add_addr(2, AF_INET6, "2001:db8::aaaa", 0);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        after(100);
        add_addr(2, AF_INET6, "2001:db8::7e4", IFA_F_TEMPORARY);
        ck_assert_int_eq(offer_better(), SETTLE_PUBLISH);
        ck_assert_uint_eq(n_published, 1);
        ck_assert_str_eq(published_share(8000), "http://[2001:db8::aaaa]:8000/");
        ck_assert(reach_view_find(published, 8000)->urls[1].shareable);
}
END_TEST

/* The kernel announces SLAAC addresses only once their DAD is over: the sibling to come is known
 * from the one announced */
START_TEST(test_slaac_unannounced_sibling) {
        ReachView *v;

        add_link(1, "lo", "");
        add_link(2, "eth0", "");
        listen_on(AF_INET6, "::", 8000, 99);
        offer();
        n_published = 0;
        add_default(AF_INET6, 2);
        /* the temporary address first: its stable one is still in DAD */
        add_addr(2, AF_INET6, "2001:db8::7e4", IFA_F_TEMPORARY);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        after(200);
        add_addr(2, AF_INET6, "2001:db8::aaaa", IFA_F_MANAGETEMPADDR);
        ck_assert_int_eq(offer_better(), SETTLE_PUBLISH);
        ck_assert_str_eq(published_share(8000), "http://[2001:db8::aaaa]:8000/");
        ck_assert_uint_eq(n_published, 1);

        /* a stable address flagged mngtmpaddr alone: its temporary one is to come */
        del_addr(2, AF_INET6, "2001:db8::7e4");
        v = compute();
        ck_assert(settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
        /* not when deprecated (no temporary address is made from it), nor without the flag */
        add_addr(2, AF_INET6, "2001:db8::aaaa", IFA_F_MANAGETEMPADDR | IFA_F_DEPRECATED);
        v = compute();
        ck_assert(!settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
        add_addr(2, AF_INET6, "2001:db8::aaaa", 0);
        v = compute();
        ck_assert(!settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
        /* a temporary address of another prefix is no sibling */
        add_addr(2, AF_INET6, "2001:db8:1::7e4", IFA_F_TEMPORARY);
        v = compute();
        ck_assert(settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
}
END_TEST

START_TEST(test_dad_wait_is_bounded) {
        add_link(1, "lo", "");
        add_link(2, "eth0", "");
        listen_on(AF_INET6, "::", 8000, 99);
        offer();
        n_published = 0;
        add_default(AF_INET6, 2);
        add_addr(2, AF_INET6, "2001:db8::aaaa", IFA_F_TENTATIVE);
        add_addr(2, AF_INET6, "2001:db8::7e4", IFA_F_TEMPORARY);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        /* DAD takes longer than the settle time: the temporary URL goes out at the deadline */
        ck_assert_int_eq(deadline(), SETTLE_PUBLISH);
        ck_assert_str_eq(published_share(8000), "http://[2001:db8::7e4]:8000/");
        after(700);
        add_addr(2, AF_INET6, "2001:db8::aaaa", 0);
        ck_assert_int_eq(offer_better(), SETTLE_PUBLISH);
        ck_assert_str_eq(published_share(8000), "http://[2001:db8::aaaa]:8000/");
        ck_assert_uint_eq(n_published, 2);
}
END_TEST

START_TEST(test_dad_pending) {
        ReachView *v;

        add_link(1, "lo", "");
        add_link(2, "eth0", "");
        add_link(3, "docker0", "bridge");
        add_default(AF_INET, 2);
        add_addr(2, AF_INET, "192.168.1.5", 0);
        add_addr(2, AF_INET6, "2001:db8::5", IFA_F_TENTATIVE);
        add_addr(3, AF_INET, "172.17.0.1", IFA_F_PERMANENT);
        listen_on(AF_INET6, "::", 8000, 99);
        /* a tentative IPv6 address, ranked below the IPv4 share URL once ready: its line is to come */
        v = compute();
        ck_assert(settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
        /* without IPv4 it is the URL to come */
        del_addr(2, AF_INET, "192.168.1.5");
        v = compute();
        ck_assert(settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
        /* a tentative address on a container bridge is not for the LAN */
        del_addr(2, AF_INET6, "2001:db8::5");
        add_addr(3, AF_INET6, "fd00::1", IFA_F_TENTATIVE);
        v = compute();
        ck_assert(!settle_dad_pending(reach_view_find(v, 8000)));
        reach_view_free(v);
}
END_TEST

START_TEST(test_no_settle_time) {
        laptop_on_old_network();
        settle.delay_usec = 0;
        leave_old_network();
        /* each step but the first (the IPv4 default route still marks wlan0) */
        ck_assert_uint_eq(n_published, 3);
        ck_assert(!settle.holding);
}
END_TEST

START_TEST(test_better_shortens_hold) {
        uint64_t start;

        laptop_on_old_network();
        start = now;
        del_addr(2, AF_INET, "192.168.1.23");
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        ck_assert_uint_eq(settle.deadline_usec, start + 500 * MS);
        after(50);
        add_addr(2, AF_INET, "192.168.1.24", 0);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        ck_assert_uint_eq(settle.deadline_usec, start + 150 * MS);
        /* a change for the worse within the step does not move the deadline later */
        after(10);
        del_addr(2, AF_INET, "192.168.1.24");
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        ck_assert_uint_eq(settle.deadline_usec, start + 150 * MS);
}
END_TEST

START_TEST(test_flush) {
        laptop_on_old_network();
        del_addr(2, AF_INET, "192.168.1.23");
        ck_assert_int_eq(offer(), SETTLE_HOLD);
        settle_flush(&settle);
        ck_assert_int_eq(offer(), SETTLE_PUBLISH);
        ck_assert(!settle.holding);
        /* once */
        add_link(3, "docker0", "bridge");
        add_addr(3, AF_INET, "172.17.0.1", IFA_F_PERMANENT);
        ck_assert_int_eq(offer(), SETTLE_HOLD);
}
END_TEST

START_TEST(test_other_changed_alone) {
        ReachView *v;

        laptop_on_old_network();
        v = compute();
        /* the interfaces changed, no server did: held like any other change */
        ck_assert_int_eq(settle_decide(&settle, published, v, NULL, 0, true, now), SETTLE_HOLD);
        ck_assert_int_eq(settle_decide(&settle, published, v, NULL, 0, false, now), SETTLE_NOTHING);
        ck_assert(!settle.holding);
        ck_assert_int_eq(settle_decide(&settle, NULL, v, NULL, 0, false, now), SETTLE_PUBLISH);
        reach_view_free(v);
}
END_TEST

static void classify_share(const char *was_addr, uint32_t was_flags, const char *now_addr, uint32_t now_flags,
                           SettleKind expect) {
        ReachServer a = { .port = 1, .listening = true }, b = a;
        ReachUrl ua = { .family = AF_INET6, .ifindex = 2, .kind = LINK_KIND_ETHERNET, .shareable = true,
                        .audience = REACH_AUDIENCE_LAN, .address_flags = was_flags };
        ReachUrl ub = ua;
        Change c = { .type = CHANGE_CHANGED, .port = 1, .old = &a, .new = &b, .share_changed = true };

        parse(AF_INET6, was_addr, &ua.address);
        parse(AF_INET6, now_addr, &ub.address);
        snprintf(ua.url, sizeof(ua.url), "http://[%s]:1/", was_addr);
        snprintf(ub.url, sizeof(ub.url), "http://[%s]:1/", now_addr);
        ub.address_flags = now_flags;
        a.urls = &ua;
        a.n_urls = 1;
        b.urls = &ub;
        b.n_urls = 1;
        ck_assert_int_eq(settle_classify(&c), expect);
}

START_TEST(test_classify) {
        ReachServer a = { .port = 1, .listening = true }, b = a;
        Change c = { .type = CHANGE_ADDED, .port = 1, .new = &b };

        ck_assert_int_eq(settle_classify(&c), SETTLE_KIND_SERVER);
        c = (Change) { .type = CHANGE_REMOVED, .port = 1, .old = &a };
        ck_assert_int_eq(settle_classify(&c), SETTLE_KIND_SERVER);
        c = (Change) { .type = CHANGE_CHANGED, .port = 1, .old = &a, .new = &b, .urls_changed = true };
        ck_assert_int_eq(settle_classify(&c), SETTLE_KIND_OTHER);
        c.server_changed = true;
        ck_assert_int_eq(settle_classify(&c), SETTLE_KIND_SERVER);
        /* one problem for another, no share URL either side */
        c = (Change) { .type = CHANGE_CHANGED, .port = 1, .old = &a, .new = &b, .problem_changed = true };
        ck_assert_int_eq(settle_classify(&c), SETTLE_KIND_OTHER);

        /* stable before temporary (rule 4) */
        classify_share("2001:db8::1", IFA_F_TEMPORARY, "2001:db8::2", 0, SETTLE_KIND_BETTER);
        classify_share("2001:db8::1", 0, "2001:db8::2", IFA_F_TEMPORARY, SETTLE_KIND_WORSE);
        /* global before unique-local (rule 3) */
        classify_share("fd00::1", 0, "2001:db8::2", 0, SETTLE_KIND_BETTER);
        classify_share("2001:db8::2", 0, "fd00::1", 0, SETTLE_KIND_WORSE);
        /* equal rank, whatever the order of the addresses: a move, not a loss */
        classify_share("2001:db8::1", 0, "2001:db8::2", 0, SETTLE_KIND_BETTER);
        classify_share("2001:db8::2", 0, "2001:db8::1", 0, SETTLE_KIND_BETTER);
}
END_TEST

static Suite *settle_suite(void) {
        Suite *s = suite_create("settle");
        TCase *tc = tcase_create("decide");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_move_without_gap);
        tcase_add_test(tc, test_move_with_short_gap);
        tcase_add_test(tc, test_outage_longer_than_settle);
        tcase_add_test(tc, test_gap_that_comes_back);
        tcase_add_test(tc, test_worse_held_until_deadline);
        tcase_add_test(tc, test_other_candidates_held);
        tcase_add_test(tc, test_server_changes_at_once);
        tcase_add_test(tc, test_slaac_join_waits_for_stable);
        tcase_add_test(tc, test_slaac_stable_first);
        tcase_add_test(tc, test_slaac_unannounced_sibling);
        tcase_add_test(tc, test_dad_wait_is_bounded);
        tcase_add_test(tc, test_dad_pending);
        tcase_add_test(tc, test_no_settle_time);
        tcase_add_test(tc, test_better_shortens_hold);
        tcase_add_test(tc, test_flush);
        tcase_add_test(tc, test_other_changed_alone);
        tcase_add_test(tc, test_classify);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(settle_suite)
