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
#include "hint.h"
#include "macro.h"
#include "response.h"
#include "testutil.h"

#define UID 1000

#define NO_SERVER "no dev server is listening (looked at TCP ports >= 1024 of this user and at " \
        "ports published from containers by a proxy; one published without a proxy process, as " \
        "with Docker's userland-proxy off or a Kubernetes hostPort, has no socket to see, not even with --port)"
#define HINT_8000 "restart it with `python3 -m http.server 8000 --bind 0.0.0.0` so it listens on every interface"

static State *st;
static Listener ls[8];
static ProcInfo procs[8];
static size_t n_ls;
static ReachView *view;
static StrBuf out;

static void setup(void) {
        ck_assert_int_eq(state_new(&st), 0);
        n_ls = 0;
        memset(ls, 0, sizeof(ls));
        memset(procs, 0, sizeof(procs));
        view = NULL;
        out = (StrBuf) STRBUF_INIT;
}

static void teardown(void) {
        for (size_t i = 0; i < ELEMENTSOF(procs); i++)
                procs[i].chain = procchain_unref(procs[i].chain);
        strbuf_done(&out);
        view = reach_view_free(view);
        st = state_free(st);
}

static void parse(int family, const char *s, union in_addr_union *ret) {
        memset(ret, 0, sizeof(*ret));
        ck_assert_int_eq(inet_pton(family, s, ret->bytes), 1);
}

static void add_link(int ifindex, const char *name, uint16_t arphrd, uint8_t operstate, bool wireless) {
        Link l = {
                .ifindex = ifindex,
                .arphrd = arphrd,
                .flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP | (arphrd == ARPHRD_LOOPBACK ? IFF_LOOPBACK : 0),
                .operstate = operstate,
                .wireless = wireless,
                .wireless_probed = true,
        };

        snprintf(l.name, sizeof(l.name), "%s", name);
        ck_assert_int_ge(state_link_update(st, &l), 0);
}

static void add_addr(int ifindex, int family, const char *addr, uint8_t prefixlen, uint8_t scope) {
        Address a = { .family = family, .ifindex = ifindex, .prefixlen = prefixlen, .scope = scope,
                      .flags = IFA_F_PERMANENT };

        parse(family, addr, &a.address);
        ck_assert_int_ge(state_address_update(st, &a), 0);
}

