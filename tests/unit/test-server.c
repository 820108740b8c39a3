/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "reachd/protocol.h"
#include "request.h"
#include "response.h"
#include "server.h"
#include "state.h"
#include "testutil.h"

#define DIR_TEMPLATE "/tmp/test-server-XXXXXX"
#define WAIT_USEC (5 * 1000000ULL)
#define OTHER_UID 4242
#define PATH_BUF 128

static char dir[sizeof(DIR_TEMPLATE)];
static char path[PATH_BUF];
static sd_event *event;
static Server *server;
static State *state;

/* The view the stub serves: one server on 5173, shared on wlan0 */
static ReachBind bind_any = { .family = AF_INET };
static ReachUrl url_wlan = {
        .url = "http://192.168.1.23:5173/",
        .family = AF_INET,
        .address.bytes = { 192, 168, 1, 23 },
        .ifindex = 3,
        .ifname = "wlan0",
        .kind = LINK_KIND_WIFI,
        .default_route = true,
        .shareable = true,
};
static ReachUrl url_moved = {
        .url = "http://10.1.2.3:5173/",
        .family = AF_INET,
        .address.bytes = { 10, 1, 2, 3 },
        .ifindex = 4,
        .ifname = "eth1",
        .kind = LINK_KIND_ETHERNET,
        .default_route = true,
        .shareable = true,
};
static ReachServer srv_before = {
        .port = 5173, .listening = true, .binds = &bind_any, .n_binds = 1,
        .urls = &url_wlan, .n_urls = 1,
};
static ReachServer srv_after = {
        .port = 5173, .listening = true, .binds = &bind_any, .n_binds = 1,
        .urls = &url_moved, .n_urls = 1,
};
static ReachView view = { .servers = &srv_before, .n_servers = 1 };
static const Change change_moved = {
        .type = CHANGE_CHANGED, .port = 5173, .old = &srv_before, .new = &srv_after,
        .share_changed = true, .urls_changed = true,
};
static const char *hostname = "testhost";

static unsigned n_snapshots;
static bool last_refresh;
static RequestCommand last_command;
static int snapshot_error;

static int stub_snapshot(void *userdata, const Request *req, bool refresh, Snapshot *ret) {
        ck_assert_ptr_eq(userdata, &n_snapshots);
        n_snapshots++;
        last_refresh = refresh;
        last_command = req->command;
        if (snapshot_error < 0)
                return snapshot_error;
        *ret = (Snapshot) { .state = state, .view = &view, .generation = 7, .hostname = hostname };
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(p);
}

static void setup(void) {
        bool activated = true;
        int fd = -1;

        umask(0);
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_PID");
        memcpy(dir, DIR_TEMPLATE, sizeof(dir));
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/reachd.sock", dir);
        ck_assert_int_eq(sd_event_new(&event), 0);
        ck_assert_int_eq(state_new(&state), 0);
        ck_assert_int_eq(server_listen(path, &fd, &activated), 0);
        ck_assert(!activated);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(server_new(event, fd, getuid(), stub_snapshot, &n_snapshots, &server), 0);
        ck_assert_int_eq(server_set_unlink_path(server, path), 0);
        n_snapshots = 0;
        snapshot_error = 0;
        hostname = "testhost";
}

