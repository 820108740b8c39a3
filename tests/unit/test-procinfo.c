/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forwarder.h"
#include "macro.h"
#include "procinfo.h"
#include "testutil.h"

static const struct {
        const char *target;
        int r;
        uint64_t inode;
} link_cases[] = {
        { "socket:[4242]", 0, 4242 },
        { "socket:[0]", 0, 0 },
        { "socket:[007]", 0, 7 },
        { "socket:[18446744073709551615]", 0, UINT64_MAX },
        { "socket:[18446744073709551616]", -ERANGE, 0 },
        { "socket:[99999999999999999999999]", -ERANGE, 0 },
        { "socket:[]", -EINVAL, 0 },
        { "socket:[", -EINVAL, 0 },
        { "socket:[12", -EINVAL, 0 },
        { "socket:[12]x", -EINVAL, 0 },
        { "socket:[12]]", -EINVAL, 0 },
        { "socket:[-1]", -EINVAL, 0 },
        { "socket:[+1]", -EINVAL, 0 },
        { "socket:[ 1]", -EINVAL, 0 },
        { "socket:[0x10]", -EINVAL, 0 },
        { "socket:12", -EINVAL, 0 },
        { "Socket:[12]", -EINVAL, 0 },
        { "pipe:[1]", -EINVAL, 0 },
        { "anon_inode:[eventpoll]", -EINVAL, 0 },
        { "/dev/null", -EINVAL, 0 },
        { "", -EINVAL, 0 },
};

START_TEST(test_parse_socket_link) {
        uint64_t inode = 0xdeadbeef;
        int r = procinfo_parse_socket_link(link_cases[_i].target, &inode);

        ck_assert_msg(r == link_cases[_i].r, "\"%s\": got %d, want %d", link_cases[_i].target, r,
                      link_cases[_i].r);
        if (link_cases[_i].r == 0)
                ck_assert_uint_eq(inode, link_cases[_i].inode);
        else
                ck_assert_uint_eq(inode, 0xdeadbeef);
}
END_TEST

#define CMDLINE(s) s, sizeof(s) - 1

START_TEST(test_format_cmdline) {
        static const struct {
                const char *raw;
                size_t len;
                const char *expected;
        } cases[] = {
                { CMDLINE("python3\0-m\0http.server\0"), "python3 -m http.server" },
                { CMDLINE("node\0vite"), "node vite" },
                { CMDLINE("node\0vite\0\0\0"), "node vite" },
                { CMDLINE("vite"), "vite" },
                { CMDLINE("a\0\0b\0"), "a  b" },
                { CMDLINE("\0x\0"), " x" },
                { CMDLINE("a\tb\nc\x7f" "d\x1b[31m\0"), "a b c d [31m" },
                { CMDLINE("caf\xc3\xa9\0--port\0" "5173\0"), "caf\xc3\xa9 --port 5173" },
                /* Processes may rewrite their argv into one string with spaces */
                { CMDLINE("nginx: master process\0"), "nginx: master process" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *s = NULL;

                ck_assert_int_eq(procinfo_format_cmdline(cases[i].raw, cases[i].len, &s), 0);
                ck_assert_str_eq(s, cases[i].expected);
                free(s);
        }
}
END_TEST

START_TEST(test_format_cmdline_empty) {
        char *s = (char *) "untouched";

        ck_assert_int_eq(procinfo_format_cmdline("", 0, &s), -ENODATA);
        ck_assert_int_eq(procinfo_format_cmdline("\0\0\0", 3, &s), -ENODATA);
        ck_assert_str_eq(s, "untouched");
}
END_TEST

/* A /proc/PID/stat line whose starttime (field 22) is start, after comm */
static char *stat_line(const char *comm, const char *start) {
        char *s;

        ck_assert_int_ge(asprintf(&s, "4242 (%s) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 %s "
                                  "12345678 300 18446744073709551615 1 1 0 0 0 0 0 0 0 17 2 0 0 0 0 0\n",
                                  comm, start), 0);
        return s;
}

START_TEST(test_parse_stat_start_time) {
        static const char *const comms[] = {
                "node", "my server", "a) (b c", ") (", "x) 5", "(", ")", "", "))))) S 1 2 3",
        };

        for (size_t i = 0; i < ELEMENTSOF(comms); i++) {
                char *s = stat_line(comms[i], "987654");
                uint64_t t = 0;

                ck_assert_msg(procinfo_parse_stat_start_time(s, &t) == 0, "comm \"%s\"", comms[i]);
                ck_assert_uint_eq(t, 987654);
                free(s);
        }
}
END_TEST

START_TEST(test_parse_stat_start_time_last_field) {
        uint64_t t = 0;

        ck_assert_int_eq(procinfo_parse_stat_start_time(
                "1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 18446744073709551615", &t), 0);
        ck_assert_uint_eq(t, UINT64_MAX);
        ck_assert_int_eq(procinfo_parse_stat_start_time(
                "1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 42\n", &t), 0);
        ck_assert_uint_eq(t, 42);
}
END_TEST

START_TEST(test_parse_stat_start_time_bad) {
        static const char *const bad[] = {
                "",
                "4242 node S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1",
                /* 21 fields only */
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0",
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 ",
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0\n",
                /* two spaces make an empty field */
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0  1 0 987654",
                "4242 (node)S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654",
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 -5",
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 12ab",
                "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 18446744073709551616",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                uint64_t t = 77;

                ck_assert_msg(procinfo_parse_stat_start_time(bad[i], &t) == -EBADMSG, "\"%s\"", bad[i]);
                ck_assert_uint_eq(t, 77);
        }
}
END_TEST

START_TEST(test_done) {
        ProcInfo p = { .inode = 1, .pid = 2, .name = "node", .start_time = 3 };
        ProcInfo zero = {};

        p.cmdline = strdup("node vite");
        ck_assert_ptr_nonnull(p.cmdline);
        procinfo_done(&p);
        ck_assert_mem_eq(&p, &zero, sizeof(p));
        procinfo_done(&p);
        ck_assert_mem_eq(&p, &zero, sizeof(p));
}
END_TEST

/* ---- a fake /proc ---- */

#define ROOT_TEMPLATE "/tmp/test-procinfo-XXXXXX"
static char root[] = ROOT_TEMPLATE;

static void write_file(const char *rel, const void *data, size_t len) {
        char path[512];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, data, len), (ssize_t) len);
        close(fd);
}

