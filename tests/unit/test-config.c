/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

static int parse(const char *text, Config *c, ConfigError *e) {
        *c = (Config) {};
        *e = (ConfigError) {};
        return config_parse(text, strlen(text), c, e);
}

START_TEST(test_full) {
        Config c;
        ConfigError e;

        ck_assert_int_eq(parse("# reachd\n"
                               "port = 5173 3000\n"
                               "  port=8080   # the API\r\n"
                               "\n"
                               "scheme = https\n"
                               "rescan = 5\n"
                               "settle = 1.25\n"
                               "ignore-interface = docker* br-*\n"
                               "ignore-interface = virbr#0\n", &c, &e), 0);
        ck_assert_uint_eq(c.n_ports, 3);
        ck_assert_uint_eq(c.ports[0], 5173);
        ck_assert_uint_eq(c.ports[1], 3000);
        ck_assert_uint_eq(c.ports[2], 8080);
        ck_assert_str_eq(c.scheme, "https");
        ck_assert_uint_eq(c.rescan_sec, 5);
        ck_assert(c.has_settle);
        ck_assert_uint_eq(c.settle_usec, 1250000);
        ck_assert_uint_eq(c.n_ignore, 3);
        ck_assert_str_eq(c.ignore[0], "docker*");
        ck_assert_str_eq(c.ignore[1], "br-*");
        /* '#' starts a comment only at the start or after a blank */
        ck_assert_str_eq(c.ignore[2], "virbr#0");
        config_done(&c);
        ck_assert_ptr_null(c.scheme);
}
END_TEST

START_TEST(test_empty) {
        Config c;
        ConfigError e;

        ck_assert_int_eq(parse("", &c, &e), 0);
        ck_assert_uint_eq(c.n_ports, 0);
        ck_assert_ptr_null(c.scheme);
        ck_assert_uint_eq(c.rescan_sec, 0);
        ck_assert(!c.has_settle);
        ck_assert_int_eq(parse("\n\n   \n# only comments\n", &c, &e), 0);
        config_done(&c);
}
END_TEST

static void assert_error(const char *text, unsigned line, const char *message) {
        Config c = { .rescan_sec = 77 };
        ConfigError e = {};

        ck_assert_int_eq(config_parse(text, strlen(text), &c, &e), -EINVAL);
        ck_assert_uint_eq(e.line, line);
        ck_assert_str_eq(e.message, message);
        /* untouched on failure */
        ck_assert_uint_eq(c.rescan_sec, 77);
}

START_TEST(test_errors) {
        assert_error("port = 5173\nport = 0\n", 2, "invalid port '0': expected a number from 1 to 65535");
        assert_error("port = 5173 x\n", 1, "invalid port 'x': expected a number from 1 to 65535");
        assert_error("\n\nprot = 1\n", 3, "unknown setting 'prot': expected port, scheme, rescan, settle or ignore-interface");
        assert_error("port\n", 1, "expected 'key = value'");
        assert_error("scheme =\n", 1, "'scheme' needs a value");
        assert_error("scheme = ftp\n", 1, "invalid scheme 'ftp': expected http or https");
        assert_error("rescan = 0\n", 1, "invalid rescan '0': expected seconds from 1 to 3600");
        assert_error("rescan = 3601\n", 1, "invalid rescan '3601': expected seconds from 1 to 3600");
        assert_error("rescan = -1\n", 1, "invalid rescan '-1': expected seconds from 1 to 3600");
        assert_error("rescan = 99999999999999999999999\n", 1, "invalid value for 'rescan'");
        assert_error("scheme = http\x01\n", 1, "control character in the line");
        assert_error("settle = -1\n", 1, "invalid settle '-1': expected seconds from 0 to 60, such as 0.5");
        assert_error("settle = 60.5\n", 1, "invalid settle '60.5': expected seconds from 0 to 60, such as 0.5");
        assert_error("settle = 0,5\n", 1, "invalid settle '0,5': expected seconds from 0 to 60, such as 0.5");
        assert_error("settle = 1e3\n", 1, "invalid settle '1e3': expected seconds from 0 to 60, such as 0.5");
}
END_TEST

START_TEST(test_limits) {
        char text[8192] = "port =";
        Config c;
        ConfigError e;

        for (unsigned p = 1; p <= OPTIONS_MAX_PORTS + 1; p++)
                snprintf(text + strlen(text), sizeof(text) - strlen(text), " %u", p);
        ck_assert_int_eq(parse(text, &c, &e), -EINVAL);
        ck_assert_str_eq(e.message, "too many ports (at most 64)");
        /* a repeated port counts once */
        ck_assert_int_eq(parse("port = 1 1 1\n", &c, &e), 0);
        ck_assert_uint_eq(c.n_ports, 1);
        config_done(&c);
}
END_TEST

