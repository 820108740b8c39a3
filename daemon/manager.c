/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>
#include <systemd/sd-id128.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "change.h"
#include "config.h"
#include "event.h"
#include "format.h"
#include "forwarder.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "notify.h"
#include "nl80211.h"
#include "hint.h"
#include "procinfo.h"
#include "reach.h"
#include "response.h"
#include "rtnl-io.h"
#include "server.h"
#include "settle.h"
#include "sockdiag.h"
#include "sockpath.h"
#include "state.h"
#include "strbuf.h"

#define USEC_PER_SEC 1000000ULL
/* At most one full re-dump a second, however hard the kernel overflows our buffer */
#define RESYNC_INTERVAL_USEC USEC_PER_SEC
/* A re-read that cannot even be asked for (sendto fails) is tried again after 0.5 s, 1 s, 2 s, …
 * up to every 30 s */
#define RESYNC_RETRY_MIN_USEC (USEC_PER_SEC / 2)
#define RESYNC_RETRY_MAX_USEC (30 * USEC_PER_SEC)
#define RTNL_SYNC_TIMEOUT_MS 10000
/* While a client waits for a server that does not listen yet (DESIGN.md §7), the listeners are
 * read every 100 ms, a tenth of that late at most so the wake-ups can be merged; for the first ten
 * minutes of a watch only, since a status bar watching all day is no one waiting */
#define WAIT_RESCAN_USEC (100 * 1000ULL)
#define WAIT_RESCAN_ACCURACY_USEC (10 * 1000ULL)
#define WAIT_MAX_USEC (10 * 60 * USEC_PER_SEC)
/* While a change is held, the bursts of netlink messages that come within this time are
 * recomputed together (DESIGN.md §7) */
#define COALESCE_USEC (10 * 1000ULL)
/* STATUS= is for a person reading `systemctl status`: at most one a second, the latest one when
 * changes come faster, so that each change does not wake the service manager (DESIGN.md §4) */
#define STATUS_INTERVAL_USEC USEC_PER_SEC
#define STATUS_ACCURACY_USEC (100 * 1000ULL)

/* Listener owners, by socket inode; negative answers are kept too, so /proc is walked only
 * when a new listening socket shows up */
typedef struct ProcCache {
        ProcInfo *items;
        size_t n;
} ProcCache;

struct Manager {
        Options options;
        Config config;
        char *config_path;
        uid_t uid;
        char hostname[256];
        char boot_id[SD_ID128_STRING_MAX];    /* random per start: clients know to re-read after a restart */
        char *socket_path;

        sd_event *event;
        sd_event_source *rtnl_source;
        sd_event_source *rescan_source;
        sd_event_source *wait_source;         /* the fast re-scans while a client waits */
        sd_event_source *resync_source;
        sd_event_source *publish_source;
        sd_event_source *coalesce_source;     /* the recomputation of bursts while a change is held */
        sd_event_source *nl80211_source;
        sd_event_source *settle_source;
        sd_event_source *status_source;       /* sends the STATUS= held back by the interval */

        State *state;
        RtnlConn *rtnl;
        Nl80211Conn *nl80211;                 /* NULL without nl80211: no Wi-Fi names then */
        SockDiag *diag;
        Server *server;
        Notifier *notifier;                   /* NULL when not started by systemd */

        Listener *listeners;
        size_t n_listeners;
        ProcCache procs;

        ReachView *view;                      /* the published view */
        ReachView *held;                      /* the view computed last, while settle holds it */
        State *published;                     /* the network as published with it */
        char *interfaces;                     /* its interfaces array, rendered when first needed */
        char *network_summary;                /* the network as published: "default route via …" */
        Settle settle;
        uint64_t generation;
        uint64_t last_resync_usec;
        uint64_t changed_usec;                /* the first network change not recomputed yet, 0: none */
        uint64_t overflows;                   /* since the last resync line */
        uint64_t resyncs;
        uint64_t listener_scans;              /* reads of the listening sockets, for `hello` */
        bool resync_pending;
        int resync_error;                     /* of the last failed re-read, 0 once one worked */
        uint64_t resync_backoff_usec;         /* the delay before the last retry */
        unsigned resync_failures;             /* in a row */
        bool view_stale;                      /* the state or the configuration changed since the view */
        char *status;                         /* the text of the last STATUS= sent */
        char *status_next;                    /* the one to send when the interval is over */
        uint64_t status_usec;                 /* when the last one was sent */
        bool nl80211_tried;
        int nl80211_seen;                     /* the highest wireless ifindex when nl80211 was looked for */
        int socket_error;                     /* of the last attempt to re-create the socket */
        int procs_error;                      /* of the last look-up of listener owners */
        int listeners_error;                  /* of the last listener scan */
        uint64_t accept_failures;             /* already logged */
};

static void proc_cache_done(ProcCache *c) {
        for (size_t i = 0; i < c->n; i++)
                procinfo_done(&c->items[i]);
        free(c->items);
        *c = (ProcCache) {};
}

