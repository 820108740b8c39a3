/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The running daemon: one sd-event loop around the rtnetlink socket, the listener re-scan, the
 * socket server and the signals. Keeps the state, computes the view, publishes what changed. */

#include "options.h"

typedef struct Manager Manager;

int manager_new(const Options *o, Manager **ret);
Manager *manager_free(Manager *m);
void manager_freep(Manager **m);

/* Reads the kernel, opens the socket, tells systemd READY=1 */
int manager_start(Manager *m);
/* Until SIGTERM or SIGINT; returns the exit status for main */
int manager_run(Manager *m);
