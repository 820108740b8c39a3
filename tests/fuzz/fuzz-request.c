/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "hint.h"
#include "fuzz.h"
#include "macro.h"
#include "reachd/protocol.h"
#include "request.h"
#include "response.h"

/* The input is one request line, the bytes a client sent before '\n'. It is parsed, checked
 * against the grammar of DESIGN.md §5 written again here, and answered from a fixed view. */

/* ---- the grammar ---- */

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

typedef struct Word {
        const char *s;
        size_t n;
} Word;

static bool word_is(const Word *w, const char *s) {
        return w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

/* A port: decimal digits, 1 to 65535 */
static bool word_port(const Word *w, uint16_t *ret) {
        uint32_t port = 0;

        for (size_t k = 0; k < w->n; k++) {
                if (w->s[k] < '0' || w->s[k] > '9')
                        return false;
                port = port * 10 + (uint32_t) (w->s[k] - '0');
                if (port > 65535)
                        return false;
        }
        if (port == 0)
                return false;
        *ret = (uint16_t) port;
        return true;
}

static bool word_audience(const Word *w, ReachAudience *ret) {
        static const struct {
                const char *name;
                ReachAudience audience;
        } audiences[] = {
                { "lan", REACH_AUDIENCE_LAN }, { "vpn", REACH_AUDIENCE_VPN }, { "host", REACH_AUDIENCE_HOST },
        };

        for (size_t i = 0; i < ELEMENTSOF(audiences); i++)
                if (word_is(w, audiences[i].name)) {
                        *ret = audiences[i].audience;
                        return true;
                }
        return false;
}

/* What request_parse() must answer: `url [AUDIENCE] [PORT]` (either order), `list`, `watch` and
 * `status` with an optional PORT, the other commands alone */
static int expected(const char *line, size_t len, Request *ret) {
        static const char *const takes_port[] = { "url", "list", "watch", "status" };
        Word words[4];
        size_t n_words = 0, i = 0;
        bool has_audience = false;
        int command = -1;

        if (len > 0 && line[len - 1] == '\r')
                len--;
        for (size_t k = 0; k < len; k++)
                if (((unsigned char) line[k] < 0x20 || (unsigned char) line[k] > 0x7e) && line[k] != '\t')
                        return -EBADMSG;
        while (i < len && n_words < ELEMENTSOF(words)) {
                size_t start;

                while (i < len && is_blank(line[i]))
                        i++;
                start = i;
                while (i < len && !is_blank(line[i]))
                        i++;
                if (i > start)
                        words[n_words++] = (Word) { line + start, i - start };
        }

        *ret = (Request) { .command = REQUEST_URL, .audience = REACH_AUDIENCE_LAN };
        if (n_words == 0)
                return 0;
        for (RequestCommand c = 0; c < _REQUEST_COMMAND_MAX; c++)
                if (word_is(&words[0], request_command_to_string(c)))
                        command = (int) c;
        if (command < 0)
                return -EOPNOTSUPP;
        ret->command = (RequestCommand) command;
        if (n_words == 1)
                return 0;
        for (i = 0; i < ELEMENTSOF(takes_port) && !word_is(&words[0], takes_port[i]); i++)
                ;
        if (i == ELEMENTSOF(takes_port) || n_words > (word_is(&words[0], "url") ? 3 : 2))
                return -EINVAL;
        for (size_t w = 1; w < n_words; w++) {
                if (!ret->has_port && word_port(&words[w], &ret->port))
                        ret->has_port = true;
                else if (word_is(&words[0], "url") && !has_audience && word_audience(&words[w], &ret->audience))
                        has_audience = true;
                else
                        return -EINVAL;
        }
        return 0;
}

/* ---- the answers ---- */

static void add_listener(Listener *l, int family, const char *address, uint16_t port, bool v6only) {
        *l = (Listener) { .family = family, .port = port, .uid = 1000, .inode = port,
                          .v6only = v6only, .socket_is_v6 = family == AF_INET6 };
        fuzz_assert(inet_pton(family, address, l->address.bytes) == 1);
}

/* Vite on 0.0.0.0 (started last), python on 127.0.0.1, something bound to an address that is
 * gone, a v6only server, and 4000 watched but not listening */
static const ReachView *view(void) {
        static const uint16_t ports[] = { 3000, 4000, 5173, 8000, 8001, 9000 };
        static ReachView *v;
        const ReachConfig config = { .ports = ports, .n_ports = ELEMENTSOF(ports), .uid = 1000 };
        Listener ls[5];
        ProcInfo procs[5] = {
                { .inode = 5173, .pid = 42, .name = "node", .cmdline = (char *) "node /usr/bin/vite", .start_time = 300 },
                { .inode = 8000, .pid = 43, .name = "python3",
                  .cmdline = (char *) "python3 -m http.server 8000 --bind 127.0.0.1", .start_time = 200 },
                { .inode = 9000 },
                { .inode = 3000, .pid = 44, .name = "hugo", .cmdline = (char *) "hugo server", .start_time = 100 },
                { .inode = 8001 },
        };

        if (v)
                return v;
        add_listener(&ls[0], AF_INET, "0.0.0.0", 5173, false);
        add_listener(&ls[1], AF_INET, "127.0.0.1", 8000, false);
        add_listener(&ls[2], AF_INET, "10.9.9.9", 9000, false);
        add_listener(&ls[3], AF_INET6, "::", 3000, true);
        add_listener(&ls[4], AF_INET6, "::1", 8001, false);
        fuzz_assert(reach_compute(fuzz_network(), ls, ELEMENTSOF(ls), procs, &config, &v) == 0);
        fuzz_assert(hint_view(v) == 0);
        fuzz_check_view(fuzz_network(), v);
        fuzz_assert(v->n_servers == ELEMENTSOF(ports));
        return v;
}

static bool is_error_line(const char *s) {
        static const char *const codes[] = {
                "not-listening", "loopback-only", "bound-address-gone", "no-network", "no-server",
        };

        if (strncmp(s, "ERR ", 4) != 0)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(codes); i++)
                if (strncmp(s + 4, codes[i], strlen(codes[i])) == 0 && s[4 + strlen(codes[i])] == ' ')
                        return true;
        return false;
}

