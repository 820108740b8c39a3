/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The Wi-Fi network (SSID) of wireless links, from nl80211 over generic netlink: resolve the
 * family and its "mlme" multicast group, ask NL80211_CMD_GET_INTERFACE per link, and follow
 * connect / disconnect / roam events. nl80211.c is pure (bytes to structs); nl80211-io.c owns
 * the sockets. */

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

#define NL80211_FAMILY_GROUPS_MAX 16

/* A CTRL_CMD_NEWFAMILY reply (any family) */
typedef struct Nl80211Family {
        char name[GENL_NAMSIZ];
        uint16_t id;
        struct {
                char name[GENL_NAMSIZ];
                uint32_t id;
        } groups[NL80211_FAMILY_GROUPS_MAX];
        size_t n_groups;
} Nl80211Family;

/* A NL80211_CMD_NEW_INTERFACE message: the reply to GET_INTERFACE */
typedef struct Nl80211Interface {
        int ifindex;
        uint32_t iftype;                      /* NL80211_IFTYPE_*; UNSPECIFIED when absent */
        char ssid[LINK_SSID_MAX + 1];         /* raw bytes, a NUL after them */
        uint8_t ssid_len;                     /* 0: not connected (or a hidden network's blank name) */
} Nl80211Interface;

/* A message of the mlme group */
typedef struct Nl80211Event {
        uint8_t cmd;                          /* NL80211_CMD_* */
        int ifindex;                          /* 0 when it names no interface */
        bool ssid_changed;                    /* connect, disconnect, roam, AP start/stop: ask again */
} Nl80211Event;

/* Requests, into buf (at least 64 bytes); return their length. */
int nl80211_build_get_family(void *buf, size_t size, uint32_t seq);
int nl80211_build_get_interface(void *buf, size_t size, uint16_t family, uint32_t seq, int ifindex);

/* Parsers: -EBADMSG for a malformed message, -EOPNOTSUPP for one of another family or command. */
int nl80211_parse_family(const struct nlmsghdr *nlh, Nl80211Family *ret);
int nl80211_parse_interface(const struct nlmsghdr *nlh, uint16_t family, Nl80211Interface *ret);
int nl80211_parse_event(const struct nlmsghdr *nlh, uint16_t family, Nl80211Event *ret);
/* The id of the family's multicast group, 0 when it has none of that name */
uint32_t nl80211_family_group(const Nl80211Family *f, const char *name);
/* An NLMSG_ERROR: its error (-errno), 0 for an acknowledgement; -EBADMSG when cut short */
int nl80211_parse_error(const struct nlmsghdr *nlh);

typedef struct Nl80211Conn Nl80211Conn;

/* Resolves the nl80211 family and joins its mlme group (unprivileged). -EOPNOTSUPP when the
 * kernel has no nl80211 (cfg80211 not loaded, no Wi-Fi hardware): callers carry on without
 * Wi-Fi names. */
int nl80211_conn_new(Nl80211Conn **ret);
Nl80211Conn *nl80211_conn_free(Nl80211Conn *c);
void nl80211_conn_freep(Nl80211Conn **c);
/* The event socket, for the caller's loop (readable: call nl80211_conn_receive()) */
int nl80211_conn_fd(const Nl80211Conn *c);

/* Asks the SSID of every wireless link (Link.wireless) and clears it on the others. Returns 1
 * if the state changed, 0 if not, -errno when the socket failed. */
int nl80211_conn_refresh(Nl80211Conn *c, State *s);
/* Reads the queued events (never blocks) and asks again for the links they name; after lost
 * events, for all of them. Returns 1 if the state changed, 0 if not, -errno on failure. */
int nl80211_conn_receive(Nl80211Conn *c, State *s);

/* For --once: resolve, ask every wireless link once, close (nothing when no link is wireless).
 * -EOPNOTSUPP without nl80211. */
int nl80211_read_ssids(State *s);
