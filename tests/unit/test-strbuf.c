/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strbuf.h"
#include "testutil.h"

START_TEST(test_init) {
        StrBuf b = STRBUF_INIT;

        ck_assert_ptr_null(b.data);
        ck_assert_uint_eq(b.len, 0);
        ck_assert_uint_eq(b.allocated, 0);
        ck_assert_int_eq(b.error, 0);
        strbuf_done(&b);
        ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_append) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append(&b, "abc"), 0);
        ck_assert_str_eq(b.data, "abc");
        ck_assert_uint_eq(b.len, 3);
        ck_assert_int_eq(strbuf_append(&b, ""), 0);
        ck_assert_int_eq(strbuf_append(&b, "def"), 0);
        ck_assert_str_eq(b.data, "abcdef");
        ck_assert_uint_eq(b.len, 6);
        ck_assert_uint_ge(b.allocated, b.len + 1);
        strbuf_done(&b);
        ck_assert_ptr_null(b.data);
        ck_assert_uint_eq(b.len, 0);
        ck_assert_uint_eq(b.allocated, 0);
}
END_TEST

START_TEST(test_append_len) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append_len(&b, "", 0), 0);
        ck_assert_ptr_nonnull(b.data);
        ck_assert_str_eq(b.data, "");
        ck_assert_int_eq(strbuf_append_len(&b, "hello world", 5), 0);
        ck_assert_str_eq(b.data, "hello");
        /* bytes after len, a NUL among them, are not read as a terminator */
        ck_assert_int_eq(strbuf_append_len(&b, "a\0b", 3), 0);
        ck_assert_uint_eq(b.len, 8);
        ck_assert_mem_eq(b.data, "helloa\0b", 9);
        strbuf_done(&b);
}
END_TEST

/* Each append must keep what came before across many reallocations */
START_TEST(test_append_growth) {
        StrBuf b = STRBUF_INIT;
        size_t reallocs = 0, last = 0;

        for (int i = 0; i < 20000; i++) {
                char piece[16];

                snprintf(piece, sizeof(piece), "%05d,", i);
                ck_assert_int_eq(strbuf_append(&b, piece), 0);
                if (b.allocated != last) {
                        reallocs++;
                        last = b.allocated;
                }
                ck_assert_uint_ge(b.allocated, b.len + 1);
        }
        ck_assert_uint_eq(b.len, 20000 * 6);
        ck_assert_uint_eq(strlen(b.data), b.len);
        ck_assert_uint_ge(reallocs, 10);
        for (int i = 0; i < 20000; i++) {
                char piece[16];

                snprintf(piece, sizeof(piece), "%05d,", i);
                ck_assert_msg(memcmp(b.data + (size_t) i * 6, piece, 6) == 0, "piece %d", i);
        }
        strbuf_done(&b);
}
END_TEST

START_TEST(test_append_large) {
        StrBuf b = STRBUF_INIT;
        size_t n = 1024 * 1024 + 3;
        char *big = malloc(n + 1);

        ck_assert_ptr_nonnull(big);
        for (size_t i = 0; i < n; i++)
                big[i] = (char) ('a' + i % 26);
        big[n] = 0;
        ck_assert_int_eq(strbuf_append(&b, "<"), 0);
        ck_assert_int_eq(strbuf_append(&b, big), 0);
        ck_assert_int_eq(strbuf_append(&b, ">"), 0);
        ck_assert_uint_eq(b.len, n + 2);
        ck_assert_int_eq(b.data[0], '<');
        ck_assert_mem_eq(b.data + 1, big, n);
        ck_assert_int_eq(b.data[n + 1], '>');
        ck_assert_int_eq(b.data[n + 2], 0);
        free(big);
        strbuf_done(&b);
}
END_TEST

START_TEST(test_appendf) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_appendf(&b, "%d-%s-%u", -5, "x", 65535u), 0);
        ck_assert_str_eq(b.data, "-5-x-65535");
        ck_assert_uint_eq(b.len, 10);
        ck_assert_int_eq(strbuf_appendf(&b, "%s", ""), 0);
        ck_assert_str_eq(b.data, "-5-x-65535");
        ck_assert_int_eq(strbuf_appendf(&b, "[%5s|%-3d]", "ab", 7), 0);
        ck_assert_str_eq(b.data, "-5-x-65535[   ab|7  ]");
        ck_assert_uint_eq(b.len, strlen("-5-x-65535[   ab|7  ]"));
        strbuf_done(&b);
}
END_TEST

