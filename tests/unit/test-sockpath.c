/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpath.h"
#include "testutil.h"

#define BASE_TEMPLATE "/tmp/test-sockpath-XXXXXX"
static char base[sizeof(BASE_TEMPLATE)];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void tree_setup(void) {
        umask(022);
        memcpy(base, BASE_TEMPLATE, sizeof(BASE_TEMPLATE));
        ck_assert_ptr_nonnull(mkdtemp(base));
}

static void tree_teardown(void) {
        nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* base/reachd-UID and base/reachd-UID/reachd.sock */
static void fallback_paths(uid_t uid, char *dir, size_t dir_size, char *sock, size_t sock_size) {
        ck_assert_int_lt(snprintf(dir, dir_size, "%s/reachd-%u", base, (unsigned) uid), (int) dir_size);
        ck_assert_int_lt(snprintf(sock, sock_size, "%s/reachd.sock", dir), (int) sock_size);
}

static void assert_default(const char *xdg, uid_t uid, const char *expected) {
        char *p = NULL;

        ck_assert_int_eq(sockpath_default(xdg, uid, &p), 0);
        ck_assert_str_eq(p, expected);
        free(p);
}

START_TEST(test_default_xdg) {
        assert_default("/run/user/1000", 1000, "/run/user/1000/reachd.sock");
        assert_default("/run/user/1000/", 1000, "/run/user/1000/reachd.sock");
        assert_default("/run/user/1000//", 1000, "/run/user/1000/reachd.sock");
        assert_default("/", 1000, "/reachd.sock");
        assert_default("//", 0, "/reachd.sock");
}
END_TEST

START_TEST(test_default_fallback) {
        assert_default(NULL, 1000, "/tmp/reachd-1000/reachd.sock");
        assert_default(NULL, 0, "/tmp/reachd-0/reachd.sock");
        assert_default(NULL, 4294967294U, "/tmp/reachd-4294967294/reachd.sock");
        /* empty and relative values are ignored, as the XDG base directory spec demands */
        assert_default("", 1000, "/tmp/reachd-1000/reachd.sock");
        assert_default("run/user/1000", 1000, "/tmp/reachd-1000/reachd.sock");
        assert_default(".", 1000, "/tmp/reachd-1000/reachd.sock");
        assert_default("~/run", 1000, "/tmp/reachd-1000/reachd.sock");
        assert_default(" /run/user/1000", 1000, "/tmp/reachd-1000/reachd.sock");
}
END_TEST

START_TEST(test_default_long) {
        char xdg[256];
        char *p = (char *) 0x1;

        /* sun_path holds 108 bytes: "/" + 94 + "/reachd.sock" is 107 plus the NUL */
        memset(xdg, 'a', sizeof(xdg));
        xdg[0] = '/';
        xdg[95] = 0;
        ck_assert_int_eq(sockpath_default(xdg, 1000, &p), 0);
        ck_assert_uint_eq(strlen(p), 107);
        ck_assert_int_eq(strncmp(p, xdg, 95), 0);
        ck_assert_str_eq(p + 95, "/reachd.sock");
        free(p);

        p = (char *) 0x1;
        xdg[95] = 'a';
        xdg[96] = 0;
        ck_assert_int_eq(sockpath_default(xdg, 1000, &p), -ENAMETOOLONG);
        ck_assert_ptr_eq(p, (char *) 0x1);

        xdg[255] = 0;
        ck_assert_int_eq(sockpath_default(xdg, 1000, &p), -ENAMETOOLONG);
        ck_assert_ptr_eq(p, (char *) 0x1);

        /* a trailing slash does not count */
        xdg[95] = '/';
        xdg[96] = 0;
        ck_assert_int_eq(sockpath_default(xdg, 1000, &p), 0);
        ck_assert_uint_eq(strlen(p), 107);
        free(p);
}
END_TEST

START_TEST(test_prepare_creates) {
        char dir[512], sock[600];
        struct stat st;
        uid_t uid = getuid();

        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), -ENOENT);
        ck_assert_int_eq(lstat(dir, &st), -1);
        ck_assert_int_eq(errno, ENOENT);

        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), 0);
        ck_assert_int_eq(lstat(dir, &st), 0);
        ck_assert(S_ISDIR(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0700);
        ck_assert_uint_eq(st.st_uid, uid);

        /* again: the existing directory is accepted as it is */
        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), 0);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), 0);
}
END_TEST

START_TEST(test_prepare_missing_base) {
        char missing[600], sock[700];
        uid_t uid = getuid();

        snprintf(missing, sizeof(missing), "%s/nope", base);
        snprintf(sock, sizeof(sock), "%s/reachd-%u/reachd.sock", missing, (unsigned) uid);
        ck_assert_int_eq(sockpath_prepare_in(missing, sock, uid), -ENOENT);
        ck_assert_int_eq(sockpath_check_in(missing, sock, uid), -ENOENT);
}
END_TEST

