/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"
#include "testutil.h"

#define DIR_TEMPLATE "/tmp/test-notify-XXXXXX"
static char dir[sizeof(DIR_TEMPLATE)];
static char path[sizeof(DIR_TEMPLATE) + 16];

static void setup(void) {
        memcpy(dir, DIR_TEMPLATE, sizeof(dir));
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/notify", dir);
}

static void teardown(void) {
        unlink(path);
        rmdir(dir);
        unsetenv("NOTIFY_SOCKET");
}

/* A datagram socket bound at name (a path, or "@name"), as systemd's */
static int receiver(const char *name) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        socklen_t len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(name));
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        ck_assert_int_ge(fd, 0);
        memcpy(sa.sun_path, name, strlen(name));
        if (name[0] == '@')
                sa.sun_path[0] = 0;
        else
                len++;
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &sa, len), 0);
        return fd;
}

static void assert_received(int fd, const char *expected) {
        char buf[256];
        ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

        ck_assert_int_eq(n, (ssize_t) strlen(expected));
        buf[n] = 0;
        ck_assert_str_eq(buf, expected);
}

START_TEST(test_path) {
        Notifier *n = NULL;
        int fd = receiver(path);

        setenv("NOTIFY_SOCKET", path, 1);
        ck_assert_int_eq(notifier_new(&n), 0);
        ck_assert_ptr_nonnull(n);
        /* one socket for every message */
        ck_assert_int_eq(notifier_send(n, "READY=1"), 0);
        ck_assert_int_eq(notifier_send(n, "STATUS=Sharing http://192.168.1.23:5173/ on wlan0"), 0);
        assert_received(fd, "READY=1");
        assert_received(fd, "STATUS=Sharing http://192.168.1.23:5173/ on wlan0");
        notifier_free(n);
        close(fd);
}
END_TEST

START_TEST(test_abstract) {
        char name[64];
        Notifier *n = NULL;
        int fd;

        snprintf(name, sizeof(name), "@test-notify-%d", (int) getpid());
        fd = receiver(name);
        setenv("NOTIFY_SOCKET", name, 1);
        ck_assert_int_eq(notifier_new(&n), 0);
        ck_assert_int_eq(notifier_send(n, "STOPPING=1"), 0);
        assert_received(fd, "STOPPING=1");
        notifier_free(n);
        close(fd);
}
END_TEST

START_TEST(test_unset_and_bad) {
        Notifier *n = (Notifier *) 1;

        unsetenv("NOTIFY_SOCKET");
        ck_assert_int_eq(notifier_new(&n), 0);
        ck_assert_ptr_null(n);
        /* without systemd, nothing to do */
        ck_assert_int_eq(notifier_send(NULL, "READY=1"), 0);
        notifier_free(NULL);

        setenv("NOTIFY_SOCKET", "relative/path", 1);
        ck_assert_int_eq(notifier_new(&n), -EINVAL);
        setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
        ck_assert_int_eq(notifier_new(&n), -EINVAL);
}
END_TEST

START_TEST(test_nobody_listens) {
        Notifier *n = NULL;

        /* systemd gone: an error to ignore, not a hang or a signal */
        setenv("NOTIFY_SOCKET", path, 1);
        ck_assert_int_eq(notifier_new(&n), 0);
        ck_assert_int_eq(notifier_send(n, "STATUS=x"), -ENOENT);
        notifier_free(n);
}
END_TEST

static Suite *notify_suite(void) {
        Suite *s = suite_create("notify");
        TCase *tc = tcase_create("notify");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_path);
        tcase_add_test(tc, test_abstract);
        tcase_add_test(tc, test_unset_and_bad);
        tcase_add_test(tc, test_nobody_listens);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(notify_suite)
