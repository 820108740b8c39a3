/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>          /* before linux/if.h, which then skips what glibc defines */
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "event.h"
#include "testutil.h"

static ReachUrl url(const char *u, const char *addr, int ifindex, const char *ifname) {
        ReachUrl x = { .family = AF_INET, .ifindex = ifindex, .shareable = true };

        snprintf(x.url, sizeof(x.url), "%s", u);
        snprintf(x.ifname, sizeof(x.ifname), "%s", ifname);
        ck_assert_int_eq(inet_pton(AF_INET, addr, x.address.bytes), 1);
        return x;
}

START_TEST(test_share_url_changed) {
        ReachUrl a = url("http://192.168.1.23:5173/", "192.168.1.23", 3, "wlan0");
        ReachUrl b = url("http://10.1.2.3:5173/", "10.1.2.3", 4, "wlan1");
        ReachServer old = { .port = 5173, .listening = true, .urls = &a, .n_urls = 1 };
        ReachServer new = { .port = 5173, .listening = true, .urls = &b, .n_urls = 1 };
        Change c = { .type = CHANGE_CHANGED, .port = 5173, .old = &old, .new = &new,
                     .share_changed = true, .urls_changed = true };
        Event e;

        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SHARE_URL_CHANGED);
        ck_assert_str_eq(event_type_to_string(e.type), "share-url-changed");
        ck_assert_str_eq(e.message, "port 5173: share URL is now http://10.1.2.3:5173/ on wlan1 (was http://192.168.1.23:5173/)");
        ck_assert_str_eq(e.url, "http://10.1.2.3:5173/");
        ck_assert_str_eq(e.previous_url, "http://192.168.1.23:5173/");
        ck_assert_str_eq(e.interface, "wlan1");
        ck_assert_str_eq(e.address, "10.1.2.3");
        ck_assert_uint_eq(e.port, 5173);
        ck_assert_ptr_null(e.ssid);
        ck_assert_uint_eq(e.ssid_len, 0);
        ck_assert_uint_eq(strlen(event_message_id(e.type)), 32);
        event_done(&e);

        /* on Wi-Fi: the network's name in the message, its bytes in their own field */
        memcpy(b.ssid, "CoffeeShop", 10);
        b.ssid_len = 10;
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_str_eq(e.message, "port 5173: share URL is now http://10.1.2.3:5173/ on wlan1 (Wi-Fi \"CoffeeShop\") "
                                    "(was http://192.168.1.23:5173/)");
        ck_assert_uint_eq(e.ssid_len, 10);
        ck_assert_int_eq(memcmp(e.ssid, "CoffeeShop", 10), 0);
        ck_assert_str_eq(e.interface, "wlan1");
        event_done(&e);
        ck_assert_ptr_null(e.ssid);

        /* only another candidate came or went: no journal line */
        c.share_changed = false;
        ck_assert_int_eq(event_from_change(&c, &e), -ENOENT);
}
END_TEST

START_TEST(test_lost_and_problems) {
        ReachUrl a = url("http://192.168.1.23:5173/", "192.168.1.23", 3, "wlan0");
        ReachBind lo = { .family = AF_INET };
        ReachServer old = { .port = 5173, .listening = true, .urls = &a, .n_urls = 1 };
        ReachServer none = { .port = 5173, .listening = true, .problem = REACH_PROBLEM_NO_NETWORK };
        ReachServer loop = { .port = 8000, .listening = true, .problem = REACH_PROBLEM_LOOPBACK_ONLY,
                             .binds = &lo, .n_binds = 1 };
        Change c = { .type = CHANGE_CHANGED, .port = 5173, .old = &old, .new = &none,
                     .share_changed = true, .problem_changed = true };
        Event e;

        ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", lo.address.bytes), 1);
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SHARE_URL_LOST);
        ck_assert_int_eq(e.priority, LOG_WARNING);
        ck_assert_str_eq(e.problem, "no-network");
        ck_assert_str_eq(e.previous_url, "http://192.168.1.23:5173/");
        ck_assert_str_eq(e.message, "port 5173 listens, but this machine is not on a local network "
                                    "(was http://192.168.1.23:5173/)");
        event_done(&e);

        c = (Change) { .type = CHANGE_ADDED, .port = 8000, .new = &loop, .problem_changed = true };
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SERVER_LOOPBACK_ONLY);
        ck_assert_str_eq(e.problem, "loopback-only");
        ck_assert_str_eq(e.message, "port 8000 listens on 127.0.0.1 only: not reachable from other machines");
        event_done(&e);

        c = (Change) { .type = CHANGE_REMOVED, .port = 5173, .old = &old };
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SERVER_STOPPED);
        ck_assert_str_eq(e.message, "port 5173: server stopped (was http://192.168.1.23:5173/)");
        event_done(&e);

        c = (Change) { .type = CHANGE_ADDED, .port = 5173, .new = &old, .share_changed = true };
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SERVER_LISTENING);
        ck_assert_str_eq(e.message, "port 5173: listening, share URL http://192.168.1.23:5173/ on wlan0");
        event_done(&e);

        /* the name is shown as a JSON string: its quote escaped, the byte that is not UTF-8 replaced;
         * the field keeps the bytes */
        memcpy(a.ssid, "Bar \"\xff\"", 7);
        a.ssid_len = 7;
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_str_eq(e.message, "port 5173: listening, share URL http://192.168.1.23:5173/ on wlan0 "
                                    "(Wi-Fi \"Bar \\\"\\ufffd\\\"\")");
        ck_assert_uint_eq(e.ssid_len, 7);
        ck_assert_int_eq(memcmp(e.ssid, "Bar \"\xff\"", 7), 0);
        event_done(&e);

        /* a server that had a problem is shareable now */
        c = (Change) { .type = CHANGE_CHANGED, .port = 5173, .old = &none, .new = &old, .share_changed = true,
                       .problem_changed = true };
        ck_assert_int_eq(event_from_change(&c, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SHARE_URL_CHANGED);
        ck_assert_str_eq(e.message, "port 5173: share URL is now http://192.168.1.23:5173/ on wlan0 "
                                    "(Wi-Fi \"Bar \\\"\\ufffd\\\"\")");
        ck_assert_ptr_null(e.previous_url);
        event_done(&e);
}
END_TEST