START_TEST(test_symlink_refused) {
        char dir[512], sock[600], target[600];
        struct stat st;
        uid_t uid = getuid();

        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        /* a perfectly private target does not make the link acceptable: whoever made the link
         * can point it elsewhere later */
        snprintf(target, sizeof(target), "%s/target", base);
        ck_assert_int_eq(mkdir(target, 0700), 0);
        ck_assert_int_eq(symlink(target, dir), 0);

        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), -EPERM);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), -EPERM);
        ck_assert_int_eq(lstat(dir, &st), 0);
        ck_assert(S_ISLNK(st.st_mode));

        /* a dangling link is no invitation to create anything either */
        ck_assert_int_eq(rmdir(target), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), -EPERM);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), -EPERM);
        ck_assert_int_eq(lstat(target, &st), -1);
}
END_TEST

START_TEST(test_wrong_mode) {
        static const mode_t bad[] = { 0755, 0750, 0701, 0770, 0777, 0707, 01777 };
        char dir[512], sock[600];
        struct stat st;
        uid_t uid = getuid();

        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                ck_assert_int_eq(chmod(dir, bad[i]), 0);
                ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), -EPERM);
                ck_assert_int_eq(sockpath_check_in(base, sock, uid), -EPERM);
                /* refused, not repaired: someone else may already be inside */
                ck_assert_int_eq(lstat(dir, &st), 0);
                ck_assert_uint_eq(st.st_mode & 07777, bad[i]);
        }
        ck_assert_int_eq(chmod(dir, 0700), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), 0);
        ck_assert_int_eq(chmod(dir, 0500), 0);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), 0);
}
END_TEST

/* Works unprivileged: a directory of ours is someone else's to a daemon of uid + 1 */
START_TEST(test_wrong_owner_other_uid) {
        char dir[512], sock[600];
        uid_t uid = getuid() + 1;

        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), -EPERM);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), -EPERM);
}
END_TEST

START_TEST(test_wrong_owner_chown) {
        char dir[512], sock[600];
        uid_t uid = getuid();

        if (geteuid() != 0)
                return;   /* chown to another uid needs root; the test above covers the rule */
        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        ck_assert_int_eq(chown(dir, 4242, 4242), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), -EPERM);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), -EPERM);
}
END_TEST

START_TEST(test_not_a_directory) {
        char dir[512], sock[600];
        FILE *f;
        uid_t uid = getuid();

        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        f = fopen(dir, "w");
        ck_assert_ptr_nonnull(f);
        fclose(f);
        ck_assert_int_eq(chmod(dir, 0600), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, sock, uid), -ENOTDIR);
        ck_assert_int_eq(sockpath_check_in(base, sock, uid), -ENOTDIR);
}
END_TEST

START_TEST(test_outside_unchecked) {
        char dir[512], sock[600], path[700];
        struct stat st;
        uid_t uid = 1000;

        fallback_paths(uid, dir, sizeof(dir), sock, sizeof(sock));
        ck_assert_int_eq(sockpath_prepare_in(base, "/nonexistent/reachd.sock", uid), 0);
        ck_assert_int_eq(sockpath_check_in(base, "/nonexistent/reachd.sock", uid), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, "relative.sock", uid), 0);

        /* reachd-10000 is not reachd-1000, and the directory itself is no path inside it */
        snprintf(path, sizeof(path), "%s/reachd-10000/reachd.sock", base);
        ck_assert_int_eq(sockpath_prepare_in(base, path, uid), 0);
        ck_assert_int_eq(sockpath_prepare_in(base, dir, uid), 0);
        snprintf(path, sizeof(path), "%sx/reachd.sock", dir);
        ck_assert_int_eq(sockpath_prepare_in(base, path, uid), 0);
        ck_assert_int_eq(lstat(dir, &st), -1);
        snprintf(path, sizeof(path), "%s/reachd-10000", base);
        ck_assert_int_eq(lstat(path, &st), -1);

        /* the real fallback location is only checked for paths inside it */
        ck_assert_int_eq(sockpath_prepare("/nonexistent/reachd.sock", uid), 0);
        ck_assert_int_eq(sockpath_check("/nonexistent/reachd.sock", uid), 0);
}
END_TEST

static Suite *sockpath_suite(void) {
        Suite *s = suite_create("sockpath");
        TCase *tc;

        tc = tcase_create("default");
        tcase_add_test(tc, test_default_xdg);
        tcase_add_test(tc, test_default_fallback);
        tcase_add_test(tc, test_default_long);
        suite_add_tcase(s, tc);

        tc = tcase_create("prepare");
        tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
        tcase_add_test(tc, test_prepare_creates);
        tcase_add_test(tc, test_prepare_missing_base);
        tcase_add_test(tc, test_symlink_refused);
        tcase_add_test(tc, test_wrong_mode);
        tcase_add_test(tc, test_wrong_owner_other_uid);
        tcase_add_test(tc, test_wrong_owner_chown);
        tcase_add_test(tc, test_not_a_directory);
        tcase_add_test(tc, test_outside_unchecked);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(sockpath_suite)