START_TEST(test_appendf_conversions) {
        StrBuf b = STRBUF_INIT;

        /* the ones done without stdio, at their limits */
        ck_assert_int_eq(strbuf_appendf(&b, "%d %d %d %u %u|", 0, INT_MIN, INT_MAX, 0u, UINT_MAX), 0);
        ck_assert_int_eq(strbuf_appendf(&b, "%ld %lu %lld %llu %zu|", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX,
                                        (size_t) 42), 0);
        ck_assert_int_eq(strbuf_appendf(&b, "100%% %s%s|", "a", "b"), 0);
        /* the rest by vsnprintf, the whole format again */
        ck_assert_int_eq(strbuf_appendf(&b, "%s=%02x %c", "k", 10u, 'z'), 0);
        ck_assert_str_eq(b.data, "0 -2147483648 2147483647 0 4294967295|"
                                 "-9223372036854775808 18446744073709551615 -9223372036854775808 "
                                 "18446744073709551615 42|100% ab|k=0a z");
        ck_assert_uint_eq(b.len, strlen(b.data));
        strbuf_done(&b);
}
END_TEST

START_TEST(test_appendf_empty) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_appendf(&b, "%s", ""), 0);
        ck_assert_ptr_nonnull(b.data);
        ck_assert_str_eq(b.data, "");
        ck_assert_uint_eq(b.len, 0);
        strbuf_done(&b);
}
END_TEST

START_TEST(test_appendf_growth) {
        StrBuf b = STRBUF_INIT;
        char *big = malloc(100001);

        ck_assert_ptr_nonnull(big);
        memset(big, 'z', 100000);
        big[100000] = 0;
        for (int i = 0; i < 5000; i++)
                ck_assert_int_eq(strbuf_appendf(&b, "%04x;", (unsigned) i), 0);
        ck_assert_uint_eq(b.len, 5000 * 5);
        ck_assert_int_eq(strncmp(b.data, "0000;0001;0002;", 15), 0);
        ck_assert_str_eq(b.data + 4999 * 5, "1387;");

        ck_assert_int_eq(strbuf_appendf(&b, "(%s)", big), 0);
        ck_assert_uint_eq(b.len, 5000 * 5 + 100002);
        ck_assert_int_eq(b.data[5000 * 5], '(');
        ck_assert_mem_eq(b.data + 5000 * 5 + 1, big, 100000);
        ck_assert_str_eq(b.data + b.len - 2, "z)");
        free(big);
        strbuf_done(&b);
}
END_TEST

START_TEST(test_reset) {
        StrBuf b = STRBUF_INIT;
        size_t allocated;

        strbuf_reset(&b);
        ck_assert_ptr_null(b.data);
        ck_assert_uint_eq(b.len, 0);

        ck_assert_int_eq(strbuf_append(&b, "something long enough"), 0);
        allocated = b.allocated;
        strbuf_reset(&b);
        ck_assert_uint_eq(b.len, 0);
        ck_assert_str_eq(b.data, "");
        ck_assert_uint_eq(b.allocated, allocated);
        ck_assert_int_eq(strbuf_append(&b, "new"), 0);
        ck_assert_str_eq(b.data, "new");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_steal) {
        StrBuf b = STRBUF_INIT;
        char *s = NULL;

        ck_assert_int_eq(strbuf_append(&b, "hello"), 0);
        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        ck_assert_str_eq(s, "hello");
        ck_assert_ptr_null(b.data);
        ck_assert_uint_eq(b.len, 0);
        ck_assert_uint_eq(b.allocated, 0);
        ck_assert_int_eq(b.error, 0);
        free(s);

        /* the buffer is usable again */
        ck_assert_int_eq(strbuf_append(&b, "again"), 0);
        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        ck_assert_str_eq(s, "again");
        free(s);
}
END_TEST

/* Nothing appended still gives a string, and an empty one */
START_TEST(test_append_printable) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append(&b, "if "), 0);
        ck_assert_int_eq(strbuf_append_printable(&b, "wl\x1b[31m\x7f\x01x\xc3\xa9"), 0);
        /* control bytes become '?', what was there before and UTF-8 stay */
        ck_assert_str_eq(b.data, "if wl?[31m??x\xc3\xa9");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_steal_empty) {
        StrBuf b = STRBUF_INIT;
        char *s = NULL;

        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s, "");
        free(s);

        ck_assert_int_eq(strbuf_append(&b, "gone"), 0);
        strbuf_reset(&b);
        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        ck_assert_str_eq(s, "");
        free(s);
}
END_TEST