static const ProcInfo *proc_cache_find(const ProcCache *c, uint64_t inode) {
        for (size_t i = 0; i < c->n; i++)
                if (c->items[i].inode == inode)
                        return &c->items[i];
        return NULL;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        m->server = server_free(m->server);
        notifier_free(m->notifier);
        sd_event_source_disable_unref(m->rtnl_source);
        sd_event_source_disable_unref(m->rescan_source);
        sd_event_source_disable_unref(m->wait_source);
        sd_event_source_disable_unref(m->resync_source);
        sd_event_source_disable_unref(m->publish_source);
        sd_event_source_disable_unref(m->coalesce_source);
        sd_event_source_disable_unref(m->nl80211_source);
        sd_event_source_disable_unref(m->settle_source);
        sd_event_source_disable_unref(m->status_source);
        sd_event_unref(m->event);
        rtnl_conn_free(m->rtnl);
        nl80211_conn_free(m->nl80211);
        sockdiag_free(m->diag);
        state_free(m->state);
        reach_view_free(m->view);
        reach_view_free(m->held);
        free(m->listeners);
        proc_cache_done(&m->procs);
        free(m->socket_path);
        free(m->network_summary);
        free(m->interfaces);
        state_free(m->published);
        free(m->status);
        free(m->status_next);
        free(m->config_path);
        config_done(&m->config);
        options_done(&m->options);
        free(m);
        return NULL;
}

void manager_freep(Manager **m) {
        *m = manager_free(*m);
}

static int copy_options(Options *dst, const Options *src) {
        *dst = *src;
        dst->socket_path = NULL;
        dst->scheme = NULL;
        dst->config_path = NULL;
        if (src->socket_path && !(dst->socket_path = strdup(src->socket_path)))
                return -ENOMEM;
        if (src->scheme && !(dst->scheme = strdup(src->scheme)))
                return -ENOMEM;
        if (src->config_path && !(dst->config_path = strdup(src->config_path)))
                return -ENOMEM;
        return 0;
}

/* `hostnamectl set-hostname` (sethostname()) tells no one: read again for every answer, one
 * uname() (gethostname() is that too), cheaper than watching /proc/sys/kernel/hostname */
static void manager_read_hostname(Manager *m) {
        (void) gethostname(m->hostname, sizeof(m->hostname) - 1);
}

int manager_new(const Options *o, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        sd_id128_t id;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        r = copy_options(&m->options, o);
        if (r < 0)
                return r;
        m->uid = getuid();
        r = sd_id128_randomize(&id);
        if (r < 0)
                return r;
        sd_id128_to_string(id, m->boot_id);
        manager_read_hostname(m);
        /* not sd_event_default(): the default loop checks its thread with gettid() on every
         * pass, a system call per network change for a check a daemon without threads needs not */
        r = sd_event_new(&m->event);
        if (r < 0)
                return r;
        r = state_new(&m->state);
        if (r >= 0)
                r = state_new(&m->published);
        if (r < 0)
                return r;
        *ret = m;
        m = NULL;
        return 0;
}

static ReachConfig manager_reach_config(const Manager *m) {
        return config_merge(&m->options, &m->config, (uint32_t) m->uid);
}

static uint64_t manager_rescan_usec(const Manager *m) {
        return config_rescan_sec(&m->options, &m->config) * USEC_PER_SEC;
}

/* A bad file is reported with its line; at start-up that is fatal, on reload the previous
 * configuration stays in force. */
static int manager_load_config(Manager *m, bool initial) {
        ConfigError error;
        Config c;
        int r;

        if (!m->config_path) {
                if (m->options.config_path)
                        m->config_path = strdup(m->options.config_path);
                else if (config_default_path(getenv("XDG_CONFIG_HOME"), getenv("HOME"), &m->config_path) < 0)
                        return 0;
                if (!m->config_path)
                        return -ENOMEM;
        }
        r = config_load(m->config_path, &c, &error);
        if (r == -EINVAL && error.line > 0)
                log_error("%s:%u: %s%s", m->config_path, error.line, error.message,
                          initial ? "" : "; keeping the previous configuration");
        else if (r == -EINVAL)
                log_error("%s: %s%s", m->config_path, error.message,
                          initial ? "" : "; keeping the previous configuration");
        else if (r < 0)
                log_errno(LOG_ERR, r, "cannot read %s%s", m->config_path,
                          initial ? "" : "; keeping the previous configuration");
        if (r < 0)
                return r;
        config_done(&m->config);
        m->config = c;
        return 0;
}

/* The cached owner of each listener, borrowed from the cache (pid 0: none known) */
static int manager_cached_procs(const Manager *m, ProcInfo **ret) {
        ProcInfo *out;

        out = calloc(m->n_listeners + 1, sizeof(*out));
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_listeners; i++) {
                const ProcInfo *p = proc_cache_find(&m->procs, m->listeners[i].inode);

                if (p)
                        out[i] = *p;    /* borrowed: cmdline stays owned by the cache */
        }
        *ret = out;
        return 0;
}

