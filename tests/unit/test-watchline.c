/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "mirror.h"
#include "watchline.h"

/* A line as the daemon writes it (format_watch_json), with a share_url inside urls too, and
 * previous values that must not be taken for the current ones */
#define SNAPSHOT_LINE                                                                           \
        "{\"event\":\"snapshot\",\"previous_share_url\":\"http://10.9.9.9:5173/\","              \
        "\"previous_problem\":\"no-network\",\"port\":5173,\"watched\":true,\"listening\":true,"             \
        "\"binds\":[\"0.0.0.0\"],\"v6only\":false,"                                              \
        "\"process\":{\"pid\":4242,\"name\":\"node\",\"cmdline\":\"node vite\"},"                \
        "\"share_url\":\"http://192.168.1.23:5173/\",\"problem\":null,\"hint\":null,"            \
        "\"urls\":[{\"url\":\"http://192.168.1.23:5173/\",\"address\":\"192.168.1.23\","         \
        "\"family\":\"ipv4\",\"interface\":\"wlan0\",\"kind\":\"wifi\",\"default_route\":true,"  \
        "\"shareable\":true,\"reason\":null,\"flags\":[]},"                                      \
        "{\"url\":\"http://127.0.0.1:5173/\",\"address\":\"127.0.0.1\",\"family\":\"ipv4\","     \
        "\"interface\":\"lo\",\"kind\":\"loopback\",\"default_route\":false,\"shareable\":false," \
        "\"reason\":\"loopback\",\"flags\":[\"permanent\"]}]}"

static WatchLine parse_ok(const char *line) {
        WatchLine w = { 0 };
        int r = watchline_parse(line, strlen(line), &w);

        ck_assert_msg(r == 0, "'%s' does not parse: %d", line, r);
        return w;
}

static void assert_fails(const char *line, size_t len, int error) {
        WatchLine w = { .event = (char *) "untouched", .has_port = true, .port = 7 };

        ck_assert_int_eq(watchline_parse(line, len, &w), error);
        ck_assert_str_eq(w.event, "untouched");
        ck_assert_int_eq(w.has_port, true);
        ck_assert_int_eq(w.port, 7);
        ck_assert_ptr_null(w.share_url);
}

static void assert_garbage(const char *line) {
        assert_fails(line, strlen(line), -EBADMSG);
}

START_TEST(test_daemon_line) {
        WatchLine w = parse_ok(SNAPSHOT_LINE);

        ck_assert_str_eq(w.event, "snapshot");
        ck_assert_int_eq(w.has_port, true);
        ck_assert_int_eq(w.port, 5173);
        ck_assert_str_eq(w.share_url, "http://192.168.1.23:5173/");
        ck_assert_ptr_null(w.problem);
        ck_assert_ptr_null(w.hint);
        watchline_done(&w);
        ck_assert_ptr_null(w.event);
        ck_assert_ptr_null(w.share_url);
        ck_assert_int_eq(w.has_port, false);
}
END_TEST

START_TEST(test_problem_line) {
        WatchLine w = parse_ok("{\"event\":\"changed\",\"port\":8000,\"watched\":true,\"listening\":true,"
                               "\"binds\":[\"127.0.0.1\"],\"v6only\":false,\"process\":null,"
                               "\"share_url\":null,\"problem\":\"loopback-only\","
                               "\"hint\":\"restart it with --host\",\"urls\":[]}\n");

        ck_assert_str_eq(w.event, "changed");
        ck_assert_int_eq(w.port, 8000);
        ck_assert_ptr_null(w.share_url);
        ck_assert_str_eq(w.problem, "loopback-only");
        ck_assert_str_eq(w.hint, "restart it with --host");
        watchline_done(&w);
}
END_TEST

