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

#include "format.h"
#include "macro.h"
#include "testutil.h"

static void parse(int family, const char *s, union in_addr_union *ret) {
        memset(ret, 0, sizeof(*ret));
        ck_assert_int_eq(inet_pton(family, s, ret->bytes), 1);
}

static ReachUrl make_url(const char *url, int family, const char *addr, int ifindex, const char *ifname,
                         LinkKind kind, uint32_t flags, bool dr, ReachReason reason) {
        ReachUrl u = { .family = family, .ifindex = ifindex, .kind = kind, .address_flags = flags,
                       .default_route = dr, .reason = reason, .shareable = reason == REACH_REASON_NONE };

        snprintf(u.url, sizeof(u.url), "%s", url);
        snprintf(u.ifname, sizeof(u.ifname), "%s", ifname);
        parse(family, addr, &u.address);
        u.audience = ifindex == 0 ? REACH_AUDIENCE_NONE : kind == LINK_KIND_LOOPBACK ? REACH_AUDIENCE_LOOPBACK :
                kind == LINK_KIND_VPN ? REACH_AUDIENCE_VPN :
                kind == LINK_KIND_BRIDGE || kind == LINK_KIND_VETH ? REACH_AUDIENCE_HOST : REACH_AUDIENCE_LAN;
        return u;
}

START_TEST(test_server_json) {
        ReachUrl urls[2];
        ReachBind binds[1] = { { .family = AF_INET } };
        ReachServer srv = {
                .port = 5173, .watched = true, .listening = true, .binds = binds, .n_binds = 1,
                .process = { .pid = 4242, .name = "node", .cmdline = (char *) "node \"vite\"\t", .via = "pasta" },
                .urls = urls, .n_urls = 2,
        };
        StrBuf b = STRBUF_INIT;

        urls[0] = make_url("http://192.168.1.23:5173/", AF_INET, "192.168.1.23", 3, "wlan0", LINK_KIND_WIFI,
                           IFA_F_SECONDARY, true, REACH_REASON_NONE);
        urls[1] = make_url("http://127.0.0.1:5173/", AF_INET, "127.0.0.1", 1, "lo", LINK_KIND_LOOPBACK,
                           IFA_F_PERMANENT, false, REACH_REASON_LOOPBACK);
        ck_assert_int_eq(format_server_json(&b, &srv), 0);
        ck_assert_str_eq(b.data,
                "{\"port\":5173,\"watched\":true,\"listening\":true,\"default\":false,"
                "\"binds\":[\"0.0.0.0\"],"
                "\"v6only\":false,\"process\":{\"pid\":4242,\"name\":\"node\",\"cmdline\":\"node \\\"vite\\\"\\t\",\"args\":null,\"start_time\":0,\"via\":\"pasta\"},"
                "\"share_url\":\"http://192.168.1.23:5173/\","
                "\"audiences\":{\"lan\":\"http://192.168.1.23:5173/\",\"vpn\":null,\"host\":null},"
                "\"problem\":null,\"problem_text\":null,\"hint\":null,\"urls\":["
                "{\"url\":\"http://192.168.1.23:5173/\",\"address\":\"192.168.1.23\",\"family\":\"ipv4\","
                "\"interface\":\"wlan0\",\"kind\":\"wifi\",\"audience\":\"lan\",\"default_route\":true,\"shareable\":true,"
                "\"reason\":null,\"flags\":[\"secondary\"]},"
                "{\"url\":\"http://127.0.0.1:5173/\",\"address\":\"127.0.0.1\",\"family\":\"ipv4\","
                "\"interface\":\"lo\",\"kind\":\"loopback\",\"audience\":\"loopback\",\"default_route\":false,\"shareable\":false,"
                "\"reason\":\"loopback\",\"flags\":[\"permanent\"]}]}");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_server_problem_json) {
        ReachUrl urls[1];
        ReachBind binds[1] = { { .family = AF_INET6 } };
        ReachServer srv = {
                .port = 8000, .listening = true, .binds = binds, .n_binds = 1, .v6only = true,
                .urls = urls, .n_urls = 1, .problem = REACH_PROBLEM_BOUND_ADDRESS_GONE, .hint = (char *) "fix it",
        };
        StrBuf b = STRBUF_INIT;

        parse(AF_INET6, "2001:db8::9", &binds[0].address);
        urls[0] = make_url("http://[2001:db8::9]:8000/", AF_INET6, "2001:db8::9", 0, "", LINK_KIND_OTHER,
                           0, false, REACH_REASON_ADDRESS_GONE);
        ck_assert_int_eq(format_server_json(&b, &srv), 0);
        ck_assert_str_eq(b.data,
                "{\"port\":8000,\"watched\":false,\"listening\":true,\"default\":false,\"binds\":[\"2001:db8::9\"],"
                "\"v6only\":true,\"process\":null,\"share_url\":null,"
                "\"audiences\":{\"lan\":null,\"vpn\":null,\"host\":null},\"problem\":\"bound-address-gone\","
                "\"problem_text\":\"port 8000 is bound to 2001:db8::9, which this machine no longer has\","
                "\"hint\":\"fix it\",\"urls\":[{\"url\":\"http://[2001:db8::9]:8000/\",\"address\":\"2001:db8::9\","
                "\"family\":\"ipv6\",\"interface\":null,\"kind\":\"other\",\"audience\":null,\"default_route\":false,"
                "\"shareable\":false,\"reason\":\"address-gone\",\"flags\":[]}]}");
        strbuf_reset(&b);
        ck_assert_int_eq(format_problem_sentence(&b, &srv), 0);
        ck_assert_str_eq(b.data, "port 8000 is bound to 2001:db8::9, which this machine no longer has");
        strbuf_done(&b);
}
END_TEST

