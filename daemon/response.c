/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "format.h"
#include "hint.h"
#include "macro.h"
#include "response.h"

#define NO_SERVER_TEXT "no dev server is listening (looked at TCP ports >= 1024 of this user and at " \
        "ports published from containers by a proxy; one published without a proxy process, as " \
        "with Docker's userland-proxy off or a Kubernetes hostPort, has no socket to see, not even with --port)"

int response_error(StrBuf *b, const char *code, const char *text) {
        strbuf_append(b, "ERR ");
        strbuf_append(b, code);
        if (text) {
                strbuf_append(b, " ");
                /* the answer is one line: a client reads up to the first newline */
                while (*text) {
                        size_t n = strcspn(text, "\r\n");

                        strbuf_append_len(b, text, n);
                        text += n;
                        if (*text) {
                                strbuf_append(b, " ");
                                text++;
                        }
                }
        }
        strbuf_append(b, "\n");
        return b->error;
}

int response_listeners_error(StrBuf *b, int error) {
        return strbuf_appendf(b, "cannot read the listening sockets: %s", strerror(error < 0 ? -error : error));
}

bool response_unavailable(const Request *req, const Snapshot *snap) {
        switch (req->command) {
        case REQUEST_URL:
        case REQUEST_LIST:
        case REQUEST_JSON:
        case REQUEST_WATCH:
        case REQUEST_STATUS:
                return snap->listeners_error < 0 || !snap->view;
        case REQUEST_PING:
        case REQUEST_HELLO:
        case _REQUEST_COMMAND_MAX:
                break;
        }
        return false;
}

static int render_unavailable(StrBuf *b, const Snapshot *snap) {
        StrBuf text = STRBUF_INIT;
        int r;

        if (snap->listeners_error >= 0)
                return response_error(b, RESPONSE_ERR_NOT_READY, "reachd has not computed its view yet");
        r = response_listeners_error(&text, snap->listeners_error);
        if (r >= 0)
                r = response_error(b, RESPONSE_ERR_LISTENERS, text.data);
        strbuf_done(&text);
        return r;
}

/* The server of the request: the port's, or the default one; NULL when there is none */
static const ReachServer *request_server(const Request *req, const ReachView *v) {
        return req->has_port ? reach_view_find(v, req->port) : reach_view_default_server(v);
}

static bool server_selected(const Request *req, uint16_t port) {
        return !req->has_port || req->port == port;
}

/* reach sets a problem whenever there is no share URL; a view built otherwise still gets an
 * honest answer instead of none */
static ReachServer server_with_problem(const ReachServer *srv) {
        ReachServer s = *srv;

        if (s.problem == REACH_PROBLEM_NONE && !reach_server_share(srv))
                s.problem = s.listening ? REACH_PROBLEM_NO_NETWORK : REACH_PROBLEM_NOT_LISTENING;
        return s;
}

/* "ERR <problem> <sentence>; <hint>" for a server without share URL */
static int render_server_error(StrBuf *b, const ReachServer *srv) {
        ReachServer s = server_with_problem(srv);
        StrBuf text = STRBUF_INIT;
        int r;

        r = format_problem_sentence(&text, &s);
        if (r >= 0 && s.hint) {
                strbuf_append(&text, "; ");
                r = strbuf_append(&text, s.hint);
        }
        if (r >= 0)
                r = response_error(b, reach_problem_to_string(s.problem), text.data);
        strbuf_done(&text);
        return r;
}

static int render_no_server(StrBuf *b, const Request *req) {
        if (req->has_port) {
                ReachServer s = { .port = req->port, .problem = REACH_PROBLEM_NOT_LISTENING };

                return render_server_error(b, &s);
        }
        return response_error(b, RESPONSE_ERR_NO_SERVER, NO_SERVER_TEXT);
}

/* `url vpn`, `url host` when the server has no URL for them: the server's own problem when it
 * has one that no network fixes, else that this audience cannot reach it */
static int render_no_audience_url(StrBuf *b, const ReachServer *srv, ReachAudience audience) {
        StrBuf text = STRBUF_INIT;
        int r;

        if (!srv->listening || (srv->problem != REACH_PROBLEM_NONE && srv->problem != REACH_PROBLEM_NO_NETWORK))
                return render_server_error(b, srv);
        strbuf_appendf(&text, "port %u has no URL that %s can open", srv->port,
                       audience == REACH_AUDIENCE_VPN ? "peers on a VPN" : "containers or VMs on this machine");
        r = text.error;
        if (r >= 0)
                r = response_error(b, reach_problem_to_string(REACH_PROBLEM_NO_NETWORK), text.data);
        strbuf_done(&text);
        return r;
}

static int render_url(StrBuf *b, const Request *req, const Snapshot *snap) {
        const ReachServer *srv = request_server(req, snap->view);
        const ReachUrl *u;

        if (!srv)
                return render_no_server(b, req);
        u = reach_server_best(srv, req->audience);
        if (!u)
                return req->audience == REACH_AUDIENCE_LAN ? render_server_error(b, srv) :
                        render_no_audience_url(b, srv, req->audience);
        strbuf_append(b, u->url);
        return strbuf_append(b, "\n");
}