/* Owners of the listeners we cover, looking up /proc only for sockets not seen before */
static int manager_update_procs(Manager *m, const ReachConfig *config, ProcInfo **ret) {
        _cleanup_free_ uint64_t *missing = NULL;
        _cleanup_free_ Listener *missing_ls = NULL;
        _cleanup_free_ ProcInfo *found = NULL;
        ProcCache next = {};
        size_t n_missing = 0;
        int r;

        missing = calloc(m->n_listeners + 1, sizeof(*missing));
        missing_ls = calloc(m->n_listeners + 1, sizeof(*missing_ls));
        next.items = calloc(m->n_listeners + 1, sizeof(*next.items));
        if (!missing || !missing_ls || !next.items) {
                r = -ENOMEM;
                goto fail;
        }
        for (size_t i = 0; i < m->n_listeners; i++)
                if (reach_listener_candidate(&m->listeners[i], config) &&
                    !proc_cache_find(&m->procs, m->listeners[i].inode)) {
                        missing_ls[n_missing] = m->listeners[i];
                        missing[n_missing++] = m->listeners[i].inode;
                }
        if (n_missing > 0) {
                found = calloc(n_missing, sizeof(*found));
                if (!found) {
                        r = -ENOMEM;
                        goto fail;
                }
                r = procinfo_lookup("/proc", missing, n_missing, found);
                if (r >= 0)
                        r = forwarder_lookup("/proc", missing_ls, n_missing, found);
                if (r < 0) {
                        for (size_t j = 0; j < n_missing; j++)
                                procinfo_done(&found[j]);
                        goto fail;
                }
        }
        /* the new cache: what is still listening, old entries moved over, new ones added */
        for (size_t i = 0; i < m->n_listeners; i++) {
                uint64_t inode = m->listeners[i].inode;
                ProcInfo *p = NULL;

                if (proc_cache_find(&next, inode))
                        continue;
                for (size_t j = 0; j < m->procs.n && !p; j++)
                        if (m->procs.items[j].inode == inode)
                                p = &m->procs.items[j];
                for (size_t j = 0; j < n_missing && !p; j++)
                        if (missing[j] == inode)
                                p = &found[j];
                if (!p)
                        continue;
                next.items[next.n] = *p;
                next.items[next.n].inode = inode;
                *p = (ProcInfo) {};
                next.n++;
        }
        for (size_t j = 0; j < n_missing; j++)
                procinfo_done(&found[j]);
        proc_cache_done(&m->procs);
        m->procs = next;
        return manager_cached_procs(m, ret);
fail:
        proc_cache_done(&next);
        return r;
}

static void manager_send_status(Manager *m, uint64_t now) {
        char *line = NULL;

        if (!m->status_next)
                return;
        if (asprintf(&line, "STATUS=%s", m->status_next) >= 0)
                (void) notifier_send(m->notifier, line);
        free(line);
        free(m->status);
        m->status = m->status_next;
        m->status_next = NULL;
        m->status_usec = now;
}

static void manager_update_status(Manager *m) {
        StrBuf b = STRBUF_INIT;
        const ReachServer *srv = reach_view_default_server(m->view);
        uint64_t now = 0;
        char *text;

        if (!m->notifier)
                return;
        if (m->listeners_error < 0) {
                response_listeners_error(&b, m->listeners_error);
                strbuf_appendf(&b, "; retrying every %u s", config_rescan_sec(&m->options, &m->config));
        } else if (!m->view)
                return;
        else if (!srv)
                strbuf_append(&b, "No dev server is listening");
        else if (reach_server_share(srv)) {
                strbuf_appendf(&b, "Sharing %s on ", reach_server_share(srv)->url);
                format_url_interface(&b, reach_server_share(srv));
        } else
                format_problem_sentence(&b, srv);
        if (m->view && m->listeners_error == 0 && m->view->n_servers > 1)
                strbuf_appendf(&b, " (%zu servers: reachctl status)", m->view->n_servers);
        if (strbuf_steal(&b, &text) < 0) {
                strbuf_done(&b);
                return;
        }
        free(m->status_next);
        m->status_next = NULL;
        if (m->status && strcmp(m->status, text) == 0) {
                free(text);
                (void) sd_event_source_set_enabled(m->status_source, SD_EVENT_OFF);
                return;
        }
        m->status_next = text;
        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (m->status_usec == 0 || now >= m->status_usec + STATUS_INTERVAL_USEC)
                manager_send_status(m, now);
        else {
                (void) sd_event_source_set_time(m->status_source, m->status_usec + STATUS_INTERVAL_USEC);
                (void) sd_event_source_set_enabled(m->status_source, SD_EVENT_ONESHOT);
        }
}

static int on_status(sd_event_source *s, uint64_t usec, void *userdata) {
        manager_send_status(userdata, usec);
        return 0;
}

static bool manager_port_listening(const Manager *m, uint16_t port) {
        for (size_t i = 0; i < m->n_listeners; i++)
                if (m->listeners[i].port == port)
                        return true;
        return false;
}

static void manager_log_change(const Manager *m, const Change *c) {
        bool listening = c->type == CHANGE_REMOVED && manager_port_listening(m, c->port);
        Event e;

        /* gone from the view while still listening, or a watched port that never listened:
         * only the configuration can have dropped it */
        if (c->type == CHANGE_REMOVED && (listening || !c->old->listening)) {
                if (event_unwatched(c, listening, &e) < 0)
                        return;
        } else if (event_from_change(c, &e) < 0)
                return;
        log_event(&e);
        event_done(&e);
}

/* One journal line when the machine changed network (the default route elsewhere), published
 * with the view, not one per netlink message */
static void manager_log_network(const Manager *m, const char *summary) {
        Event e;

        if (!m->network_summary || strcmp(summary, m->network_summary) == 0 ||
            event_network_changed(summary, &e) < 0)
                return;
        log_event(&e);
        event_done(&e);
}

static void manager_arm_settle(Manager *m) {
        /* a tenth of the settle time late is still the same moment for a person */
        (void) sd_event_source_set_time(m->settle_source, m->settle.deadline_usec);
        (void) sd_event_source_set_time_accuracy(m->settle_source, m->settle.delay_usec / 10 ?: 1);
        (void) sd_event_source_set_enabled(m->settle_source, m->settle.holding ? SD_EVENT_ONESHOT : SD_EVENT_OFF);
}

/* A watcher waits while nothing listens on what it watches: its port, or without a port any
 * server (there is no default server) */
static bool manager_waits_for(uint16_t port, void *userdata) {
        const Manager *m = userdata;
        const ReachServer *srv;

        if (!m->view)
                return true;
        if (port == 0)
                return !reach_view_default_server(m->view);
        srv = reach_view_find(m->view, port);
        return !srv || !srv->listening;
}

