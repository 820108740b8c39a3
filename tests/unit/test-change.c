/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "testutil.h"

static ReachUrl url(const char *u, int ifindex, bool shareable) {
        ReachUrl x = { .family = AF_INET, .ifindex = ifindex, .shareable = shareable,
                       .reason = shareable ? REACH_REASON_NONE : REACH_REASON_LOOPBACK };

        snprintf(x.url, sizeof(x.url), "%s", u);
        return x;
}

START_TEST(test_added_removed_changed) {
        ReachUrl u_old[2] = { url("http://10.0.0.1:5173/", 2, true), url("http://127.0.0.1:5173/", 1, false) };
        ReachUrl u_new[2] = { url("http://10.9.0.1:5173/", 3, true), url("http://127.0.0.1:5173/", 1, false) };
        ReachUrl u_same[1] = { url("http://10.0.0.1:4000/", 2, true) };
        ReachServer s_old[3] = {
                { .port = 3000, .listening = true },
                { .port = 4000, .listening = true, .urls = u_same, .n_urls = 1 },
                { .port = 5173, .listening = true, .urls = u_old, .n_urls = 2 },
        };
        ReachServer s_new[3] = {
                { .port = 4000, .listening = true, .urls = u_same, .n_urls = 1 },
                { .port = 5173, .listening = true, .urls = u_new, .n_urls = 2 },
                { .port = 8000, .listening = true, .problem = REACH_PROBLEM_LOOPBACK_ONLY },
        };
        ReachView a = { .servers = s_old, .n_servers = 3 }, b = { .servers = s_new, .n_servers = 3 };
        Change *c;
        size_t n;

        ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_int_eq(c[0].type, CHANGE_REMOVED);
        ck_assert_uint_eq(c[0].port, 3000);
        ck_assert_ptr_eq(c[0].old, &s_old[0]);
        ck_assert_ptr_null(c[0].new);
        ck_assert_int_eq(c[1].type, CHANGE_CHANGED);
        ck_assert_uint_eq(c[1].port, 5173);
        ck_assert(c[1].share_changed);
        ck_assert(c[1].urls_changed);
        ck_assert(!c[1].problem_changed);
        ck_assert_int_eq(c[2].type, CHANGE_ADDED);
        ck_assert_uint_eq(c[2].port, 8000);
        ck_assert(c[2].problem_changed);
        ck_assert(!c[2].share_changed);
        ck_assert_str_eq(change_type_to_string(c[2].type), "added");
        free(c);
}
END_TEST

START_TEST(test_nothing_changed) {
        ReachUrl u1[1] = { url("http://10.0.0.1:5173/", 2, true) };
        ReachUrl u2[1] = { url("http://10.0.0.1:5173/", 2, true) };
        ReachServer s1 = { .port = 5173, .listening = true, .urls = u1, .n_urls = 1 };
        ReachServer s2 = { .port = 5173, .listening = true, .urls = u2, .n_urls = 1,
                           .process = { .pid = 99 } };
        ReachView a = { .servers = &s1, .n_servers = 1 }, b = { .servers = &s2, .n_servers = 1 };
        Change *c;
        size_t n;

        /* a server restarted under another PID, the same URLs: a change of the server */
        ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert(c[0].server_changed);
        ck_assert(!c[0].share_changed && !c[0].urls_changed && !c[0].problem_changed);
        free(c);
        s1.process.pid = 99;
        ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(c);
        /* a second candidate appearing is a URL-list change, not a share change */
        ReachUrl u3[2] = { url("http://10.0.0.1:5173/", 2, true), url("http://172.17.0.1:5173/", 4, true) };
        s2.urls = u3;
        s2.n_urls = 2;
        ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert(!c[0].share_changed);
        ck_assert(c[0].urls_changed);
        free(c);
        /* a reason change of a non-shareable URL */
        s2.urls = u2;
        s2.n_urls = 1;
        u2[0].reason = REACH_REASON_NO_CARRIER;
        u2[0].shareable = false;
        ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert(c[0].share_changed);
        free(c);
}
END_TEST

START_TEST(test_from_nothing) {
        ReachServer s = { .port = 5173, .watched = true, .problem = REACH_PROBLEM_NOT_LISTENING };
        ReachView b = { .servers = &s, .n_servers = 1 };
        Change *c;
        size_t n;

        ck_assert_int_eq(change_compute(NULL, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(c[0].type, CHANGE_ADDED);
        free(c);
        ck_assert_int_eq(change_compute(&b, NULL, &c, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(c[0].type, CHANGE_REMOVED);
        free(c);
        /* listening again on a watched port without URLs yet is a change */
        ReachServer s2 = s;
        ReachView b2 = { .servers = &s2, .n_servers = 1 };
        s2.listening = true;
        s2.problem = REACH_PROBLEM_NOT_LISTENING;
        ck_assert_int_eq(change_compute(&b, &b2, &c, &n), 0);
        ck_assert_uint_eq(n, 1);
        free(c);
}
END_TEST

/* Every field of the server object is published: each one alone is a change */
START_TEST(test_every_field) {
        ReachBind bind4 = { .family = AF_INET }, bind6 = { .family = AF_INET6 };
        ReachServer base = { .port = 5173, .listening = true, .binds = &bind4, .n_binds = 1,
                             .process = { .pid = 7, .name = "node", .cmdline = (char *) "node vite" },
                             .problem = REACH_PROBLEM_NO_NETWORK, .hint = (char *) "connect" };
        ReachServer variants[8];
        ReachView a = { .servers = &base, .n_servers = 1 };
        Change *c;
        size_t n;

        for (size_t i = 0; i < 8; i++)
                variants[i] = base;
        variants[0].watched = true;
        variants[1].v6only = true;
        variants[2].binds = &bind6;
        snprintf(variants[3].process.name, sizeof(variants[3].process.name), "vite");
        variants[4].process.cmdline = (char *) "node vite --port 5174";
        variants[5].hint = (char *) "connect this machine";
        variants[6].is_default = true;
        variants[7].listening = false;
        for (size_t i = 0; i < 8; i++) {
                ReachView b = { .servers = &variants[i], .n_servers = 1 };

                ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
                ck_assert_msg(n == 1, "variant %zu is no change", i);
                ck_assert_msg(c[0].server_changed == (i <= 4 || i == 7), "variant %zu", i);
                free(c);
        }
        /* the same values in other memory are no change */
        ReachBind bind4b = bind4;
        ReachServer copy = base;
        ReachView b = { .servers = &copy, .n_servers = 1 };

        copy.binds = &bind4b;
        copy.process.cmdline = strdup("node vite");
        copy.hint = strdup("connect");
        ck_assert_int_eq(change_compute(&a, &b, &c, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(c);
        free(copy.process.cmdline);
        free(copy.hint);
}
END_TEST

static Suite *change_suite(void) {
        Suite *s = suite_create("change");
        TCase *tc = tcase_create("compute");

        tcase_add_test(tc, test_added_removed_changed);
        tcase_add_test(tc, test_nothing_changed);
        tcase_add_test(tc, test_every_field);
        tcase_add_test(tc, test_from_nothing);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(change_suite)
