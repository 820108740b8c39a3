/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include "options.h"
#include "testutil.h"

static int parse(Options *o, char **error, int argc, const char *const *argv) {
        options_init(o);
        *error = NULL;
        return options_parse(o, argc, (char **) argv, error);
}

START_TEST(test_defaults) {
        const char *argv[] = { "reachd", NULL };
        Options o;
        char *e;

        ck_assert_int_eq(parse(&o, &e, 1, argv), 0);
        ck_assert_uint_eq(o.n_ports, 0);
        ck_assert_uint_eq(o.rescan_sec, 0);
        ck_assert(!o.has_settle);
        ck_assert_ptr_null(o.config_path);
        ck_assert(!o.once);
        ck_assert_ptr_null(o.socket_path);
        ck_assert_ptr_null(o.scheme);
        options_done(&o);
}
END_TEST

START_TEST(test_all_options) {
        const char *argv[] = { "reachd", "--once", "-p", "5173", "--port=3000", "-p5173", "--socket", "/tmp/x.sock",
                               "--rescan", "10", "--scheme", "https", "-c", "/etc/r.conf", "--settle", "0", NULL };
        Options o;
        char *e;

        ck_assert_int_eq(parse(&o, &e, 16, argv), 0);
        ck_assert(o.has_settle);
        ck_assert_uint_eq(o.settle_usec, 0);
        ck_assert_str_eq(o.config_path, "/etc/r.conf");
        ck_assert(o.once);
        ck_assert_uint_eq(o.n_ports, 2);
        ck_assert_uint_eq(o.ports[0], 5173);
        ck_assert_uint_eq(o.ports[1], 3000);
        ck_assert_str_eq(o.socket_path, "/tmp/x.sock");
        ck_assert_uint_eq(o.rescan_sec, 10);
        ck_assert_str_eq(o.scheme, "https");
        options_done(&o);
        ck_assert_ptr_null(o.socket_path);
}
END_TEST

static void assert_usage_error(int argc, const char *const *argv, const char *expect) {
        Options o;
        char *e;

        ck_assert_int_eq(parse(&o, &e, argc, argv), -EINVAL);
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e, expect);
        free(e);
        options_done(&o);
}

START_TEST(test_errors) {
        const char *a1[] = { "reachd", "-p", "0", NULL };
        const char *a2[] = { "reachd", "-p", "65536", NULL };
        const char *a3[] = { "reachd", "-p", "12x", NULL };
        const char *a4[] = { "reachd", "--bogus", NULL };
        const char *a5[] = { "reachd", "--rescan", "0", NULL };
        const char *a6[] = { "reachd", "-p", NULL };
        const char *a7[] = { "reachd", "extra", NULL };
        const char *a8[] = { "reachd", "--scheme", "ftp", NULL };
        const char *a9[] = { "reachd", "-p", "-5", NULL };
        const char *a10[] = { "reachd", "--settle", "0.", NULL };

        assert_usage_error(3, a1, "invalid port '0': expected a number from 1 to 65535");
        assert_usage_error(3, a2, "invalid port '65536': expected a number from 1 to 65535");
        assert_usage_error(3, a3, "invalid port '12x': expected a number from 1 to 65535");
        assert_usage_error(2, a4, "unknown option '--bogus'");
        assert_usage_error(3, a5, "invalid --rescan '0': expected seconds from 1 to 3600");
        assert_usage_error(2, a6, "option '-p' needs an argument");
        assert_usage_error(2, a7, "unexpected argument 'extra'");
        assert_usage_error(3, a8, "invalid --scheme 'ftp': expected http or https");
        assert_usage_error(3, a9, "invalid port '-5': expected a number from 1 to 65535");
        assert_usage_error(3, a10, "invalid --settle '0.': expected seconds from 0 to 60, such as 0.5");
}
END_TEST

START_TEST(test_too_many_ports) {
        Options o;

        options_init(&o);
        for (unsigned p = 1; p <= OPTIONS_MAX_PORTS; p++)
                ck_assert_int_eq(options_add_port(&o, (uint16_t) p), 1);
        ck_assert_int_eq(options_add_port(&o, 1), 0);
        ck_assert_int_eq(options_add_port(&o, 9999), -E2BIG);
        options_done(&o);
}
END_TEST

START_TEST(test_parse_port) {
        uint16_t p = 7;

        ck_assert_int_eq(options_parse_port("65535", &p), 0);
        ck_assert_uint_eq(p, 65535);
        ck_assert_int_eq(options_parse_port("", &p), -EINVAL);
        ck_assert_int_eq(options_parse_port(" 1", &p), -EINVAL);
        ck_assert_int_eq(options_parse_port("99999999999999999999999", &p), -ERANGE);
        ck_assert_uint_eq(p, 65535);
}
END_TEST

START_TEST(test_parse_seconds) {
        static const struct {
                const char *text;
                int r;
                uint64_t usec;
        } cases[] = {
                { "0", 0, 0 }, { "2", 0, 2000000 }, { "0.5", 0, 500000 }, { ".25", 0, 250000 },
                { "1.000001", 0, 1000001 }, { "60", 0, 60000000 }, { "60.0", 0, 60000000 },
                { "60.000001", -ERANGE, 0 }, { "61", -ERANGE, 0 }, { "99999999999999999999", -ERANGE, 0 },
                { "1.0000001", -EINVAL, 0 }, { "1.", -EINVAL, 0 }, { ".", -EINVAL, 0 }, { "", -EINVAL, 0 },
                { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 },
                { "1e3", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "1.5s", -EINVAL, 0 }, { "1..5", -EINVAL, 0 },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                uint64_t usec = 77;

                ck_assert_msg(options_parse_seconds(cases[i].text, 60, &usec) == cases[i].r, "%s", cases[i].text);
                ck_assert_uint_eq(usec, cases[i].r < 0 ? 77 : cases[i].usec);
        }
}
END_TEST

static Suite *options_suite(void) {
        Suite *s = suite_create("options");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, test_defaults);
        tcase_add_test(tc, test_all_options);
        tcase_add_test(tc, test_errors);
        tcase_add_test(tc, test_too_many_ports);
        tcase_add_test(tc, test_parse_port);
        tcase_add_test(tc, test_parse_seconds);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(options_suite)