static void teardown(void) {
        server = server_free(server);
        event = sd_event_unref(event);
        state = state_free(state);
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs the loop for about usec */
static void pump(uint64_t usec) {
        uint64_t end = now_usec() + usec;

        while (now_usec() < end)
                ck_assert_int_ge(sd_event_run(event, 1000), 0);
}

/* Runs the loop until cond() holds; fails after WAIT_USEC */
#define PUMP_UNTIL(cond)                                                        \
        do {                                                                    \
                uint64_t _end = now_usec() + WAIT_USEC;                         \
                while (!(cond)) {                                               \
                        ck_assert_msg(now_usec() < _end, "timed out: " #cond);  \
                        ck_assert_int_ge(sd_event_run(event, 1000), 0);         \
                }                                                               \
        } while (0)

static int client_connect_to(const char *p) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        strncpy(sa.sun_path, p, sizeof(sa.sun_path) - 1);
        ck_assert_int_eq(connect(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        return fd;
}

static int client_connect(void) {
        return client_connect_to(path);
}

/* Sends everything while the loop runs; stops early when the server hangs up. Returns the
 * number of bytes sent. */
static size_t client_send(int fd, const void *data, size_t len) {
        uint64_t end = now_usec() + WAIT_USEC;
        size_t done = 0;

        while (done < len) {
                ssize_t n = send(fd, (const char *) data + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);

                if (n < 0) {
                        if (errno == EPIPE || errno == ECONNRESET)
                                break;
                        ck_assert_int_eq(errno, EAGAIN);
                        ck_assert_msg(now_usec() < end, "send timed out");
                        ck_assert_int_ge(sd_event_run(event, 1000), 0);
                        continue;
                }
                done += (size_t) n;
        }
        return done;
}

/* Reads until EOF (or a reset after the answer) while the loop runs */
static char *client_read_all(int fd, size_t *ret_len, bool *ret_reset) {
        uint64_t end = now_usec() + WAIT_USEC;
        StrBuf b = STRBUF_INIT;
        char buf[65536], *s;

        if (ret_reset)
                *ret_reset = false;
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

                if (n == 0)
                        break;
                if (n < 0 && errno == ECONNRESET) {
                        ck_assert_ptr_nonnull(ret_reset);
                        *ret_reset = true;
                        break;
                }
                if (n < 0) {
                        ck_assert_int_eq(errno, EAGAIN);
                        ck_assert_msg(now_usec() < end, "read timed out");
                        ck_assert_int_ge(sd_event_run(event, 1000), 0);
                        continue;
                }
                ck_assert_int_eq(strbuf_append_len(&b, buf, (size_t) n), 0);
        }
        if (ret_len)
                *ret_len = b.len;
        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        return s;
}

/* Whatever is readable now, without waiting for EOF */
static void client_read_available(int fd, StrBuf *b) {
        char buf[65536];
        ssize_t n;

        while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
                ck_assert_int_eq(strbuf_append_len(b, buf, (size_t) n), 0);
        ck_assert(n < 0 && errno == EAGAIN);
}

static char *request_len(const char *req, size_t len) {
        int fd = client_connect();
        char *answer;

        ck_assert_uint_eq(client_send(fd, req, len), len);
        answer = client_read_all(fd, NULL, NULL);
        close(fd);
        return answer;
}

static char *request(const char *req) {
        return request_len(req, strlen(req));
}

static void assert_answer(const char *req, const char *expected) {
        char *answer = request(req);

        ck_assert_str_eq(answer, expected);
        free(answer);
}

/* What response.c renders for req: the server must pass it on byte for byte */
static char *rendered(const char *req) {
        StrBuf b = STRBUF_INIT;
        Snapshot snap = { .state = state, .view = &view, .generation = 7, .hostname = hostname };
        Request r;
        char *s;

        ck_assert_int_eq(request_parse(req, strcspn(req, "\n"), &r), 0);
        ck_assert_int_eq(response_render(&b, &r, &snap), 0);
        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        return s;
}

static char *rendered_changes(const char *req, const Change *changes, size_t n) {
        StrBuf b = STRBUF_INIT;
        Request r;
        char *s;

        ck_assert_int_eq(request_parse(req, strcspn(req, "\n"), &r), 0);
        ck_assert_int_eq(response_render_changes(&b, &r, changes, n, 9, "b007"), 0);
        ck_assert_int_eq(strbuf_steal(&b, &s), 0);
        return s;
}

/* ---- server_listen ---- */

START_TEST(test_listen_mode_and_flags) {
        struct stat st;
        int fd, flags;
        bool activated = true;
        char other[PATH_BUF];

        /* umask 0 in setup: the mode comes from the server, not from the umask */
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0600);

        snprintf(other, sizeof(other), "%s/b.sock", dir);
        umask(0022);
        ck_assert_int_eq(server_listen(other, &fd, &activated), 0);
        ck_assert(!activated);
        ck_assert_int_eq(lstat(other, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0600);
        flags = fcntl(fd, F_GETFL);
        ck_assert(flags & O_NONBLOCK);
        flags = fcntl(fd, F_GETFD);
        ck_assert(flags & FD_CLOEXEC);
        ck_assert_int_eq(accept(fd, NULL, NULL), -1);
        ck_assert_int_eq(errno, EAGAIN);
        close(fd);
}
END_TEST

START_TEST(test_listen_stale_replaced) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char stale[PATH_BUF];
        struct stat before, after;
        bool activated;
        int fd, old;

        /* a socket file left behind by a daemon that died: nobody listens on it */
        snprintf(stale, sizeof(stale), "%s/stale.sock", dir);
        strcpy(sa.sun_path, stale);
        old = socket(AF_UNIX, SOCK_STREAM, 0);
        ck_assert_int_eq(bind(old, (struct sockaddr *) &sa, sizeof(sa)), 0);
        ck_assert_int_eq(chmod(stale, 0644), 0);
        close(old);
        ck_assert_int_eq(lstat(stale, &before), 0);
        old = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_eq(connect(old, (struct sockaddr *) &sa, sizeof(sa)), -1);
        ck_assert_int_eq(errno, ECONNREFUSED);
        close(old);

        ck_assert_int_eq(server_listen(stale, &fd, &activated), 0);
        ck_assert_int_eq(lstat(stale, &after), 0);
        ck_assert(S_ISSOCK(after.st_mode));
        ck_assert_uint_eq(before.st_mode & 07777, 0644);
        ck_assert_uint_eq(after.st_mode & 07777, 0600);
        old = client_connect_to(stale);
        close(old);
        close(fd);
}
END_TEST

START_TEST(test_listen_live_kept) {
        struct stat before, after;
        bool activated;
        int fd = -1;
        char *answer;

        /* the fixture's server is alive: a second daemon must not take its socket */
        ck_assert_int_eq(lstat(path, &before), 0);
        ck_assert_int_eq(server_listen(path, &fd, &activated), -EADDRINUSE);
        ck_assert_int_eq(fd, -1);
        ck_assert_int_eq(lstat(path, &after), 0);
        ck_assert_uint_eq(after.st_ino, before.st_ino);
        /* the probe connection is answered like any EOF-at-once client; the server still works */
        answer = request("ping\n");
        ck_assert_str_eq(answer, "pong\n");
        free(answer);
}
END_TEST

START_TEST(test_listen_not_a_socket) {
        char file[PATH_BUF];
        struct stat st;
        bool activated;
        int fd = -1, f;

        snprintf(file, sizeof(file), "%s/file", dir);
        f = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        ck_assert_int_ge(f, 0);
        ck_assert_int_eq(write(f, "data", 4), 4);
        close(f);
        ck_assert_int_eq(server_listen(file, &fd, &activated), -EADDRINUSE);
        ck_assert_int_eq(lstat(file, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_int_eq(st.st_size, 4);
}
END_TEST

START_TEST(test_listen_bad_paths) {
        char p[200];
        bool activated;
        int fd = -1;

        ck_assert_int_eq(server_listen("", &fd, &activated), -EINVAL);
        ck_assert_int_eq(server_listen(NULL, &fd, &activated), -EINVAL);
        /* sun_path is 108 bytes with the NUL */
        memset(p, 'a', sizeof(p));
        memcpy(p, dir, strlen(dir));
        p[strlen(dir)] = '/';
        p[108] = 0;
        ck_assert_int_eq(server_listen(p, &fd, &activated), -ENAMETOOLONG);
        p[107] = 0;
        ck_assert_int_eq(server_listen(p, &fd, &activated), 0);
        ck_assert_int_ge(fd, 0);
        close(fd);
        snprintf(p, sizeof(p), "%s/missing/reachd.sock", dir);
        fd = -1;
        ck_assert_int_eq(server_listen(p, &fd, &activated), -ENOENT);
        ck_assert_int_eq(fd, -1);
}
END_TEST

/* In a child: fd 3 belongs to whatever the test framework opened */
static int activation_child(int passed, const char *p, bool expect_activated) {
        struct stat st;
        bool activated = !expect_activated;
        int fd = -1;
        char pid[32];

        if (dup2(passed, SD_LISTEN_FDS_START) < 0)
                return 10;
        if (passed != SD_LISTEN_FDS_START)
                close(passed);
        snprintf(pid, sizeof(pid), "%d", (int) getpid());
        setenv("LISTEN_PID", pid, 1);
        setenv("LISTEN_FDS", "1", 1);
        if (server_listen(p, &fd, &activated) < 0)
                return 11;
        if (activated != expect_activated)
                return 12;
        if (getenv("LISTEN_FDS"))
                return 13;
        if (expect_activated) {
                if (fd != SD_LISTEN_FDS_START || !(fcntl(fd, F_GETFL) & O_NONBLOCK))
                        return 14;
                if (lstat(p, &st) == 0)
                        return 15;
        } else {
                if (fd == SD_LISTEN_FDS_START || lstat(p, &st) < 0 || !S_ISSOCK(st.st_mode))
                        return 16;
        }
        return 0;
}

static void run_activation(int passed, const char *p, bool expect_activated) {
        int status;
        pid_t pid;

        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0)
                _exit(activation_child(passed, p, expect_activated));
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
}

START_TEST(test_listen_activation) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char activated_path[PATH_BUF], fresh[PATH_BUF];
        int l, pipefd[2];

        snprintf(activated_path, sizeof(activated_path), "%s/act.sock", dir);
        snprintf(fresh, sizeof(fresh), "%s/fresh.sock", dir);
        strcpy(sa.sun_path, activated_path);
        l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_eq(bind(l, (struct sockaddr *) &sa, sizeof(sa)), 0);
        ck_assert_int_eq(listen(l, 4), 0);
        /* the passed socket wins; nothing is created at the path */
        run_activation(l, fresh, true);

        /* a passed fd that is no listening Unix stream socket is ignored */
        ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
        run_activation(pipefd[0], fresh, false);
        close(pipefd[0]);
        close(pipefd[1]);
        close(l);
}
END_TEST

START_TEST(test_free_unlinks) {
        struct stat st;
        char other[PATH_BUF];
        Server *s = NULL;
        bool activated;
        int fd;

        /* the fixture's server was told to unlink its path */
        server = server_free(server);
        ck_assert_int_eq(lstat(path, &st), -1);
        ck_assert_int_eq(errno, ENOENT);

        /* without an unlink path (socket activation) the file stays */
        snprintf(other, sizeof(other), "%s/kept.sock", dir);
        ck_assert_int_eq(server_listen(other, &fd, &activated), 0);
        ck_assert_int_eq(server_new(event, fd, getuid(), stub_snapshot, &n_snapshots, &s), 0);
        s = server_free(s);
        ck_assert_int_eq(lstat(other, &st), 0);

        /* nor when another instance's socket replaced ours meanwhile */
        ck_assert_int_eq(unlink(other), 0);
        ck_assert_int_eq(server_listen(other, &fd, &activated), 0);
        ck_assert_int_eq(server_new(event, fd, getuid(), stub_snapshot, &n_snapshots, &s), 0);
        ck_assert_int_eq(server_set_unlink_path(s, other), 0);
        ck_assert_int_eq(unlink(other), 0);
        ck_assert_int_eq(server_listen(other, &fd, &activated), 0);
        s = server_free(s);
        ck_assert_int_eq(lstat(other, &st), 0);
        close(fd);

        ck_assert_ptr_null(server_free(NULL));
}
END_TEST

/* ---- requests ---- */

START_TEST(test_url) {
        assert_answer("url\n", "http://192.168.1.23:5173/\n");
        assert_answer("url 5173\n", "http://192.168.1.23:5173/\n");
        assert_answer("url\r\n", "http://192.168.1.23:5173/\n");
        ck_assert_uint_eq(n_snapshots, 3);
        ck_assert(last_refresh);
        ck_assert_uint_eq(server_n_clients(server), 0);
}
END_TEST

START_TEST(test_ping) {
        assert_answer("ping\n", "pong\n");
        ck_assert(!last_refresh);
        assert_answer("ping\r\n", "pong\n");
}
END_TEST

START_TEST(test_empty_request) {
        int fd;
        char *answer;

        /* an empty line is url */
        assert_answer("\n", "http://192.168.1.23:5173/\n");

        /* and so is EOF before any byte: nc -U SOCKET </dev/null */
        fd = client_connect();
        ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
        answer = client_read_all(fd, NULL, NULL);
        ck_assert_str_eq(answer, "http://192.168.1.23:5173/\n");
        free(answer);
        close(fd);

        /* EOF after a line without newline: the line counts */
        fd = client_connect();
        ck_assert_uint_eq(client_send(fd, "ping", 4), 4);
        ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
        answer = client_read_all(fd, NULL, NULL);
        ck_assert_str_eq(answer, "pong\n");
        free(answer);
        close(fd);
}
END_TEST

START_TEST(test_split_request) {
        int fd = client_connect();
        char *answer;

        /* a line arriving in pieces is put together */
        ck_assert_uint_eq(client_send(fd, "pi", 2), 2);
        pump(20000);
        ck_assert_uint_eq(n_snapshots, 0);
        ck_assert_uint_eq(server_n_clients(server), 1);
        ck_assert_uint_eq(client_send(fd, "ng\n", 3), 3);
        answer = client_read_all(fd, NULL, NULL);
        ck_assert_str_eq(answer, "pong\n");
        free(answer);
        close(fd);
        PUMP_UNTIL(server_n_clients(server) == 0);
}
END_TEST

START_TEST(test_other_commands) {
        static const struct {
                const char *request;
                bool refresh;
        } table[] = {
                { "list\n", true },
                { "list 5173\n", true },
                { "json\n", true },
                { "status\n", true },
                { "url 8080\n", true },
        };

        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                char *expected = rendered(table[i].request), *answer;

                ck_assert_uint_gt(strlen(expected), 0);
                answer = request(table[i].request);
                ck_assert_str_eq(answer, expected);
                ck_assert(last_refresh == table[i].refresh);
                free(answer);
                free(expected);
        }
        ck_assert_uint_eq(n_snapshots, 5);
}
END_TEST

