/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What changed between two views, for watchers and the journal. Pure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reach.h"

typedef enum ChangeType {
        CHANGE_ADDED,
        CHANGE_REMOVED,
        CHANGE_CHANGED,
        _CHANGE_TYPE_MAX,
} ChangeType;

typedef struct Change {
        ChangeType type;
        uint16_t port;
        const ReachServer *old;               /* NULL for CHANGE_ADDED */
        const ReachServer *new;               /* NULL for CHANGE_REMOVED */
        bool share_changed;
        bool urls_changed;
        bool problem_changed;
        bool server_changed;                  /* listening, watched, binds, v6only or the process */
        uint32_t fields;                      /* CHANGE_CHANGED: the fields that differ, 1 << FormatField */
} Change;

/* Servers are matched by port. A server is changed when any field of its JSON object differs
 * (DESIGN.md §5): share URL, URLs, problem, hint, "default", or what server_changed covers; a
 * new PID or command line on the same port is a change. A watched port whose server starts
 * listening is added (old is then the server that was not listening); one that stops is changed,
 * as it stays in the view. old may be NULL (everything is added).
 * The changes point into the views: keep both alive while using them. */
int change_compute(const ReachView *old, const ReachView *new, Change **ret, size_t *ret_n);
/* "added", "removed", "changed" */
const char *change_type_to_string(ChangeType t);