/* The share_url of a nested object (a candidate in urls, or anything deeper) is not the server's */
START_TEST(test_nested_not_taken) {
        WatchLine w;

        w = parse_ok("{\"urls\":[{\"share_url\":\"http://10.0.0.1:1/\",\"port\":1}],\"port\":2,"
                     "\"share_url\":null}");
        ck_assert_ptr_null(w.share_url);
        ck_assert_int_eq(w.port, 2);
        watchline_done(&w);

        w = parse_ok("{\"x\":{\"share_url\":\"a\",\"event\":\"b\",\"y\":[[{\"hint\":\"c\"}]]}}");
        ck_assert_ptr_null(w.share_url);
        ck_assert_ptr_null(w.event);
        ck_assert_ptr_null(w.hint);
        ck_assert_int_eq(w.has_port, false);
        watchline_done(&w);

        /* a string value that looks like a member is just a string */
        w = parse_ok("{\"hint\":\"\\\"share_url\\\":\\\"http://x/\\\"\",\"share_url\":\"http://y/\"}");
        ck_assert_str_eq(w.hint, "\"share_url\":\"http://x/\"");
        ck_assert_str_eq(w.share_url, "http://y/");
        watchline_done(&w);

        /* wanted fields after a nested object are still found */
        w = parse_ok("{\"process\":{\"pid\":1,\"name\":\"a}b\"},\"event\":\"added\",\"port\":443}");
        ck_assert_str_eq(w.event, "added");
        ck_assert_int_eq(w.port, 443);
        watchline_done(&w);
}
END_TEST

START_TEST(test_missing_and_null) {
        WatchLine w;

        w = parse_ok("{}");
        ck_assert_ptr_null(w.event);
        ck_assert_ptr_null(w.share_url);
        ck_assert_ptr_null(w.problem);
        ck_assert_ptr_null(w.hint);
        ck_assert_int_eq(w.has_port, false);
        ck_assert_int_eq(w.port, 0);
        watchline_done(&w);

        w = parse_ok(" { \"event\" : null , \"port\" : null , \"share_url\" : \"\" } \r\n");
        ck_assert_ptr_null(w.event);
        ck_assert_int_eq(w.has_port, false);
        ck_assert_str_eq(w.share_url, "");
        watchline_done(&w);

        /* the whole view (json) has none of them at the top level */
        w = parse_ok("{\"version\":1,\"generation\":42,\"hostname\":\"laptop\",\"servers\":[{\"port\":1,"
                     "\"share_url\":\"http://a/\"}],\"interfaces\":[]}");
        ck_assert_ptr_null(w.share_url);
        ck_assert_int_eq(w.has_port, false);
        watchline_done(&w);
}
END_TEST