START_TEST(test_unknown_command) {
        char line[200];

        assert_answer("foo\n",
                      "ERR unknown-command unknown command 'foo': try url, list, json, watch, status, ping or hello\n");
        assert_answer("  frob 12\r\n",
                      "ERR unknown-command unknown command 'frob': try url, list, json, watch, status, ping or hello\n");
        assert_answer("URL\n",
                      "ERR unknown-command unknown command 'URL': try url, list, json, watch, status, ping or hello\n");
        /* a long word is cut in the message */
        memset(line, 'x', 150);
        strcpy(line + 150, "\n");
        assert_answer(line, "ERR unknown-command unknown command '"
                      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                      "...': try url, list, json, watch, status, ping or hello\n");
        ck_assert_uint_eq(n_snapshots, 0);
}
END_TEST

START_TEST(test_bad_arguments) {
        assert_answer("url abc\n",
                      "ERR bad-request bad arguments in 'url abc': url, list, status and watch take an optional "
                      "PORT (1-65535), url also an audience (lan, vpn, host); json, ping and hello take none\n");
        assert_answer("ping 1\r\n",
                      "ERR bad-request bad arguments in 'ping 1': url, list, status and watch take an optional "
                      "PORT (1-65535), url also an audience (lan, vpn, host); json, ping and hello take none\n");
        assert_answer("url 70000\n",
                      "ERR bad-request bad arguments in 'url 70000': url, list, status and watch take an optional "
                      "PORT (1-65535), url also an audience (lan, vpn, host); json, ping and hello take none\n");
        ck_assert_uint_eq(n_snapshots, 0);
}
END_TEST

