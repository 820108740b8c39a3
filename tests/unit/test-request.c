/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "request.h"
#include "testutil.h"

/* -1 as port: the request has none */
static void assert_parses(const char *line, RequestCommand command, int port) {
        Request req = { .command = _REQUEST_COMMAND_MAX, .has_port = true, .port = 7 };

        ck_assert_msg(request_parse(line, strlen(line), &req) == 0, "\"%s\" does not parse", line);
        ck_assert_int_eq(req.command, command);
        ck_assert_int_eq(req.has_port, port >= 0);
        ck_assert_int_eq(req.port, port >= 0 ? port : 0);
}

static void assert_fails_len(const char *line, size_t len, int error) {
        Request req = { .command = REQUEST_PING, .has_port = true, .port = 7 };

        ck_assert_int_eq(request_parse(line, len, &req), error);
        /* untouched on failure */
        ck_assert_int_eq(req.command, REQUEST_PING);
        ck_assert_int_eq(req.has_port, true);
        ck_assert_int_eq(req.port, 7);
}

static void assert_fails(const char *line, int error) {
        assert_fails_len(line, strlen(line), error);
}

START_TEST(test_commands) {
        assert_parses("url", REQUEST_URL, -1);
        assert_parses("list", REQUEST_LIST, -1);
        assert_parses("json", REQUEST_JSON, -1);
        assert_parses("watch", REQUEST_WATCH, -1);
        assert_parses("status", REQUEST_STATUS, -1);
        assert_parses("ping", REQUEST_PING, -1);
        assert_parses("hello", REQUEST_HELLO, -1);
        assert_parses("url 5173", REQUEST_URL, 5173);
        assert_parses("list 8000", REQUEST_LIST, 8000);
        assert_parses("watch 3000", REQUEST_WATCH, 3000);
}
END_TEST

START_TEST(test_empty) {
        Request req = { .command = REQUEST_PING, .has_port = true, .port = 7 };

        assert_parses("", REQUEST_URL, -1);
        assert_parses("\r", REQUEST_URL, -1);
        assert_parses("  \t ", REQUEST_URL, -1);
        ck_assert_int_eq(request_parse(NULL, 0, &req), 0);
        ck_assert_int_eq(req.command, REQUEST_URL);
        ck_assert_int_eq(req.has_port, false);
}
END_TEST

START_TEST(test_ports) {
        assert_parses("url 1", REQUEST_URL, 1);
        assert_parses("url 65535", REQUEST_URL, 65535);
        assert_parses("url 01", REQUEST_URL, 1);
        assert_parses("url 0000005173", REQUEST_URL, 5173);
        assert_fails("url 0", -EINVAL);
        assert_fails("url 00", -EINVAL);
        assert_fails("url 65536", -EINVAL);
        assert_fails("url 99999999999999999999", -EINVAL);
        assert_fails("url -1", -EINVAL);
        assert_fails("url +1", -EINVAL);
        assert_fails("url 5173x", -EINVAL);
        assert_fails("url 0x10", -EINVAL);
        assert_fails("list 1e3", -EINVAL);
        assert_fails("watch 51 73", -EINVAL);
}
END_TEST

START_TEST(test_arguments) {
        assert_fails("json 5173", -EINVAL);
        assert_fails("status 5173 1", -EINVAL);
        assert_fails("ping 1", -EINVAL);
        assert_fails("hello 5173", -EINVAL);
        assert_fails("ping pong", -EINVAL);
        assert_fails("url 5173 extra", -EINVAL);
        assert_fails("list 5173 5174", -EINVAL);
        assert_fails("url abc", -EINVAL);
}
END_TEST

START_TEST(test_audience) {
        Request req;

        ck_assert_int_eq(request_parse("url vpn", 7, &req), 0);
        ck_assert_int_eq(req.audience, REACH_AUDIENCE_VPN);
        ck_assert(!req.has_port);
        ck_assert_int_eq(request_parse("url host 5173", 13, &req), 0);
        ck_assert_int_eq(req.audience, REACH_AUDIENCE_HOST);
        ck_assert_uint_eq(req.port, 5173);
        ck_assert_int_eq(request_parse("url 5173 lan", 12, &req), 0);
        ck_assert_int_eq(req.audience, REACH_AUDIENCE_LAN);
        ck_assert(req.has_port);
        ck_assert_int_eq(request_parse("url", 3, &req), 0);
        ck_assert_int_eq(req.audience, REACH_AUDIENCE_LAN);
        assert_fails("url vpn vpn", -EINVAL);
        assert_fails("url 1 2", -EINVAL);
        assert_fails("url loopback", -EINVAL);
        assert_fails("url VPN", -EINVAL);
        assert_fails("list vpn", -EINVAL);
        assert_fails("watch host 5173", -EINVAL);
}
END_TEST