START_TEST(test_load) {
        char dir[] = "/tmp/test-config-XXXXXX", path[64];
        Config c;
        ConfigError e;
        int fd;

        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/reachd.conf", dir);
        /* a missing file is an empty config */
        ck_assert_int_eq(config_load(path, &c, &e), 0);
        ck_assert_uint_eq(c.n_ports, 0);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "port = 4000\nrescan = x\n", 23), 23);
        close(fd);
        ck_assert_int_eq(config_load(path, &c, &e), -EINVAL);
        ck_assert_uint_eq(e.line, 2);
        fd = open(path, O_WRONLY | O_TRUNC);
        ck_assert_int_eq(write(fd, "port = 4000\n\0", 13), 13);
        close(fd);
        ck_assert_int_eq(config_load(path, &c, &e), -EINVAL);
        ck_assert_str_eq(e.message, "the file holds a NUL byte");
        fd = open(path, O_WRONLY | O_TRUNC);
        ck_assert_int_eq(write(fd, "port = 4000\n", 12), 12);
        close(fd);
        ck_assert_int_eq(config_load(path, &c, &e), 0);
        ck_assert_uint_eq(c.ports[0], 4000);
        config_done(&c);
        ck_assert_int_eq(config_load(dir, &c, &e), -EISDIR);
        unlink(path);
        rmdir(dir);
}
END_TEST

START_TEST(test_load_not_a_file) {
        char dir[] = "/tmp/test-config-XXXXXX", path[64];
        Config c = { .n_ports = 99 };
        ConfigError e;

        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/reachd.conf", dir);
        /* a FIFO without a writer would block open() for ever: refused, nothing touched */
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        ck_assert_int_eq(config_load(path, &c, &e), -EINVAL);
        ck_assert_uint_eq(e.line, 0);
        ck_assert_str_eq(e.message, "not a regular file");
        ck_assert_uint_eq(c.n_ports, 99);
        unlink(path);
        /* masked with /dev/null: an empty config */
        ck_assert_int_eq(symlink("/dev/null", path), 0);
        ck_assert_int_eq(config_load(path, &c, &e), 0);
        ck_assert_uint_eq(c.n_ports, 0);
        ck_assert_ptr_null(c.scheme);
        config_done(&c);
        unlink(path);
        rmdir(dir);
}
END_TEST

START_TEST(test_paths_and_merge) {
        Options o;
        Config c = { .ports = { 3000 }, .n_ports = 1, .rescan_sec = 9 };
        ReachConfig rc;
        char *p;

        ck_assert_int_eq(config_default_path("/x/cfg", "/home/u", &p), 0);
        ck_assert_str_eq(p, "/x/cfg/reachd/reachd.conf");
        free(p);
        ck_assert_int_eq(config_default_path("relative", "/home/u", &p), 0);
        ck_assert_str_eq(p, "/home/u/.config/reachd/reachd.conf");
        free(p);
        ck_assert_int_eq(config_default_path(NULL, NULL, &p), -ENOENT);

        options_init(&o);
        rc = config_merge(&o, &c, 1000);
        ck_assert_uint_eq(rc.n_ports, 1);
        ck_assert_uint_eq(rc.ports[0], 3000);
        ck_assert_uint_eq(config_rescan_sec(&o, &c), 9);
        o.ports[0] = 5173;
        o.n_ports = 1;
        o.rescan_sec = 4;
        rc = config_merge(&o, &c, 1000);
        ck_assert_uint_eq(rc.ports[0], 5173);
        ck_assert_uint_eq(config_rescan_sec(&o, &c), 4);
        c.rescan_sec = 0;
        o.rescan_sec = 0;
        ck_assert_uint_eq(config_rescan_sec(&o, &c), OPTIONS_RESCAN_DEFAULT);
        /* settle: 0 is a value (never hold), not "unset" */
        ck_assert_uint_eq(config_settle_usec(&o, &c), OPTIONS_SETTLE_DEFAULT_USEC);
        c.has_settle = true;
        c.settle_usec = 0;
        ck_assert_uint_eq(config_settle_usec(&o, &c), 0);
        o.has_settle = true;
        o.settle_usec = 2000000;
        ck_assert_uint_eq(config_settle_usec(&o, &c), 2000000);
}
END_TEST

static Suite *config_suite(void) {
        Suite *s = suite_create("config");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, test_full);
        tcase_add_test(tc, test_empty);
        tcase_add_test(tc, test_errors);
        tcase_add_test(tc, test_limits);
        tcase_add_test(tc, test_load);
        tcase_add_test(tc, test_load_not_a_file);
        tcase_add_test(tc, test_paths_and_merge);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(config_suite)