START_TEST(test_garbage) {
        static const char garbage[] = "\x01\xff\xfe\x00url\x1b[31m\n";
        static const char nul[] = "url\0\n";

        {
                char *answer = request_len(garbage, sizeof(garbage) - 1);

                ck_assert_str_eq(answer, "ERR bad-request a request is one line of printable ASCII text\n");
                free(answer);
                answer = request_len(nul, sizeof(nul) - 1);
                ck_assert_str_eq(answer, "ERR bad-request a request is one line of printable ASCII text\n");
                free(answer);
        }
        ck_assert_uint_eq(n_snapshots, 0);
        /* nothing else was disturbed */
        assert_answer("ping\n", "pong\n");
}
END_TEST

START_TEST(test_too_long) {
        char line[REACHD_REQUEST_MAX + 3];
        char *answer;

        /* 1024 bytes and the newline: a line, answered as what it is */
        memset(line, 'x', REACHD_REQUEST_MAX);
        line[REACHD_REQUEST_MAX] = '\n';
        answer = request_len(line, REACHD_REQUEST_MAX + 1);
        ck_assert_str_eq(answer, "ERR unknown-command unknown command '"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "...': try url, list, json, watch, status, ping or hello\n");
        free(answer);

        /* 1025 bytes: too long */
        memset(line, 'x', REACHD_REQUEST_MAX + 1);
        line[REACHD_REQUEST_MAX + 1] = '\n';
        answer = request_len(line, REACHD_REQUEST_MAX + 2);
        ck_assert_str_eq(answer, "ERR request-too-long request lines are at most 1024 bytes\n");
        free(answer);

        /* the limit counts the request, not its line ending: 1024 bytes and CR LF are a line */
        memset(line, 'x', REACHD_REQUEST_MAX);
        memcpy(line + REACHD_REQUEST_MAX, "\r\n", 2);
        answer = request_len(line, REACHD_REQUEST_MAX + 2);
        ck_assert_int_eq(strncmp(answer, "ERR unknown-command ", 20), 0);
        free(answer);
        memset(line, 'x', REACHD_REQUEST_MAX + 1);
        memcpy(line + REACHD_REQUEST_MAX + 1, "\r\n", 2);
        answer = request_len(line, REACHD_REQUEST_MAX + 3);
        ck_assert_str_eq(answer, "ERR request-too-long request lines are at most 1024 bytes\n");
        free(answer);
        ck_assert_uint_eq(n_snapshots, 0);
        PUMP_UNTIL(server_n_clients(server) == 0);
}
END_TEST

START_TEST(test_one_mib_line) {
        size_t len = 1024 * 1024, sent;
        char *line = malloc(len), *answer;
        bool reset;
        int fd;

        ck_assert_ptr_nonnull(line);
        memset(line, 'a', len);
        fd = client_connect();
        /* the server stops reading after 1 KiB and hangs up: the send cannot finish */
        sent = client_send(fd, line, len);
        ck_assert_uint_lt(sent, len);
        answer = client_read_all(fd, NULL, &reset);
        ck_assert_str_eq(answer, "ERR request-too-long request lines are at most 1024 bytes\n");
        free(answer);
        free(line);
        close(fd);
        PUMP_UNTIL(server_n_clients(server) == 0);
        assert_answer("ping\n", "pong\n");
}
END_TEST

START_TEST(test_snapshot_error) {
        char *answer;

        /* nothing sensible to say: the client sees the connection close without an answer */
        snapshot_error = -EIO;
        answer = request("url\n");
        ck_assert_str_eq(answer, "");
        free(answer);
        ck_assert_uint_eq(n_snapshots, 1);
        ck_assert_uint_eq(server_n_clients(server), 0);
        snapshot_error = 0;
        assert_answer("url\n", "http://192.168.1.23:5173/\n");
}
END_TEST

/* ---- limits ---- */

static int watch_connect(const char *req);

START_TEST(test_busy) {
        int fds[SERVER_MAX_CLIENTS], fd;
        char *answer;

        for (size_t i = 0; i < SERVER_MAX_CLIENTS; i++)
                fds[i] = client_connect();
        PUMP_UNTIL(server_n_clients(server) == SERVER_MAX_CLIENTS);

        /* the 65th gets in: the oldest idle client makes room */
        assert_answer("url\n", "http://192.168.1.23:5173/\n");
        answer = client_read_all(fds[0], NULL, NULL);
        ck_assert_str_eq(answer, "ERR busy too many clients: closing the oldest idle connection\n");
        free(answer);
        close(fds[0]);
        fds[0] = -1;
        ck_assert_uint_eq(server_n_clients(server), SERVER_MAX_CLIENTS - 1);

        /* the others still wait, and are still served */
        ck_assert_uint_eq(client_send(fds[1], "ping\n", 5), 5);
        answer = client_read_all(fds[1], NULL, NULL);
        ck_assert_str_eq(answer, "pong\n");
        free(answer);
        close(fds[1]);
        fds[1] = -1;
        for (size_t i = 2; i < SERVER_MAX_CLIENTS; i++)
                close(fds[i]);
        PUMP_UNTIL(server_n_clients(server) == 0);

        /* 64 watchers are no idle clients: the next one is turned away */
        for (size_t i = 0; i < SERVER_MAX_CLIENTS; i++)
                fds[i] = watch_connect("watch\n");
        fd = client_connect();
        answer = client_read_all(fd, NULL, NULL);
        ck_assert_str_eq(answer, "ERR busy too many clients\n");
        free(answer);
        close(fd);
        ck_assert_uint_eq(server_n_clients(server), SERVER_MAX_CLIENTS);
        for (size_t i = 0; i < SERVER_MAX_CLIENTS; i++)
                close(fds[i]);
}
END_TEST

START_TEST(test_idle_client_blocks_nobody) {
        int idle = client_connect(), half = client_connect();

        ck_assert_uint_eq(client_send(half, "pi", 2), 2);
        PUMP_UNTIL(server_n_clients(server) == 2);
        assert_answer("url\n", "http://192.168.1.23:5173/\n");
        assert_answer("ping\n", "pong\n");
        ck_assert_uint_eq(server_n_clients(server), 2);
        close(idle);
        close(half);
}
END_TEST

