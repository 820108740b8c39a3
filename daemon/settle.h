/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* When a new view is published (DESIGN.md §5, "One network change, one line"). A network change
 * takes many netlink messages (the old addresses go, the new ones come, DAD runs); publishing each
 * intermediate view would tell watchers and the journal of states that never stood. So a change
 * for the worse is held for the settle time and published only if it still stands then, and a
 * change for the better is published at once (within SETTLE_STEP_USEC). Pure: the time is passed in; the caller arms its
 * timer for the deadline and offers the view again then. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "reach.h"

/* How long a change for the better waits for the kernel's other messages of the same step */
#define SETTLE_STEP_USEC 100000ULL

typedef enum SettleVerdict {
        SETTLE_NOTHING,                       /* nothing to publish: the view is the published one */
        SETTLE_PUBLISH,                       /* publish the view now */
        SETTLE_HOLD,                          /* keep the published view until the deadline */
        _SETTLE_VERDICT_MAX,
} SettleVerdict;

/* What one server's change is, for the decision */
typedef enum SettleKind {
        SETTLE_KIND_SERVER,                   /* the server itself: started, stopped, another process */
        SETTLE_KIND_BETTER,                   /* its share URL came, or moved to a better-ranked one */
        SETTLE_KIND_WORSE,                    /* its share URL went, or moved to a lower-ranked one */
        SETTLE_KIND_OTHER,                    /* its other candidates, or one problem for another */
        _SETTLE_KIND_MAX,
} SettleKind;

typedef struct Settle {
        uint64_t delay_usec;                  /* the settle time; 0: every view is published at once */
        uint64_t deadline_usec;               /* while holding: when the held change is published */
        bool holding;
        bool flush;                           /* publish the next view at once, whatever it is */
} Settle;

SettleKind settle_classify(const Change *c);
/* The server has a LAN candidate still in DAD: a tentative one, or the SLAAC sibling of one that
 * the kernel has not announced yet (a temporary address without its stable one, a stable one
 * flagged mngtmpaddr without a temporary one). The network change is not over, and the address
 * to come may be a better share URL than the one of now. */
bool settle_dad_pending(const ReachServer *srv);

/* published: the view published last (NULL: none yet); next: the view as it is now; changes:
 * change_compute(published, next); other_changed: the rest of the published document changed
 * (the interfaces). A hold starts at the first change held and ends at its deadline (never
 * moved later; SETTLE_STEP_USEC after a change for the better), at a change of a server, or when
 * the view comes back to the published one. */
SettleVerdict settle_decide(Settle *s, const ReachView *published, const ReachView *next,
                            const Change *changes, size_t n_changes, bool other_changed, uint64_t now_usec);
/* A hold is over: the view is to be offered again */
bool settle_due(const Settle *s, uint64_t now_usec);
/* The next view is the user's own doing (a reload of the configuration): published at once */
void settle_flush(Settle *s);