START_TEST(test_blanks) {
        assert_parses("url\t5173", REQUEST_URL, 5173);
        assert_parses("url  \t 5173", REQUEST_URL, 5173);
        assert_parses("  list 5173  ", REQUEST_LIST, 5173);
        assert_parses("\tping\t", REQUEST_PING, -1);
        assert_parses("url 5173\r", REQUEST_URL, 5173);
        assert_parses("status\r", REQUEST_STATUS, -1);
        assert_parses("json \r", REQUEST_JSON, -1);
}
END_TEST

START_TEST(test_unknown) {
        assert_fails("URL", -EOPNOTSUPP);
        assert_fails("Ping", -EOPNOTSUPP);
        assert_fails("helo", -EOPNOTSUPP);
        assert_fails("ur", -EOPNOTSUPP);
        assert_fails("urls", -EOPNOTSUPP);
        assert_fails("pingx 1", -EOPNOTSUPP);
        assert_fails("GET / HTTP/1.1\r", -EOPNOTSUPP);
        /* the command is judged before its argument */
        assert_fails("quit 5173 x", -EOPNOTSUPP);
}
END_TEST

START_TEST(test_bad_bytes) {
        assert_fails("url\x01", -EBADMSG);
        assert_fails("\x1b[A", -EBADMSG);
        assert_fails("ping\x7f", -EBADMSG);
        assert_fails("url 5173\xc3\xa9", -EBADMSG);
        assert_fails("\xff", -EBADMSG);
        assert_fails("url\n", -EBADMSG);
        assert_fails("url\r\r", -EBADMSG);
        assert_fails("url\r 5173", -EBADMSG);
        assert_fails("\r\r", -EBADMSG);
        /* bad bytes win over an unknown command */
        assert_fails("URL\x02", -EBADMSG);
        /* a NUL inside the line is a byte like any other */
        assert_fails_len("url\0 5173", 9, -EBADMSG);
        assert_fails_len("ping\0", 5, -EBADMSG);
}
END_TEST

START_TEST(test_length) {
        /* only len bytes are read: the rest may be anything */
        Request req = {};

        ck_assert_int_eq(request_parse("url 5173 junk", 8, &req), 0);
        ck_assert_int_eq(req.command, REQUEST_URL);
        ck_assert_int_eq(req.has_port, true);
        ck_assert_int_eq(req.port, 5173);
        ck_assert_int_eq(request_parse("ping\x01", 4, &req), 0);
        ck_assert_int_eq(req.command, REQUEST_PING);
        ck_assert_int_eq(req.has_port, false);
}
END_TEST

START_TEST(test_to_string) {
        ck_assert_str_eq(request_command_to_string(REQUEST_URL), "url");
        ck_assert_str_eq(request_command_to_string(REQUEST_LIST), "list");
        ck_assert_str_eq(request_command_to_string(REQUEST_JSON), "json");
        ck_assert_str_eq(request_command_to_string(REQUEST_WATCH), "watch");
        ck_assert_str_eq(request_command_to_string(REQUEST_STATUS), "status");
        ck_assert_str_eq(request_command_to_string(REQUEST_PING), "ping");
        ck_assert_ptr_null(request_command_to_string(_REQUEST_COMMAND_MAX));
}
END_TEST

static Suite *request_suite(void) {
        Suite *s = suite_create("request");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, test_commands);
        tcase_add_test(tc, test_empty);
        tcase_add_test(tc, test_ports);
        tcase_add_test(tc, test_arguments);
        tcase_add_test(tc, test_audience);
        tcase_add_test(tc, test_blanks);
        tcase_add_test(tc, test_unknown);
        tcase_add_test(tc, test_bad_bytes);
        tcase_add_test(tc, test_length);
        tcase_add_test(tc, test_to_string);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(request_suite)