START_TEST(test_timeout) {
        uint64_t start;
        char *answer;
        int fd;

        server_set_request_timeout(server, 200 * 1000);

        fd = client_connect();
        start = now_usec();
        answer = client_read_all(fd, NULL, NULL);
        ck_assert_str_eq(answer, "ERR bad-request timed out waiting for a request\n");
        ck_assert_uint_ge(now_usec() - start, 200 * 1000);
        ck_assert_uint_lt(now_usec() - start, 2000 * 1000);
        free(answer);
        close(fd);

        /* half a line is no request either */
        fd = client_connect();
        ck_assert_uint_eq(client_send(fd, "pin", 3), 3);
        answer = client_read_all(fd, NULL, NULL);
        ck_assert_str_eq(answer, "ERR bad-request timed out waiting for a request\n");
        free(answer);
        close(fd);
        ck_assert_uint_eq(n_snapshots, 0);
        ck_assert_uint_eq(server_n_clients(server), 0);
}
END_TEST

START_TEST(test_large_answer) {
        size_t big = 1024 * 1024, len;
        char *name = malloc(big + 1), *expected, *answer;
        int fd;

        /* more than a socket buffer holds: the rest goes out on EPOLLOUT */
        ck_assert_ptr_nonnull(name);
        memset(name, 'h', big);
        name[big] = 0;
        hostname = name;
        expected = rendered("json\n");
        ck_assert_uint_gt(strlen(expected), big);

        fd = client_connect();
        ck_assert_uint_eq(client_send(fd, "json\n", 5), 5);
        pump(20000);
        /* while the client does not read, others are served */
        assert_answer("ping\n", "pong\n");
        answer = client_read_all(fd, &len, NULL);
        ck_assert_uint_eq(len, strlen(expected));
        ck_assert_str_eq(answer, expected);
        free(answer);
        free(expected);
        close(fd);
        free(name);
        hostname = "testhost";
}
END_TEST

START_TEST(test_answer_timeout) {
        size_t big = 1024 * 1024;
        char *name = malloc(big + 1);
        int fd;

        /* an answer nobody reads does not hold its slot for ever */
        ck_assert_ptr_nonnull(name);
        memset(name, 'h', big);
        name[big] = 0;
        hostname = name;
        server_set_request_timeout(server, 200 * 1000);
        fd = client_connect();
        ck_assert_uint_eq(client_send(fd, "json\n", 5), 5);
        pump(100 * 1000);
        ck_assert_uint_eq(server_n_clients(server), 1);
        PUMP_UNTIL(server_n_clients(server) == 0);
        close(fd);
        free(name);
        hostname = "testhost";
}
END_TEST

START_TEST(test_permission_denied) {
        char expected[128];
        char *answer;

        if (getuid() != 0) {
                /* unprivileged: a server of another uid refuses us */
                Server *s = NULL;
                char other[PATH_BUF];
                bool activated;
                int fd;

                server = server_free(server);
                snprintf(other, sizeof(other), "%s/other.sock", dir);
                ck_assert_int_eq(server_listen(other, &fd, &activated), 0);
                ck_assert_int_eq(server_new(event, fd, getuid() + 1, stub_snapshot, &n_snapshots, &s), 0);
                server = s;
                snprintf(path, sizeof(path), "%s", other);
                snprintf(expected, sizeof(expected),
                         "ERR permission-denied only uid %u and root may use this socket\n", getuid() + 1);
                answer = request("url\n");
                ck_assert_str_eq(answer, expected);
                free(answer);
        } else {
                /* root: root itself is always allowed, so a child of another uid asks */
                int status;
                pid_t pid;

                ck_assert_int_eq(chmod(dir, 0755), 0);
                ck_assert_int_eq(chmod(path, 0666), 0);
                snprintf(expected, sizeof(expected), "ERR permission-denied only root may use this socket\n");
                pid = fork();
                ck_assert_int_ge(pid, 0);
                if (pid == 0) {
                        struct timeval tv = { .tv_sec = 5 };
                        char buf[256];
                        ssize_t n;
                        size_t len = 0;
                        int fd;

                        if (setgid(OTHER_UID) < 0 || setuid(OTHER_UID) < 0)
                                _exit(10);
                        fd = client_connect();
                        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
                        (void) send(fd, "url\n", 4, MSG_NOSIGNAL);
                        while ((n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) > 0)
                                len += (size_t) n;
                        buf[len] = 0;
                        _exit(n == 0 && strcmp(buf, expected) == 0 ? 0 : 11);
                }
                PUMP_UNTIL(waitpid(pid, &status, WNOHANG) == pid);
                ck_assert(WIFEXITED(status));
                ck_assert_int_eq(WEXITSTATUS(status), 0);
                /* root may */
                assert_answer("ping\n", "pong\n");
        }
        ck_assert_uint_eq(n_snapshots, getuid() != 0 ? 0 : 1);
        ck_assert_uint_eq(server_n_clients(server), 0);
}
END_TEST

static bool under_valgrind(void) {
        const char *p = getenv("LD_PRELOAD");

        return p && strstr(p, "vgpreload");
}

START_TEST(test_emfile_no_spin) {
        struct rlimit old, low;
        unsigned dispatched = 0;
        uint64_t end;
        char *answer;
        bool reset;
        int fd, probe;

        /* one round trip first, so the loop's timer fd exists before fds run out */
        assert_answer("ping\n", "pong\n");
        fd = client_connect();
        ck_assert_uint_eq(client_send(fd, "ping\n", 5), 5);

        ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
        probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(probe, 0);
        close(probe);
        low = old;
        low.rlim_cur = (rlim_t) probe;
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);

        /* accept fails with EMFILE: the listener pauses instead of waking the loop at once again */
        end = now_usec() + 300 * 1000;
        while (now_usec() < end) {
                int r = sd_event_run(event, 10 * 1000);

                ck_assert_int_ge(r, 0);
                dispatched += r > 0;
        }
        ck_assert_uint_le(dispatched, 10);
        ck_assert_uint_eq(server_n_clients(server), 0);

        /* fds are back: the waiting connection is served. Valgrind emulates the limit by closing
         * what the kernel accepted, so there the connection is lost instead. */
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
        answer = client_read_all(fd, NULL, &reset);
        if (!under_valgrind()) {
                ck_assert(!reset);
                ck_assert_str_eq(answer, "pong\n");
        }
        free(answer);
        close(fd);
        assert_answer("ping\n", "pong\n");
}
END_TEST