static void assert_prefix(const char *s, const char *prefix) {
        ck_assert_msg(strncmp(s, prefix, strlen(prefix)) == 0, "%s does not start with %s", s, prefix);
}

START_TEST(test_watch_json) {
        ReachUrl urls[1];
        ReachServer now = { .port = 5173, .listening = true, .urls = urls, .n_urls = 1 };
        ReachServer was = { .port = 5173, .listening = true, .problem = REACH_PROBLEM_NO_NETWORK };
        FormatStream stream = { .generation = 9, .boot_id = "b007" };
        StrBuf b = STRBUF_INIT, body = STRBUF_INIT;
        uint32_t fields;

        urls[0] = make_url("http://10.1.2.3:5173/", AF_INET, "10.1.2.3", 3, "wlan0", LINK_KIND_WIFI,
                           0, true, REACH_REASON_NONE);
        ck_assert_int_eq(format_server_json(&body, &now), 0);
        ck_assert_int_eq(format_server_diff(&was, &now, &fields), 0);
        ck_assert_uint_eq(fields, 1U << FORMAT_FIELD_SHARE_URL | 1U << FORMAT_FIELD_AUDIENCES |
                          1U << FORMAT_FIELD_PROBLEM | 1U << FORMAT_FIELD_PROBLEM_TEXT | 1U << FORMAT_FIELD_URLS);
        ck_assert_int_eq(format_server_diff(&now, &now, &fields), 0);
        ck_assert_uint_eq(fields, 0);
        ck_assert_int_eq(format_server_diff(&was, &now, &fields), 0);
        ck_assert_int_eq(format_watch_json(&b, &now, "changed", &was, fields, &stream), 0);
        assert_prefix(b.data, "{\"event\":\"changed\",\"generation\":9,\"boot_id\":\"b007\","
                      "\"changed\":[\"share_url\",\"audiences\",\"problem\",\"problem_text\",\"urls\"],"
                      "\"previous_share_url\":null,\"previous_problem\":\"no-network\",\"port\":5173,");
        /* the rest is the server object */
        ck_assert_str_eq(strstr(b.data, "\"port\""), body.data + 1);
        strbuf_reset(&b);
        ck_assert_int_eq(format_watch_json(&b, &was, "changed", &now, 0, &stream), 0);
        assert_prefix(b.data, "{\"event\":\"changed\",\"generation\":9,\"boot_id\":\"b007\","
                      "\"previous_share_url\":\"http://10.1.2.3:5173/\",\"previous_problem\":null,\"port\":5173,");
        strbuf_reset(&b);
        ck_assert_int_eq(format_watch_json(&b, &now, "added", NULL, 0, &stream), 0);
        assert_prefix(b.data, "{\"event\":\"added\",\"generation\":9,\"boot_id\":\"b007\","
                      "\"previous_share_url\":null,\"previous_problem\":null,\"port\":5173,");
        strbuf_done(&b);
        strbuf_done(&body);
}
END_TEST

