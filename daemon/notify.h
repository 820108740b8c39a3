/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* sd_notify(3) over one socket kept open. STATUS= follows every change of the share URL, and
 * sd_notify() opens, tunes and closes a socket for every message: eleven system calls where
 * one does. */

typedef struct Notifier Notifier;

/* For $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace); *ret is NULL when it is
 * unset (not started by systemd). -EINVAL for an address that is neither. */
int notifier_new(Notifier **ret);
Notifier *notifier_free(Notifier *n);
void notifier_freep(Notifier **n);
/* Sends text ("STATUS=…", "READY=1") without blocking: -EAGAIN when systemd's queue is full.
 * 0 and nothing sent without a notifier. */
int notifier_send(Notifier *n, const char *text);