/* ---- watch ---- */

static int watch_connect(const char *req) {
        int fd = client_connect();
        size_t watchers = server_n_watchers(server);

        ck_assert_uint_eq(client_send(fd, req, strlen(req)), strlen(req));
        PUMP_UNTIL(server_n_watchers(server) == watchers + 1);
        return fd;
}

/* Reads until b holds len bytes */
static void read_exactly(int fd, StrBuf *b, size_t len) {
        PUMP_UNTIL((client_read_available(fd, b), b->len >= len));
        ck_assert_uint_eq(b->len, len);
}

START_TEST(test_watch) {
        StrBuf got = STRBUF_INIT;
        char *snapshot = rendered("watch\n"), *change = rendered_changes("watch\n", &change_moved, 1);
        int fd;

        ck_assert_ptr_nonnull(strstr(snapshot, "\"snapshot\""));
        ck_assert_ptr_nonnull(strstr(change, "http://10.1.2.3:5173/"));

        /* its snapshot is as fresh as an answer: a `wait` never starts from a stale view */
        fd = watch_connect("watch\n");
        ck_assert(last_refresh);
        ck_assert_int_eq(last_command, REQUEST_WATCH);
        ck_assert_uint_eq(server_n_clients(server), 1);
        read_exactly(fd, &got, strlen(snapshot));
        ck_assert_str_eq(got.data, snapshot);

        /* watchers stay connected: no timeout applies to them */
        server_set_request_timeout(server, 50 * 1000);
        pump(150 * 1000);
        ck_assert_uint_eq(server_n_watchers(server), 1);

        strbuf_reset(&got);
        ck_assert_int_eq(server_publish(server, &change_moved, 1, 9, "b007"), 0);
        read_exactly(fd, &got, strlen(change));
        ck_assert_str_eq(got.data, change);

        /* no changes, nothing sent */
        ck_assert_int_eq(server_publish(server, &change_moved, 0, 9, "b007"), 0);
        pump(20000);
        strbuf_reset(&got);
        client_read_available(fd, &got);
        ck_assert_uint_eq(got.len, 0);

        /* the peer going away ends it */
        close(fd);
        PUMP_UNTIL(server_n_clients(server) == 0);
        ck_assert_uint_eq(server_n_watchers(server), 0);
        strbuf_done(&got);
        free(snapshot);
        free(change);
}
END_TEST

START_TEST(test_watch_port) {
        StrBuf got = STRBUF_INIT;
        char *change = rendered_changes("watch 5173\n", &change_moved, 1);
        char *none = rendered_changes("watch 8080\n", &change_moved, 1);
        char *snapshot = rendered("watch 5173\n"), *other_snapshot = rendered("watch 8080\n");
        int mine, other;

        ck_assert_str_eq(none, "");
        mine = watch_connect("watch 5173\n");
        other = watch_connect("watch 8080\n");
        read_exactly(mine, &got, strlen(snapshot));
        ck_assert_str_eq(got.data, snapshot);
        /* 8080 is not in the view: hello and synced, nothing between */
        strbuf_reset(&got);
        read_exactly(other, &got, strlen(other_snapshot));
        ck_assert_str_eq(got.data, other_snapshot);
        ck_assert_ptr_nonnull(strstr(got.data, "}\n{\"event\":\"synced\","));

        ck_assert_int_eq(server_publish(server, &change_moved, 1, 9, "b007"), 0);
        strbuf_reset(&got);
        read_exactly(mine, &got, strlen(change));
        ck_assert_str_eq(got.data, change);
        pump(20000);
        strbuf_reset(&got);
        client_read_available(other, &got);
        ck_assert_uint_eq(got.len, 0);
        ck_assert_uint_eq(server_n_watchers(server), 2);

        close(mine);
        close(other);
        PUMP_UNTIL(server_n_clients(server) == 0);
        strbuf_done(&got);
        free(change);
        free(none);
        free(snapshot);
        free(other_snapshot);
}
END_TEST

static bool watches_port(uint16_t port, void *userdata) {
        return port == *(const uint16_t *) userdata;
}

START_TEST(test_any_watcher) {
        uint16_t port5173 = 5173, none = 0, port8080 = 8080;
        uint64_t before = now_usec();
        int mine, all, idle;

        ck_assert(!server_any_watcher(server, 0, watches_port, &port5173));
        mine = watch_connect("watch 5173\n");
        all = watch_connect("watch\n");
        /* a client that has not sent its request yet watches nothing */
        idle = client_connect();
        pump(20000);
        ck_assert(server_any_watcher(server, 0, watches_port, &port5173));
        ck_assert(server_any_watcher(server, 0, watches_port, &none));
        ck_assert(!server_any_watcher(server, 0, watches_port, &port8080));
        /* the time each started watching */
        ck_assert(server_any_watcher(server, before, watches_port, &port5173));
        ck_assert(!server_any_watcher(server, now_usec() + 1000000, watches_port, &port5173));
        close(mine);
        PUMP_UNTIL(server_n_watchers(server) == 1);
        ck_assert(!server_any_watcher(server, 0, watches_port, &port5173));
        ck_assert(server_any_watcher(server, 0, watches_port, &none));
        close(all);
        close(idle);
        PUMP_UNTIL(server_n_clients(server) == 0);
        ck_assert(!server_any_watcher(server, 0, watches_port, &none));
}
END_TEST

START_TEST(test_watch_input_and_half_close) {
        StrBuf got = STRBUF_INIT;
        char *snapshot = rendered("watch\n"), *change = rendered_changes("watch\n", &change_moved, 1);
        char junk[8192];
        int fd;

        /* bytes after the request are read and forgotten */
        fd = watch_connect("watch\n");
        memset(junk, 'j', sizeof(junk));
        ck_assert_uint_eq(client_send(fd, junk, sizeof(junk)), sizeof(junk));
        pump(20000);
        ck_assert_uint_eq(server_n_watchers(server), 1);
        /* a half-close after the request keeps the stream */
        ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
        pump(20000);
        ck_assert_uint_eq(server_n_watchers(server), 1);
        read_exactly(fd, &got, strlen(snapshot));
        strbuf_reset(&got);
        ck_assert_int_eq(server_publish(server, &change_moved, 1, 9, "b007"), 0);
        read_exactly(fd, &got, strlen(change));
        ck_assert_str_eq(got.data, change);
        close(fd);
        PUMP_UNTIL(server_n_watchers(server) == 0);
        ck_assert_uint_eq(server_n_clients(server), 0);
        strbuf_done(&got);
        free(snapshot);
        free(change);
}
END_TEST