static bool manager_someone_waits(Manager *m) {
        uint64_t now = 0;

        if (!m->server)
                return false;
        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        return server_any_watcher(m->server, now > WAIT_MAX_USEC ? now - WAIT_MAX_USEC : 0, manager_waits_for, m);
}

/* The fast re-scans start; once running, each decides whether there is a next */
static void manager_start_wait(Manager *m) {
        int enabled = SD_EVENT_OFF;

        (void) sd_event_source_get_enabled(m->wait_source, &enabled);
        if (enabled != SD_EVENT_OFF)
                return;
        (void) sd_event_source_set_time_relative(m->wait_source, WAIT_RESCAN_USEC);
        (void) sd_event_source_set_enabled(m->wait_source, SD_EVENT_ONESHOT);
}

/* A watcher that stops reading is the client's problem, but worth a line: it explains an ended
 * status bar */
static void manager_report_drops(int n) {
        if (n > 0)
                log_info("dropped %d watch client%s that did not read (more than %d KiB unread)", n,
                         n == 1 ? "" : "s", SERVER_WATCH_QUEUE_MAX / 1024);
}

/* Everything a publication replaces, and the lines it tells watchers and the journal; takes
 * view, summary and interfaces (NULL: not rendered yet) over. The state was copied to
 * m->published already. */
static void manager_publish(Manager *m, ReachView *view, char *summary, char *interfaces,
                            const Change *changes, size_t n_changes) {
        m->generation++;
        log_hold();
        if (m->server)
                manager_report_drops(server_publish(m->server, changes, n_changes, m->generation, m->boot_id));
        manager_log_network(m, summary);
        for (size_t i = 0; i < n_changes; i++)
                manager_log_change(m, &changes[i]);
        log_release();
        /* the changes point into both views: free the old one only now */
        reach_view_free(m->view);
        m->view = view;
        free(m->interfaces);
        m->interfaces = interfaces;
        free(m->network_summary);
        m->network_summary = summary;
        /* a server a client watches may have stopped: it waits for the next one now */
        if (manager_someone_waits(m))
                manager_start_wait(m);
}

static int manager_render_interfaces(const State *s, char **ret) {
        StrBuf b = STRBUF_INIT;
        int r;

        r = format_interfaces_json(&b, s);
        if (r >= 0)
                r = strbuf_steal(&b, ret);
        if (r < 0)
                strbuf_done(&b);
        return r;
}

/* The interfaces array of the published document: rendered from the copy of the state made at
 * the publication, when a `json` answer or a comparison first needs it; NULL when out of memory */
static const char *manager_published_interfaces(Manager *m) {
        if (!m->interfaces && m->view)
                (void) manager_render_interfaces(m->published, &m->interfaces);
        return m->interfaces;
}

/* A new view: published now, held for the settle time, or the same as the published one
 * (DESIGN.md §5). changed_usec: when the network changed to it (0: now). Takes the view over; 1
 * when it was published. */
static int manager_offer_view(Manager *m, ReachView *view, uint64_t changed_usec) {
        char *interfaces = NULL, *summary = NULL;
        const char *published;
        Change *changes = NULL;
        SettleVerdict verdict;
        size_t n_changes = 0;
        uint64_t now = 0;
        bool other_changed = true;
        int r;

        r = change_compute(m->view, view, &changes, &n_changes);
        /* the rest of the document (the interfaces) decides only when no server changed, so a
         * storm of changes to the servers' URLs renders no interfaces */
        if (r >= 0 && n_changes == 0 && m->view) {
                r = manager_render_interfaces(m->state, &interfaces);
                if (r >= 0)
                        r = event_network_summary(m->state, &summary);
                published = manager_published_interfaces(m);
                if (r >= 0 && published && m->network_summary)
                        other_changed = strcmp(interfaces, published) != 0 ||
                                strcmp(summary, m->network_summary) != 0;
        }
        if (r < 0) {
                log_errno(LOG_WARNING, r, "cannot compare views");
                goto cleanup;
        }
        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        /* a hold's deadline counts from the change, however long its recomputation waited */
        if (changed_usec > 0 && changed_usec < now)
                now = changed_usec;
        m->settle.delay_usec = config_settle_usec(&m->options, &m->config);
        verdict = settle_decide(&m->settle, m->view, view, changes, n_changes, other_changed, now);
        manager_arm_settle(m);
        /* what is published besides the servers: the network as the journal names it, and the
         * state the interfaces array is rendered from when asked for */
        if (verdict == SETTLE_PUBLISH && !summary)
                r = event_network_summary(m->state, &summary);
        if (verdict == SETTLE_PUBLISH && r >= 0)
                r = state_copy(m->published, m->state);
        if (r < 0) {
                log_errno(LOG_WARNING, r, "cannot publish the view");
                goto cleanup;
        }
        m->held = reach_view_free(m->held);
        if (verdict == SETTLE_PUBLISH) {
                manager_publish(m, view, summary, interfaces, changes, n_changes);
                view = NULL;
                interfaces = summary = NULL;
                manager_update_status(m);
                r = 1;
        } else if (verdict == SETTLE_NOTHING) {
                /* nothing anyone sees; what is not published (start times) may differ */
                reach_view_free(m->view);
                m->view = view;
        } else
                /* offered again at the deadline, unless something moves before */
                m->held = view;
        view = NULL;
cleanup:
        reach_view_free(view);
        free(changes);
        free(interfaces);
        free(summary);
        return r;
}