/* A failed append leaves the buffer as it was and every later call reports the failure, until
 * reset. The length is impossible, so nothing is allocated and the source is never read. */
START_TEST(test_error_is_sticky) {
        StrBuf b = STRBUF_INIT;
        char *s = (char *) "untouched";

        ck_assert_int_eq(strbuf_append(&b, "kept"), 0);
        ck_assert_int_eq(strbuf_append_len(&b, "x", SIZE_MAX / 2), -ENOMEM);
        ck_assert_int_eq(b.error, -ENOMEM);
        ck_assert_str_eq(b.data, "kept");
        ck_assert_uint_eq(b.len, 4);

        ck_assert_int_eq(strbuf_append(&b, "more"), -ENOMEM);
        ck_assert_int_eq(strbuf_append_len(&b, "more", 4), -ENOMEM);
        ck_assert_int_eq(strbuf_appendf(&b, "%d", 1), -ENOMEM);
        ck_assert_int_eq(strbuf_append_json_string(&b, "more"), -ENOMEM);
        ck_assert_int_eq(strbuf_append_json_string(&b, NULL), -ENOMEM);
        ck_assert_str_eq(b.data, "kept");
        ck_assert_uint_eq(b.len, 4);

        ck_assert_int_eq(strbuf_steal(&b, &s), -ENOMEM);
        ck_assert_str_eq(s, "untouched");
        ck_assert_str_eq(b.data, "kept");

        strbuf_reset(&b);
        ck_assert_int_eq(b.error, 0);
        ck_assert_int_eq(strbuf_append(&b, "ok"), 0);
        ck_assert_str_eq(b.data, "ok");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_error_on_empty_buffer) {
        StrBuf b = STRBUF_INIT;
        char *s = (char *) "untouched";

        ck_assert_int_eq(strbuf_append_len(&b, "x", SIZE_MAX), -ENOMEM);
        ck_assert_ptr_null(b.data);
        ck_assert_int_eq(strbuf_steal(&b, &s), -ENOMEM);
        ck_assert_str_eq(s, "untouched");
        strbuf_done(&b);
        ck_assert_int_eq(b.error, 0);
}
END_TEST

typedef struct JsonCase {
        const char *input;
        const char *expected;
} JsonCase;

static const JsonCase json_cases[] = {
        { "",                    "\"\"" },
        { "plain text",          "\"plain text\"" },
        { "a\"b",                "\"a\\\"b\"" },
        { "\"",                  "\"\\\"\"" },
        { "a\\b",                "\"a\\\\b\"" },
        { "\\\"",                "\"\\\\\\\"\"" },
        { "a\nb\rc\td",          "\"a\\nb\\rc\\td\"" },
        { "\x01",                "\"\\u0001\"" },
        { "\x1f",                "\"\\u001f\"" },
        { "\b\f\v",              "\"\\u0008\\u000c\\u000b\"" },
        { "\x1b[31mred",         "\"\\u001b[31mred\"" },
        { "del\x7f",             "\"del\\u007f\"" },
        { " ~/{}[]'",            "\" ~/{}[]'\"" },
        /* valid UTF-8 passes unchanged */
        { "caf\xc3\xa9",         "\"caf\xc3\xa9\"" },
        { "\xe2\x82\xac 5",      "\"\xe2\x82\xac 5\"" },
        { "\xf0\x9f\x98\x80",    "\"\xf0\x9f\x98\x80\"" },
        { "\xc2\x80",            "\"\xc2\x80\"" },
        { "\xef\xbf\xbf",        "\"\xef\xbf\xbf\"" },
        { "\xf4\x8f\xbf\xbf",    "\"\xf4\x8f\xbf\xbf\"" },
        { "\xe2\x80\xa8",        "\"\xe2\x80\xa8\"" },
        /* invalid UTF-8: one replacement per byte that starts no valid sequence */
        { "a\x80" "b",           "\"a\\ufffdb\"" },
        { "\xbf",                "\"\\ufffd\"" },
        { "\xc0\xaf",            "\"\\ufffd\\ufffd\"" },
        { "\xc1\xbf",            "\"\\ufffd\\ufffd\"" },
        { "\xe0\x80\xaf",        "\"\\ufffd\\ufffd\\ufffd\"" },
        { "\xf0\x80\x80\xaf",    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
        { "\xed\xa0\x80",        "\"\\ufffd\\ufffd\\ufffd\"" },
        { "\xed\xbf\xbf",        "\"\\ufffd\\ufffd\\ufffd\"" },
        { "\xf4\x90\x80\x80",    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
        { "\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"" },
        { "\xfe\xff",            "\"\\ufffd\\ufffd\"" },
        { "\xc3" "A",            "\"\\ufffdA\"" },
        { "\xe2\x82" "x",        "\"\\ufffd\\ufffdx\"" },
        /* a sequence cut short by the end of the string */
        { "ab\xc3",              "\"ab\\ufffd\"" },
        { "ab\xe2\x82",          "\"ab\\ufffd\\ufffd\"" },
        { "x\xf0\x9f\x98",       "\"x\\ufffd\\ufffd\\ufffd\"" },
        /* a mix */
        { "say \"h\xc3\xa9\"\n\\\x01\xff.", "\"say \\\"h\xc3\xa9\\\"\\n\\\\\\u0001\\ufffd.\"" },
};

START_TEST(test_json_string) {
        const JsonCase *c = &json_cases[_i];
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append_json_string(&b, c->input), 0);
        ck_assert_msg(strcmp(b.data, c->expected) == 0, "case %d: got %s, want %s", _i, b.data,
                      c->expected);
        ck_assert_uint_eq(b.len, strlen(c->expected));
        strbuf_done(&b);
}
END_TEST

START_TEST(test_json_null) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append_json_string(&b, NULL), 0);
        ck_assert_str_eq(b.data, "null");
        strbuf_done(&b);
}
END_TEST