START_TEST(test_watch_slow_reader_dropped) {
        StrBuf got = STRBUF_INIT;
        char *snapshot = rendered("watch\n"), *change = rendered_changes("watch\n", &change_moved, 1);
        size_t published = 0, n = 0, limit = 16 * 1024 * 1024;
        int slow, fast;

        slow = watch_connect("watch\n");
        fast = watch_connect("watch\n");
        read_exactly(fast, &got, strlen(snapshot));
        strbuf_reset(&got);

        while (server_n_watchers(server) == 2) {
                int k;

                ck_assert_uint_lt(published, limit);
                k = server_publish(server, &change_moved, 1, 9, "b007");
                /* how many it dropped: the slow one, once */
                ck_assert_int_eq(k, server_n_watchers(server) == 2 ? 0 : 1);
                published += strlen(change);
                n++;
                /* the fast one keeps up */
                ck_assert_int_ge(sd_event_run(event, 0), 0);
                client_read_available(fast, &got);
        }
        /* nobody is dropped before more than the limit is queued for it */
        ck_assert_uint_gt(published, SERVER_WATCH_QUEUE_MAX);
        ck_assert_uint_eq(server_n_watchers(server), 1);

        read_exactly(fast, &got, n * strlen(change));
        for (size_t i = 0; i < n; i++)
                ck_assert_mem_eq(got.data + i * strlen(change), change, strlen(change));

        /* the slow one finds whole lines, then one that says why the stream ends, then EOF */
        {
                static const char dropped[] = "{\"event\":\"dropped\",\"reason\":\"too-slow\"}\n";
                size_t len, k;
                bool reset;
                char *rest = client_read_all(slow, &len, &reset);

                ck_assert(!reset);
                ck_assert_uint_ge(len, strlen(snapshot) + strlen(dropped));
                ck_assert_uint_lt(len, strlen(snapshot) + published);
                ck_assert_mem_eq(rest, snapshot, strlen(snapshot));
                ck_assert_str_eq(rest + len - strlen(dropped), dropped);
                for (k = strlen(snapshot); k + strlen(dropped) < len; k += strlen(change))
                        ck_assert_mem_eq(rest + k, change, strlen(change));
                ck_assert_uint_eq(k + strlen(dropped), len);
                free(rest);
        }
        PUMP_UNTIL(server_n_clients(server) == 1);
        assert_answer("ping\n", "pong\n");
        close(slow);
        close(fast);
        strbuf_done(&got);
        free(snapshot);
        free(change);
}
END_TEST

START_TEST(test_watch_big_change) {
        static ReachUrl urls[2000];
        ReachServer big = srv_after;
        Change c = change_moved;
        StrBuf got = STRBUF_INIT;
        char *snapshot = rendered("watch\n"), *line;
        unsigned n;
        int fd;

        for (size_t i = 0; i < 2000; i++)
                urls[i] = url_moved;
        big.urls = urls;
        big.n_urls = 2000;
        c.new = &big;
        line = rendered_changes("watch\n", &c, 1);
        ck_assert_uint_gt(strlen(line), SERVER_WATCH_QUEUE_MAX);

        /* a watcher that reads gets the whole line, however long */
        fd = watch_connect("watch\n");
        read_exactly(fd, &got, strlen(snapshot));
        strbuf_reset(&got);
        ck_assert_int_eq(server_publish(server, &c, 1, 9, "b007"), 0);
        ck_assert_uint_eq(server_n_watchers(server), 1);
        read_exactly(fd, &got, strlen(line));
        ck_assert_str_eq(got.data, line);
        ck_assert_uint_eq(server_n_watchers(server), 1);

        /* one that stops reading is dropped once more than the limit is left unread: not at
         * the first change it leaves unread, at the latest by the third */
        for (n = 0; server_n_watchers(server) == 1; n++) {
                int k;

                ck_assert_uint_lt(n, 3);
                k = server_publish(server, &c, 1, 9, "b007");
                ck_assert_int_eq(k, server_n_watchers(server) == 1 ? 0 : 1);
        }
        ck_assert_uint_ge(n, 2);
        /* what it then reads are whole lines, the first of which the kernel held in part before
         * the buffer was compacted, and the line that says why the stream ends */
        {
                static const char dropped[] = "{\"event\":\"dropped\",\"reason\":\"too-slow\"}\n";
                size_t len, k;
                bool reset;
                char *rest = client_read_all(fd, &len, &reset);

                ck_assert(!reset);
                ck_assert_uint_ge(len, strlen(line) + strlen(dropped));
                for (k = 0; k + strlen(dropped) < len; k += strlen(line))
                        ck_assert_mem_eq(rest + k, line, strlen(line));
                ck_assert_uint_eq(k + strlen(dropped), len);
                ck_assert_str_eq(rest + k, dropped);
                free(rest);
        }
        close(fd);
        strbuf_done(&got);
        free(snapshot);
        free(line);
}
END_TEST

START_TEST(test_publish_without_watchers) {
        int idle = client_connect();

        PUMP_UNTIL(server_n_clients(server) == 1);
        ck_assert_int_eq(server_publish(server, &change_moved, 1, 9, "b007"), 0);
        ck_assert_uint_eq(server_n_clients(server), 1);
        /* a client still sending its request gets no watch lines */
        ck_assert_uint_eq(client_send(idle, "ping\n", 5), 5);
        {
                char *answer = client_read_all(idle, NULL, NULL);

                ck_assert_str_eq(answer, "pong\n");
                free(answer);
        }
        close(idle);
}
END_TEST

/* ---- the socket file, out of fds ---- */