/* A held view whose settle time is over, and that nothing changed since: published now */
static int manager_offer_held(Manager *m) {
        ReachView *view = m->held;
        uint64_t now = 0;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (!view || !settle_due(&m->settle, now))
                return 0;
        m->held = NULL;
        return manager_offer_view(m, view, 0);
}

/* Field by field: Listener has padding */
static bool listeners_equal(const Listener *a, size_t n_a, const Listener *b, size_t n_b) {
        if (n_a != n_b)
                return false;
        for (size_t i = 0; i < n_a; i++)
                if (a[i].family != b[i].family || a[i].port != b[i].port || a[i].uid != b[i].uid ||
                    a[i].inode != b[i].inode || a[i].ifindex != b[i].ifindex || a[i].v6only != b[i].v6only ||
                    a[i].socket_is_v6 != b[i].socket_is_v6 ||
                    !inaddr_equal(a[i].family, &a[i].address, &b[i].address))
                        return false;
        return true;
}

/* A failed scan (no inet_diag, an LSM denying sock_diag, ENOMEM) leaves no view to trust: the
 * answers and STATUS= say why until a scan on a query or the rescan timer works again. */
static int manager_scan_listeners(Manager *m, Listener **ret, size_t *ret_n) {
        int r = 0;

        if (!m->diag)
                r = sockdiag_new(&m->diag);
        if (r >= 0)
                r = sockdiag_scan(m->diag, ret, ret_n);
        if (r < 0) {
                if (r != m->listeners_error)
                        log_errno(LOG_WARNING, r, "cannot read the listening sockets (retrying every %u s)",
                                  config_rescan_sec(&m->options, &m->config));
                m->listeners_error = r;
                manager_update_status(m);
                return r;
        }
        if (m->listeners_error < 0) {
                log_notice("reading the listening sockets works again");
                m->listeners_error = 0;
                /* recomputed, so STATUS= tells the view again */
                m->view_stale = true;
        }
        return 0;
}

/* Recomputes the view and publishes what changed. rescan: read the listening sockets first (a
 * query, a re-scan tick); else the view follows the network with the listeners it has, since no
 * netlink event tells of a listener. */
static int manager_refresh(Manager *m, bool rescan) {
        _cleanup_free_ ProcInfo *procs = NULL;
        ReachConfig config = manager_reach_config(m);
        Listener *listeners = NULL;
        ReachView *view = NULL;
        size_t n_listeners = 0;
        uint64_t changed;
        int r;

        /* mid-resync the state lacks what the dump has not reached yet: wait for it */
        if (!rtnl_conn_resync_done(m->rtnl))
                return 0;
        if (rescan) {
                m->listener_scans++;
                r = manager_scan_listeners(m, &listeners, &n_listeners);
                if (r < 0)
                        return r;
        } else if (m->listeners_error < 0)
                /* no view to trust until a scan works again */
                return 0;
        /* the view is a function of the state, the listeners and the configuration: when none
         * changed, neither did the view (the common case of a query or a re-scan) */
        if (m->view && !m->view_stale && m->procs_error == 0 &&
            (!rescan || listeners_equal(m->listeners, m->n_listeners, listeners, n_listeners))) {
                free(listeners);
                return manager_offer_held(m);
        }
        if (rescan) {
                free(m->listeners);
                m->listeners = listeners;
                m->n_listeners = n_listeners;
        }
        r = manager_update_procs(m, &config, &procs);
        if (r < 0) {
                /* e.g. out of fds for /proc: the view must not freeze for want of process names;
                 * the new sockets are looked up again on the next refresh */
                if (r != m->procs_error)
                        log_errno(LOG_WARNING, r, "cannot find the owners of new listening sockets, "
                                  "showing them without a process for now");
                m->procs_error = r;
                r = manager_cached_procs(m, &procs);
                if (r < 0)
                        return log_errno(LOG_WARNING, r, "cannot find the owners of listening sockets");
        } else if (m->procs_error < 0) {
                log_info("found the owners of listening sockets again");
                m->procs_error = 0;
        }
        r = reach_compute(m->state, m->listeners, m->n_listeners, procs, &config, &view);
        if (r >= 0)
                r = hint_view(view);
        if (r < 0) {
                reach_view_free(view);
                return log_errno(LOG_WARNING, r, "cannot compute the view");
        }
        m->view_stale = false;
        changed = m->changed_usec;
        m->changed_usec = 0;
        return manager_offer_view(m, view, changed);
}

static int on_settle(sd_event_source *s, uint64_t usec, void *userdata) {
        (void) manager_refresh(userdata, false);
        return 0;
}

static int on_publish(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        (void) manager_refresh(m, false);
        return 0;
}

static int on_coalesced(sd_event_source *s, uint64_t usec, void *userdata) {
        (void) manager_refresh(userdata, false);
        return 0;
}

static int on_wait_rescan(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) manager_refresh(m, true);
        if (manager_someone_waits(m))
                manager_start_wait(m);
        return 0;
}

/* Once the burst is drained: at once when the caller read its socket empty (a pass of the loop
 * more would cost as much as the rest of an address change), else in the loop's idle pass; while
 * a change is held (nothing is published before the hold's deadline unless it gets better, and
 * that deadline counts from the change), with the bursts of the next COALESCE_USEC: a storm of
 * address events is not recomputed after every message. */
