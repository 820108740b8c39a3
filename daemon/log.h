/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Logging for main and the manager (core code returns errors and never logs). To the journal,
 * natively, when stderr is connected to it ($JOURNAL_STREAM), else plain text on stderr. */

#include <syslog.h>

#include "event.h"

void log_setup(void);
void log_full(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs and returns r (a -errno) */
int log_errno(int priority, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* On stderr, the lines logged between the two are written in one write(): the lines of one
 * change stay together and cost one system call */
void log_hold(void);
void log_release(void);

/* A structured journal entry (MESSAGE_ID, REACHD_* fields); the message alone on stderr */
void log_event(const Event *e);

#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