START_TEST(test_escapes) {
        WatchLine w;

        w = parse_ok("{\"hint\":\"a\\\"b\\\\c\\/d\\ne\\tf\\rg\\bh\\fi\"}");
        ck_assert_str_eq(w.hint, "a\"b\\c/d\ne\tf\rg\bh\fi");
        watchline_done(&w);

        /* \u escapes become UTF-8: 1, 2, 3 bytes, and a surrogate pair 4 bytes */
        w = parse_ok("{\"hint\":\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\u001b\"}");
        ck_assert_str_eq(w.hint, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x1b");
        watchline_done(&w);

        /* raw UTF-8 passes unchanged */
        w = parse_ok("{\"event\":\"caf\xc3\xa9\"}");
        ck_assert_str_eq(w.event, "caf\xc3\xa9");
        watchline_done(&w);

        /* escapes in keys count */
        w = parse_ok("{\"shar\\u0065_url\":\"http://k/\"}");
        ck_assert_str_eq(w.share_url, "http://k/");
        watchline_done(&w);
}
END_TEST

START_TEST(test_bad_escapes) {
        assert_garbage("{\"hint\":\"\\x41\"}");
        assert_garbage("{\"hint\":\"\\u00\"}");
        assert_garbage("{\"hint\":\"\\u00g1\"}");
        assert_garbage("{\"hint\":\"\\u0000\"}");
        assert_garbage("{\"hint\":\"\\ud83d\"}");
        assert_garbage("{\"hint\":\"\\ud83dx\"}");
        assert_garbage("{\"hint\":\"\\ud83d\\u0041\"}");
        assert_garbage("{\"hint\":\"\\ude00\"}");
        assert_garbage("{\"hint\":\"\\");
        /* skipped strings are checked as strictly */
        assert_garbage("{\"other\":\"\\q\"}");
        assert_garbage("{\"other\":[\"\\ud800\"]}");
        /* raw control characters are not allowed in JSON strings */
        assert_garbage("{\"hint\":\"a\tb\"}");
        assert_garbage("{\"hint\":\"a\nb\"}");
}
END_TEST

START_TEST(test_ports) {
        WatchLine w;

        w = parse_ok("{\"port\":1}");
        ck_assert_int_eq(w.port, 1);
        watchline_done(&w);
        w = parse_ok("{\"port\":65535}");
        ck_assert_int_eq(w.port, 65535);
        watchline_done(&w);

        assert_garbage("{\"port\":0}");
        assert_garbage("{\"port\":65536}");
        assert_garbage("{\"port\":99999999999999999999999}");
        assert_garbage("{\"port\":-1}");
        assert_garbage("{\"port\":05173}");
        assert_garbage("{\"port\":5173.0}");
        assert_garbage("{\"port\":5e3}");
        assert_garbage("{\"port\":\"5173\"}");
        assert_garbage("{\"port\":true}");
        assert_garbage("{\"port\":5173x}");
        assert_garbage("{\"port\":}");
}
END_TEST

START_TEST(test_wrong_types) {
        assert_garbage("{\"share_url\":1}");
        assert_garbage("{\"share_url\":[\"http://a/\"]}");
        assert_garbage("{\"event\":{}}");
        assert_garbage("{\"problem\":false}");
        assert_garbage("{\"hint\":nul}");
        /* a wanted field twice is ambiguous */
        assert_garbage("{\"share_url\":\"http://a/\",\"share_url\":\"http://b/\"}");
        assert_garbage("{\"port\":1,\"port\":1}");
        assert_garbage("{\"event\":null,\"event\":\"added\"}");
}
END_TEST

START_TEST(test_other_values) {
        WatchLine w;

        /* every JSON value kind is skipped where we do not look */
        w = parse_ok("{\"a\":-0.5e+10,\"b\":0,\"c\":1E-2,\"d\":true,\"e\":false,\"f\":null,"
                     "\"g\":[],\"h\":{},\"i\":[1,\"x\",[null,{\"j\":[]}]],\"port\":80}");
        ck_assert_int_eq(w.port, 80);
        watchline_done(&w);

        assert_garbage("{\"a\":01}");
        assert_garbage("{\"a\":1.}");
        assert_garbage("{\"a\":.5}");
        assert_garbage("{\"a\":1e}");
        assert_garbage("{\"a\":-}");
        assert_garbage("{\"a\":+1}");
        assert_garbage("{\"a\":tru}");
        assert_garbage("{\"a\":nullx}");
        assert_garbage("{\"a\":NaN}");
        assert_garbage("{\"a\":[1,]}");
        assert_garbage("{\"a\":[,1]}");
        assert_garbage("{\"a\":{\"b\"}}");
        assert_garbage("{\"a\":{1:2}}");
        assert_garbage("{\"a\":[1 2]}");
        assert_garbage("{\"a\":'x'}");
}
END_TEST

START_TEST(test_garbage) {
        assert_garbage("");
        assert_garbage(" ");
        assert_garbage("ERR busy too many clients");
        assert_garbage("http://192.168.1.23:5173/");
        assert_garbage("[]");
        assert_garbage("\"event\"");
        assert_garbage("null");
        assert_garbage("{");
        assert_garbage("}");
        assert_garbage("{,}");
        assert_garbage("{\"a\"}");
        assert_garbage("{\"a\":1,}");
        assert_garbage("{\"a\":1 \"b\":2}");
        assert_garbage("{a:1}");
        assert_garbage("{} {}");
        assert_garbage("{}x");
        assert_garbage("{\"a\":1}}");
        assert_garbage("\xff\xfe{}");
        /* NUL bytes are not JSON, whatever follows */
        assert_fails("{}\0{}", 5, -EBADMSG);
        assert_fails("{\"hint\":\"a\0b\"}", 14, -EBADMSG);
        assert_fails(NULL, 0, -EBADMSG);
}
END_TEST

/* Every prefix of a valid line is refused, and reading stops at len, never at a NUL */
START_TEST(test_truncated) {
        const char *line = SNAPSHOT_LINE;
        size_t n = strlen(line);

        for (size_t i = 0; i < n; i++) {
                char *copy = malloc(i);

                ck_assert(i == 0 || copy);
                if (i > 0)
                        memcpy(copy, line, i);
                assert_fails(copy, i, -EBADMSG);
                free(copy);
        }
}
END_TEST

/* {"a":[[…]],"port":9} with n brackets */
static void nested_line(char *buf, size_t size, size_t n) {
        size_t i = (size_t) snprintf(buf, size, "{\"a\":");

        ck_assert(i + 2 * n + 16 < size);
        for (size_t k = 0; k < n; k++)
                buf[i++] = '[';
        for (size_t k = 0; k < n; k++)
                buf[i++] = ']';
        snprintf(buf + i, size - i, ",\"port\":9}");
}

START_TEST(test_depth) {
        char line[512];
        WatchLine w;

        /* our lines nest four deep; ten is fine */
        nested_line(line, sizeof(line), 10);
        w = parse_ok(line);
        ck_assert_int_eq(w.port, 9);
        watchline_done(&w);

        /* well-formed but deep: refused, so garbage cannot recurse without bound */
        nested_line(line, sizeof(line), 100);
        assert_garbage(line);

        /* and unterminated */
        line[strlen(line) - 110] = 0;
        assert_garbage(line);
}
END_TEST

START_TEST(test_done_null) {
        WatchLine w = { 0 };

        watchline_done(NULL);
        watchline_done(&w);
        watchline_done(&w);
        ck_assert_ptr_null(w.event);
}
END_TEST

static void mirror_feed(Mirror *m, const char *line) {
        WatchLine w;

        ck_assert_int_eq(watchline_parse(line, strlen(line), &w), 0);
        ck_assert_int_eq(mirror_update(m, &w, line, strlen(line)), 0);
        watchline_done(&w);
}

START_TEST(test_mirror_default) {
        Mirror m = {};
        const MirrorServer *s;

        /* the default server has no URL yet: wait goes on although another one has */
        mirror_feed(&m, "{\"event\":\"snapshot\",\"port\":8000,\"default\":true,\"share_url\":null}");
        mirror_feed(&m, "{\"event\":\"snapshot\",\"port\":8001,\"default\":false,\"share_url\":\"http://a:8001/\"}");
        ck_assert_ptr_null(mirror_default_shared(&m));
        ck_assert_ptr_nonnull(mirror_find_port(&m, 8001));
        ck_assert(mirror_find_port(&m, 8001)->has_share_url);
        /* a newer server becomes the default: its line may come before the old default's */
        mirror_feed(&m, "{\"event\":\"added\",\"port\":3000,\"default\":true,\"share_url\":\"http://a:3000/\"}");
        s = mirror_default_shared(&m);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_eq(s->port, 3000);
        ck_assert_str_eq(s->line, "{\"event\":\"added\",\"port\":3000,\"default\":true,\"share_url\":\"http://a:3000/\"}");
        mirror_feed(&m, "{\"event\":\"changed\",\"port\":8000,\"default\":false,\"share_url\":null}");
        ck_assert_uint_eq(mirror_default_shared(&m)->port, 3000);
        /* removed: gone, whatever its last URL */
        mirror_feed(&m, "{\"event\":\"removed\",\"port\":3000,\"default\":true,\"share_url\":\"http://a:3000/\"}");
        ck_assert_ptr_null(mirror_find_port(&m, 3000));
        ck_assert_ptr_null(mirror_default_shared(&m));
        mirror_feed(&m, "{\"event\":\"changed\",\"port\":8001,\"default\":true,\"share_url\":\"http://a:8001/\"}");
        ck_assert_uint_eq(mirror_default_shared(&m)->port, 8001);
        /* lines without a port change nothing */
        mirror_feed(&m, "{\"event\":\"synced\"}");
        ck_assert_uint_eq(m.n, 2);
        mirror_done(&m);
}
END_TEST

static Suite *watchline_suite(void) {
        Suite *s = suite_create("watchline");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, test_mirror_default);
        tcase_add_test(tc, test_daemon_line);
        tcase_add_test(tc, test_problem_line);
        tcase_add_test(tc, test_nested_not_taken);
        tcase_add_test(tc, test_missing_and_null);
        tcase_add_test(tc, test_escapes);
        tcase_add_test(tc, test_bad_escapes);
        tcase_add_test(tc, test_ports);
        tcase_add_test(tc, test_wrong_types);
        tcase_add_test(tc, test_other_values);
        tcase_add_test(tc, test_garbage);
        tcase_add_test(tc, test_truncated);
        tcase_add_test(tc, test_depth);
        tcase_add_test(tc, test_done_null);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(watchline_suite)
