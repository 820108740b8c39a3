/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "reachd/protocol.h"
#include "request.h"
#include "server.h"

#define SERVER_BACKLOG 128
#define SERVER_ACCEPT_BURST 16
#define SERVER_ACCEPT_RETRY_USEC (100 * 1000ULL)
#define SERVER_TIMER_ACCURACY_USEC (10 * 1000ULL)
#define SERVER_READ_BURST 16
#define SERVER_KEEP_BUFFER (16 * 1024)
#define SERVER_QUOTE_MAX 64

typedef enum ClientState {
        CLIENT_READING,                       /* waiting for the request line */
        CLIENT_ANSWERING,                     /* sending the answer, then closing */
        CLIENT_WATCHING,                      /* streaming changes until the peer goes */
} ClientState;

typedef struct Client Client;

struct Client {
        Server *server;
        Client *prev, *next;
        int fd;
        sd_event_source *io;
        sd_event_source *timer;
        ClientState state;
        Request request;
        bool input_eof;
        char line[REACHD_REQUEST_MAX + 2];    /* the longest line that may still end in "\r\n" */
        size_t n_line;
        StrBuf out;
        size_t out_sent;
        uint64_t watch_since;                 /* CLOCK_MONOTONIC, when it started watching */
        bool dropped;                         /* a watcher told it is dropped, reading its last lines */
        bool sent_mid_line;                   /* what the kernel has of the stream ends inside a line */
};

struct Server {
        sd_event *event;
        int fd;
        sd_event_source *listen_source;
        sd_event_source *retry_timer;
        uid_t uid;
        server_snapshot_fn snapshot;
        void *userdata;
        Client *clients;
        size_t n_clients;
        size_t n_watchers;
        uint64_t request_timeout;
        uint64_t n_accept_failures;
        int accept_error;
        char *unlink_path;                    /* also the file server_socket_lost() looks at */
        dev_t unlink_dev;
        ino_t unlink_ino;
        struct timespec unlink_ctime;         /* inode numbers are reused at once on some file systems */
};

static int fd_set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);

        if (flags < 0)
                return -errno;
        if ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

/* Closing a Unix socket with unread input makes the peer's next read fail with ECONNRESET
 * instead of EOF; a client that sent more than we read would lose the end of the answer. */
static void drain_input(int fd) {
        char buf[4096];

        for (unsigned i = 0; i < SERVER_READ_BURST; i++)
                if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
                        break;
}

static void close_gracefully(int fd) {
        (void) shutdown(fd, SHUT_WR);
        drain_input(fd);
        close(fd);
}

/* For a connection we turn away at once: a fresh socket has room for one short line. */
static void reject(int fd, const char *code, const char *text) {
        StrBuf b = STRBUF_INIT;

        if (response_error(&b, code, text) >= 0)
                (void) send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        strbuf_done(&b);
        close_gracefully(fd);
}

static Client *client_free(Client *c) {
        if (!c)
                return NULL;
        if (c->server) {
                if (c->prev)
                        c->prev->next = c->next;
                else
                        c->server->clients = c->next;
                if (c->next)
                        c->next->prev = c->prev;
                c->server->n_clients--;
                if (c->state == CLIENT_WATCHING)
                        c->server->n_watchers--;
        }
        /* out of epoll before the fd number can be reused */
        sd_event_source_disable_unref(c->io);
        sd_event_source_disable_unref(c->timer);
        if (c->fd >= 0)
                close(c->fd);
        strbuf_done(&c->out);
        free(c);
        return NULL;
}

static void client_close(Client *c) {
        int fd = c->fd;

        c->fd = -1;
        sd_event_source_disable_unref(c->io);
        c->io = NULL;
        close_gracefully(fd);
        client_free(c);
}

static size_t client_queued(const Client *c) {
        return c->out.len - c->out_sent;
}

static int client_update_events(Client *c) {
        uint32_t events = 0;

        switch (c->state) {
        case CLIENT_READING:
                events = EPOLLIN;
                break;
        case CLIENT_ANSWERING:
                break;
        case CLIENT_WATCHING:
                if (!c->input_eof)
                        events = EPOLLIN;
                break;
        }
        if (client_queued(c) > 0)
                events |= EPOLLOUT;
        return sd_event_source_set_io_events(c->io, events);
}

/* 1 when everything queued is sent, 0 when the rest waits for EPOLLOUT */
static int client_arm_timer(Client *c);