START_TEST(test_socket_lost_and_replaced) {
        StrBuf got = STRBUF_INIT;
        char *change = rendered_changes("watch\n", &change_moved, 1), *snapshot = rendered("watch\n");
        struct stat st;
        bool activated;
        int watcher, fd = -1, f;

        ck_assert(!server_socket_lost(server));
        /* a chmod changes the ctime, not whose socket it is */
        ck_assert_int_eq(chmod(path, 0600), 0);
        ck_assert(!server_socket_lost(server));

        watcher = watch_connect("watch\n");
        read_exactly(watcher, &got, strlen(snapshot));
        ck_assert_int_eq(unlink(path), 0);
        ck_assert(server_socket_lost(server));

        ck_assert_int_eq(server_listen(path, &fd, &activated), 0);
        ck_assert(!activated);
        ck_assert_int_eq(server_replace_listener(server, fd), 0);
        /* still lost until told which file is ours now */
        ck_assert(server_socket_lost(server));
        ck_assert_int_eq(server_set_unlink_path(server, path), 0);
        ck_assert(!server_socket_lost(server));
        assert_answer("ping\n", "pong\n");

        /* the watcher connected before keeps its stream */
        strbuf_reset(&got);
        ck_assert_int_eq(server_publish(server, &change_moved, 1, 9, "b007"), 0);
        read_exactly(watcher, &got, strlen(change));
        ck_assert_str_eq(got.data, change);
        ck_assert_uint_eq(server_n_watchers(server), 1);

        /* another file in its place */
        ck_assert_int_eq(unlink(path), 0);
        f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ck_assert_int_ge(f, 0);
        close(f);
        ck_assert(server_socket_lost(server));
        /* its directory gone */
        ck_assert_int_eq(unlink(path), 0);
        ck_assert_int_eq(rmdir(dir), 0);
        ck_assert(server_socket_lost(server));
        ck_assert_int_eq(mkdir(dir, 0700), 0);

        /* freed, it leaves a file that is not its own alone */
        ck_assert_int_eq(server_listen(path, &fd, &activated), 0);
        server = server_free(server);
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));
        close(fd);
        close(watcher);
        strbuf_done(&got);
        free(change);
        free(snapshot);
}
END_TEST

START_TEST(test_socket_not_watched_without_path) {
        ck_assert_int_eq(server_set_unlink_path(server, NULL), 0);
        ck_assert_int_eq(unlink(path), 0);
        ck_assert(!server_socket_lost(server));
}
END_TEST

START_TEST(test_busy_request_waiting) {
        int fds[SERVER_MAX_CLIENTS - 1], sent, idle;
        char *answer;

        for (size_t i = 0; i < SERVER_MAX_CLIENTS - 1; i++)
                fds[i] = watch_connect("watch\n");
        /* both are queued before the loop runs: the one that sent its request is no idle
         * client, though it is the only one not watching when the other makes the server full */
        sent = client_connect();
        ck_assert_uint_eq(client_send(sent, "ping\n", 5), 5);
        idle = client_connect();
        answer = client_read_all(sent, NULL, NULL);
        ck_assert_str_eq(answer, "pong\n");
        free(answer);
        PUMP_UNTIL(server_n_clients(server) == SERVER_MAX_CLIENTS);
        close(sent);
        close(idle);
        for (size_t i = 0; i < SERVER_MAX_CLIENTS - 1; i++)
                close(fds[i]);
}
END_TEST

START_TEST(test_emfile_evicts_idle) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct rlimit old, low;
        char *answer, *evicted;
        bool reset;
        int idle, fd, probe;

        /* Valgrind emulates the limit by closing what the kernel accepted: the waiting
         * connection is gone before anyone could make room for it */
        if (under_valgrind())
                return;
        /* one round trip first, so the loop's timer fd exists before fds run out */
        assert_answer("ping\n", "pong\n");
        idle = client_connect();
        PUMP_UNTIL(server_n_clients(server) == 1);
        ck_assert_uint_eq(server_n_accept_failures(server), 0);
        ck_assert_int_eq(server_accept_error(server), 0);

        /* the client's socket is made while there are fds; the server has none left to accept it */
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
        probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(probe, 0);
        close(probe);
        low = old;
        low.rlim_cur = (rlim_t) probe;
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
        strcpy(sa.sun_path, path);
        ck_assert_int_eq(connect(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        ck_assert_uint_eq(client_send(fd, "ping\n", 5), 5);

        /* the idle client makes room at once, as when all slots are taken */
        evicted = client_read_all(idle, NULL, NULL);
        answer = client_read_all(fd, NULL, &reset);
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
        ck_assert_str_eq(evicted, "ERR busy too many clients: closing the oldest idle connection\n");
        ck_assert(!reset);
        ck_assert_str_eq(answer, "pong\n");
        /* only the one accept() that found a connection waiting counts */
        ck_assert_uint_eq(server_n_accept_failures(server), 1);
        ck_assert_int_eq(server_accept_error(server), -EMFILE);
        free(evicted);
        free(answer);
        close(idle);
        close(fd);
        assert_answer("ping\n", "pong\n");
}
END_TEST

static Suite *server_suite(void) {
        Suite *s = suite_create("server");
        TCase *tc;

        tc = tcase_create("listen");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_listen_mode_and_flags);
        tcase_add_test(tc, test_listen_stale_replaced);
        tcase_add_test(tc, test_listen_live_kept);
        tcase_add_test(tc, test_listen_not_a_socket);
        tcase_add_test(tc, test_listen_bad_paths);
        tcase_add_test(tc, test_listen_activation);
        tcase_add_test(tc, test_free_unlinks);
        tcase_add_test(tc, test_socket_lost_and_replaced);
        tcase_add_test(tc, test_socket_not_watched_without_path);
        suite_add_tcase(s, tc);

        tc = tcase_create("requests");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_url);
        tcase_add_test(tc, test_ping);
        tcase_add_test(tc, test_empty_request);
        tcase_add_test(tc, test_split_request);
        tcase_add_test(tc, test_other_commands);
        tcase_add_test(tc, test_unknown_command);
        tcase_add_test(tc, test_bad_arguments);
        tcase_add_test(tc, test_garbage);
        tcase_add_test(tc, test_too_long);
        tcase_add_test(tc, test_one_mib_line);
        tcase_add_test(tc, test_snapshot_error);
        suite_add_tcase(s, tc);

        tc = tcase_create("limits");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_busy);
        tcase_add_test(tc, test_idle_client_blocks_nobody);
        tcase_add_test(tc, test_timeout);
        tcase_add_test(tc, test_large_answer);
        tcase_add_test(tc, test_answer_timeout);
        tcase_add_test(tc, test_permission_denied);
        tcase_add_test(tc, test_emfile_no_spin);
        tcase_add_test(tc, test_emfile_evicts_idle);
        tcase_add_test(tc, test_busy_request_waiting);
        suite_add_tcase(s, tc);

        tc = tcase_create("watch");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_watch);
        tcase_add_test(tc, test_watch_port);
        tcase_add_test(tc, test_any_watcher);
        tcase_add_test(tc, test_watch_input_and_half_close);
        tcase_add_test(tc, test_watch_slow_reader_dropped);
        tcase_add_test(tc, test_watch_big_change);
        tcase_add_test(tc, test_publish_without_watchers);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(server_suite)