static size_t count_lines(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                if (*s == '\n')
                        n++;
        return n;
}

static void check_list(const Request *req, const char *s) {
        if (is_error_line(s)) {
                fuzz_assert(count_lines(s) == 1);
                return;
        }
        while (*s) {
                const char *nl = strchr(s, '\n');
                unsigned port = 0;
                size_t tabs = 0;
                int n = 0;

                fuzz_assert(nl);
                for (const char *p = s; p < nl; p++)
                        if (*p == '\t')
                                tabs++;
                fuzz_assert(tabs == 4);
                fuzz_assert(sscanf(s, "%u\t%n", &port, &n) == 1 && n > 0);
                fuzz_assert(!req->has_port || port == req->port);
                s = nl + 1;
        }
}

static void check_answer(const Request *req) {
        const ReachView *v = view();
        const ReachServer *srv = req->has_port ? reach_view_find(v, req->port) : reach_view_default_server(v);
        Snapshot snap = { .state = fuzz_network(), .view = v, .generation = 3, .hostname = "fuzz" };
        StrBuf b = STRBUF_INIT;
        int r;

        r = response_render(&b, req, &snap);
        if (r == -ENOMEM)
                goto cleanup;
        fuzz_assert(r == 0);
        fuzz_assert(b.len > 0 && b.data[b.len - 1] == '\n');
        fuzz_assert(strlen(b.data) == b.len);

        switch (req->command) {
        case REQUEST_URL:
                fuzz_assert(count_lines(b.data) == 1);
                /* `url vpn`: the best URL of that audience; the LAN's is the share URL */
                if (srv && reach_server_best(srv, req->audience))
                        fuzz_assert(strncmp(b.data, reach_server_best(srv, req->audience)->url, b.len - 1) == 0);
                else
                        fuzz_assert(is_error_line(b.data));
                if (srv && req->audience == REACH_AUDIENCE_LAN)
                        fuzz_assert(!reach_server_share(srv) == is_error_line(b.data));
                fuzz_assert(fuzz_text_printable(b.data, b.len, false));
                break;
        case REQUEST_LIST:
                fuzz_assert(fuzz_text_printable(b.data, b.len, true));
                check_list(req, b.data);
                break;
        case REQUEST_JSON:
                fuzz_assert(count_lines(b.data) == 1);
                fuzz_assert(fuzz_json_valid(b.data, b.len));
                break;
        case REQUEST_WATCH:
                fuzz_assert(fuzz_json_lines_valid(b.data, b.len));
                /* hello, a snapshot per server (of the port's, if any), synced */
                fuzz_assert(count_lines(b.data) == 2 + (req->has_port ? (srv ? 1 : 0) : v->n_servers));
                fuzz_assert(strncmp(b.data, "{\"event\":\"hello\",", strlen("{\"event\":\"hello\",")) == 0);
                fuzz_assert(strstr(b.data, "{\"event\":\"synced\",") != NULL);
                break;
        case REQUEST_STATUS:
                fuzz_assert(fuzz_text_printable(b.data, b.len, false));
                break;
        case REQUEST_PING:
                fuzz_assert(strcmp(b.data, "pong\n") == 0);
                break;
        case REQUEST_HELLO:
                fuzz_assert(count_lines(b.data) == 1);
                fuzz_assert(fuzz_json_valid(b.data, b.len));
                break;
        case _REQUEST_COMMAND_MAX:
                fuzz_assert(!"parsed to no command");
                break;
        }
cleanup:
        strbuf_done(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *line, again[32];
        Request req, want = {}, req2;
        int r, n;

        /* longer lines get request-too-long before any parsing */
        if (size > REACHD_REQUEST_MAX)
                return 0;
        line = fuzz_memdup(data, size);

        memset(&req, FUZZ_SENTINEL, sizeof(req));
        r = request_parse(line, size, &req);
        fuzz_assert(r == expected(line, size, &want));
        if (r < 0) {
                fuzz_assert(fuzz_untouched(&req, sizeof(req)));
                goto cleanup;
        }
        fuzz_assert(req.command < _REQUEST_COMMAND_MAX);
        fuzz_assert(request_command_to_string(req.command));
        fuzz_assert(req.has_port ? req.port >= 1 : req.port == 0);
        fuzz_assert(req.command == want.command && req.has_port == want.has_port && req.port == want.port);
        fuzz_assert(req.audience == want.audience);
        for (size_t i = 0; i < size; i++)
                fuzz_assert(data[i] == '\t' || (data[i] >= 0x20 && data[i] <= 0x7e) ||
                            (i == size - 1 && data[i] == '\r'));

        /* what a client would send for it means the same */
        n = snprintf(again, sizeof(again), "%s%s%s", request_command_to_string(req.command),
                     req.audience == REACH_AUDIENCE_LAN ? "" : " ",
                     req.audience == REACH_AUDIENCE_LAN ? "" : reach_audience_to_string(req.audience));
        if (req.has_port && n > 0 && (size_t) n < sizeof(again))
                n += snprintf(again + n, sizeof(again) - (size_t) n, " %u", req.port);
        fuzz_assert(n > 0 && (size_t) n < sizeof(again));
        fuzz_assert(request_parse(again, (size_t) n, &req2) == 0);
        fuzz_assert(req2.command == req.command && req2.has_port == req.has_port && req2.port == req.port);
        fuzz_assert(req2.audience == req.audience);

        check_answer(&req);
cleanup:
        free(line);
        return 0;
}