static int render_list(StrBuf *b, const Request *req, const Snapshot *snap) {
        const ReachView *v = snap->view;
        size_t n_lines = 0;

        for (size_t i = 0; i < v->n_servers; i++)
                if (server_selected(req, v->servers[i].port))
                        n_lines += v->servers[i].n_urls;
        /* nothing to list is the same answer as url's: why there is no URL */
        if (n_lines == 0)
                return render_url(b, req, snap);

        for (size_t i = 0; i < v->n_servers; i++) {
                const ReachServer *srv = &v->servers[i];

                if (!server_selected(req, srv->port))
                        continue;
                for (size_t j = 0; j < srv->n_urls; j++) {
                        const ReachUrl *u = &srv->urls[j];
                        const char *reason = reach_reason_to_string(u->reason);

                        strbuf_appendf(b, "%u\t%s\t", srv->port, u->url);
                        strbuf_append_printable(b, u->ifindex > 0 && u->ifname[0] ? u->ifname : "-");
                        strbuf_appendf(b, "\t%s\t%s\n", state_link_kind_to_string(u->kind),
                                       u->shareable ? "shareable" : reason ?: "-");
                }
        }
        return b->error;
}

static int render_json(StrBuf *b, const Snapshot *snap) {
        int r;

        if (snap->interfaces)
                r = format_view_json_published(b, snap->view, snap->generation, snap->boot_id, snap->hostname,
                                               snap->interfaces);
        else
                r = format_view_json(b, snap->state, snap->view, snap->generation, snap->boot_id, snap->hostname);
        if (r < 0)
                return r;
        return strbuf_append(b, "\n");
}

static int render_status_server(StrBuf *b, const ReachServer *srv) {
        int r;

        r = response_server_summary(b, srv);
        if (r < 0)
                return r;
        strbuf_append(b, "\n");
        if (!reach_server_share(srv) && srv->hint)
                strbuf_appendf(b, "  hint: %s\n", srv->hint);
        return b->error;
}

static int render_status(StrBuf *b, const Request *req, const Snapshot *snap) {
        const ReachView *v = snap->view;
        bool any = false;
        int r;

        for (size_t i = 0; i < v->n_servers; i++) {
                if (!server_selected(req, v->servers[i].port))
                        continue;
                r = render_status_server(b, &v->servers[i]);
                if (r < 0)
                        return r;
                any = true;
        }
        if (any)
                return 0;

        if (req->has_port) {
                _cleanup_free_ char *hint = NULL;
                ReachServer s = { .port = req->port, .problem = REACH_PROBLEM_NOT_LISTENING };

                r = hint_for_problem(s.problem, s.port, NULL, 0, NULL, &hint);
                if (r < 0)
                        return r;
                s.hint = hint;
                return render_status_server(b, &s);
        }
        return strbuf_append(b, NO_SERVER_TEXT "\n");
}

/* hello, a snapshot line per server, synced: a client knows when its copy is complete */
static int render_watch(StrBuf *b, const Request *req, const Snapshot *snap) {
        const ReachView *v = snap->view;
        FormatStream stream = { .generation = snap->generation, .boot_id = snap->boot_id };
        size_t n = 0;

        format_hello_json(b, snap->generation, snap->boot_id, snap->listener_scans);
        strbuf_append(b, "\n");
        for (size_t i = 0; i < v->n_servers; i++) {
                if (!server_selected(req, v->servers[i].port))
                        continue;
                /* a snapshot tells how things are, no change: the previous values are the current */
                format_watch_json(b, &v->servers[i], "snapshot", &v->servers[i], 0, &stream);
                strbuf_append(b, "\n");
                n++;
        }
        format_synced_json(b, &stream, n);
        return strbuf_append(b, "\n");
}

int response_render(StrBuf *b, const Request *req, const Snapshot *snap) {
        if (response_unavailable(req, snap))
                return render_unavailable(b, snap);
        switch (req->command) {
        case REQUEST_URL:
                return render_url(b, req, snap);
        case REQUEST_LIST:
                return render_list(b, req, snap);
        case REQUEST_JSON:
                return render_json(b, snap);
        case REQUEST_WATCH:
                return render_watch(b, req, snap);
        case REQUEST_STATUS:
                return render_status(b, req, snap);
        case REQUEST_PING:
                return strbuf_append(b, "pong\n");
        case REQUEST_HELLO:
                format_hello_json(b, snap->generation, snap->boot_id, snap->listener_scans);
                return strbuf_append(b, "\n");
        case _REQUEST_COMMAND_MAX:
                break;
        }
        return -EINVAL;
}

int response_render_changes(StrBuf *b, const Request *req, const Change *changes, size_t n_changes,
                            uint64_t generation, const char *boot_id) {
        FormatStream stream = { .generation = generation, .boot_id = boot_id };

        for (size_t i = 0; i < n_changes; i++) {
                const Change *c = &changes[i];

                if (!server_selected(req, c->port))
                        continue;
                if (c->type == CHANGE_REMOVED) {
                        /* gone: nothing listens, no URL; what it had is in the previous_* fields */
                        ReachServer gone = { .port = c->port, .watched = c->old->watched,
                                             .problem = REACH_PROBLEM_NOT_LISTENING };

                        format_watch_json(b, &gone, "removed", c->old, 0, &stream);
                } else
                        format_watch_json(b, c->new, change_type_to_string(c->type), c->old,
                                          c->type == CHANGE_CHANGED ? c->fields : 0, &stream);
                strbuf_append(b, "\n");
        }
        return b->error;
}

int response_server_summary(StrBuf *b, const ReachServer *srv) {
        const ReachUrl *share = reach_server_share(srv);
        ReachServer s;
        int r;

        /* the problem sentence names the port itself */
        if (!share) {
                s = server_with_problem(srv);
                r = format_problem_sentence(b, &s);
                return r < 0 ? r : b->error;
        }
        strbuf_appendf(b, "port %u: ", srv->port);
        strbuf_append(b, share->url);
        if (share->ifindex > 0 && share->ifname[0]) {
                strbuf_append(b, " on ");
                format_url_interface(b, share);
        }
        if (srv->process.pid > 0 && srv->process.name[0])
                strbuf_appendf(b, " (%s)", srv->process.name);
        return b->error;
}