static void manager_schedule_publish(Manager *m, bool drained) {
        int enabled = SD_EVENT_OFF;
        uint64_t now = 0;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (m->changed_usec == 0)
                m->changed_usec = now;
        if (!m->settle.holding && drained) {
                (void) sd_event_source_set_enabled(m->publish_source, SD_EVENT_OFF);
                (void) manager_refresh(m, false);
                return;
        }
        if (!m->settle.holding) {
                (void) sd_event_source_set_enabled(m->publish_source, SD_EVENT_ONESHOT);
                return;
        }
        (void) sd_event_source_get_enabled(m->coalesce_source, &enabled);
        if (enabled != SD_EVENT_OFF)
                return;
        (void) sd_event_source_set_time(m->coalesce_source, m->changed_usec + COALESCE_USEC);
        (void) sd_event_source_set_enabled(m->coalesce_source, SD_EVENT_ONESHOT);
}

/* Until a re-read completes, the view waits for it (manager_refresh): one that fails must be
 * tried again by itself, or publishing would stop until some unrelated netlink event came. */
static void manager_resync_failed(Manager *m, int r) {
        uint64_t delay = m->resync_backoff_usec == 0 ? RESYNC_RETRY_MIN_USEC :
                         m->resync_backoff_usec >= RESYNC_RETRY_MAX_USEC / 2 ? RESYNC_RETRY_MAX_USEC :
                         2 * m->resync_backoff_usec;

        if (r != m->resync_error)
                log_errno(LOG_ERR, r, "cannot re-read the network state (trying again, then less and less "
                          "often, up to every %llu s)", (unsigned long long) (RESYNC_RETRY_MAX_USEC / USEC_PER_SEC));
        m->resync_error = r;
        m->resync_backoff_usec = delay;
        m->resync_failures++;
        m->resync_pending = true;
        (void) sd_event_source_set_time_relative(m->resync_source, delay);
        (void) sd_event_source_set_enabled(m->resync_source, SD_EVENT_ONESHOT);
}

static void manager_resync_done(Manager *m) {
        if (m->resync_error < 0)
                log_notice("re-read the network state after %u failed attempt%s", m->resync_failures,
                           m->resync_failures == 1 ? "" : "s");
        m->resync_error = 0;
        m->resync_backoff_usec = 0;
        m->resync_failures = 0;
}

static int manager_start_resync(Manager *m) {
        uint64_t now = 0;
        int r;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        m->last_resync_usec = now;
        m->resync_pending = false;
        m->resyncs++;
        r = rtnl_conn_start_resync(m->rtnl, m->state);
        if (r < 0)
                manager_resync_failed(m, r);
        return r;
}

/* never an error: sd-event would disable the source, and with it every retry */
static int on_resync_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        (void) manager_start_resync(userdata);
        return 0;
}

/* The kernel dropped events: our state may be wrong until a full re-dump */
static void manager_request_resync(Manager *m) {
        uint64_t now = 0;

        m->overflows++;
        if (m->resync_pending)
                return;
        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (m->last_resync_usec == 0 || now >= m->last_resync_usec + RESYNC_INTERVAL_USEC) {
                (void) manager_start_resync(m);
                return;
        }
        m->resync_pending = true;
        (void) sd_event_source_set_time(m->resync_source, m->last_resync_usec + RESYNC_INTERVAL_USEC);
        (void) sd_event_source_set_enabled(m->resync_source, SD_EVENT_ONESHOT);
}

/* Better no Wi-Fi names than stale ones, and no loop on a socket that keeps failing */
static void manager_close_nl80211(Manager *m, int r) {
        log_errno(LOG_WARNING, r, "cannot follow the names of Wi-Fi networks");
        m->nl80211_source = sd_event_source_disable_unref(m->nl80211_source);
        m->nl80211 = nl80211_conn_free(m->nl80211);
        for (size_t i = 0; i < m->state->n_links; i++)
                (void) state_link_set_ssid(m->state, m->state->links[i].ifindex, NULL, 0);
}

static int on_nl80211(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        int r;

        r = nl80211_conn_receive(m->nl80211, m->state);
        if (r < 0)
                manager_close_nl80211(m, r);
        if (r != 0) {
                m->view_stale = true;
                manager_schedule_publish(m, false);
        }
        return 0;
}

/* The Wi-Fi names are a nicety: without nl80211 (no cfg80211: no Wi-Fi hardware) the daemon runs
 * as before and says nothing. Looked for at start, and again when a new wireless link shows up,
 * whose driver may just have loaded cfg80211. */
static void manager_open_nl80211(Manager *m) {
        int seen = 0, r;

        for (size_t i = 0; i < m->state->n_links; i++)
                if (m->state->links[i].wireless && m->state->links[i].ifindex > seen)
                        seen = m->state->links[i].ifindex;
        if (m->nl80211 || (m->nl80211_tried && seen <= m->nl80211_seen))
                return;
        m->nl80211_tried = true;
        m->nl80211_seen = seen;
        r = nl80211_conn_new(&m->nl80211);
        if (r == -EOPNOTSUPP)
                return;
        if (r < 0) {
                log_errno(LOG_WARNING, r, "cannot follow the names of Wi-Fi networks");
                return;
        }
        r = sd_event_add_io(m->event, &m->nl80211_source, nl80211_conn_fd(m->nl80211), EPOLLIN, on_nl80211, m);
        if (r < 0) {
                manager_close_nl80211(m, r);
                return;
        }
        (void) sd_event_source_set_priority(m->nl80211_source, SD_EVENT_PRIORITY_IMPORTANT);
}

/* Links come, go, get renamed and probed: ask again for the Wi-Fi names of the wireless ones */
static void manager_update_ssids(Manager *m) {
        int r;

        manager_open_nl80211(m);
        if (!m->nl80211)
                return;
        r = nl80211_conn_refresh(m->nl80211, m->state);
        if (r < 0)
                manager_close_nl80211(m, r);
}