START_TEST(test_view_json) {
        State *s;
        ReachView v = {};
        StrBuf b = STRBUF_INIT;
        Link lo = { .ifindex = 1, .name = "lo", .arphrd = ARPHRD_LOOPBACK,
                    .flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP, .operstate = IF_OPER_UNKNOWN };
        Link eth = { .ifindex = 2, .name = "eth0", .arphrd = ARPHRD_ETHER,
                     .flags = IFF_UP, .operstate = IF_OPER_LOWERLAYERDOWN };
        Address a1 = { .family = AF_INET6, .ifindex = 2, .prefixlen = 64, .scope = RT_SCOPE_UNIVERSE,
                       .flags = IFA_F_TEMPORARY | IFA_F_DEPRECATED };
        Address a2 = { .family = AF_INET, .ifindex = 1, .prefixlen = 8, .scope = RT_SCOPE_HOST };
        Link wlan = { .ifindex = 3, .name = "wlan0", .arphrd = ARPHRD_ETHER, .flags = IFF_UP | IFF_LOWER_UP,
                      .operstate = IF_OPER_UP, .wireless = true, .wireless_probed = true };
        Route r = { .family = AF_INET6, .oif = 3, .metric = 1024, .table = RT_TABLE_MAIN };
        /* kept by the kernel on a link without carrier: no default route */
        Route dead = { .family = AF_INET6, .oif = 2, .metric = 1024, .table = RT_TABLE_MAIN };

        ck_assert_int_eq(state_new(&s), 0);
        /* inserted out of order: the document lists interfaces by index */
        ck_assert_int_eq(state_link_update(s, &wlan), 1);
        ck_assert_int_eq(state_link_update(s, &eth), 1);
        ck_assert_int_eq(state_link_update(s, &lo), 1);
        ck_assert_int_eq(state_link_set_ssid(s, 3, "Caf\xc3\xa9 \"5G\"", 10), 1);
        parse(AF_INET6, "2001:db8::1", &a1.address);
        parse(AF_INET, "127.0.0.1", &a2.address);
        ck_assert_int_eq(state_address_update(s, &a1), 1);
        ck_assert_int_eq(state_address_update(s, &a2), 1);
        ck_assert_int_eq(state_route_update(s, &r), 1);
        ck_assert_int_eq(state_route_update(s, &dead), 1);
        ck_assert_int_eq(format_view_json(&b, s, &v, 42, "0123456789abcdef0123456789abcdef", "lap\"top"), 0);
        ck_assert_str_eq(b.data,
                "{\"version\":1,\"generation\":42,\"boot_id\":\"0123456789abcdef0123456789abcdef\",\"hostname\":\"lap\\\"top\",\"servers\":[],\"interfaces\":["
                "{\"index\":1,\"name\":\"lo\",\"kind\":\"loopback\",\"ssid\":null,\"up\":true,\"carrier\":true,"
                "\"operstate\":\"unknown\",\"default_route\":false,\"addresses\":[{\"address\":\"127.0.0.1\","
                "\"prefixlen\":8,\"family\":\"ipv4\",\"scope\":\"host\",\"flags\":[]}]},"
                "{\"index\":2,\"name\":\"eth0\",\"kind\":\"ethernet\",\"ssid\":null,\"up\":true,\"carrier\":false,"
                "\"operstate\":\"lowerlayerdown\",\"default_route\":false,\"addresses\":[{\"address\":\"2001:db8::1\","
                "\"prefixlen\":64,\"family\":\"ipv6\",\"scope\":\"global\",\"flags\":[\"temporary\",\"deprecated\"]}]},"
                "{\"index\":3,\"name\":\"wlan0\",\"kind\":\"wifi\",\"ssid\":\"Caf\xc3\xa9 \\\"5G\\\"\",\"up\":true,"
                "\"carrier\":true,\"operstate\":\"up\",\"default_route\":true,\"addresses\":[]}]}");
        strbuf_done(&b);
        state_free(s);
}
END_TEST

