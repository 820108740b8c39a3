/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "log.h"

static bool to_journal;

/* The stderr lines of one publication, written together (log_hold) */
static struct {
        bool on;
        size_t len;
        char buf[4096];
} held;

void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        /* $JOURNAL_STREAM is "DEVICE:INODE" of the stream journald gave us; it only counts when
         * stderr still is that stream (not when a child inherited the variable) */
        to_journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
                     st.st_dev == (dev_t) dev && st.st_ino == (ino_t) ino;
}

void log_hold(void) {
        held.on = !to_journal;
}

void log_release(void) {
        size_t done = 0;

        while (done < held.len) {
                ssize_t k = write(STDERR_FILENO, held.buf + done, held.len - done);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                done += (size_t) k;
        }
        held.len = 0;
        held.on = false;
}

/* "reachd: MESSAGE[: ERROR]\n", cut to the buffer's size */
static void log_stderr(const char *msg, const char *error) {
        char line[sizeof(held.buf)];
        int k = snprintf(line, sizeof(line), "reachd: %s%s%s\n", msg, error ? ": " : "", error ?: "");
        size_t len;

        if (k < 0)
                return;
        len = (size_t) k < sizeof(line) ? (size_t) k : sizeof(line) - 1;
        if (len == sizeof(line) - 1)
                line[len - 1] = '\n';
        if (held.on && held.len + len > sizeof(held.buf)) {
                log_release();
                held.on = true;
        }
        if (held.on) {
                memcpy(held.buf + held.len, line, len);
                held.len += len;
        } else
                (void) !write(STDERR_FILENO, line, len);
}

static void log_va(int priority, int r, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
static void log_va(int priority, int r, const char *fmt, va_list ap) {
        char msg[2048];

        vsnprintf(msg, sizeof(msg), fmt, ap);
        if (to_journal) {
                if (r < 0)
                        sd_journal_send("MESSAGE=%s: %s", msg, strerror(-r), "PRIORITY=%d", priority,
                                        "ERRNO=%d", -r, NULL);
                else
                        sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", priority, NULL);
                return;
        }
        log_stderr(msg, r < 0 ? strerror(-r) : NULL);
}

void log_full(int priority, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        log_va(priority, 0, fmt, ap);
        va_end(ap);
}

int log_errno(int priority, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        log_va(priority, r, fmt, ap);
        va_end(ap);
        return r;
}

#define EVENT_FIELDS_MAX 12

/* The value is bytes, not a string: an SSID may hold any */
static void add_field_len(struct iovec *iov, char fields[][512], size_t *n, const char *name, const char *value,
                          size_t len) {
        int k;

        if (!value || len == 0 || *n >= EVENT_FIELDS_MAX)
                return;
        k = snprintf(fields[*n], sizeof(fields[*n]), "%s=", name);
        if (k < 0 || (size_t) k >= sizeof(fields[*n]))
                return;
        if (len > sizeof(fields[*n]) - (size_t) k)
                len = sizeof(fields[*n]) - (size_t) k;
        memcpy(fields[*n] + k, value, len);
        iov[*n] = (struct iovec) { .iov_base = fields[*n], .iov_len = (size_t) k + len };
        (*n)++;
}

static void add_field(struct iovec *iov, char fields[][512], size_t *n, const char *name, const char *value) {
        add_field_len(iov, fields, n, name, value, value ? strlen(value) : 0);
}

void log_event(const Event *e) {
        struct iovec iov[EVENT_FIELDS_MAX];
        char fields[EVENT_FIELDS_MAX][512], priority[4], port[8];
        size_t n = 0;

        if (!to_journal) {
                log_stderr(e->message, NULL);
                return;
        }
        snprintf(priority, sizeof(priority), "%d", e->priority);
        snprintf(port, sizeof(port), "%u", e->port);
        add_field(iov, fields, &n, "MESSAGE", e->message);
        add_field(iov, fields, &n, "PRIORITY", priority);
        add_field(iov, fields, &n, "MESSAGE_ID", event_message_id(e->type));
        add_field(iov, fields, &n, "REACHD_EVENT", event_type_to_string(e->type));
        add_field(iov, fields, &n, "REACHD_PORT", e->port > 0 ? port : NULL);
        add_field(iov, fields, &n, "REACHD_URL", e->url);
        add_field(iov, fields, &n, "REACHD_PREVIOUS_URL", e->previous_url);
        add_field(iov, fields, &n, "REACHD_INTERFACE", e->interface);
        add_field_len(iov, fields, &n, "REACHD_SSID", e->ssid, e->ssid_len);
        add_field(iov, fields, &n, "REACHD_ADDRESS", e->address);
        add_field(iov, fields, &n, "REACHD_PROBLEM", e->problem);
        (void) sd_journal_sendv(iov, (int) n);
}