static int client_flush(Client *c) {
        int r;

        while (client_queued(c) > 0) {
                ssize_t n;

                n = send(c->fd, c->out.data + c->out_sent, client_queued(c), MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                break;
                        return -errno;
                }
                if (n == 0)
                        break;
                c->out_sent += (size_t) n;
                c->sent_mid_line = c->out.data[c->out_sent - 1] != '\n';
                /* a dropped watcher still reading what the kernel holds for it gets its time to
                 * reach the line that says why */
                if (c->dropped && client_arm_timer(c) < 0)
                        return -ENOMEM;
        }
        if (client_queued(c) == 0) {
                /* a burst for a slow watcher may have grown the buffer: give it back */
                if (c->out.allocated > SERVER_KEEP_BUFFER)
                        strbuf_done(&c->out);
                else
                        strbuf_reset(&c->out);
                c->out_sent = 0;
        }
        r = client_update_events(c);
        if (r < 0)
                return r;
        return client_queued(c) == 0;
}

static int client_queue(Client *c, const char *data, size_t len) {
        int r;

        if (len == 0)
                return 0;
        /* Only what it left unread counts against a watcher: one change bigger than the limit
         * (a server with thousands of addresses) must not drop a client that keeps up. */
        if (client_queued(c) > SERVER_WATCH_QUEUE_MAX)
                return -ENOBUFS;
        if (c->out_sent > 0) {
                memmove(c->out.data, c->out.data + c->out_sent, client_queued(c));
                c->out.len -= c->out_sent;
                c->out.data[c->out.len] = 0;
                c->out_sent = 0;
        }
        r = strbuf_append_len(&c->out, data, len);
        if (r < 0)
                return r;
        r = client_flush(c);
        if (r < 0)
                return r;
        return 0;
}

