/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* A growing string. On allocation failure it stays as it was and remembers -ENOMEM, so a run of
 * appends needs one check at the end. */
typedef struct StrBuf {
        char *data;             /* always NUL-terminated once something was appended */
        size_t len;
        size_t allocated;
        int error;
} StrBuf;

#define STRBUF_INIT { 0 }

void strbuf_done(StrBuf *b);
void strbuf_reset(StrBuf *b);
int strbuf_append_len(StrBuf *b, const char *s, size_t len);
/* inline, so the length of a literal is known where it is written */
static inline int strbuf_append(StrBuf *b, const char *s) {
        return strbuf_append_len(b, s, strlen(s));
}
int strbuf_appendf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For a terminal: control bytes (the kernel allows ESC in an interface name) become '?' */
int strbuf_append_printable(StrBuf *b, const char *s);
/* A JSON string literal, quotes included; NULL gives null */
int strbuf_append_json_string(StrBuf *b, const char *s);
/* Hands the string over; the buffer is empty afterwards */
int strbuf_steal(StrBuf *b, char **ret);
