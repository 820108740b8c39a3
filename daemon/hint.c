/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"
#include "hint.h"
#include "inaddr.h"
#include "macro.h"
#include "strbuf.h"
#include "tool.h"

static bool has_wildcard(const ReachBind *binds, size_t n_binds) {
        for (size_t i = 0; i < n_binds; i++)
                if (inaddr_is_any(binds[i].family, &binds[i].address))
                        return true;
        return false;
}

static bool has_family(const ReachBind *binds, size_t n_binds, int family) {
        for (size_t i = 0; i < n_binds; i++)
                if (binds[i].family == family)
                        return true;
        return false;
}

/* The fix the rules know: "restart it with `CMD` WHY", with the note after it; else the
 * generic sentence "FALLBACK instead of BINDS TAIL" */
static int append_fix(StrBuf *b, const ProcChain *chain, uint16_t port, ToolBind bind, const char *why,
                      const char *fallback, const ReachBind *binds, size_t n_binds, const char *tail) {
        _cleanup_free_ char *command = NULL, *note = NULL;
        int r;

        r = tool_command(chain, port, bind, &command, &note);
        if (r < 0 && r != -ENOENT && r != -EOPNOTSUPP)
                return r;
        if (r >= 0 && command) {
                strbuf_appendf(b, "restart it with `%s` %s", command, why);
                if (note)
                        strbuf_appendf(b, "; %s", note);
                return b->error;
        }
        strbuf_append(b, fallback);
        if (n_binds > 0) {
                strbuf_append(b, " instead of ");
                r = format_binds(b, binds, n_binds);
                if (r < 0)
                        return r;
        }
        strbuf_append(b, tail);
        if (note)
                strbuf_appendf(b, ": %s", note);
        return b->error;
}

int hint_for_problem(ReachProblem problem, uint16_t port, const ReachBind *binds, size_t n_binds,
                     const ProcChain *chain, char **ret) {
        StrBuf b = STRBUF_INIT;
        int r = -EINVAL;

        switch (problem) {
        case REACH_PROBLEM_NONE:
                return -ENOENT;
        case REACH_PROBLEM_NOT_LISTENING:
                r = strbuf_appendf(&b, "start the server on port %u, or check that it did not "
                                   "exit", (unsigned) port);
                break;
        case REACH_PROBLEM_LOOPBACK_ONLY:
                r = append_fix(&b, chain, port, TOOL_BIND_ANY, "so it listens on every interface",
                               "make it listen on 0.0.0.0 or ::", binds, n_binds, "");
                break;
        case REACH_PROBLEM_BOUND_ADDRESS_GONE:
                r = append_fix(&b, chain, port, TOOL_BIND_ANY, "so it listens on every interface "
                               "and follows network changes",
                               "restart it bound to 0.0.0.0 or ::", binds, n_binds,
                               " so it follows network changes");
                break;
        case REACH_PROBLEM_BOUND_LINK_DOWN:
                strbuf_append(&b, "reconnect that interface (cable, Wi-Fi), or ");
                r = append_fix(&b, chain, port, TOOL_BIND_ANY, "so it listens on every interface "
                               "and follows network changes",
                               "restart it bound to 0.0.0.0 or ::", binds, n_binds,
                               " so it follows network changes");
                break;
        case REACH_PROBLEM_FAMILY_MISMATCH:
                /* the network has only the family the server does not take */
                if (has_family(binds, n_binds, AF_INET6))
                        r = append_fix(&b, chain, port, TOOL_BIND_ANY, "so it takes IPv4 connections",
                                       "make it listen on 0.0.0.0 as well, or on :: without "
                                       "IPV6_V6ONLY,", binds, 0, " so it takes IPv4 connections too");
                else
                        r = append_fix(&b, chain, port, TOOL_BIND_ANY6, "so it listens on IPv6 as well",
                                       "make it listen on :: (every IPv6 and IPv4 address)",
                                       binds, n_binds, "");
                break;
        case REACH_PROBLEM_NO_NETWORK:
                if (has_wildcard(binds, n_binds))
                        r = strbuf_append(&b, "connect this machine to a local network (Wi-Fi or "
                                          "Ethernet); the server listens on every interface and "
                                          "will be reachable as soon as an address appears");
                else
                        r = append_fix(&b, chain, port, TOOL_BIND_ANY, "so it listens on every interface",
                                       "make it listen on 0.0.0.0 or ::", binds, n_binds, "");
                break;
        case _REACH_PROBLEM_MAX:
                break;
        }

        if (r >= 0)
                r = strbuf_steal(&b, ret);
        if (r < 0)
                strbuf_done(&b);
        return r;
}

int hint_view(ReachView *v) {
        for (size_t i = 0; i < v->n_servers; i++) {
                ReachServer *srv = &v->servers[i];
                char *hint = NULL;
                int r;

                if (srv->problem == REACH_PROBLEM_NONE)
                        continue;
                r = hint_for_problem(srv->problem, srv->port, srv->binds, srv->n_binds,
                                     srv->process.pid > 0 ? srv->process.chain : NULL, &hint);
                if (r < 0)
                        return r;
                free(srv->hint);
                srv->hint = hint;
        }
        return 0;
}
