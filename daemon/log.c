/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "log.h"

static bool to_journal;

void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        /* $JOURNAL_STREAM is "DEVICE:INODE" of the stream journald gave us; it only counts when
         * stderr still is that stream (not when a child inherited the variable) */
        to_journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
                     st.st_dev == (dev_t) dev && st.st_ino == (ino_t) ino;
}

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
        if (r < 0)
                fprintf(stderr, "reachd: %s: %s\n", msg, strerror(-r));
        else
                fprintf(stderr, "reachd: %s\n", msg);
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