static int on_rtnl(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        bool was_done = rtnl_conn_resync_done(m->rtnl);
        int r;

        r = rtnl_conn_receive(m->rtnl, m->state);
        if (r == -ENOBUFS)
                manager_request_resync(m);
        else if (r < 0)
                /* a failed dump (or dump request) leaves the state marked: only a complete
                 * resync mends it */
                manager_resync_failed(m, r);
        else if (!was_done && rtnl_conn_resync_done(m->rtnl))
                manager_resync_done(m);
        if (!was_done && rtnl_conn_resync_done(m->rtnl) && m->overflows > 0 && !m->resync_pending) {
                Event e;

                /* a storm ends in one line, not one per overflow */
                if (event_resync(m->overflows, m->resyncs, &e) >= 0) {
                        log_event(&e);
                        event_done(&e);
                }
                m->overflows = 0;
        }
        if (r > 0 || r == -ENOBUFS || (!was_done && rtnl_conn_resync_done(m->rtnl))) {
                manager_update_ssids(m);
                m->view_stale = true;
                manager_schedule_publish(m, r >= 0);
        }
        return 0;
}

/* Nothing tells us when our socket file is deleted (short of inotify): we look on every rescan
 * (one lstat) and on SIGHUP, and bind a new one. Logged once per new error, not per retry. */
static void manager_check_socket(Manager *m) {
        bool activated = false;
        int fd = -1, r;

        if (!m->server || !server_socket_lost(m->server))
                return;
        r = sockpath_prepare(m->socket_path, m->uid);
        if (r >= 0)
                r = server_listen(m->socket_path, &fd, &activated);
        if (r >= 0)
                r = server_replace_listener(m->server, fd);
        if (r >= 0)
                r = server_set_unlink_path(m->server, m->socket_path);
        if (r == -EADDRINUSE) {
                /* a live socket or another file took the path: it is not ours to remove */
                (void) server_set_unlink_path(m->server, NULL);
                log_error("the socket %s was replaced by another process's socket or file; "
                          "this instance is no longer reachable", m->socket_path);
                return;
        }
        if (r < 0) {
                if (r != m->socket_error)
                        log_errno(LOG_ERR, r, "the socket %s was deleted and cannot be re-created "
                                  "(trying again every %u s and on SIGHUP)",
                                  m->socket_path, config_rescan_sec(&m->options, &m->config));
                m->socket_error = r;
                return;
        }
        if (m->socket_error < 0)
                log_notice("listening on %s again", m->socket_path);
        else
                log_warning("the socket %s was deleted: listening on a new one", m->socket_path);
        m->socket_error = 0;
}

/* One line per rescan at most, however many connections the loop turned away meanwhile */
static void manager_report_accept_failures(Manager *m) {
        uint64_t n;

        if (!m->server)
                return;
        n = server_n_accept_failures(m->server);
        if (n == m->accept_failures)
                return;
        if (server_accept_error(m->server) == -EMFILE) {
                struct rlimit rl = {};

                (void) getrlimit(RLIMIT_NOFILE, &rl);
                log_errno(LOG_WARNING, -EMFILE, "cannot accept connections (%" PRIu64 " times; the limit is "
                          "%llu open files): closing idle clients to make room, the rest wait",
                          n - m->accept_failures, (unsigned long long) rl.rlim_cur);
        } else
                log_errno(LOG_WARNING, server_accept_error(m->server),
                          "cannot accept connections (%" PRIu64 " times)", n - m->accept_failures);
        m->accept_failures = n;
}

static int on_rescan(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        manager_check_socket(m);
        manager_report_accept_failures(m);
        (void) manager_refresh(m, true);
        (void) sd_event_source_set_time_relative(s, manager_rescan_usec(m));
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

static int on_snapshot(void *userdata, const Request *req, bool refresh, Snapshot *ret) {
        Manager *m = userdata;

        if (refresh)
                (void) manager_refresh(m, true);
        manager_read_hostname(m);
        /* not a watcher yet (it gets this snapshot first): asked directly */
        if (req->command == REQUEST_WATCH && manager_waits_for(req->has_port ? req->port : 0, m))
                manager_start_wait(m);
        *ret = (Snapshot) {
                .state = m->published,
                /* rendered once per publication, for the first `json` answer */
                .interfaces = req->command == REQUEST_JSON ? manager_published_interfaces(m) : NULL,
                .view = m->view,
                .generation = m->generation,
                .boot_id = m->boot_id,
                .hostname = m->hostname,
                .listeners_error = m->listeners_error,
                .listener_scans = m->listener_scans,
        };
        return 0;
}

static int on_terminate(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) notifier_send(m->notifier, "STOPPING=1");
        return sd_event_exit(m->event, 0);
}

static int on_hangup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) notifier_send(m->notifier, "RELOADING=1");
        manager_check_socket(m);
        if (manager_load_config(m, false) >= 0) {
                log_info("reloaded %s", m->config_path ?: "the configuration");
                m->view_stale = true;
                /* the user's own change: not held */
                settle_flush(&m->settle);
                (void) sd_event_source_set_time_relative(m->rescan_source, manager_rescan_usec(m));
                (void) manager_refresh(m, true);
        }
        (void) notifier_send(m->notifier, "READY=1");
        return 0;
}

