/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "watchline.h"

/* Our own lines nest four deep (server, urls, url, flags); this only bounds the recursion on
 * garbage like [[[[… */
#define WATCHLINE_DEPTH_MAX 32

typedef struct Cursor {
        const char *p;
        const char *end;
} Cursor;

static int skip_value(Cursor *c, unsigned depth);

static void skip_blanks(Cursor *c) {
        while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
                c->p++;
}

/* Consumes ch after blanks */
static bool eat(Cursor *c, char ch) {
        skip_blanks(c);
        if (c->p >= c->end || *c->p != ch)
                return false;
        c->p++;
        return true;
}

static bool peek_is(Cursor *c, char ch) {
        skip_blanks(c);
        return c->p < c->end && *c->p == ch;
}

static int hex4(Cursor *c, uint32_t *ret) {
        uint32_t v = 0;

        if (c->end - c->p < 4)
                return -EBADMSG;
        for (int i = 0; i < 4; i++) {
                char h = *c->p++;

                v <<= 4;
                if (h >= '0' && h <= '9')
                        v |= (uint32_t) (h - '0');
                else if (h >= 'a' && h <= 'f')
                        v |= (uint32_t) (h - 'a' + 10);
                else if (h >= 'A' && h <= 'F')
                        v |= (uint32_t) (h - 'A' + 10);
                else
                        return -EBADMSG;
        }
        *ret = v;
        return 0;
}

