/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "testutil.h"

static void check_dirs(const AdviceEnv *env, const char *const *want) {
        UnitDirs d;
        size_t n = 0;

        ck_assert_int_eq(advice_unit_dirs(env, &d), 0);
        while (want[n])
                n++;
        for (size_t i = 0; i < d.n && i < n; i++)
                ck_assert_str_eq(d.dirs[i], want[i]);
        ck_assert_uint_eq(d.n, n);
        advice_unit_dirs_done(&d);
        ck_assert_ptr_null(d.dirs);
}

START_TEST(test_unit_dirs_default) {
        AdviceEnv env = { .home = "/home/ann", .xdg_runtime_dir = "/run/user/1000" };
        static const char *const want[] = {
                "/home/ann/.config/systemd/user", "/etc/xdg/systemd/user", "/etc/systemd/user",
                "/run/user/1000/systemd/user", "/run/systemd/user", "/home/ann/.local/share/systemd/user",
                "/usr/local/share/systemd/user", "/usr/share/systemd/user", "/usr/local/lib/systemd/user",
                "/usr/lib/systemd/user", "/lib/systemd/user", NULL,
        };

        check_dirs(&env, want);
}
END_TEST

START_TEST(test_unit_dirs_xdg) {
        /* relative entries are ignored, as systemd does */
        AdviceEnv env = { .home = "/home/ann", .xdg_config_home = "/c", .xdg_config_dirs = "/x1:rel:/x2",
                          .xdg_data_home = "/d", .xdg_data_dirs = "/s1::/s2", .xdg_runtime_dir = "rel" };
        static const char *const want[] = {
                "/c/systemd/user", "/x1/systemd/user", "/x2/systemd/user", "/etc/systemd/user",
                "/run/systemd/user", "/d/systemd/user", "/s1/systemd/user", "/s2/systemd/user",
                "/usr/local/lib/systemd/user", "/usr/lib/systemd/user", "/lib/systemd/user", NULL,
        };

        check_dirs(&env, want);
}
END_TEST

START_TEST(test_unit_dirs_systemd_unit_path) {
        AdviceEnv env = { .systemd_unit_path = "/u1:/u2" };
        static const char *const only[] = { "/u1", "/u2", NULL };
        static const char *const then[] = {
                "/u1", "/etc/xdg/systemd/user", "/etc/systemd/user", "/run/systemd/user",
                "/usr/local/share/systemd/user", "/usr/share/systemd/user", "/usr/local/lib/systemd/user",
                "/usr/lib/systemd/user", "/lib/systemd/user", NULL,
        };

        check_dirs(&env, only);
        /* a trailing ':' appends the defaults (no HOME here: none of its directories) */
        env.systemd_unit_path = "/u1:";
        check_dirs(&env, then);
}
END_TEST

static void check_command(const char *daemon, const char *cwd, const char *path, const char *want) {
        char *cmd = NULL;

        ck_assert_int_eq(advice_daemon_command(daemon, cwd, path, &cmd), 0);
        ck_assert_str_eq(cmd, want);
        free(cmd);
}

START_TEST(test_daemon_command) {
        check_command("/usr/bin/reachd", "/home/ann", "/usr/local/bin:/usr/bin", "reachd");
        check_command("/usr/bin/reachd", "/home/ann", "/usr/local/bin:/usr/bin/", "reachd");
        check_command("/src/reachd/daemon/reachd", "/src/reachd", "/usr/bin", "./daemon/reachd");
        check_command("/src/reachd/daemon/reachd", "/src/reachd/", "/usr/bin", "./daemon/reachd");
        check_command("/src/reachd/daemon/reachd", "/tmp", "/usr/bin", "/src/reachd/daemon/reachd");
        /* "/src/reach" is not a directory above "/src/reachd/…" */
        check_command("/src/reachd/daemon/reachd", "/src/reach", "/usr/bin", "/src/reachd/daemon/reachd");
        check_command("/opt/r/bin/reachd", "/", NULL, "/opt/r/bin/reachd");
        check_command("/opt/r/bin/reachd", NULL, "", "/opt/r/bin/reachd");
}
END_TEST

START_TEST(test_daemon_candidates) {
        char *c[2];

        ck_assert_int_eq(advice_daemon_candidates("/src/reachd/client/reachctl", c), 0);
        ck_assert_str_eq(c[0], "/src/reachd/daemon/reachd");
        ck_assert_str_eq(c[1], "/src/reachd/client/reachd");
        free(c[0]);
        free(c[1]);
        ck_assert_int_eq(advice_daemon_candidates("/usr/bin/reachctl", c), 0);
        ck_assert_str_eq(c[0], "/usr/bin/reachd");
        ck_assert_ptr_null(c[1]);
        free(c[0]);
        ck_assert_int_eq(advice_daemon_candidates("reachctl", c), -EINVAL);
}
END_TEST

static Suite *advice_suite(void) {
        Suite *s = suite_create("advice");
        TCase *tc = tcase_create("advice");

        tcase_add_test(tc, test_unit_dirs_default);
        tcase_add_test(tc, test_unit_dirs_xdg);
        tcase_add_test(tc, test_unit_dirs_systemd_unit_path);
        tcase_add_test(tc, test_daemon_command);
        tcase_add_test(tc, test_daemon_candidates);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(advice_suite)
