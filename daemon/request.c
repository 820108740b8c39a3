/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "number.h"
#include "macro.h"
#include "request.h"

static const char *const command_names[_REQUEST_COMMAND_MAX] = {
        [REQUEST_URL] = "url",
        [REQUEST_LIST] = "list",
        [REQUEST_JSON] = "json",
        [REQUEST_WATCH] = "watch",
        [REQUEST_STATUS] = "status",
        [REQUEST_PING] = "ping",
        [REQUEST_HELLO] = "hello",
};

const char *request_command_to_string(RequestCommand c) {
        return c < _REQUEST_COMMAND_MAX ? command_names[c] : NULL;
}

static bool command_takes_port(RequestCommand c) {
        switch (c) {
        case REQUEST_URL:
        case REQUEST_LIST:
        case REQUEST_WATCH:
        case REQUEST_STATUS:
                return true;
        case REQUEST_JSON:
        case REQUEST_PING:
        case REQUEST_HELLO:
        case _REQUEST_COMMAND_MAX:
                break;
        }
        return false;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* Decimal only, leading zeros allowed: no sign, no hex, no trailing junk */
static int parse_port(const char *s, size_t n, uint16_t *ret) {
        uint64_t v;

        if (number_parse_u64(s, n, UINT16_MAX, &v) < 0 || v == 0)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

/* "lan", "vpn", "host": the URL for whom (loopback URLs are never shared) */
static int parse_audience(const char *s, size_t n, ReachAudience *ret) {
        for (ReachAudience a = REACH_AUDIENCE_LAN; a <= REACH_AUDIENCE_HOST; a++) {
                const char *name = reach_audience_to_string(a);

                if (strlen(name) == n && memcmp(name, s, n) == 0) {
                        *ret = a;
                        return 0;
                }
        }
        return -EINVAL;
}

/* The next word at or after *pos, as its offset; length 0 at the end of the line */
static size_t next_word(const char *line, size_t len, size_t *pos, size_t *ret_start) {
        size_t i = *pos, start;

        while (i < len && is_blank(line[i]))
                i++;
        start = i;
        while (i < len && !is_blank(line[i]))
                i++;
        *pos = i;
        *ret_start = start;
        return i - start;
}

int request_parse(const char *line, size_t len, Request *ret) {
        Request req = { .command = REQUEST_URL };
        size_t pos = 0, start, n;
        bool found = false, has_audience = false;
        int r;

        if (len > 0 && line[len - 1] == '\r')
                len--;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) line[i];

                if ((c < 0x20 || c > 0x7e) && c != '\t')
                        return -EBADMSG;
        }

        n = next_word(line, len, &pos, &start);
        if (n > 0) {
                for (size_t i = 0; i < ELEMENTSOF(command_names); i++)
                        if (strlen(command_names[i]) == n && memcmp(command_names[i], line + start, n) == 0) {
                                req.command = (RequestCommand) i;
                                found = true;
                                break;
                        }
                if (!found)
                        return -EOPNOTSUPP;
        }

        while ((n = next_word(line, len, &pos, &start)) > 0) {
                if (!command_takes_port(req.command))
                        return -EINVAL;
                if (parse_port(line + start, n, &req.port) >= 0) {
                        if (req.has_port)
                                return -EINVAL;
                        req.has_port = true;
                        continue;
                }
                r = parse_audience(line + start, n, &req.audience);
                if (r < 0 || req.command != REQUEST_URL || has_audience)
                        return -EINVAL;
                has_audience = true;
        }

        *ret = req;
        return 0;
}