/* Says who holds the socket path: most often a reachd started earlier */
static int manager_socket_taken(const char *path) {
        ProcInfo p = {};
        pid_t pid = 0;
        int r;

        r = server_socket_peer(path, &pid);
        if (r == -ENOTSOCK)
                log_error("cannot listen on %s: a file that is not a socket is in the way; remove it, "
                          "or give reachd another socket with --socket PATH", path);
        else if (r < 0 && r != -ECONNREFUSED)
                log_errno(LOG_ERR, -EADDRINUSE, "cannot listen on %s", path);
        else if (pid > 0 && procinfo_read("/proc", pid, &p) >= 0 && strcmp(p.name, "systemd") == 0)
                log_error("cannot listen on %s: systemd (PID %d) listens there for reachd.socket and starts "
                          "reachd on the first query; to run this one instead, `systemctl --user stop "
                          "reachd.socket` first", path, (int) pid);
        else if (pid > 0 && p.name[0] && strcmp(p.name, "reachd") != 0)
                log_error("cannot listen on %s: %s (PID %d) listens there already; stop it, or give "
                          "reachd another socket with --socket PATH", path, p.name, (int) pid);
        else if (pid > 0)
                log_error("another reachd (PID %d) is already running on %s: use that one (reachctl "
                          "url), or stop it first (kill %d)", (int) pid, path, (int) pid);
        else
                log_error("another reachd is already running on %s: use that one (reachctl url), or "
                          "stop it first", path);
        procinfo_done(&p);
        return -EADDRINUSE;
}

static int manager_open_socket(Manager *m) {
        bool activated = false;
        int fd = -1, r;

        if (m->options.socket_path)
                m->socket_path = strdup(m->options.socket_path);
        else {
                r = sockpath_default(getenv("XDG_RUNTIME_DIR"), m->uid, &m->socket_path);
                if (r < 0)
                        return log_errno(LOG_ERR, r, "cannot find where to put the socket");
        }
        if (!m->socket_path)
                return -ENOMEM;
        r = sockpath_prepare(m->socket_path, m->uid);
        if (r < 0)
                return log_errno(LOG_ERR, r, "refusing the socket directory of %s", m->socket_path);
        r = server_listen(m->socket_path, &fd, &activated);
        if (r == -EADDRINUSE)
                return manager_socket_taken(m->socket_path);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot listen on %s", m->socket_path);
        r = server_new(m->event, fd, m->uid, on_snapshot, m, &m->server);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot start the socket server");
        if (!activated)
                server_set_unlink_path(m->server, m->socket_path);
        if (activated)
                log_info("listening on the socket systemd passed");
        else
                log_info("listening on %s", m->socket_path);
        return 0;
}

int manager_start(Manager *m) {
        sigset_t mask;
        int r;

        r = manager_load_config(m, true);
        if (r < 0)
                return r;
        r = notifier_new(&m->notifier);
        if (r < 0)
                log_errno(LOG_WARNING, r, "cannot tell systemd our status through $NOTIFY_SOCKET");
        r = rtnl_conn_new(&m->rtnl);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot open the rtnetlink socket");
        r = rtnl_conn_sync(m->rtnl, m->state, RTNL_SYNC_TIMEOUT_MS);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot read the network state");
        /* without it the daemon still runs, says why, and tries again (manager_scan_listeners) */
        (void) sockdiag_new(&m->diag);

        /* the I/O source outranks the publisher, so a burst of events is drained before the
         * view is recomputed, once */
        r = sd_event_add_io(m->event, &m->rtnl_source, rtnl_conn_fd(m->rtnl), EPOLLIN, on_rtnl, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_priority(m->rtnl_source, SD_EVENT_PRIORITY_IMPORTANT);
        manager_update_ssids(m);
        r = sd_event_add_defer(m->event, &m->publish_source, on_publish, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_priority(m->publish_source, SD_EVENT_PRIORITY_IDLE);
        (void) sd_event_source_set_enabled(m->publish_source, SD_EVENT_OFF);
        r = sd_event_add_time(m->event, &m->coalesce_source, CLOCK_MONOTONIC, 0, 1000, on_coalesced, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(m->coalesce_source, SD_EVENT_OFF);
        r = sd_event_add_time(m->event, &m->settle_source, CLOCK_MONOTONIC, 0, 0, on_settle, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(m->settle_source, SD_EVENT_OFF);
        r = sd_event_add_time(m->event, &m->resync_source, CLOCK_MONOTONIC, 0, 0, on_resync_timer, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(m->resync_source, SD_EVENT_OFF);
        r = sd_event_add_time(m->event, &m->status_source, CLOCK_MONOTONIC, 0, STATUS_ACCURACY_USEC, on_status, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(m->status_source, SD_EVENT_OFF);
        r = sd_event_add_time_relative(m->event, &m->rescan_source, CLOCK_MONOTONIC,
                                       manager_rescan_usec(m), 100 * 1000, on_rescan, m);
        if (r < 0)
                return r;
        r = sd_event_add_time_relative(m->event, &m->wait_source, CLOCK_MONOTONIC, WAIT_RESCAN_USEC,
                                       WAIT_RESCAN_ACCURACY_USEC, on_wait_rescan, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(m->wait_source, SD_EVENT_OFF);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        (void) signal(SIGPIPE, SIG_IGN);
        r = sd_event_add_signal(m->event, NULL, SIGTERM, on_terminate, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGINT, on_terminate, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGHUP, on_hangup, m);
        if (r < 0)
                return r;
        (void) sd_event_set_watchdog(m->event, true);

        r = manager_open_socket(m);
        if (r < 0)
                return r;
        m->view_stale = true;
        (void) manager_refresh(m, true);
        (void) notifier_send(m->notifier, "READY=1");
        return 0;
}

int manager_run(Manager *m) {
        return sd_event_loop(m->event);
}