START_TEST(test_problem_sentences) {
        ReachBind binds[2] = { { .family = AF_INET }, { .family = AF_INET6 } };
        ReachServer srv = { .port = 5173, .binds = binds, .n_binds = 2 };
        StrBuf b = STRBUF_INIT;

        parse(AF_INET, "127.0.0.1", &binds[0].address);
        parse(AF_INET6, "::1", &binds[1].address);
        ck_assert_int_eq(format_problem_sentence(&b, &srv), -ENOENT);
        srv.problem = REACH_PROBLEM_LOOPBACK_ONLY;
        ck_assert_int_eq(format_problem_sentence(&b, &srv), 0);
        ck_assert_str_eq(b.data, "port 5173 listens on 127.0.0.1 and ::1 only: not reachable from other machines");
        strbuf_reset(&b);
        srv.problem = REACH_PROBLEM_NOT_LISTENING;
        ck_assert_int_eq(format_problem_sentence(&b, &srv), 0);
        ck_assert_str_eq(b.data, "nothing listens on port 5173");
        strbuf_reset(&b);
        srv.problem = REACH_PROBLEM_NO_NETWORK;
        ck_assert_int_eq(format_problem_sentence(&b, &srv), 0);
        ck_assert_str_eq(b.data, "port 5173 listens, but this machine is not on a local network");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_interface_text) {
        ReachUrl u = make_url("http://10.0.0.1:80/", AF_INET, "10.0.0.1", 3, "ev\x1bil", LINK_KIND_WIFI,
                              0, false, REACH_REASON_NONE);
        StrBuf b = STRBUF_INIT;

        /* the kernel allows ESC in an interface name: not on a terminal */
        ck_assert_int_eq(format_url_interface(&b, &u), 0);
        ck_assert_str_eq(b.data, "ev?il");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_flags) {
        StrBuf b = STRBUF_INIT;

        format_address_flags_json(&b, AF_INET, IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE | IFA_F_TENTATIVE);
        ck_assert_str_eq(b.data, "[\"secondary\",\"tentative\",\"noprefixroute\"]");
        strbuf_reset(&b);
        format_address_flags_json(&b, AF_INET6, IFA_F_DADFAILED | IFA_F_STABLE_PRIVACY | IFA_F_MANAGETEMPADDR |
                                  IFA_F_NODAD | IFA_F_OPTIMISTIC);
        ck_assert_str_eq(b.data, "[\"dadfailed\",\"optimistic\",\"nodad\",\"mngtmpaddr\",\"stable-privacy\"]");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_ssid) {
        static const char longest[] = "0123456789abcdefghijklmnopqrstuv";
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(format_ssid(&b, "CoffeeShop", 10), 0);
        ck_assert_str_eq(b.data, "\"CoffeeShop\"");
        strbuf_reset(&b);
        /* the length counts, not a NUL */
        ck_assert_int_eq(format_ssid(&b, "CoffeeShop", 6), 0);
        ck_assert_str_eq(b.data, "\"Coffee\"");
        strbuf_reset(&b);
        ck_assert_int_eq(format_ssid(&b, longest, 32), 0);
        ck_assert_str_eq(b.data, "\"0123456789abcdefghijklmnopqrstuv\"");
        strbuf_reset(&b);
        /* quotes and backslashes escaped, UTF-8 kept, the rest (NUL too) U+FFFD, control characters \u */
        ck_assert_int_eq(format_ssid(&b, "\"Caf\xc3\xa9\"\\\xff\xc3\x00\x01\n!", 14), 0);
        ck_assert_str_eq(b.data, "\"\\\"Caf\xc3\xa9\\\"\\\\\\ufffd\\ufffd\\ufffd\\u0001\\n!\"");
        strbuf_reset(&b);
        ck_assert_int_eq(format_ssid(&b, NULL, 0), 0);
        ck_assert_int_eq(format_ssid(&b, "x", 0), 0);
        ck_assert_str_eq(b.data, "nullnull");
        strbuf_reset(&b);
        ck_assert_int_eq(format_ssid(&b, "0123456789abcdefghijklmnopqrstuvw", 33), -EINVAL);
        ck_assert_int_eq(b.error, -EINVAL);
        strbuf_done(&b);
}
END_TEST