static void append_utf8(StrBuf *b, uint32_t cp) {
        char u[4];
        size_t n;

        if (cp < 0x80) {
                u[0] = (char) cp;
                n = 1;
        } else if (cp < 0x800) {
                u[0] = (char) (0xc0 | (cp >> 6));
                u[1] = (char) (0x80 | (cp & 0x3f));
                n = 2;
        } else if (cp < 0x10000) {
                u[0] = (char) (0xe0 | (cp >> 12));
                u[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                u[2] = (char) (0x80 | (cp & 0x3f));
                n = 3;
        } else {
                u[0] = (char) (0xf0 | (cp >> 18));
                u[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
                u[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
                u[3] = (char) (0x80 | (cp & 0x3f));
                n = 4;
        }
        strbuf_append_len(b, u, n);
}

/* After the backslash of \uXXXX; RFC 8259 §7: outside the BMP a character is a surrogate pair */
static int unicode_escape(Cursor *c, uint32_t *ret) {
        uint32_t hi, lo;
        int r;

        r = hex4(c, &hi);
        if (r < 0)
                return r;
        if (hi >= 0xdc00 && hi <= 0xdfff)
                return -EBADMSG;
        if (hi < 0xd800 || hi > 0xdbff) {
                *ret = hi;
                return 0;
        }
        if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
                return -EBADMSG;
        c->p += 2;
        r = hex4(c, &lo);
        if (r < 0)
                return r;
        if (lo < 0xdc00 || lo > 0xdfff)
                return -EBADMSG;
        *ret = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
        return 0;
}

/* At the opening quote. out NULL: only check and skip. */
static int parse_string(Cursor *c, StrBuf *out) {
        if (!eat(c, '"'))
                return -EBADMSG;
        while (c->p < c->end) {
                const char *run = c->p;
                uint32_t cp;
                char e;
                int r;

                while (c->p < c->end && *c->p != '"' && *c->p != '\\' && (unsigned char) *c->p >= 0x20)
                        c->p++;
                if (out)
                        strbuf_append_len(out, run, (size_t) (c->p - run));
                if (c->p >= c->end || (unsigned char) *c->p < 0x20)
                        return -EBADMSG;
                if (*c->p++ == '"')
                        return out ? out->error : 0;

                if (c->p >= c->end)
                        return -EBADMSG;
                e = *c->p++;
                switch (e) {
                case '"': cp = '"'; break;
                case '\\': cp = '\\'; break;
                case '/': cp = '/'; break;
                case 'b': cp = '\b'; break;
                case 'f': cp = '\f'; break;
                case 'n': cp = '\n'; break;
                case 'r': cp = '\r'; break;
                case 't': cp = '\t'; break;
                case 'u':
                        r = unicode_escape(c, &cp);
                        if (r < 0)
                                return r;
                        /* a C string cannot hold it, and a URL or hint never does */
                        if (cp == 0)
                                return -EBADMSG;
                        break;
                default:
                        return -EBADMSG;
                }
                if (out)
                        append_utf8(out, cp);
        }
        return -EBADMSG;
}

static bool is_digit(char ch) {
        return ch >= '0' && ch <= '9';
}

static size_t skip_digits(Cursor *c) {
        const char *start = c->p;

        while (c->p < c->end && is_digit(*c->p))
                c->p++;
        return (size_t) (c->p - start);
}

/* RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int skip_number(Cursor *c) {
        skip_blanks(c);
        if (c->p < c->end && *c->p == '-')
                c->p++;
        if (c->p < c->end && *c->p == '0')
                c->p++;
        else if (skip_digits(c) == 0)
                return -EBADMSG;
        if (c->p < c->end && *c->p == '.') {
                c->p++;
                if (skip_digits(c) == 0)
                        return -EBADMSG;
        }
        if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
                c->p++;
                if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
                        c->p++;
                if (skip_digits(c) == 0)
                        return -EBADMSG;
        }
        return 0;
}

static bool eat_word(Cursor *c, const char *word) {
        size_t n = strlen(word);

        skip_blanks(c);
        if ((size_t) (c->end - c->p) < n || memcmp(c->p, word, n) != 0)
                return false;
        c->p += n;
        return true;
}

/* The members of an object or the elements of an array, after the opening bracket */
static int skip_container(Cursor *c, char close, unsigned depth) {
        int r;

        if (depth >= WATCHLINE_DEPTH_MAX)
                return -EBADMSG;
        if (eat(c, close))
                return 0;
        for (;;) {
                if (close == '}') {
                        r = parse_string(c, NULL);
                        if (r < 0)
                                return r;
                        if (!eat(c, ':'))
                                return -EBADMSG;
                }
                r = skip_value(c, depth + 1);
                if (r < 0)
                        return r;
                if (eat(c, close))
                        return 0;
                if (!eat(c, ','))
                        return -EBADMSG;
        }
}

static int skip_value(Cursor *c, unsigned depth) {
        skip_blanks(c);
        if (c->p >= c->end)
                return -EBADMSG;
        switch (*c->p) {
        case '{':
                c->p++;
                return skip_container(c, '}', depth);
        case '[':
                c->p++;
                return skip_container(c, ']', depth);
        case '"':
                return parse_string(c, NULL);
        case 't':
                return eat_word(c, "true") ? 0 : -EBADMSG;
        case 'f':
                return eat_word(c, "false") ? 0 : -EBADMSG;
        case 'n':
                return eat_word(c, "null") ? 0 : -EBADMSG;
        }
        return skip_number(c);
}

enum {
        FIELD_EVENT,
        FIELD_SHARE_URL,
        FIELD_PROBLEM,
        FIELD_HINT,
        FIELD_PORT,
        FIELD_DEFAULT,
        FIELD_REASON,
        _FIELD_MAX,
};

/* A string or null */
static int parse_string_field(Cursor *c, char **field) {
        StrBuf b = STRBUF_INIT;
        int r;

        if (eat_word(c, "null"))
                return 0;
        if (!peek_is(c, '"'))
                return -EBADMSG;
        r = parse_string(c, &b);
        if (r >= 0)
                r = strbuf_steal(&b, field);
        strbuf_done(&b);
        return r;
}

/* true, false or null (false) */
static int parse_bool_field(Cursor *c, bool *field) {
        if (eat_word(c, "null"))
                return 0;
        if (eat_word(c, "true")) {
                *field = true;
                return 0;
        }
        return eat_word(c, "false") ? 0 : -EBADMSG;
}

/* An integer 1..65535 or null */
static int parse_port_field(Cursor *c, WatchLine *w) {
        const char *start;
        uint32_t v = 0;
        int r;

        if (eat_word(c, "null"))
                return 0;
        skip_blanks(c);
        start = c->p;
        r = skip_number(c);
        if (r < 0)
                return r;
        if (*start == '0' || *start == '-')
                return -EBADMSG;
        for (const char *p = start; p < c->p; p++) {
                if (!is_digit(*p))
                        return -EBADMSG;
                v = v * 10 + (uint32_t) (*p - '0');
                if (v > UINT16_MAX)
                        return -EBADMSG;
        }
        w->has_port = true;
        w->port = (uint16_t) v;
        return 0;
}

static int field_from_key(const char *key) {
        static const char *const names[_FIELD_MAX] = {
                [FIELD_EVENT] = "event",
                [FIELD_SHARE_URL] = "share_url",
                [FIELD_PROBLEM] = "problem",
                [FIELD_HINT] = "hint",
                [FIELD_PORT] = "port",
                [FIELD_DEFAULT] = "default",
                [FIELD_REASON] = "reason",
        };

        for (int i = 0; i < _FIELD_MAX; i++)
                if (strcmp(key, names[i]) == 0)
                        return i;
        return -ENOENT;
}

/* seen: which wanted fields came already, since a second one would make the answer ambiguous */
static int parse_member(Cursor *c, WatchLine *w, bool seen[static _FIELD_MAX]) {
        StrBuf key = STRBUF_INIT;
        int field, r;

        r = parse_string(c, &key);
        if (r < 0)
                goto cleanup;
        if (!eat(c, ':')) {
                r = -EBADMSG;
                goto cleanup;
        }
        field = field_from_key(key.data ?: "");
        if (field < 0) {
                r = skip_value(c, 1);
                goto cleanup;
        }
        if (seen[field]) {
                r = -EBADMSG;
                goto cleanup;
        }
        seen[field] = true;
        switch (field) {
        case FIELD_EVENT:
                r = parse_string_field(c, &w->event);
                break;
        case FIELD_SHARE_URL:
                r = parse_string_field(c, &w->share_url);
                break;
        case FIELD_PROBLEM:
                r = parse_string_field(c, &w->problem);
                break;
        case FIELD_HINT:
                r = parse_string_field(c, &w->hint);
                break;
        case FIELD_PORT:
                r = parse_port_field(c, w);
                break;
        case FIELD_DEFAULT:
                r = parse_bool_field(c, &w->is_default);
                break;
        case FIELD_REASON:
                r = parse_string_field(c, &w->reason);
                break;
        }
cleanup:
        strbuf_done(&key);
        return r;
}

int watchline_parse(const char *line, size_t len, WatchLine *ret) {
        Cursor c = { .p = line, .end = line + len };
        WatchLine w = { 0 };
        bool seen[_FIELD_MAX] = { false };
        int r = 0;

        if (!line || !eat(&c, '{'))
                return -EBADMSG;
        if (!eat(&c, '}'))
                for (;;) {
                        r = parse_member(&c, &w, seen);
                        if (r < 0)
                                goto cleanup;
                        if (eat(&c, '}'))
                                break;
                        if (!eat(&c, ',')) {
                                r = -EBADMSG;
                                goto cleanup;
                        }
                }
        skip_blanks(&c);
        if (c.p != c.end) {
                r = -EBADMSG;
                goto cleanup;
        }
        *ret = w;
        return 0;

cleanup:
        watchline_done(&w);
        return r;
}

void watchline_done(WatchLine *w) {
        if (!w)
                return;
        free(w->event);
        free(w->share_url);
        free(w->problem);
        free(w->hint);
        free(w->reason);
        *w = (WatchLine) { 0 };
}