static int client_arm_timer(Client *c) {
        uint64_t now, timeout = c->server->request_timeout;
        int r;

        r = sd_event_now(c->server->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        r = sd_event_source_set_time(c->timer, timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

/* The answer is complete in c->out: send it, and close once it is gone */
static int client_start_answer(Client *c) {
        int r;

        c->state = CLIENT_ANSWERING;
        r = client_arm_timer(c);
        if (r < 0)
                return r;
        return client_flush(c);
}

/* A watcher that must go gets one last line saying why, after the line it has begun to receive
 * (what it has not begun is thrown away: that is what it could not keep up with) */
static int client_say_dropped(Client *c, const char *reason) {
        size_t keep = c->out_sent;

        /* out_sent alone cannot tell: the buffer is compacted once its sent part is dropped */
        if (c->sent_mid_line) {
                const char *nl = memchr(c->out.data + keep, '\n', c->out.len - keep);

                keep = nl ? (size_t) (nl - c->out.data) + 1 : c->out.len;
        }
        if (c->out.data) {
                c->out.len = keep;
                c->out.data[keep] = 0;
        }
        return strbuf_appendf(&c->out, "{\"event\":\"dropped\",\"reason\":\"%s\"}\n", reason);
}

/* Then it is closed once that line is sent, or when the answer timeout runs out */
static void client_drop(Client *c, const char *reason) {
        int r;

        r = client_say_dropped(c, reason);
        if (r >= 0) {
                c->server->n_watchers--;
                c->dropped = true;
                r = client_start_answer(c);
        }
        if (r < 0)
                client_free(c);
        else if (client_queued(c) == 0)
                client_close(c);
}

static int client_fail(Client *c, const char *code, const char *text) {
        int r;

        strbuf_reset(&c->out);
        c->out_sent = 0;
        r = response_error(&c->out, code, text);
        if (r < 0)
                return r;
        return client_start_answer(c);
}

/* The command word or the line, quoted for an error message: short and printable */
static void quote(const char *s, size_t len, char buf[static SERVER_QUOTE_MAX + 4]) {
        size_t n = len < SERVER_QUOTE_MAX ? len : SERVER_QUOTE_MAX;

        for (size_t i = 0; i < n; i++)
                buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
        if (len > n) {
                memcpy(buf + n, "...", 3);
                n += 3;
        }
        buf[n] = 0;
}

static int client_fail_request(Client *c, size_t len, int error) {
        char text[256], quoted[SERVER_QUOTE_MAX + 4];
        const char *word = c->line;
        size_t n;

        if (len > 0 && c->line[len - 1] == '\r')
                len--;
        switch (error) {
        case -EBADMSG:
                return client_fail(c, RESPONSE_ERR_BAD_REQUEST,
                                   "a request is one line of printable ASCII text");
        case -EOPNOTSUPP:
                while (word < c->line + len && (*word == ' ' || *word == '\t'))
                        word++;
                len -= (size_t) (word - c->line);
                for (n = 0; n < len && word[n] != ' ' && word[n] != '\t'; n++)
                        ;
                quote(word, n, quoted);
                snprintf(text, sizeof(text),
                         "unknown command '%s': try url, list, json, watch, status, ping or hello", quoted);
                return client_fail(c, RESPONSE_ERR_UNKNOWN_COMMAND, text);
        case -EINVAL:
                quote(c->line, len, quoted);
                snprintf(text, sizeof(text),
                         "bad arguments in '%s': url, list, status and watch take an optional PORT (1-65535), "
                         "url also an audience (lan, vpn, host); json, ping and hello take none", quoted);
                return client_fail(c, RESPONSE_ERR_BAD_REQUEST, text);
        }
        return error;
}

/* The limit counts the request, not its line ending: "\r\n" is as good as "\n" */
static int client_fail_too_long(Client *c) {
        char text[64];

        snprintf(text, sizeof(text), "request lines are at most %d bytes", REACHD_REQUEST_MAX);
        return client_fail(c, RESPONSE_ERR_TOO_LONG, text);
}

static int client_answer(Client *c, size_t len) {
        Server *s = c->server;
        Snapshot snap = {};
        bool refresh = false;
        int r;

        if (len - (len > 0 && c->line[len - 1] == '\r') > REACHD_REQUEST_MAX)
                return client_fail_too_long(c);
        r = request_parse(c->line, len, &c->request);
        if (r < 0)
                return client_fail_request(c, len, r);

        switch (c->request.command) {
        case REQUEST_URL:
        case REQUEST_LIST:
        case REQUEST_JSON:
        case REQUEST_STATUS:
        case REQUEST_WATCH:
                refresh = true;
                break;
        case REQUEST_PING:
        case REQUEST_HELLO:
        case _REQUEST_COMMAND_MAX:
                break;
        }
        r = s->snapshot(s->userdata, &c->request, refresh, &snap);
        if (r < 0)
                return r;
        strbuf_reset(&c->out);
        c->out_sent = 0;
        r = response_render(&c->out, &c->request, &snap);
        if (r < 0)
                return r;
        if (c->request.command != REQUEST_WATCH || response_unavailable(&c->request, &snap))
                return client_start_answer(c);

        c->state = CLIENT_WATCHING;
        s->n_watchers++;
        (void) sd_event_now(s->event, CLOCK_MONOTONIC, &c->watch_since);
        r = sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
        if (r < 0)
                return r;
        return client_flush(c);
}

static int client_read_request(Client *c) {
        for (;;) {
                char *nl;
                ssize_t n;

                if (c->n_line >= sizeof(c->line))
                        return client_fail_too_long(c);
                n = recv(c->fd, c->line + c->n_line, sizeof(c->line) - c->n_line, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return 0;
                        return -errno;
                }
                /* EOF ends the line too, so `nc -U SOCKET </dev/null` asks for the URL */
                if (n == 0) {
                        c->input_eof = true;
                        return client_answer(c, c->n_line);
                }
                nl = memchr(c->line + c->n_line, '\n', (size_t) n);
                c->n_line += (size_t) n;
                if (nl)
                        return client_answer(c, (size_t) (nl - c->line));
        }
}

/* A watcher has nothing more to say: read and forget, so its input cannot pile up. A half-close
 * (shutdown(SHUT_WR) after the request) keeps the stream; only the peer's full close ends it. */
static int client_discard_input(Client *c) {
        char buf[4096];

        for (unsigned i = 0; i < SERVER_READ_BURST; i++) {
                ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return 0;
                        return -errno;
                }
                if (n == 0) {
                        c->input_eof = true;
                        return client_update_events(c);
                }
        }
        return 0;
}

static void client_process(Client *c, uint32_t revents) {
        int r = 0;

        switch (c->state) {
        case CLIENT_READING:
                r = client_read_request(c);
                break;
        case CLIENT_ANSWERING:
                r = client_flush(c);
                break;
        case CLIENT_WATCHING:
                if (revents & EPOLLIN)
                        r = client_discard_input(c);
                if (r >= 0 && (revents & EPOLLOUT))
                        r = client_flush(c);
                break;
        }
        if (r >= 0 && c->state != CLIENT_READING && (revents & (EPOLLHUP | EPOLLERR)))
                r = -ECONNRESET;
        if (r < 0)
                client_free(c);
        else if (c->state == CLIENT_ANSWERING && client_queued(c) == 0)
                client_close(c);
}

static int client_on_io(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        client_process(userdata, revents);
        return 0;
}

static int client_on_timeout(sd_event_source *es, uint64_t usec, void *userdata) {
        Client *c = userdata;

        switch (c->state) {
        case CLIENT_READING:
                strbuf_reset(&c->out);
                c->out_sent = 0;
                if (response_error(&c->out, RESPONSE_ERR_BAD_REQUEST, "timed out waiting for a request") >= 0)
                        (void) client_flush(c);
                break;
        case CLIENT_ANSWERING:
                break;
        case CLIENT_WATCHING:
                return 0;
        }
        client_close(c);
        return 0;
}

/* Takes over fd */
static int client_new(Server *s, int fd, Client **ret) {
        Client *c;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c) {
                close(fd);
                return -ENOMEM;
        }
        c->fd = fd;
        c->server = s;
        c->next = s->clients;
        if (s->clients)
                s->clients->prev = c;
        s->clients = c;
        s->n_clients++;

        r = sd_event_add_io(s->event, &c->io, fd, EPOLLIN, client_on_io, c);
        if (r >= 0)
                r = sd_event_add_time(s->event, &c->timer, CLOCK_MONOTONIC, 0, SERVER_TIMER_ACCURACY_USEC,
                                      client_on_timeout, c);
        if (r >= 0)
                r = client_arm_timer(c);
        if (r < 0) {
                client_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

/* When every slot is taken, the oldest client that has not sent its request yet makes room:
 * otherwise a few idle connections would lock everybody out for the 5 s timeout. */
static bool server_evict_idle(Server *s) {
        Client *oldest = NULL;
        int fd;

        for (Client *c = s->clients; c; c = c->next)
                if (c->state == CLIENT_READING)
                        oldest = c;       /* new clients go first: the last match is the oldest */
        if (!oldest)
                return false;
        fd = oldest->fd;
        oldest->fd = -1;
        oldest->io = sd_event_source_disable_unref(oldest->io);
        reject(fd, RESPONSE_ERR_BUSY, "too many clients: closing the oldest idle connection");
        client_free(oldest);
        return true;
}

static int server_add_client(Server *s, int fd) {
        struct ucred cred;
        socklen_t len = sizeof(cred);
        Client *c;
        int r;

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred)) {
                r = -errno;
                close(fd);
                return r < 0 ? r : -EIO;
        }
        if (cred.uid != s->uid && cred.uid != 0) {
                char text[96];

                if (s->uid == 0)
                        snprintf(text, sizeof(text), "only root may use this socket");
                else
                        snprintf(text, sizeof(text), "only uid %u and root may use this socket", (unsigned) s->uid);
                reject(fd, RESPONSE_ERR_PERMISSION, text);
                return -EPERM;
        }
        if (s->n_clients >= SERVER_MAX_CLIENTS && !server_evict_idle(s)) {
                reject(fd, RESPONSE_ERR_BUSY, "too many clients");
                return -EBUSY;
        }
        r = client_new(s, fd, &c);
        if (r < 0)
                return r;
        /* Most clients send their request with the connection: read it now, so that only
         * clients that really sent nothing count as idle when room must be made. */
        client_process(c, EPOLLIN);
        return 0;
}

static int server_on_retry(sd_event_source *es, uint64_t usec, void *userdata) {
        Server *s = userdata;

        (void) sd_event_source_set_enabled(s->listen_source, SD_EVENT_ON);
        return 0;
}

/* Out of fds the connection stays queued and the socket stays readable: without a pause the
 * loop would spin on it. */
static int server_pause_accept(Server *s) {
        uint64_t now;
        int r;

        r = sd_event_now(s->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        if (!s->retry_timer) {
                r = sd_event_add_time(s->event, &s->retry_timer, CLOCK_MONOTONIC,
                                      now + SERVER_ACCEPT_RETRY_USEC, SERVER_TIMER_ACCURACY_USEC,
                                      server_on_retry, s);
                if (r < 0)
                        return r;
        } else {
                r = sd_event_source_set_time(s->retry_timer, now + SERVER_ACCEPT_RETRY_USEC);
                if (r < 0)
                        return r;
                r = sd_event_source_set_enabled(s->retry_timer, SD_EVENT_ONESHOT);
                if (r < 0)
                        return r;
        }
        return sd_event_source_set_enabled(s->listen_source, SD_EVENT_OFF);
}

static bool connection_waiting(int listen_fd) {
        struct pollfd p = { .fd = listen_fd, .events = POLLIN };

        return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static int server_on_listen(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        Server *s = userdata;

        /* a bounded batch: the source is level-triggered, the rest waits for the next turn */
        for (unsigned i = 0; i < SERVER_ACCEPT_BURST; i++) {
                int cfd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (cfd < 0) {
                        int error = errno;

                        if (error == EINTR || error == ECONNABORTED)
                                continue;
                        if (error == EAGAIN || error == EWOULDBLOCK)
                                break;
                        /* accept() takes a free fd before it looks at the queue: out of fds
                         * with nobody waiting is no failure */
                        if ((error == EMFILE || error == ENFILE) && !connection_waiting(s->fd))
                                break;
                        s->n_accept_failures++;
                        s->accept_error = -error;
                        /* out of fds, an idle client makes room as when all slots are taken;
                         * watchers and answers in flight are not cut short */
                        if ((error == EMFILE || error == ENFILE) && server_evict_idle(s))
                                continue;
                        (void) server_pause_accept(s);
                        break;
                }
                (void) server_add_client(s, cfd);
        }
        return 0;
}

int server_new(sd_event *e, int listen_fd, uid_t uid, server_snapshot_fn fn, void *userdata, Server **ret) {
        Server *s;
        int r;

        s = calloc(1, sizeof(*s));
        if (!s) {
                close(listen_fd);
                return -ENOMEM;
        }
        s->event = sd_event_ref(e);
        s->fd = listen_fd;
        s->uid = uid;
        s->snapshot = fn;
        s->userdata = userdata;
        s->request_timeout = SERVER_REQUEST_TIMEOUT_USEC;

        r = fd_set_nonblock(listen_fd);
        if (r >= 0)
                r = sd_event_add_io(e, &s->listen_source, listen_fd, EPOLLIN, server_on_listen, s);
        if (r < 0) {
                server_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

Server *server_free(Server *s) {
        struct stat st;

        if (!s)
                return NULL;
        /* watchers hear why the stream ends, where their socket has room for it */
        for (Client *c = s->clients; c; c = c->next)
                if (c->state == CLIENT_WATCHING && client_say_dropped(c, "stopping") >= 0)
                        (void) client_flush(c);
        while (s->clients)
                client_free(s->clients);
        sd_event_source_disable_unref(s->listen_source);
        sd_event_source_disable_unref(s->retry_timer);
        if (s->fd >= 0)
                close(s->fd);
        /* another instance may have replaced the file meanwhile: leave its socket alone */
        if (s->unlink_path && lstat(s->unlink_path, &st) == 0 && S_ISSOCK(st.st_mode) &&
            st.st_dev == s->unlink_dev && st.st_ino == s->unlink_ino &&
            st.st_ctim.tv_sec == s->unlink_ctime.tv_sec && st.st_ctim.tv_nsec == s->unlink_ctime.tv_nsec)
                (void) unlink(s->unlink_path);
        free(s->unlink_path);
        sd_event_unref(s->event);
        free(s);
        return NULL;
}

void server_freep(Server **s) {
        *s = server_free(*s);
}

int server_set_unlink_path(Server *s, const char *path) {
        struct stat st;
        char *p = NULL;

        if (path) {
                if (lstat(path, &st) < 0)
                        return -errno;
                if (!S_ISSOCK(st.st_mode))
                        return -ENOTSOCK;
                p = strdup(path);
                if (!p)
                        return -ENOMEM;
                s->unlink_dev = st.st_dev;
                s->unlink_ino = st.st_ino;
                s->unlink_ctime = st.st_ctim;
        }
        free(s->unlink_path);
        s->unlink_path = p;
        return 0;
}

bool server_socket_lost(const Server *s) {
        struct stat st;

        if (!s->unlink_path)
                return false;
        if (lstat(s->unlink_path, &st) < 0)
                return errno == ENOENT || errno == ENOTDIR;
        /* not the ctime: a chmod changes it, and the socket is still ours */
        return !S_ISSOCK(st.st_mode) || st.st_dev != s->unlink_dev || st.st_ino != s->unlink_ino;
}

int server_replace_listener(Server *s, int listen_fd) {
        sd_event_source *source = NULL;
        int r;

        r = fd_set_nonblock(listen_fd);
        if (r >= 0)
                r = sd_event_add_io(s->event, &source, listen_fd, EPOLLIN, server_on_listen, s);
        if (r < 0) {
                close(listen_fd);
                return r;
        }
        sd_event_source_disable_unref(s->listen_source);
        if (s->retry_timer)
                (void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
        close(s->fd);
        s->listen_source = source;
        s->fd = listen_fd;
        return 0;
}

uint64_t server_n_accept_failures(const Server *s) {
        return s->n_accept_failures;
}

int server_accept_error(const Server *s) {
        return s->accept_error;
}

void server_set_request_timeout(Server *s, uint64_t usec) {
        s->request_timeout = usec;
}

int server_publish(Server *s, const Change *changes, size_t n_changes, uint64_t generation, const char *boot_id) {
        StrBuf b = STRBUF_INIT;
        Client *next;
        int r = 0, dropped = 0;

        if (n_changes == 0)
                return 0;
        for (Client *c = s->clients; c; c = next) {
                int k;

                next = c->next;
                if (c->state != CLIENT_WATCHING)
                        continue;
                strbuf_reset(&b);
                k = response_render_changes(&b, &c->request, changes, n_changes, generation, boot_id);
                if (k < 0) {
                        r = k;
                        client_free(c);
                        continue;
                }
                /* a watcher that does not keep up is dropped rather than buffered without end */
                k = client_queue(c, b.data, b.len);
                if (k == -ENOBUFS) {
                        client_drop(c, "too-slow");
                        dropped++;
                } else if (k < 0)
                        client_free(c);
        }
        strbuf_done(&b);
        return r < 0 ? r : dropped;
}

size_t server_n_clients(const Server *s) {
        return s->n_clients;
}

size_t server_n_watchers(const Server *s) {
        return s->n_watchers;
}

bool server_any_watcher(const Server *s, uint64_t since_usec, server_watcher_fn fn, void *userdata) {
        for (const Client *c = s->clients; c; c = c->next)
                if (c->state == CLIENT_WATCHING && c->watch_since >= since_usec &&
                    fn(c->request.has_port ? c->request.port : 0, userdata))
                        return true;
        return false;
}

/* Linux gives the file the mode of the socket's inode, less the umask: set before bind(), the
 * file is 0600 from its first moment, without touching the process-wide umask. */
static int bind_private(int fd, const struct sockaddr_un *sa) {
        if (fchmod(fd, 0600) < 0)
                return -errno;
        if (bind(fd, (const struct sockaddr *) sa, sizeof(*sa)) < 0)
                return -errno;
        return 0;
}

int server_socket_peer(const char *path, pid_t *ret_pid) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct ucred cred = {};
        socklen_t len = sizeof(cred);
        struct stat st;
        int fd, r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISSOCK(st.st_mode))
                return -ENOTSOCK;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        r = connect(fd, (const struct sockaddr *) &sa, sizeof(sa)) < 0 ? -errno : 0;
        /* a full backlog (EAGAIN) still means someone listens, only we cannot tell who */
        if (r == -EAGAIN)
                r = 0;
        else if (r >= 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                cred.pid = 0;
        close(fd);
        if (r < 0)
                return r;
        *ret_pid = cred.pid;
        return 0;
}

/* Only a socket nobody listens on is ours to replace: a live daemon keeps its socket. */
static int remove_stale_socket(const struct sockaddr_un *sa) {
        pid_t pid;
        int r;

        r = server_socket_peer(sa->sun_path, &pid);
        if (r == -ENOENT)
                return 0;
        if (r != -ECONNREFUSED)
                return -EADDRINUSE;
        if (unlink(sa->sun_path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int server_listen(const char *path, int *ret_fd, bool *ret_activated) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t len;
        int fd, r;

        r = sd_listen_fds(true);
        if (r < 0)
                return r;
        if (r > 0 && sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL, 0) > 0) {
                r = fd_set_nonblock(SD_LISTEN_FDS_START);
                if (r < 0)
                        return r;
                *ret_fd = SD_LISTEN_FDS_START;
                *ret_activated = true;
                return 0;
        }

        if (!path || !path[0])
                return -EINVAL;
        len = strlen(path);
        if (len >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, len);

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        r = bind_private(fd, &sa);
        if (r == -EADDRINUSE) {
                r = remove_stale_socket(&sa);
                if (r >= 0)
                        r = bind_private(fd, &sa);
        }
        if (r >= 0 && listen(fd, SERVER_BACKLOG) < 0) {
                r = -errno;
                (void) unlink(path);
        }
        if (r < 0) {
                close(fd);
                return r;
        }
        *ret_fd = fd;
        *ret_activated = false;
        return 0;
}
