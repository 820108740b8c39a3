/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the journal is told: one event per change of what we publish (never one per netlink
 * message). Pure: from changes and state to events; log.c writes them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "state.h"

typedef enum EventType {
        EVENT_SHARE_URL_CHANGED,
        EVENT_SHARE_URL_LOST,
        EVENT_SERVER_LISTENING,
        EVENT_SERVER_STOPPED,
        EVENT_SERVER_LOOPBACK_ONLY,
        EVENT_BOUND_ADDRESS_GONE,
        EVENT_NETWORK_CHANGED,
        EVENT_RESYNC,
        EVENT_SERVER_UNWATCHED,
        _EVENT_TYPE_MAX,
} EventType;

typedef struct Event {
        EventType type;
        int priority;                         /* LOG_* */
        uint16_t port;                        /* 0: none */
        const char *url;                      /* these point into the views or the state */
        const char *previous_url;
        const char *interface;
        const char *ssid;                     /* the interface's Wi-Fi network: raw bytes, NULL when none */
        size_t ssid_len;
        char address[INADDR_STRLEN];          /* "" when none */
        const char *problem;
        char *message;                        /* owned */
} Event;

const char *event_type_to_string(EventType t);
const char *event_message_id(EventType t);

/* The event a change makes, if any: -ENOENT when it is not worth a journal line (only the list of
 * other candidates changed, say). */
int event_from_change(const Change *c, Event *ret);
/* "default route via wlan0 (192.168.1.23)", with ` on Wi-Fi "CoffeeShop"` when the link has an SSID,
 * or "no default route": the network as a user names it.
 * Compare two of these to know whether the machine changed network. */
int event_network_summary(const State *s, char **ret);
int event_network_changed(const char *summary, Event *ret);
int event_resync(uint64_t overflows, uint64_t resyncs, Event *ret);
/* A server gone from the view because a reload dropped its port from the configuration, not
 * because it stopped (the caller knows: listening tells whether something still listens there) */
int event_unwatched(const Change *c, bool listening, Event *ret);
void event_done(Event *e);