START_TEST(test_network_and_resync) {
        State *s;
        Link l = { .ifindex = 3, .name = "wlan0", .arphrd = ARPHRD_ETHER,
                   .flags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP, .operstate = IF_OPER_UP };
        Address a = { .family = AF_INET, .ifindex = 3, .prefixlen = 24 };
        Route r = { .family = AF_INET, .oif = 3, .metric = 600, .table = RT_TABLE_MAIN };
        char *summary;
        Event e;

        ck_assert_int_eq(state_new(&s), 0);
        ck_assert_int_eq(event_network_summary(s, &summary), 0);
        ck_assert_str_eq(summary, "no default route");
        free(summary);
        ck_assert_int_ge(state_link_update(s, &l), 0);
        ck_assert_int_eq(inet_pton(AF_INET, "192.168.1.23", a.address.bytes), 1);
        ck_assert_int_ge(state_address_update(s, &a), 0);
        ck_assert_int_ge(state_route_update(s, &r), 0);
        ck_assert_int_eq(event_network_summary(s, &summary), 0);
        ck_assert_str_eq(summary, "default route via wlan0 (192.168.1.23)");
        ck_assert_int_eq(event_network_changed(summary, &e), 0);
        ck_assert_str_eq(e.message, "network changed: default route via wlan0 (192.168.1.23)");
        ck_assert_str_eq(event_type_to_string(e.type), "network-changed");
        event_done(&e);
        free(summary);
        /* another Wi-Fi network with the same address is another network */
        ck_assert_int_eq(state_link_set_ssid(s, 3, "CoffeeShop", 10), 1);
        ck_assert_int_eq(event_network_summary(s, &summary), 0);
        ck_assert_str_eq(summary, "default route via wlan0 (192.168.1.23) on Wi-Fi \"CoffeeShop\"");
        free(summary);
        /* carrier lost: the kernel keeps the route, flagged linkdown, but it leads nowhere */
        ck_assert_int_eq(state_routes_set_linkdown(s, 3, true), 1);
        ck_assert_int_eq(event_network_summary(s, &summary), 0);
        ck_assert_str_eq(summary, "no default route");
        free(summary);
        state_free(s);

        ck_assert_int_eq(event_resync(3, 1, &e), 0);
        ck_assert_str_eq(e.message, "the kernel dropped network events 3 times: re-read the whole network state "
                                    "(1 full re-read so far)");
        event_done(&e);
}
END_TEST

START_TEST(test_unwatched) {
        ReachUrl a = url("http://192.168.1.23:3000/", "192.168.1.23", 3, "wlan0");
        ReachServer old = { .port = 3000, .listening = true, .urls = &a, .n_urls = 1 };
        Change c = { .type = CHANGE_REMOVED, .port = 3000, .old = &old };
        Event e;

        /* a reload dropped the port: the server runs on, so not "server stopped" */
        ck_assert_int_eq(event_unwatched(&c, true, &e), 0);
        ck_assert_int_eq(e.type, EVENT_SERVER_UNWATCHED);
        ck_assert_str_eq(event_type_to_string(e.type), "server-unwatched");
        ck_assert_uint_eq(strlen(event_message_id(e.type)), 32);
        ck_assert_int_eq(e.priority, LOG_INFO);
        ck_assert_uint_eq(e.port, 3000);
        ck_assert_str_eq(e.previous_url, "http://192.168.1.23:3000/");
        ck_assert_str_eq(e.message, "port 3000: no longer watched (the configuration does not name it any more); "
                                    "the server still runs");
        event_done(&e);

        old = (ReachServer) { .port = 3000, .problem = REACH_PROBLEM_NOT_LISTENING };
        ck_assert_int_eq(event_unwatched(&c, false, &e), 0);
        ck_assert_ptr_null(e.previous_url);
        ck_assert_str_eq(e.message, "port 3000: no longer watched (the configuration does not name it any more)");
        event_done(&e);
}
END_TEST

static Suite *event_suite(void) {
        Suite *s = suite_create("event");
        TCase *tc = tcase_create("events");

        tcase_add_test(tc, test_share_url_changed);
        tcase_add_test(tc, test_lost_and_problems);
        tcase_add_test(tc, test_network_and_resync);
        tcase_add_test(tc, test_unwatched);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(event_suite)
