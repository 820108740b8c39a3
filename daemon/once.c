/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "format.h"
#include "forwarder.h"
#include "log.h"
#include "macro.h"
#include "nl80211.h"
#include "once.h"
#include "hint.h"
#include "procinfo.h"
#include "reach.h"
#include "response.h"
#include "rtnl-io.h"
#include "sockdiag.h"
#include "state.h"

#define ONCE_SYNC_TIMEOUT_MS 10000

typedef struct ProcInfoArray {
        ProcInfo *items;
        size_t n;
} ProcInfoArray;

static void procinfo_array_done(ProcInfoArray *a) {
        for (size_t i = 0; i < a->n; i++)
                procinfo_done(&a->items[i]);
        free(a->items);
}

int once_run(const Options *o, FILE *out) {
        _cleanup_(state_freep) State *s = NULL;
        _cleanup_(rtnl_conn_freep) RtnlConn *rtnl = NULL;
        _cleanup_(sockdiag_freep) SockDiag *diag = NULL;
        _cleanup_(reach_view_freep) ReachView *view = NULL;
        _cleanup_(procinfo_array_done) ProcInfoArray procs = {};
        _cleanup_free_ Listener *listeners = NULL;
        _cleanup_free_ uint64_t *inodes = NULL;
        _cleanup_(strbuf_done) StrBuf b = STRBUF_INIT;
        _cleanup_(config_done) Config c = {};
        _cleanup_free_ char *config_path = NULL;
        ConfigError error;
        ReachConfig config;
        size_t n_listeners = 0;
        char hostname[256] = "";
        int r;

        if (o->config_path)
                config_path = strdup(o->config_path);
        else
                (void) config_default_path(getenv("XDG_CONFIG_HOME"), getenv("HOME"), &config_path);
        if (config_path) {
                r = config_load(config_path, &c, &error);
                if (r == -EINVAL) {
                        log_error("%s:%u: %s", config_path, error.line, error.message);
                        return r;
                }
                if (r < 0)
                        return log_errno(LOG_ERR, r, "cannot read %s", config_path);
        }
        config = config_merge(o, &c, (uint32_t) getuid());

        r = state_new(&s);
        if (r < 0)
                return log_errno(LOG_ERR, r, "out of memory");
        r = rtnl_conn_new(&rtnl);
        if (r >= 0)
                r = rtnl_conn_sync(rtnl, s, ONCE_SYNC_TIMEOUT_MS);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot read the network state");
        /* Wi-Fi names where nl80211 exists; nothing to say where it does not */
        (void) nl80211_read_ssids(s);
        r = sockdiag_new(&diag);
        if (r >= 0)
                r = sockdiag_scan(diag, &listeners, &n_listeners);
        if (r < 0) {
                _cleanup_(strbuf_done) StrBuf text = STRBUF_INIT;

                /* the daemon's answers say the same */
                if (response_listeners_error(&text, r) < 0)
                        return log_errno(LOG_ERR, r, "cannot read the listening sockets");
                log_error("%s", text.data);
                return r;
        }

        if (n_listeners > 0) {
                inodes = calloc(n_listeners, sizeof(*inodes));
                procs.items = calloc(n_listeners, sizeof(*procs.items));
                if (!inodes || !procs.items)
                        return log_errno(LOG_ERR, -ENOMEM, "out of memory");
                procs.n = n_listeners;
                for (size_t i = 0; i < n_listeners; i++)
                        inodes[i] = listeners[i].inode;
                r = procinfo_lookup("/proc", inodes, n_listeners, procs.items);
                if (r >= 0)
                        r = forwarder_lookup("/proc", listeners, n_listeners, procs.items);
                if (r < 0)
                        return log_errno(LOG_ERR, r, "cannot find the owners of listening sockets");
        }

        r = reach_compute(s, listeners, n_listeners, procs.items, &config, &view);
        if (r >= 0)
                r = hint_view(view);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot compute the view");
        (void) gethostname(hostname, sizeof(hostname) - 1);
        r = format_view_json(&b, s, view, 0, NULL, hostname);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot format the view");
        if (fprintf(out, "%s\n", b.data) < 0 || fflush(out) != 0)
                return log_errno(LOG_ERR, -EIO, "cannot write the view");
        return 0;
}