START_TEST(test_json_appends) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append(&b, "{\"a\":"), 0);
        ck_assert_int_eq(strbuf_append_json_string(&b, "x\"y"), 0);
        ck_assert_int_eq(strbuf_append(&b, ",\"b\":"), 0);
        ck_assert_int_eq(strbuf_append_json_string(&b, NULL), 0);
        ck_assert_int_eq(strbuf_append(&b, "}"), 0);
        ck_assert_str_eq(b.data, "{\"a\":\"x\\\"y\",\"b\":null}");
        strbuf_done(&b);
}
END_TEST

/* Escapes grow the output past the first allocation many times over */
START_TEST(test_json_growth) {
        StrBuf b = STRBUF_INIT;
        char in[3001];

        for (size_t i = 0; i < 3000; i += 3)
                memcpy(in + i, "\"\x01\xff", 3);
        in[3000] = 0;
        ck_assert_int_eq(strbuf_append_json_string(&b, in), 0);
        /* 1000 * (2 + 6 + 6) + 2 quotes */
        ck_assert_uint_eq(b.len, 14002);
        ck_assert_int_eq(b.data[0], '"');
        for (size_t i = 0; i < 1000; i++)
                ck_assert_int_eq(memcmp(b.data + 1 + i * 14, "\\\"\\u0001\\ufffd", 14), 0);
        ck_assert_str_eq(b.data + 14001, "\"");
        strbuf_done(&b);
}
END_TEST

static Suite *strbuf_suite(void) {
        Suite *s = suite_create("strbuf");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_init);
        tcase_add_test(tc, test_append);
        tcase_add_test(tc, test_append_len);
        tcase_add_test(tc, test_append_growth);
        tcase_add_test(tc, test_append_large);
        tcase_add_test(tc, test_appendf);
        tcase_add_test(tc, test_appendf_conversions);
        tcase_add_test(tc, test_appendf_empty);
        tcase_add_test(tc, test_appendf_growth);
        tcase_add_test(tc, test_reset);
        tcase_add_test(tc, test_steal);
        tcase_add_test(tc, test_append_printable);
        tcase_add_test(tc, test_steal_empty);
        tcase_add_test(tc, test_error_is_sticky);
        tcase_add_test(tc, test_error_on_empty_buffer);
        tcase_add_loop_test(tc, test_json_string, 0, (int) ELEMENTSOF(json_cases));
        tcase_add_test(tc, test_json_null);
        tcase_add_test(tc, test_json_appends);
        tcase_add_test(tc, test_json_growth);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(strbuf_suite)