START_TEST(test_url_interface) {
        ReachUrl u = make_url("http://192.168.1.23:5173/", AF_INET, "192.168.1.23", 3, "wlan0", LINK_KIND_WIFI,
                              0, true, REACH_REASON_NONE);
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(format_url_interface(&b, &u), 0);
        ck_assert_str_eq(b.data, "wlan0");
        strbuf_reset(&b);
        memcpy(u.ssid, "Coffee\"Shop", 11);
        u.ssid_len = 11;
        ck_assert_int_eq(format_url_interface(&b, &u), 0);
        ck_assert_str_eq(b.data, "wlan0 (Wi-Fi \"Coffee\\\"Shop\")");
        strbuf_done(&b);
}
END_TEST

/* ---- format_server_diff against the rendered fields, on random servers ---- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n) {
        rnd_state = rnd_state * 1103515245U + 12345U;
        return (rnd_state >> 8) % n;
}

/* Pools with equal values (so most fields are alike) and strings that differ only in bytes that
 * are not UTF-8 (so they render alike) */
static const char *const url_pool[] = {
        "http://192.168.1.23:5173/", "http://192.168.1.24:5173/", "http://[2001:db8::5]:5173/",
        "http://caf\xc3\xa9:5173/", "http://caf\xff:5173/", "http://caf\xfe:5173/", "http://caf:5173/",
};
static const char *const hint_pool[] = {
        NULL, "run vite --host", "run vite --host 0.0.0.0", "\xff", "\xfe", "\xc3\xa9", "", "a\"b",
};
static const char *const cmdline_pool[] = { NULL, "", "node vite", "node vite --host", "node \xff", "node \xfe" };
static const char *const ifname_pool[] = { "wlan0", "eth0", "lo", "wg0", "w\xff", "w\xfe" };

static ReachUrl random_url(void) {
        static const char *const addr4[] = { "192.168.1.23", "10.0.0.1" };
        static const char *const addr6[] = { "2001:db8::5", "fe80::1" };
        static const uint32_t flags[] = { 0, IFA_F_SECONDARY, IFA_F_PERMANENT, IFA_F_TENTATIVE, 0x80000000U };
        static const ReachReason reasons[] = { REACH_REASON_NONE, REACH_REASON_NONE, REACH_REASON_DOWN,
                                               REACH_REASON_NO_CARRIER, REACH_REASON_LOOPBACK };
        int family = rnd(3) == 0 ? AF_INET6 : AF_INET;
        ReachUrl u = make_url(url_pool[rnd(ELEMENTSOF(url_pool))], family,
                              family == AF_INET ? addr4[rnd(2)] : addr6[rnd(2)], (int) rnd(3),
                              ifname_pool[rnd(ELEMENTSOF(ifname_pool))], (LinkKind) rnd(4),
                              flags[rnd(ELEMENTSOF(flags))], rnd(2), reasons[rnd(ELEMENTSOF(reasons))]);

        if (rnd(4) == 0)
                u.audience = (ReachAudience) rnd(_REACH_AUDIENCE_MAX);
        if (rnd(4) == 0)
                u.shareable = !u.shareable;
        u.metric = rnd(3);
        return u;
}

