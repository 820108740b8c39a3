/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void strbuf_done(StrBuf *b) {
        free(b->data);
        *b = (StrBuf) STRBUF_INIT;
}

void strbuf_reset(StrBuf *b) {
        b->len = 0;
        b->error = 0;
        if (b->data)
                b->data[0] = 0;
}

static int strbuf_reserve(StrBuf *b, size_t extra) {
        size_t need, n;
        char *p;

        if (b->error < 0)
                return b->error;
        if (extra > SIZE_MAX / 2 - b->len - 1)
                return (b->error = -ENOMEM);
        need = b->len + extra + 1;
        if (need <= b->allocated)
                return 0;
        /* a watch line or an answer is some hundred bytes: fewer reallocations */
        n = b->allocated ? b->allocated : 256;
        while (n < need)
                n *= 2;
        p = realloc(b->data, n);
        if (!p)
                return (b->error = -ENOMEM);
        b->data = p;
        b->allocated = n;
        return 0;
}

int strbuf_append_len(StrBuf *b, const char *s, size_t len) {
        /* the common case, room enough: no call */
        if (b->error != 0 || len >= b->allocated - b->len) {
                int r = strbuf_reserve(b, len);

                if (r < 0)
                        return r;
        }
        memcpy(b->data + b->len, s, len);
        b->len += len;
        b->data[b->len] = 0;
        return 0;
}

int strbuf_append_printable(StrBuf *b, const char *s) {
        size_t start = b->len;
        int r = strbuf_append(b, s);

        if (r < 0)
                return r;
        for (size_t i = start; i < b->len; i++)
                if ((unsigned char) b->data[i] < 0x20 || b->data[i] == 0x7f)
                        b->data[i] = '?';
        return 0;
}

static int append_unsigned(StrBuf *b, unsigned long long v) {
        char digits[24];
        size_t i = sizeof(digits);

        do
                digits[--i] = (char) ('0' + v % 10);
        while ((v /= 10) > 0);
        return strbuf_append_len(b, digits + i, sizeof(digits) - i);
}

static int append_signed(StrBuf *b, long long v) {
        if (v >= 0)
                return append_unsigned(b, (unsigned long long) v);
        strbuf_append_len(b, "-", 1);
        return append_unsigned(b, 0ULL - (unsigned long long) v);
}

/* The conversions our formats use (%s %d %u %ld %lu %lld %llu %zu %%), without stdio: vsnprintf()
 * was a third of the work of rendering a watch line. false at anything else (a flag, a width, a
 * precision, another conversion), for vsnprintf() to do it all. */
static bool append_simple(StrBuf *b, const char *fmt, va_list ap) {
        for (const char *p = fmt;;) {
                const char *pct = strchr(p, '%');
                size_t skip = 2;

                if (!pct) {
                        strbuf_append(b, p);
                        return true;
                }
                strbuf_append_len(b, p, (size_t) (pct - p));
                p = pct + 1;
                if (p[0] == 's') {
                        const char *s = va_arg(ap, const char *);

                        strbuf_append(b, s ? s : "(null)");
                        skip = 1;
                } else if (p[0] == 'd') {
                        append_signed(b, va_arg(ap, int));
                        skip = 1;
                } else if (p[0] == 'u') {
                        append_unsigned(b, va_arg(ap, unsigned));
                        skip = 1;
                } else if (p[0] == '%') {
                        strbuf_append_len(b, "%", 1);
                        skip = 1;
                } else if (p[0] == 'z' && p[1] == 'u')
                        append_unsigned(b, va_arg(ap, size_t));
                else if (p[0] == 'l' && p[1] == 'd')
                        append_signed(b, va_arg(ap, long));
                else if (p[0] == 'l' && p[1] == 'u')
                        append_unsigned(b, va_arg(ap, unsigned long));
                else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
                        append_signed(b, va_arg(ap, long long));
                        skip = 3;
                } else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'u') {
                        append_unsigned(b, va_arg(ap, unsigned long long));
                        skip = 3;
                } else
                        return false;
                p += skip;
        }
}

int strbuf_appendf(StrBuf *b, const char *fmt, ...) {
        size_t start = b->len;
        va_list ap;
        bool done;
        int n, r;

        if (b->error < 0)
                return b->error;
        va_start(ap, fmt);
        done = append_simple(b, fmt, ap);
        va_end(ap);
        if (done && b->error == 0)
                return 0;
        /* all or nothing; what came before a conversion it does not know is done again */
        b->len = start;
        if (b->data)
                b->data[start] = 0;
        if (b->error < 0)
                return b->error;
        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return (b->error = -EINVAL);
        r = strbuf_reserve(b, (size_t) n);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t) n;
        return 0;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates), 0 if invalid */
static size_t utf8_valid_length(const unsigned char *s) {
        size_t n, i;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0) {
                n = 2;
                cp = s[0] & 0x1f;
        } else if ((s[0] & 0xf0) == 0xe0) {
                n = 3;
                cp = s[0] & 0x0f;
        } else if ((s[0] & 0xf8) == 0xf0) {
                n = 4;
                cp = s[0] & 0x07;
        } else
                return 0;
        for (i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n;
}

int strbuf_append_json_string(StrBuf *b, const char *s) {
        const unsigned char *p = (const unsigned char *) s, *run;

        if (!s)
                return strbuf_append(b, "null");
        strbuf_append(b, "\"");
        for (run = p; *p;) {
                const char *esc = NULL;
                size_t n;

                /* most of what we write is plain ASCII: no escape, no UTF-8 to check */
                while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
                        p++;
                if (!*p)
                        break;
                n = utf8_valid_length(p);

                switch (*p) {
                case '"': esc = "\\\""; break;
                case '\\': esc = "\\\\"; break;
                case '\n': esc = "\\n"; break;
                case '\r': esc = "\\r"; break;
                case '\t': esc = "\\t"; break;
                }
                if (!esc && n > 0 && *p >= 0x20 && *p != 0x7f) {
                        p += n;
                        continue;
                }
                strbuf_append_len(b, (const char *) run, (size_t) (p - run));
                if (esc)
                        strbuf_append(b, esc);
                else if (n == 0)
                        strbuf_append(b, "\\ufffd");
                else
                        strbuf_appendf(b, "\\u%04x", *p);
                p++;
                run = p;
        }
        strbuf_append_len(b, (const char *) run, (size_t) (p - run));
        return strbuf_append(b, "\"");
}

int strbuf_steal(StrBuf *b, char **ret) {
        if (b->error < 0)
                return b->error;
        if (!b->data && strbuf_append_len(b, "", 0) < 0)
                return b->error;
        *ret = b->data;
        *b = (StrBuf) STRBUF_INIT;
        return 0;
}