static void add_listener(int family, const char *addr, uint16_t port, pid_t pid, const char *name,
                         const char *cmdline, uint64_t start_time) {
        Listener *l = &ls[n_ls];
        ProcInfo *p = &procs[n_ls];

        n_ls++;
        *l = (Listener) { .family = family, .port = port, .uid = UID, .inode = 1000 + n_ls,
                          .socket_is_v6 = family == AF_INET6 };
        parse(family, addr, &l->address);
        *p = (ProcInfo) { .inode = l->inode, .pid = pid, .cmdline = (char *) cmdline, .start_time = start_time };
        if (cmdline) {
                char argv[256];

                snprintf(argv, sizeof(argv), "%s", cmdline);
                for (char *c = argv; *c; c++)
                        if (*c == ' ')
                                *c = '|';
                p->chain = test_chain((const char *[]) { argv, NULL });
        }
        snprintf(p->name, sizeof(p->name), "%s", name ?: "");
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

/* lo, and wlan0 on the Wi-Fi "CoffeeShop" with the default route */
static void laptop(void) {
        Route r = { .family = AF_INET, .oif = 3, .metric = 600, .table = RT_TABLE_MAIN };

        add_link(1, "lo", ARPHRD_LOOPBACK, IF_OPER_UNKNOWN, false);
        add_addr(1, AF_INET, "127.0.0.1", 8, RT_SCOPE_HOST);
        add_addr(1, AF_INET6, "::1", 128, RT_SCOPE_HOST);
        add_link(3, "wlan0", ARPHRD_ETHER, IF_OPER_UP, true);
        ck_assert_int_eq(state_link_set_ssid(st, 3, "CoffeeShop", 10), 1);
        add_addr(3, AF_INET, "192.168.1.23", 24, RT_SCOPE_UNIVERSE);
        add_addr(3, AF_INET6, "fe80::1", 64, RT_SCOPE_LINK);
        ck_assert_int_ge(state_route_update(st, &r), 0);
}

/* Vite everywhere (started last), python on 127.0.0.1, something bound to an address gone */
static void servers(void) {
        laptop();
        add_listener(AF_INET, "0.0.0.0", 5173, 4242, "node", "node /usr/bin/vite", 200);
        add_listener(AF_INET, "127.0.0.1", 8000, 4300, "python3", "python3 -m http.server 8000 --bind 127.0.0.1", 100);
        add_listener(AF_INET, "10.9.9.9", 9000, 0, NULL, NULL, 0);
        compute();
        ck_assert_uint_eq(view->n_servers, 3);
}

#define HELLO_B007 "{\"event\":\"hello\",\"protocol\":2,\"version\":\"" PACKAGE_VERSION "\",\"json_version\":1,\"boot_id\":\"b007\",\"generation\":7,\"listener_scans\":0,\"features\":[\"audiences\",\"default-server\",\"problem-text\",\"stream-generation\",\"synced\",\"dropped\",\"changed-fields\",\"removed-gone\"]}\n"
#define SYNCED_NONE "{\"event\":\"synced\",\"generation\":7,\"boot_id\":\"b007\",\"servers\":0}\n"

static const char *render(RequestCommand command, int port) {
        Request req = { .command = command, .has_port = port > 0, .port = port > 0 ? (uint16_t) port : 0 };
        Snapshot snap = { .state = st, .view = view, .generation = 7, .boot_id = "b007", .hostname = "laptop" };

        strbuf_reset(&out);
        ck_assert_int_eq(response_render(&out, &req, &snap), 0);
        return out.data ?: "";
}

static void assert_render(RequestCommand command, int port, const char *expected) {
        ck_assert_str_eq(render(command, port), expected);
        ck_assert_uint_eq(out.len, strlen(expected));
}

START_TEST(test_url) {
        servers();
        assert_render(REQUEST_URL, -1, "http://192.168.1.23:5173/\n");
        assert_render(REQUEST_URL, 5173, "http://192.168.1.23:5173/\n");
        assert_render(REQUEST_URL, 8000,
                      "ERR loopback-only port 8000 listens on 127.0.0.1 only: not reachable from other machines; "
                      HINT_8000 "\n");
        assert_render(REQUEST_URL, 9000,
                      "ERR bound-address-gone port 9000 is bound to 10.9.9.9, which this machine no longer has; "
                      "restart it bound to 0.0.0.0 or :: instead of 10.9.9.9 so it follows network changes\n");
        assert_render(REQUEST_URL, 7777, "ERR not-listening nothing listens on port 7777\n");
}
END_TEST

static const char *render_audience(ReachAudience audience, int port) {
        Request req = { .command = REQUEST_URL, .has_port = port > 0, .port = port > 0 ? (uint16_t) port : 0,
                        .audience = audience };
        Snapshot snap = { .state = st, .view = view, .generation = 7, .hostname = "laptop" };

        strbuf_reset(&out);
        ck_assert_int_eq(response_render(&out, &req, &snap), 0);
        return out.data ?: "";
}

START_TEST(test_url_audience) {
        Address a = { .family = AF_INET, .ifindex = 5, .prefixlen = 24, .scope = RT_SCOPE_UNIVERSE };

        servers();
        add_link(5, "tun0", ARPHRD_TUNNEL, IF_OPER_UNKNOWN, false);
        parse(AF_INET, "10.8.0.2", &a.address);
        ck_assert_int_ge(state_address_update(st, &a), 0);
        compute();
        ck_assert_str_eq(render_audience(REACH_AUDIENCE_VPN, -1), "http://10.8.0.2:5173/\n");
        ck_assert_str_eq(render_audience(REACH_AUDIENCE_LAN, 5173), "http://192.168.1.23:5173/\n");
        ck_assert_str_eq(render_audience(REACH_AUDIENCE_HOST, 5173),
                         "ERR no-network port 5173 has no URL that containers or VMs on this machine can open\n");
        /* the server's own problem first: no network fixes a loopback bind */
        ck_assert_str_eq(render_audience(REACH_AUDIENCE_VPN, 8000),
                         "ERR loopback-only port 8000 listens on 127.0.0.1 only: not reachable from other machines; "
                         HINT_8000 "\n");
        ck_assert_str_eq(render_audience(REACH_AUDIENCE_VPN, 7777), "ERR not-listening nothing listens on port 7777\n");
}
END_TEST

START_TEST(test_hello) {
        Request req = { .command = REQUEST_HELLO };
        Snapshot snap = { .state = st, .view = view, .generation = 7, .boot_id = "0123456789abcdef0123456789abcdef",
                          .hostname = "laptop", .listener_scans = 123 };

        servers();
        strbuf_reset(&out);
        ck_assert_int_eq(response_render(&out, &req, &snap), 0);
        ck_assert_str_eq(out.data, "{\"event\":\"hello\",\"protocol\":2,\"version\":\"" PACKAGE_VERSION "\","
                         "\"json_version\":1,\"boot_id\":\"0123456789abcdef0123456789abcdef\",\"generation\":7,"
                         "\"listener_scans\":123,\"features\":[\"audiences\",\"default-server\",\"problem-text\",\"stream-generation\",\"synced\",\"dropped\",\"changed-fields\",\"removed-gone\"]}\n");
}
END_TEST

START_TEST(test_url_default_has_problem) {
        laptop();
        add_listener(AF_INET, "127.0.0.1", 8000, 4300, "python3", "python3 -m http.server 8000 --bind 127.0.0.1", 100);
        compute();
        assert_render(REQUEST_URL, -1,
                      "ERR loopback-only port 8000 listens on 127.0.0.1 only: not reachable from other machines; "
                      HINT_8000 "\n");
}
END_TEST

START_TEST(test_no_server) {
        laptop();
        compute();
        ck_assert_uint_eq(view->n_servers, 0);
        assert_render(REQUEST_URL, -1, "ERR no-server " NO_SERVER "\n");
        assert_render(REQUEST_LIST, -1, "ERR no-server " NO_SERVER "\n");
        assert_render(REQUEST_URL, 5173, "ERR not-listening nothing listens on port 5173\n");
        assert_render(REQUEST_LIST, 5173, "ERR not-listening nothing listens on port 5173\n");
        assert_render(REQUEST_STATUS, -1, NO_SERVER "\n");
        assert_render(REQUEST_STATUS, 5173,
                      "nothing listens on port 5173\n"
                      "  hint: start the server on port 5173, or check that it did not exit\n");
        /* nothing to show, and the client knows it has all there is */
        assert_render(REQUEST_WATCH, -1, HELLO_B007 SYNCED_NONE);
        assert_render(REQUEST_WATCH, 5173, HELLO_B007 SYNCED_NONE);
        assert_render(REQUEST_PING, -1, "pong\n");
}
END_TEST

START_TEST(test_watched_not_listening) {
        static const uint16_t ports[] = { 3000 };

        laptop();
        compute_ports(ports, 1);
        ck_assert_uint_eq(view->n_servers, 1);
        ck_assert_uint_eq(view->servers[0].n_urls, 0);
        assert_render(REQUEST_URL, -1,
                      "ERR not-listening nothing listens on port 3000; start the server on port 3000, or check "
                      "that it did not exit\n");
        /* no line to list: the answer url gives */
        assert_render(REQUEST_LIST, -1,
                      "ERR not-listening nothing listens on port 3000; start the server on port 3000, or check "
                      "that it did not exit\n");
        assert_render(REQUEST_LIST, 3000,
                      "ERR not-listening nothing listens on port 3000; start the server on port 3000, or check "
                      "that it did not exit\n");
        assert_render(REQUEST_STATUS, -1,
                      "nothing listens on port 3000\n"
                      "  hint: start the server on port 3000, or check that it did not exit\n");
}
END_TEST

START_TEST(test_list) {
        servers();
        assert_render(REQUEST_LIST, -1,
                      "5173\thttp://192.168.1.23:5173/\twlan0\twifi\tshareable\n"
                      "5173\thttp://127.0.0.1:5173/\tlo\tloopback\tloopback\n"
                      "8000\thttp://127.0.0.1:8000/\tlo\tloopback\tloopback\n"
                      "9000\thttp://10.9.9.9:9000/\t-\tother\taddress-gone\n");
        assert_render(REQUEST_LIST, 5173,
                      "5173\thttp://192.168.1.23:5173/\twlan0\twifi\tshareable\n"
                      "5173\thttp://127.0.0.1:5173/\tlo\tloopback\tloopback\n");
        assert_render(REQUEST_LIST, 8000, "8000\thttp://127.0.0.1:8000/\tlo\tloopback\tloopback\n");
        assert_render(REQUEST_LIST, 9000, "9000\thttp://10.9.9.9:9000/\t-\tother\taddress-gone\n");
        assert_render(REQUEST_LIST, 7777, "ERR not-listening nothing listens on port 7777\n");
}
END_TEST

START_TEST(test_list_ipv6) {
        Address a = { .family = AF_INET6, .ifindex = 3, .prefixlen = 64, .scope = RT_SCOPE_UNIVERSE,
                      .flags = IFA_F_TENTATIVE };

        laptop();
        parse(AF_INET6, "2001:db8::5", &a.address);
        ck_assert_int_ge(state_address_update(st, &a), 0);
        add_listener(AF_INET6, "::", 4000, 0, NULL, NULL, 0);
        ls[0].v6only = true;
        compute();
        assert_render(REQUEST_LIST, -1,
                      "4000\thttp://[2001:db8::5]:4000/\twlan0\twifi\ttentative\n"
                      "4000\thttp://[fe80::1]:4000/\twlan0\twifi\tlink-local\n"
                      "4000\thttp://[::1]:4000/\tlo\tloopback\tloopback\n");
        assert_render(REQUEST_URL, -1,
                      "ERR family-mismatch port 4000 listens on :: (IPv6 only), but the local network has only "
                      "IPv4 addresses; make it listen on 0.0.0.0 as well, or on :: without IPV6_V6ONLY, so it "
                      "takes IPv4 connections too\n");
}
END_TEST

START_TEST(test_status) {
        servers();
        assert_render(REQUEST_STATUS, -1,
                      "port 5173: http://192.168.1.23:5173/ on wlan0 (Wi-Fi \"CoffeeShop\") (node)\n"
                      "port 8000 listens on 127.0.0.1 only: not reachable from other machines\n"
                      "  hint: " HINT_8000 "\n"
                      "port 9000 is bound to 10.9.9.9, which this machine no longer has\n"
                      "  hint: restart it bound to 0.0.0.0 or :: instead of 10.9.9.9 so it follows network changes\n");
        assert_render(REQUEST_STATUS, 5173, "port 5173: http://192.168.1.23:5173/ on wlan0 (Wi-Fi \"CoffeeShop\") (node)\n");
        assert_render(REQUEST_STATUS, 8000,
                      "port 8000 listens on 127.0.0.1 only: not reachable from other machines\n"
                      "  hint: " HINT_8000 "\n");
}
END_TEST

START_TEST(test_json) {
        StrBuf direct = STRBUF_INIT;
        const char *s;

        servers();
        s = render(REQUEST_JSON, -1);
        ck_assert_int_eq(strncmp(s, "{\"version\":1,\"generation\":7,\"boot_id\":\"b007\",\"hostname\":\"laptop\",\"servers\":[{\"port\":5173,",
                                 strlen("{\"version\":1,\"generation\":7,\"boot_id\":\"b007\",\"hostname\":\"laptop\",\"servers\":[{\"port\":5173,")), 0);
        ck_assert_uint_ge(out.len, 3);
        ck_assert_str_eq(s + out.len - 2, "}\n");
        /* one line */
        ck_assert_ptr_eq(strchr(s, '\n'), s + out.len - 1);
        ck_assert_int_eq(format_view_json(&direct, st, view, 7, "b007", "laptop"), 0);
        ck_assert_uint_eq(out.len, direct.len + 1);
        ck_assert_int_eq(memcmp(s, direct.data, direct.len), 0);
        strbuf_done(&direct);
}
END_TEST

START_TEST(test_watch) {
        static const char first[] =
                "{\"event\":\"snapshot\",\"generation\":7,\"boot_id\":\"b007\","
                "\"previous_share_url\":\"http://192.168.1.23:5173/\",\"previous_problem\":null,"
                "\"port\":5173,\"watched\":false,\"listening\":true,\"default\":true,\"binds\":[\"0.0.0.0\"],\"v6only\":false,"
                "\"process\":{\"pid\":4242,\"name\":\"node\",\"cmdline\":\"node /usr/bin/vite\",\"args\":null,\"start_time\":200,\"via\":null},"
                "\"share_url\":\"http://192.168.1.23:5173/\",";
        FormatStream stream = { .generation = 7, .boot_id = "b007" };
        StrBuf expected = STRBUF_INIT;
        const char *second;

        servers();
        /* hello, the snapshot lines, synced */
        format_hello_json(&expected, 7, "b007", 0);
        strbuf_append(&expected, "\n");
        for (size_t i = 0; i < view->n_servers; i++) {
                ck_assert_int_eq(format_watch_json(&expected, &view->servers[i], "snapshot", &view->servers[i], 0,
                                                   &stream), 0);
                strbuf_append(&expected, "\n");
        }
        strbuf_append(&expected, "{\"event\":\"synced\",\"generation\":7,\"boot_id\":\"b007\",\"servers\":3}\n");
        assert_render(REQUEST_WATCH, -1, expected.data);
        ck_assert_int_eq(strncmp(out.data, HELLO_B007, strlen(HELLO_B007)), 0);
        second = strchr(out.data, '\n') + 1;
        /* a snapshot changes nothing: the previous values are the current ones */
        ck_assert_int_eq(strncmp(second, first, strlen(first)), 0);
        ck_assert_ptr_nonnull(strstr(out.data, ",\"port\":8000,"));
        ck_assert_ptr_nonnull(strstr(out.data, ",\"port\":9000,"));

        strbuf_reset(&expected);
        format_hello_json(&expected, 7, "b007", 0);
        strbuf_append(&expected, "\n");
        ck_assert_int_eq(format_watch_json(&expected, reach_view_find(view, 8000), "snapshot",
                                           reach_view_find(view, 8000), 0, &stream), 0);
        strbuf_append(&expected, "\n{\"event\":\"synced\",\"generation\":7,\"boot_id\":\"b007\",\"servers\":1}\n");
        assert_render(REQUEST_WATCH, 8000, expected.data);
        /* a port not in the view: nothing to show, and the client knows it has all there is */
        strbuf_reset(&expected);
        format_hello_json(&expected, 7, "b007", 0);
        strbuf_append(&expected, "\n{\"event\":\"synced\",\"generation\":7,\"boot_id\":\"b007\",\"servers\":0}\n");
        assert_render(REQUEST_WATCH, 7777, expected.data);
        strbuf_done(&expected);
}
END_TEST

#define REMOVED_8000 \
        "{\"event\":\"removed\",\"generation\":9,\"boot_id\":\"b007\",\"previous_share_url\":null,\"previous_problem\":null," \
        "\"port\":8000,\"watched\":false,\"listening\":false,\"default\":false,\"binds\":[],\"v6only\":false," \
        "\"process\":null,\"share_url\":null,\"audiences\":{\"lan\":null,\"vpn\":null,\"host\":null}," \
        "\"problem\":\"not-listening\",\"problem_text\":\"nothing listens on port 8000\",\"hint\":null,\"urls\":[]}\n"

START_TEST(test_changes) {
        ReachServer a = { .port = 5173, .listening = true }, b = { .port = 8000 }, c = { .port = 9000, .listening = true };
        Change changes[] = {
                { .type = CHANGE_ADDED, .port = 5173, .new = &a },
                { .type = CHANGE_REMOVED, .port = 8000, .old = &b },
                { .type = CHANGE_CHANGED, .port = 9000, .old = &b, .new = &c },
        };
        Request all = { .command = REQUEST_WATCH }, one = { .command = REQUEST_WATCH, .has_port = true, .port = 8000 };
        Request none = { .command = REQUEST_WATCH, .has_port = true, .port = 7777 };

        ck_assert_int_eq(response_render_changes(&out, &all, changes, 3, 9, "b007"), 0);
        ck_assert_str_eq(out.data,
                "{\"event\":\"added\",\"generation\":9,\"boot_id\":\"b007\",\"previous_share_url\":null,\"previous_problem\":null,"
                "\"port\":5173,\"watched\":false,\"listening\":true,\"default\":false,\"binds\":[],\"v6only\":false,"
                "\"process\":null,\"share_url\":null,\"audiences\":{\"lan\":null,\"vpn\":null,\"host\":null},\"problem\":null,\"problem_text\":null,\"hint\":null,\"urls\":[]}\n"
                REMOVED_8000
                "{\"event\":\"changed\",\"generation\":9,\"boot_id\":\"b007\",\"previous_share_url\":null,\"previous_problem\":null,"
                "\"port\":9000,\"watched\":false,\"listening\":true,\"default\":false,\"binds\":[],\"v6only\":false,"
                "\"process\":null,\"share_url\":null,\"audiences\":{\"lan\":null,\"vpn\":null,\"host\":null},\"problem\":null,\"problem_text\":null,\"hint\":null,\"urls\":[]}\n");
        strbuf_reset(&out);
        ck_assert_int_eq(response_render_changes(&out, &one, changes, 3, 9, "b007"), 0);
        /* removed: gone, whatever the last object said */
        ck_assert_str_eq(out.data, REMOVED_8000);
        strbuf_reset(&out);
        ck_assert_int_eq(response_render_changes(&out, &none, changes, 3, 9, "b007"), 0);
        ck_assert_uint_eq(out.len, 0);
        ck_assert_int_eq(response_render_changes(&out, &all, NULL, 0, 9, "b007"), 0);
        ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(test_changes_computed) {
        ReachView *old;
        Change *changes = NULL;
        size_t n = 0;
        Request req = { .command = REQUEST_WATCH, .has_port = true, .port = 5173 };
        Address a = { .family = AF_INET, .ifindex = 3, .prefixlen = 24, .scope = RT_SCOPE_UNIVERSE };

        servers();
        old = view;
        view = NULL;
        /* the laptop moves to another network */
        parse(AF_INET, "192.168.1.23", &a.address);
        ck_assert_int_ge(state_address_remove(st, &a), 0);
        parse(AF_INET, "10.1.2.3", &a.address);
        ck_assert_int_ge(state_address_update(st, &a), 0);
        compute();
        ck_assert_int_eq(change_compute(old, view, &changes, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(response_render_changes(&out, &req, changes, n, 9, "b007"), 0);
        ck_assert_ptr_eq(strstr(out.data, "{\"event\":\"changed\",\"generation\":9,\"boot_id\":\"b007\","
                                "\"changed\":[\"share_url\",\"audiences\",\"urls\"],"
                                "\"previous_share_url\":\"http://192.168.1.23:5173/\",\"previous_problem\":null,\"port\":5173,"),
                         out.data);
        ck_assert_ptr_nonnull(strstr(out.data, ",\"share_url\":\"http://10.1.2.3:5173/\","));
        ck_assert_ptr_eq(strchr(out.data, '\n'), out.data + out.len - 1);
        strbuf_reset(&out);
        req.port = 8000;
        ck_assert_int_eq(response_render_changes(&out, &req, changes, n, 9, "b007"), 0);
        ck_assert_uint_eq(out.len, 0);
        free(changes);
        reach_view_free(old);
}
END_TEST

START_TEST(test_error) {
        ck_assert_int_eq(response_error(&out, RESPONSE_ERR_UNKNOWN_COMMAND, "no such command; try ping"), 0);
        ck_assert_str_eq(out.data, "ERR unknown-command no such command; try ping\n");
        strbuf_reset(&out);
        ck_assert_int_eq(response_error(&out, RESPONSE_ERR_BAD_REQUEST, "two\nlines\r\nand\n"), 0);
        ck_assert_str_eq(out.data, "ERR bad-request two lines  and \n");
        strbuf_reset(&out);
        ck_assert_int_eq(response_error(&out, RESPONSE_ERR_BUSY, NULL), 0);
        ck_assert_str_eq(out.data, "ERR busy\n");
}
END_TEST

/* The listener scan failed (the first one: no view at all; or a later one: the old view is
 * stale): every answer but ping says so, and why */
START_TEST(test_listeners_unreadable) {
        static const RequestCommand commands[] = { REQUEST_URL, REQUEST_LIST, REQUEST_JSON,
                                                   REQUEST_STATUS, REQUEST_WATCH };
        const char *want = "ERR listeners-unreadable cannot read the listening sockets: Operation not permitted\n";

        for (int pass = 0; pass < 2; pass++) {
                if (pass == 1)
                        servers();
                for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                        Request req = { .command = commands[i] };
                        Snapshot snap = { .state = st, .view = view, .hostname = "laptop",
                                          .listeners_error = -EPERM };

                        ck_assert(response_unavailable(&req, &snap));
                        strbuf_reset(&out);
                        ck_assert_int_eq(response_render(&out, &req, &snap), 0);
                        ck_assert_str_eq(out.data, want);
                }
        }
        /* no view and no error: not ready, never a NULL view rendered */
        view = reach_view_free(view);
        assert_render(REQUEST_JSON, -1, "ERR not-ready reachd has not computed its view yet\n");
        assert_render(REQUEST_WATCH, 5173, "ERR not-ready reachd has not computed its view yet\n");
        assert_render(REQUEST_PING, -1, "pong\n");
        ck_assert(!response_unavailable(&(Request) { .command = REQUEST_HELLO },
                                        &(Snapshot) { .listeners_error = -EPERM }));
        strbuf_reset(&out);
        ck_assert_int_eq(response_listeners_error(&out, -ENOMEM), 0);
        ck_assert_str_eq(out.data, "cannot read the listening sockets: Cannot allocate memory");
}
END_TEST

START_TEST(test_summary) {
        ReachUrl u = { .url = "http://[2001:db8::5]:8080/", .family = AF_INET6, .ifindex = 2, .ifname = "eth0",
                       .shareable = true };
        ReachServer srv = { .port = 8080, .listening = true, .urls = &u, .n_urls = 1 };

        ck_assert_int_eq(response_server_summary(&out, &srv), 0);
        ck_assert_str_eq(out.data, "port 8080: http://[2001:db8::5]:8080/ on eth0");
        strbuf_reset(&out);
        srv.process = (ProcInfo) { .pid = 1, .name = "hugo" };
        ck_assert_int_eq(response_server_summary(&out, &srv), 0);
        ck_assert_str_eq(out.data, "port 8080: http://[2001:db8::5]:8080/ on eth0 (hugo)");
        strbuf_reset(&out);
        /* an unknown process is never named, even with a stale name */
        srv.process.pid = 0;
        ck_assert_int_eq(response_server_summary(&out, &srv), 0);
        ck_assert_str_eq(out.data, "port 8080: http://[2001:db8::5]:8080/ on eth0");
        strbuf_reset(&out);
        /* a name with a quote and a newline stays on its line */
        memcpy(u.ssid, "Caf\xc3\xa9 \"5G\"\n", 11);
        u.ssid_len = 11;
        srv.process.pid = 1;
        ck_assert_int_eq(response_server_summary(&out, &srv), 0);
        ck_assert_str_eq(out.data, "port 8080: http://[2001:db8::5]:8080/ on eth0 (Wi-Fi \"Caf\xc3\xa9 \\\"5G\\\"\\n\") (hugo)");
        strbuf_reset(&out);
        u.shareable = false;
        u.reason = REACH_REASON_NO_CARRIER;
        srv.problem = REACH_PROBLEM_NO_NETWORK;
        ck_assert_int_eq(response_server_summary(&out, &srv), 0);
        ck_assert_str_eq(out.data,
                         "port 8080 listens, but this machine is not on a local network");
}
END_TEST

static const char *render_view(const ReachView *v, RequestCommand command, int port) {
        Request req = { .command = command, .has_port = port > 0, .port = port > 0 ? (uint16_t) port : 0 };
        Snapshot snap = { .state = st, .view = v };

        strbuf_reset(&out);
        ck_assert_int_eq(response_render(&out, &req, &snap), 0);
        return out.data;
}

START_TEST(test_problem_missing) {
        /* a view that lacks the problem (reach always sets one) still gets an answer */
        ReachServer srv = { .port = 8080, .listening = true };
        ReachView v = { .servers = &srv, .n_servers = 1 };

        ck_assert_str_eq(render_view(&v, REQUEST_URL, -1),
                         "ERR no-network port 8080 listens, but this machine is not on a local network\n");
        ck_assert_str_eq(render_view(&v, REQUEST_STATUS, -1),
                         "port 8080 listens, but this machine is not on a local network\n");
        srv.listening = false;
        ck_assert_str_eq(render_view(&v, REQUEST_URL, 8080), "ERR not-listening nothing listens on port 8080\n");
}
END_TEST

START_TEST(test_errors) {
        Request req = { .command = REQUEST_LIST };
        Snapshot snap;

        servers();
        snap = (Snapshot) { .state = st, .view = view };
        out.error = -ENOMEM;
        ck_assert_int_eq(response_render(&out, &req, &snap), -ENOMEM);
        req.command = REQUEST_URL;
        ck_assert_int_eq(response_render(&out, &req, &snap), -ENOMEM);
        req.command = REQUEST_STATUS;
        ck_assert_int_eq(response_render(&out, &req, &snap), -ENOMEM);
        req.command = REQUEST_JSON;
        ck_assert_int_eq(response_render(&out, &req, &snap), -ENOMEM);
        req.command = REQUEST_WATCH;
        ck_assert_int_eq(response_render(&out, &req, &snap), -ENOMEM);
        req.port = 8000;
        req.has_port = true;
        req.command = REQUEST_URL;
        ck_assert_int_eq(response_render(&out, &req, &snap), -ENOMEM);
        ck_assert_int_eq(response_render_changes(&out, &req, NULL, 0, 9, "b007"), -ENOMEM);
        ck_assert_int_eq(response_error(&out, RESPONSE_ERR_BUSY, "x"), -ENOMEM);
        ck_assert_uint_eq(out.len, 0);
        out.error = 0;
        req.command = _REQUEST_COMMAND_MAX;
        ck_assert_int_eq(response_render(&out, &req, &snap), -EINVAL);
}
END_TEST

static Suite *response_suite(void) {
        Suite *s = suite_create("response");
        TCase *tc = tcase_create("render");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_url);
        tcase_add_test(tc, test_url_audience);
        tcase_add_test(tc, test_hello);
        tcase_add_test(tc, test_url_default_has_problem);
        tcase_add_test(tc, test_no_server);
        tcase_add_test(tc, test_watched_not_listening);
        tcase_add_test(tc, test_list);
        tcase_add_test(tc, test_list_ipv6);
        tcase_add_test(tc, test_status);
        tcase_add_test(tc, test_json);
        tcase_add_test(tc, test_watch);
        tcase_add_test(tc, test_changes);
        tcase_add_test(tc, test_changes_computed);
        tcase_add_test(tc, test_error);
        tcase_add_test(tc, test_listeners_unreadable);
        tcase_add_test(tc, test_summary);
        tcase_add_test(tc, test_problem_missing);
        tcase_add_test(tc, test_errors);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(response_suite)