static void random_server(ReachServer *srv, ReachUrl *urls, ReachBind *binds, ProcChain *const *chains) {
        static const char *const bind4[] = { "0.0.0.0", "127.0.0.1", "192.168.1.23" };
        size_t n_urls = rnd(4);

        *srv = (ReachServer) {
                .port = rnd(4) == 0 ? 3000 : 5173,
                .watched = rnd(2), .listening = rnd(4) > 0, .is_default = rnd(2), .v6only = rnd(4) == 0,
                .binds = binds, .n_binds = rnd(3),
                .urls = urls, .n_urls = n_urls,
                .problem = rnd(2) ? REACH_PROBLEM_NONE : (ReachProblem) rnd(_REACH_PROBLEM_MAX),
                .hint = (char *) hint_pool[rnd(ELEMENTSOF(hint_pool))],
                .process = { .pid = (pid_t) (rnd(3) == 0 ? 0 : 100 + rnd(2)), .start_time = rnd(2),
                             .cmdline = (char *) cmdline_pool[rnd(ELEMENTSOF(cmdline_pool))],
                             .chain = chains[rnd(3)] },
        };
        snprintf(srv->process.name, sizeof(srv->process.name), "%s", rnd(3) == 0 ? "vite" : "node");
        snprintf(srv->process.via, sizeof(srv->process.via), "%s", rnd(4) == 0 ? "pasta" : "");
        for (size_t i = 0; i < srv->n_binds; i++) {
                binds[i] = (ReachBind) { .family = AF_INET };
                parse(AF_INET, bind4[rnd(ELEMENTSOF(bind4))], &binds[i].address);
        }
        for (size_t i = 0; i < n_urls; i++)
                urls[i] = random_url();
}

/* b: a, with a few of its values changed (most pairs of servers compared are nearly alike) */
static void mutate_server(ReachServer *b, const ReachServer *a, ReachUrl *urls, ReachBind *binds,
                          ProcChain *const *chains) {
        ReachServer r;
        ReachUrl ru[4];
        ReachBind rb[3];

        *b = *a;
        memcpy(urls, a->urls, a->n_urls * sizeof(*urls));
        memcpy(binds, a->binds, a->n_binds * sizeof(*binds));
        b->urls = urls;
        b->binds = binds;
        random_server(&r, ru, rb, chains);
        for (unsigned k = rnd(3) + 1; k > 0; k--)
                switch (rnd(14)) {
                case 0: b->port = r.port; break;
                case 1: b->listening = r.listening; b->watched = r.watched; break;
                case 2: b->is_default = r.is_default; b->v6only = r.v6only; break;
                case 3:
                        b->n_binds = r.n_binds;
                        memcpy(binds, rb, r.n_binds * sizeof(*binds));
                        break;
                case 4: b->process.pid = r.process.pid; break;
                case 5: b->process.cmdline = r.process.cmdline; b->process.start_time = r.process.start_time; break;
                case 6: b->process.chain = r.process.chain; memcpy(b->process.via, r.process.via, sizeof(r.process.via)); break;
                case 7: memcpy(b->process.name, r.process.name, sizeof(r.process.name)); break;
                case 8: b->problem = r.problem; break;
                case 9: b->hint = r.hint; break;
                case 10:
                        b->n_urls = r.n_urls;
                        memcpy(urls, ru, r.n_urls * sizeof(*urls));
                        break;
                default:
                        /* one value of one URL */
                        if (b->n_urls > 0) {
                                ReachUrl *u = &urls[rnd((uint32_t) b->n_urls)], v = random_url();

                                switch (rnd(8)) {
                                case 0: memcpy(u->url, v.url, sizeof(u->url)); break;
                                case 1: u->family = v.family; u->address = v.address; break;
                                case 2: u->ifindex = v.ifindex; memcpy(u->ifname, v.ifname, sizeof(u->ifname)); break;
                                case 3: u->kind = v.kind; u->audience = v.audience; break;
                                case 4: u->address_flags = v.address_flags; break;
                                case 5: u->default_route = v.default_route; u->metric = v.metric; break;
                                case 6: u->shareable = v.shareable; break;
                                default: u->reason = v.reason; break;
                                }
                        }
                        break;
                }
}

