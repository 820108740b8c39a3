/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "hint.h"
#include "format.h"
#include "fuzz.h"
#include "macro.h"
#include "request.h"
#include "response.h"
#include "sockdiag.h"

/* The input is one datagram of a listener dump as the kernel sends it (SOCK_DIAG_BY_FAMILY, or
 * TCPDIAG_GETSOCK as the scan asks); the listeners it holds are then ranked over a small fixed
 * network. */

#define MAX_LISTENERS 32

static void check_parse(const struct nlmsghdr *nlh, int r, const Listener *l) {
        static const uint8_t mapped_prefix[12] = { [10] = 0xff, [11] = 0xff };
        const struct inet_diag_msg *m = NLMSG_DATA(nlh);

        fuzz_assert(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
        if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK)
                fuzz_assert(r == -EOPNOTSUPP);
        if (r < 0) {
                fuzz_assert(fuzz_untouched(l, sizeof(*l)));
                return;
        }
        fuzz_assert(nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)));
        fuzz_assert(m->idiag_state == TCP_LISTEN);
        fuzz_assert(l->family == AF_INET || l->family == AF_INET6);
        fuzz_assert(l->socket_is_v6 == (m->idiag_family == AF_INET6));
        fuzz_assert(l->socket_is_v6 || l->family == AF_INET);
        fuzz_assert(!l->v6only || l->socket_is_v6);
        fuzz_assert(l->port == ntohs(m->id.idiag_sport));
        fuzz_assert(l->uid == m->idiag_uid && l->inode == m->idiag_inode);
        fuzz_assert(l->ifindex == (int) m->id.idiag_if);
        fuzz_assert(fuzz_inaddr_tail_zero(l->family, &l->address));
        if (l->family == m->idiag_family)
                fuzz_assert(memcmp(l->address.bytes, m->id.idiag_src, inaddr_size(l->family)) == 0);
        else {
                /* ::ffff:a.b.c.d, unmapped */
                fuzz_assert(memcmp(m->id.idiag_src, mapped_prefix, sizeof(mapped_prefix)) == 0);
                fuzz_assert(memcmp(l->address.bytes, (const uint8_t *) m->id.idiag_src + 12, 4) == 0);
        }
}

/* ---- what the listeners lead to ---- */

static void check_render(const State *s, const ReachView *v, RequestCommand command) {
        Request req = { .command = command };
        Snapshot snap = { .state = s, .view = v, .generation = 1, .hostname = "fuzz" };
        StrBuf b = STRBUF_INIT;
        int r;

        r = response_render(&b, &req, &snap);
        fuzz_assert(r == 0 || r == -ENOMEM);
        /* watch: hello, one line per server, synced, also when there is none */
        if (r == 0) {
                fuzz_assert(b.len > 0 && b.data[b.len - 1] == '\n');
                fuzz_assert(strlen(b.data) == b.len);
                if (command == REQUEST_JSON)
                        fuzz_assert(fuzz_json_valid(b.data, b.len));
                else if (command == REQUEST_WATCH)
                        fuzz_assert(fuzz_json_lines_valid(b.data, b.len));
                else
                        fuzz_assert(fuzz_text_printable(b.data, b.len, command == REQUEST_LIST));
        }
        strbuf_done(&b);
}

static void check_view(const Listener *ls, size_t n, const ProcInfo *procs, const ReachConfig *config) {
        const State *s = fuzz_network();
        ReachView *v = NULL;
        int r;

        r = reach_compute(s, ls, n, procs, config, &v);
        if (r >= 0 && (r = hint_view(v)) < 0)
                v = reach_view_free(v);
        if (r == -ENOMEM)
                return;
        fuzz_assert(r == 0);
        fuzz_check_view(s, v);
        for (size_t i = 0; i < v->n_servers; i++)
                fuzz_assert(config->n_ports == 0 || v->servers[i].watched);
        for (size_t i = 0; i < n; i++)
                if (reach_listener_selected(&ls[i], procs ? &procs[i] : NULL, config))
                        fuzz_assert(reach_view_find(v, ls[i].port)->listening);
        for (RequestCommand c = 0; c < _REQUEST_COMMAND_MAX; c++)
                check_render(s, v, c);
        reach_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const names[] = { "node", "python3", "ruby", "hugo", "" };
        static const char *const cmdlines[] = {
                "node /usr/bin/vite --port 5173",
                "python3 -m http.server 8000 --bind 127.0.0.1",
                "ruby bin/rails server -b 127.0.0.1",
                "hugo server",
                NULL,
        };
        const struct nlmsghdr *nlh;
        uint8_t *buf = fuzz_memdup(data, size);
        Listener ls[MAX_LISTENERS];
        ProcInfo procs[MAX_LISTENERS];
        uint16_t ports[3] = { 80, 5173, 0 };
        ReachConfig config = { .uid = 0 };
        uint8_t req[128];
        size_t n = 0, off = 0;

        while ((nlh = fuzz_nlmsg_next(buf, size, &off))) {
                Listener l;
                int r;

                memset(&l, FUZZ_SENTINEL, sizeof(l));
                r = sockdiag_parse(nlh, &l);
                check_parse(nlh, r, &l);
                if (r == 0 && n < MAX_LISTENERS)
                        ls[n++] = l;
        }

        for (size_t i = 0; i < n; i++) {
                procs[i] = (ProcInfo) { .inode = ls[i].inode, .pid = (pid_t) i + 1,
                                        .cmdline = (char *) cmdlines[i % ELEMENTSOF(cmdlines)],
                                        .start_time = ls[i].inode };
                snprintf(procs[i].name, sizeof(procs[i].name), "%s", names[i % ELEMENTSOF(names)]);
        }
        check_view(ls, n, NULL, &config);
        check_view(ls, n, procs, &config);
        ports[2] = n > 0 ? ls[0].port : 3000;
        config = (ReachConfig) { .ports = ports, .n_ports = ELEMENTSOF(ports), .scheme = "https" };
        check_view(ls, n, procs, &config);

        fuzz_assert(sockdiag_build_request(req, sizeof(req), AF_INET6, 7) ==
                    (int) NLMSG_SPACE(sizeof(struct inet_diag_req_v2)));
        free(buf);
        return 0;
}