static void make_dir(const char *rel) {
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void make_link(const char *rel, const char *target) {
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        ck_assert_int_eq(symlink(target, path), 0);
}

/* /proc/PID with comm, cmdline, stat and fd/ holding links to targets */
static void make_process(int pid, const char *comm, const char *cmdline, size_t cmdline_len,
                         const char *start, const char *const *targets, size_t n_targets) {
        char rel[64], *stat;

        snprintf(rel, sizeof(rel), "%d", pid);
        make_dir(rel);
        snprintf(rel, sizeof(rel), "%d/comm", pid);
        write_file(rel, comm, strlen(comm));
        snprintf(rel, sizeof(rel), "%d/cmdline", pid);
        write_file(rel, cmdline, cmdline_len);
        if (start) {
                stat = stat_line("x) (y", start);
                snprintf(rel, sizeof(rel), "%d/stat", pid);
                write_file(rel, stat, strlen(stat));
                free(stat);
        }
        snprintf(rel, sizeof(rel), "%d/fd", pid);
        make_dir(rel);
        for (size_t i = 0; i < n_targets; i++) {
                snprintf(rel, sizeof(rel), "%d/fd/%zu", pid, i + 3);
                make_link(rel, targets[i]);
        }
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void fake_proc_setup(void) {
        static const char *const node[] = { "/dev/null", "socket:[4242]", "pipe:[4243]", "socket:[4243]",
                                            "socket:[4242]" };
        static const char *const worker[] = { "socket:[4242]", "anon_inode:[eventpoll]" };
        static const char *const late_low_pid[] = { "socket:[4244]" };
        static const char *const early_high_pid[] = { "socket:[4244]" };
        static const char *const vanished[] = { "socket:[4245]" };
        static const char *const kthread[] = { "socket:[4246]" };
        static const char *const long_comm[] = { "socket:[4247]" };
        char big[5000];

        memcpy(root, ROOT_TEMPLATE, sizeof(root));
        ck_assert_ptr_nonnull(mkdtemp(root));
        make_process(100, "node\n", CMDLINE("node\0/usr/bin/vite\0--port\0" "5173\0"), "500",
                     node, ELEMENTSOF(node));
        /* A worker forked later shares the listening socket: the parent stays the owner */
        make_process(200, "node\n", CMDLINE("node\0worker.js\0"), "600", worker, ELEMENTSOF(worker));
        /* pids wrap: the lower pid is not always the older process */
        make_process(50, "late\n", CMDLINE("late\0"), "900", late_low_pid, ELEMENTSOF(late_low_pid));
        make_process(300, "early\n", CMDLINE("early\0"), "800", early_high_pid, ELEMENTSOF(early_high_pid));
        /* Exited between reading fd/ and stat */
        make_process(400, "gone\n", CMDLINE("gone\0"), NULL, vanished, ELEMENTSOF(vanished));
        make_process(600, "kworker/0:1\n", "", 0, "10", kthread, ELEMENTSOF(kthread));
        memset(big, 'a', sizeof(big));
        make_process(700, "averyveryverylongname\n", big, sizeof(big), "20", long_comm, ELEMENTSOF(long_comm));
        /* Exited before fd/ was read: no fd directory at all */
        make_dir("800");
        /* root's docker-proxy: its fd/ is closed to us, its command line is not */
        make_process(1900, "docker-proxy\n", CMDLINE("/usr/bin/docker-proxy\0-proto\0tcp\0-host-ip\0"
                     "0.0.0.0\0-host-port\0" "3000\0-container-ip\0" "172.17.0.2\0-container-port\0" "80\0"),
                     "30", NULL, 0);
        make_process(1901, "docker-proxy\n", CMDLINE("/usr/bin/docker-proxy\0-proto\0udp\0-host-ip\0"
                     "0.0.0.0\0-host-port\0" "3001\0"), "30", NULL, 0);
        /* rootless Podman's forwarder belongs to the user: found by its socket */
        static const char *const rootless[] = { "socket:[6002]" };
        make_process(1950, "rootlessport\n", CMDLINE("rootlessport\0"), "40", rootless, ELEMENTSOF(rootless));
        /* Not processes */
        make_dir("sys");
        make_dir("0123");
        make_link("self", "100");
        write_file("uptime", "1.0 1.0\n", 8);
}

static void fake_proc_teardown(void) {
        nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

START_TEST(test_lookup) {
        static const uint64_t inodes[] = { 4242, 4243, 4244, 4245, 9999, 4242, 4246, 4247 };
        ProcInfo ret[ELEMENTSOF(inodes)];

        memset(ret, 0xaa, sizeof(ret));
        ck_assert_int_eq(procinfo_lookup(root, inodes, ELEMENTSOF(inodes), ret), 0);

        for (size_t i = 0; i < ELEMENTSOF(inodes); i++)
                ck_assert_uint_eq(ret[i].inode, inodes[i]);

        ck_assert_int_eq(ret[0].pid, 100);
        ck_assert_str_eq(ret[0].name, "vite");
        ck_assert_str_eq(ret[0].cmdline, "node /usr/bin/vite --port 5173");
        ck_assert_uint_eq(ret[0].start_time, 500);

        ck_assert_int_eq(ret[1].pid, 100);
        ck_assert_str_eq(ret[1].cmdline, "node /usr/bin/vite --port 5173");
        ck_assert_ptr_ne(ret[1].cmdline, ret[0].cmdline);

        ck_assert_int_eq(ret[2].pid, 300);
        ck_assert_str_eq(ret[2].name, "early");
        ck_assert_str_eq(ret[2].cmdline, "early");
        ck_assert_uint_eq(ret[2].start_time, 800);

        ck_assert_int_eq(ret[3].pid, 0);
        ck_assert_str_eq(ret[3].name, "");
        ck_assert_ptr_null(ret[3].cmdline);

        ck_assert_int_eq(ret[4].pid, 0);
        ck_assert_ptr_null(ret[4].cmdline);

        ck_assert_int_eq(ret[5].pid, 100);
        ck_assert_str_eq(ret[5].cmdline, "node /usr/bin/vite --port 5173");

        ck_assert_int_eq(ret[6].pid, 600);
        ck_assert_str_eq(ret[6].name, "kworker/0:1");
        ck_assert_ptr_null(ret[6].cmdline);
        ck_assert_uint_eq(ret[6].start_time, 10);

        ck_assert_int_eq(ret[7].pid, 700);
        ck_assert_str_eq(ret[7].name, "averyveryverylo");
        ck_assert_uint_eq(strlen(ret[7].cmdline), 4096);

        for (size_t i = 0; i < ELEMENTSOF(inodes); i++)
                procinfo_done(&ret[i]);
}
END_TEST

START_TEST(test_lookup_nothing_wanted) {
        ProcInfo p;

        ck_assert_int_eq(procinfo_lookup(root, NULL, 0, &p), 0);
}
END_TEST

START_TEST(test_lookup_no_proc) {
        static const uint64_t inodes[] = { 4242 };
        char path[600];
        ProcInfo p;

        snprintf(path, sizeof(path), "%s/missing", root);
        ck_assert_int_eq(procinfo_lookup(path, inodes, 1, &p), -ENOENT);
}
END_TEST

/* ---- a PID reused between reading fd/ and the rest ---- */

static int reuse_mode;
static pid_t reuse_target;

static void reuse_pid(pid_t pid) {
        static const char *const none[] = { "pipe:[1]" };
        char from[600], to[600], rel[64], *stat;

        if (pid != reuse_target)
                return;
        if (reuse_mode == 0) {
                /* the old process's directory goes, another process gets its PID */
                snprintf(from, sizeof(from), "%s/%d", root, (int) pid);
                snprintf(to, sizeof(to), "%s/%d.gone", root, (int) pid);
                ck_assert_int_eq(rename(from, to), 0);
                make_process(pid, "other\n", CMDLINE("other\0"), "200", none, ELEMENTSOF(none));
        } else {
                /* the same directory says another start time: not the process whose fd/ it was */
                stat = stat_line("other", "200");
                snprintf(rel, sizeof(rel), "%d/stat", (int) pid);
                write_file(rel, stat, strlen(stat));
                free(stat);
        }
}

START_TEST(test_lookup_pid_reused) {
        static const char *const old[] = { "socket:[5000]" };
        static const uint64_t inodes[] = { 5000 };
        ProcInfo p;

        /* one PID per run: the fake /proc is shared by the tests of the case */
        reuse_target = 900 + 10 * _i;
        make_process(reuse_target, "old\n", CMDLINE("old\0"), "100", old, ELEMENTSOF(old));
        reuse_mode = _i;
        procinfo_between_reads = reuse_pid;
        ck_assert_int_eq(procinfo_lookup(root, inodes, 1, &p), 0);
        procinfo_between_reads = NULL;
        if (_i == 0) {
                /* read through the directory opened first: the old process's, never the other's */
                ck_assert_int_eq(p.pid, reuse_target);
                ck_assert_uint_eq(p.start_time, 100);
                ck_assert_str_eq(p.cmdline, "old");
        } else {
                /* the start time changed between the reads: no owner rather than a wrong one */
                ck_assert_int_eq(p.pid, 0);
                ck_assert_ptr_null(p.cmdline);
        }
        procinfo_done(&p);
}
END_TEST

START_TEST(test_forwarders) {
        Listener ls[] = {
                { .family = AF_INET, .port = 3000, .uid = 0, .inode = 6000 },
                { .family = AF_INET, .port = 3001, .uid = 0, .inode = 6001 },
                { .family = AF_INET, .port = 8080, .uid = 1000, .inode = 6002 },
                { .family = AF_INET6, .port = 3000, .uid = 0, .inode = 6003, .v6only = true },
        };
        uint64_t inodes[ELEMENTSOF(ls)];
        ProcInfo ret[ELEMENTSOF(ls)];

        for (size_t i = 0; i < ELEMENTSOF(ls); i++)
                inodes[i] = ls[i].inode;
        ck_assert_int_eq(procinfo_lookup(root, inodes, ELEMENTSOF(ls), ret), 0);
        ck_assert_int_eq(ret[0].pid, 0);
        ck_assert_int_eq(forwarder_lookup(root, ls, ELEMENTSOF(ls), ret), 0);
        /* tcp, 0.0.0.0:3000: the first docker-proxy; the udp one publishes no TCP port */
        ck_assert_int_eq(ret[0].pid, 1900);
        ck_assert_uint_eq(ret[0].inode, 6000);
        ck_assert_str_eq(ret[0].via, "docker-proxy");
        ck_assert_str_eq(ret[0].name, "docker-proxy");
        ck_assert_str_eq(ret[0].cmdline, "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 3000 "
                         "-container-ip 172.17.0.2 -container-port 80");
        ck_assert_int_eq(ret[1].pid, 0);
        ck_assert_int_eq(ret[2].pid, 1950);
        ck_assert_str_eq(ret[2].via, "rootlessport");
        /* a v6only :: socket on the port is not 0.0.0.0's proxy (Docker runs one for ::) */
        ck_assert_int_eq(ret[3].pid, 0);
        for (size_t i = 0; i < ELEMENTSOF(ls); i++)
                procinfo_done(&ret[i]);
}
END_TEST

START_TEST(test_parse_docker_proxy) {
        static const char *const full[] = { "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "::1",
                                            "-host-port", "8443", "-container-ip", "fd00::2", "-container-port", "443" };
        static const char *const no_ip[] = { "docker-proxy", "--host-port", "80" };
        static const char *const bad_port[] = { "docker-proxy", "-host-port", "70000" };
        static const char *const bad_ip[] = { "docker-proxy", "-host-ip", "localhost", "-host-port", "80" };
        static const char *const sctp[] = { "docker-proxy", "-proto", "sctp", "-host-port", "80" };
        static const char *const dangling[] = { "docker-proxy", "-host-port" };
        union in_addr_union a;
        uint16_t port = 0;
        int family = -1;

        ck_assert_int_eq(forwarder_parse_docker_proxy(full, ELEMENTSOF(full), &family, &a, &port), 0);
        ck_assert_int_eq(family, AF_INET6);
        ck_assert_uint_eq(port, 8443);
        ck_assert_int_eq(forwarder_parse_docker_proxy(no_ip, ELEMENTSOF(no_ip), &family, &a, &port), 0);
        ck_assert_int_eq(family, AF_UNSPEC);
        ck_assert_uint_eq(port, 80);
        port = 1;
        ck_assert_int_eq(forwarder_parse_docker_proxy(bad_port, ELEMENTSOF(bad_port), &family, &a, &port), -EINVAL);
        ck_assert_int_eq(forwarder_parse_docker_proxy(bad_ip, ELEMENTSOF(bad_ip), &family, &a, &port), -EINVAL);
        ck_assert_int_eq(forwarder_parse_docker_proxy(sctp, ELEMENTSOF(sctp), &family, &a, &port), -EINVAL);
        ck_assert_int_eq(forwarder_parse_docker_proxy(dangling, ELEMENTSOF(dangling), &family, &a, &port), -EINVAL);
        ck_assert_uint_eq(port, 1);
        ck_assert(forwarder_is("docker-proxy"));
        ck_assert(forwarder_is("pasta"));
        ck_assert(forwarder_is("slirp4netns"));
        ck_assert(!forwarder_is("docker"));
        ck_assert(!forwarder_is(""));
}
END_TEST

static Suite *procinfo_suite(void) {
        Suite *s = suite_create("procinfo");
        TCase *tc = tcase_create("parsers");
        TCase *tc_lookup = tcase_create("lookup");

        tcase_add_loop_test(tc, test_parse_socket_link, 0, (int) ELEMENTSOF(link_cases));
        tcase_add_test(tc, test_format_cmdline);
        tcase_add_test(tc, test_format_cmdline_empty);
        tcase_add_test(tc, test_parse_stat_start_time);
        tcase_add_test(tc, test_parse_stat_start_time_last_field);
        tcase_add_test(tc, test_parse_stat_start_time_bad);
        tcase_add_test(tc, test_done);
        tcase_add_test(tc, test_parse_docker_proxy);
        suite_add_tcase(s, tc);

        /* Built once in the parent, so a failing (forked) test leaves nothing behind */
        tcase_add_unchecked_fixture(tc_lookup, fake_proc_setup, fake_proc_teardown);
        tcase_add_test(tc_lookup, test_lookup);
        tcase_add_test(tc_lookup, test_forwarders);
        tcase_add_test(tc_lookup, test_lookup_nothing_wanted);
        tcase_add_test(tc_lookup, test_lookup_no_proc);
        tcase_add_loop_test(tc_lookup, test_lookup_pid_reused, 0, 2);
        suite_add_tcase(s, tc_lookup);
        return s;
}

TEST_MAIN(procinfo_suite)