static uint32_t rendered_diff(const ReachServer *a, const ReachServer *b) {
        StrBuf x = STRBUF_INIT, y = STRBUF_INIT;
        uint32_t fields = 0;

        for (FormatField f = 0; f < _FORMAT_FIELD_MAX; f++) {
                strbuf_reset(&x);
                strbuf_reset(&y);
                ck_assert_int_eq(format_server_field(&x, a, f), 0);
                ck_assert_int_eq(format_server_field(&y, b, f), 0);
                if (strcmp(x.data, y.data) != 0)
                        fields |= 1U << f;
        }
        strbuf_done(&x);
        strbuf_done(&y);
        return fields;
}

START_TEST(test_server_diff_matches_json) {
        static const char *const chain_a[] = { "node|vite", "npm|run|dev", NULL };
        static const char *const chain_b[] = { "node|vite|--host", NULL };
        ProcChain *chains[3] = { NULL, test_chain(chain_a), test_chain(chain_b) };
        uint32_t seen = 0, alike = 0;
        unsigned unequal_alike = 0;

        for (unsigned i = 0; i < 5000; i++) {
                ReachUrl ua[4], ub[4];
                ReachBind ba[3], bb[3];
                ReachServer a, b;
                uint32_t fast = 0, slow;

                random_server(&a, ua, ba, chains);
                if (rnd(4) == 0)
                        random_server(&b, ub, bb, chains);
                else
                        mutate_server(&b, &a, ub, bb, chains);
                slow = rendered_diff(&a, &b);
                ck_assert_int_eq(format_server_diff(&a, &b, &fast), 0);
                if (fast != slow)
                        ck_abort_msg("pair %u: fields 0x%x differ, the JSON says 0x%x", i, fast, slow);
                seen |= slow;
                alike |= ~slow & ((1U << _FORMAT_FIELD_MAX) - 1);
                /* the case the fast path must leave to the JSON: other values, the same text */
                if (b.hint && a.hint && strcmp(a.hint, b.hint) != 0 && !(slow & (1U << FORMAT_FIELD_HINT)))
                        unequal_alike++;
        }
        /* every field was seen both changed and unchanged */
        ck_assert_uint_eq(seen, (1U << _FORMAT_FIELD_MAX) - 1);
        ck_assert_uint_eq(alike, (1U << _FORMAT_FIELD_MAX) - 1);
        ck_assert_uint_gt(unequal_alike, 0);
        for (size_t i = 0; i < ELEMENTSOF(chains); i++)
                procchain_unref(chains[i]);
}
END_TEST

static Suite *format_suite(void) {
        Suite *s = suite_create("format");
        TCase *tc = tcase_create("json");
        TCase *random = tcase_create("random");

        tcase_add_test(tc, test_server_json);
        tcase_add_test(tc, test_server_problem_json);
        tcase_add_test(tc, test_watch_json);
        tcase_add_test(tc, test_view_json);
        tcase_add_test(tc, test_problem_sentences);
        tcase_add_test(tc, test_interface_text);
        tcase_add_test(tc, test_flags);
        tcase_add_test(tc, test_ssid);
        tcase_add_test(tc, test_url_interface);
        suite_add_tcase(s, tc);
        /* 5,000 pairs take about a second under AddressSanitizer; a loaded machine needs more
         * than Check's default 4 s */
        tcase_set_timeout(random, 60);
        tcase_add_test(random, test_server_diff_matches_json);
        suite_add_tcase(s, random);
        return s;
}

TEST_MAIN(format_suite)
