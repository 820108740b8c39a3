/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The Unix socket server (DESIGN.md §5, §6): one request line per connection, answered and
 * closed, except `watch`, which streams. Never blocks the loop: non-blocking sockets, bounded
 * buffers, MSG_NOSIGNAL, per-client timeouts. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "change.h"
#include "request.h"
#include "response.h"

#define SERVER_MAX_CLIENTS 64
#define SERVER_REQUEST_TIMEOUT_USEC (5 * 1000000ULL)
#define SERVER_WATCH_QUEUE_MAX (256 * 1024)

typedef struct Server Server;

/* Fills *ret with the current view, for the request req. refresh: re-scan listeners first, so an
 * answer (a watch's snapshot too) is never staler than the request (false for ping and hello). */
typedef int (*server_snapshot_fn)(void *userdata, const Request *req, bool refresh, Snapshot *ret);

/* Opens the listening socket: the one passed by socket activation when there is one (sd_listen_fds),
 * else a new one bound at path (a stale socket file there is replaced; mode 0600).
 * *ret_activated tells which; the fd is non-blocking and close-on-exec. */
int server_listen(const char *path, int *ret_fd, bool *ret_activated);
/* Who listens on the socket file at path: 0 with the pid of the process that listens (0 when the
 * kernel cannot tell); -ECONNREFUSED when nobody does, -ENOTSOCK for a file that is no socket,
 * -ENOENT when there is none. */
int server_socket_peer(const char *path, pid_t *ret_pid);

/* Takes over listen_fd (closed on failure too). Peers whose uid is neither uid nor 0 get
 * ERR permission-denied. */
int server_new(sd_event *e, int listen_fd, uid_t uid, server_snapshot_fn fn, void *userdata, Server **ret);
/* Closes every client and the listening socket; unlinks the path set with
 * server_set_unlink_path(), if the socket file there is still the one it was then. */
Server *server_free(Server *s);
void server_freep(Server **s);

/* The socket file server_free() removes: set it when server_listen() bound a new socket, not
 * for an activated one (systemd owns that file). NULL forgets it. */
int server_set_unlink_path(Server *s, const char *path);
/* True when that file is gone or is no longer our socket (deleted, its directory removed): no
 * client can connect any more. Nothing tells us (short of inotify), so the caller looks. */
bool server_socket_lost(const Server *s);
/* Listens on listen_fd (taken over, closed on failure too) instead, e.g. a socket bound anew
 * after the old file was deleted; connected clients stay. Set the unlink path again after. */
int server_replace_listener(Server *s, int listen_fd);
/* Out of fds (EMFILE), a connection waits in the backlog; the oldest idle client is closed to
 * make room, or accepting pauses for 100 ms. For the caller's log: how many accept() calls
 * failed since server_new(), and the -errno of the last one (0: none). */
uint64_t server_n_accept_failures(const Server *s);
int server_accept_error(const Server *s);
/* How long a client may take to send its request line, and then to read its answer
 * (default SERVER_REQUEST_TIMEOUT_USEC; tests shorten it). */
void server_set_request_timeout(Server *s, uint64_t usec);

/* Sends the changes, those of the view of generation, to the watch clients (each gets only its
 * port's when it asked for one); a client that still has more than SERVER_WATCH_QUEUE_MAX bytes
 * of earlier changes unread is dropped (one big change alone does not count), with a last line
 * {"event":"dropped","reason":"too-slow"} (and "stopping" when the server is freed). A watch lasts until the peer closes; a
 * half-close (shutdown(SHUT_WR)) after the request keeps it. */
int server_publish(Server *s, const Change *changes, size_t n_changes, uint64_t generation, const char *boot_id);
/* (server_publish returns how many watchers it dropped) */
size_t server_n_clients(const Server *s);
size_t server_n_watchers(const Server *s);
/* port: what the watcher asked for, 0 for none (the default server) */
typedef bool (*server_watcher_fn)(uint16_t port, void *userdata);
/* True when fn is true for a client watching since since_usec (CLOCK_MONOTONIC) or later */
bool server_any_watcher(const Server *s, uint64_t since_usec, server_watcher_fn fn, void *userdata);
