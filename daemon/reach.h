/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The brain: from the network state and the listeners to ranked URLs, a share URL and a problem
 * per server (DESIGN.md §4). Pure: no I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listener.h"
#include "state.h"

typedef enum ReachProblem {
        REACH_PROBLEM_NONE,
        REACH_PROBLEM_NOT_LISTENING,
        REACH_PROBLEM_LOOPBACK_ONLY,
        REACH_PROBLEM_BOUND_ADDRESS_GONE,
        REACH_PROBLEM_BOUND_LINK_DOWN,        /* bound to addresses on links without carrier */
        REACH_PROBLEM_FAMILY_MISMATCH,        /* the LAN has only the family the server does not take */
        REACH_PROBLEM_NO_NETWORK,             /* no LAN address at all (a VPN or containers at most) */
        _REACH_PROBLEM_MAX,
} ReachProblem;

/* Who can open a URL, best first: machines on the local network, peers over a tunnel, containers
 * and VMs on this machine, this machine alone (DESIGN.md §4) */
typedef enum ReachAudience {
        REACH_AUDIENCE_LAN,
        REACH_AUDIENCE_VPN,
        REACH_AUDIENCE_HOST,
        REACH_AUDIENCE_LOOPBACK,
        REACH_AUDIENCE_NONE,                  /* an address the machine no longer has */
        _REACH_AUDIENCE_MAX,
} ReachAudience;

/* Why a candidate is not shareable */
typedef enum ReachReason {
        REACH_REASON_NONE,
        REACH_REASON_LOOPBACK,
        REACH_REASON_LINK_LOCAL,
        REACH_REASON_TENTATIVE,
        REACH_REASON_DAD_FAILED,
        REACH_REASON_DOWN,
        REACH_REASON_NO_CARRIER,
        REACH_REASON_ADDRESS_GONE,
        _REACH_REASON_MAX,
} ReachReason;

#define REACH_URL_MAX 64   /* "https://[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535/" fits */

typedef struct ReachUrl {
        char url[REACH_URL_MAX];
        int family;
        union in_addr_union address;
        int ifindex;                          /* 0 when the address is on no interface */
        char ifname[IFNAMSIZ];
        char ssid[LINK_SSID_MAX + 1];         /* the interface's Wi-Fi network, as in its Link */
        uint8_t ssid_len;                     /* 0: none */
        LinkKind kind;
        ReachAudience audience;
        uint32_t address_flags;               /* IFA_F_* */
        bool default_route;
        uint32_t metric;                      /* of the interface's best default route, with default_route */
        bool prefsrc;                         /* the preferred source of a default route */
        bool shareable;
        ReachReason reason;
} ReachUrl;

typedef struct ReachBind {
        int family;
        union in_addr_union address;
} ReachBind;

typedef struct ReachServer {
        uint16_t port;
        bool watched;                         /* named by --port or the config */
        bool listening;
        ReachBind *binds;                     /* distinct bound addresses, in listener order */
        size_t n_binds;
        bool v6only;                          /* an IPv6 socket of the port is v6only */
        ProcInfo process;                     /* pid 0 when unknown; cmdline owned by the server */
        uint64_t first_seen;                  /* ordering key for "most recently started" */
        bool is_default;                      /* the server `url` without a port answers for */
        ReachUrl *urls;                       /* shareable first, best first */
        size_t n_urls;
        ReachProblem problem;                 /* REACH_PROBLEM_NONE whenever there is a share URL */
        char *hint;                           /* NULL when no problem */
} ReachServer;

typedef struct ReachView {
        ReachServer *servers;                 /* by port */
        size_t n_servers;
} ReachView;

typedef struct ReachConfig {
        const uint16_t *ports;                /* watched ports; NULL/0: every listener of uid on port >= 1024 */
        size_t n_ports;
        uint32_t uid;
        const char *scheme;                   /* "http" when NULL */
        char *const *ignore;                  /* fnmatch(3) globs of interfaces that give no candidates */
        size_t n_ignore;
} ReachConfig;

/* procs[i] describes the owner of listeners[i] (may be NULL). */
int reach_compute(const State *s, const Listener *listeners, size_t n_listeners,
                  const ProcInfo *procs, const ReachConfig *config, ReachView **ret);
ReachView *reach_view_free(ReachView *v);
void reach_view_freep(ReachView **v);

/* The listener belongs to a server we cover: a watched port, or with none watched, a port >= 1024
 * of the configured uid or any port of a container port forwarder (p->via; p may be NULL) */
bool reach_listener_selected(const Listener *l, const ProcInfo *p, const ReachConfig *config);
/* The listener's owner must be looked up to tell whether it is selected: every listener when no
 * port is watched (a container port forwarder's counts whoever owns it), else the watched ports */
bool reach_listener_candidate(const Listener *l, const ReachConfig *config);

/* The share URL of the server, NULL when it has none: its best shareable LAN URL */
const ReachUrl *reach_server_share(const ReachServer *srv);
/* Equal in every value a URL is published with (not the metric or the SSID, which are not) */
bool reach_url_equal(const ReachUrl *a, const ReachUrl *b);
bool reach_server_urls_equal(const ReachServer *a, const ReachServer *b);
/* The best shareable URL for the audience, NULL when none */
const ReachUrl *reach_server_best(const ReachServer *srv, ReachAudience audience);
/* The ranking of §4: < 0 when a is the better URL. Shareable first, then by audience. */
int reach_url_compare(const ReachUrl *a, const ReachUrl *b);
/* The same without rule 5, which only makes the choice deterministic: 0 for two URLs of equal
 * rank (one address for another on the same kind of network) */
int reach_url_rank_compare(const ReachUrl *a, const ReachUrl *b);
/* Who can reach addresses on the link: its kind, and whether it is this machine's uplink */
ReachAudience reach_link_audience(const State *s, const Link *l);
const ReachServer *reach_view_find(const ReachView *v, uint16_t port);
/* The server `url` and `wait` answer for without a port: the only one, else the most recently
 * started listening one, on a tie the one with a share URL, then the lowest port */
const ReachServer *reach_view_default_server(const ReachView *v);

const char *reach_problem_to_string(ReachProblem p);
const char *reach_reason_to_string(ReachReason r);
/* "lan", "vpn", "host", "loopback"; NULL for REACH_AUDIENCE_NONE */
const char *reach_audience_to_string(ReachAudience a);
/* -EINVAL for anything but "lan", "vpn", "host" and "loopback" */
int reach_audience_from_string(const char *s, ReachAudience *ret);

/* "http://192.168.1.23:5173/", "http://[2001:db8::5]:5173/" */
int reach_format_url(const char *scheme, int family, const union in_addr_union *a, uint16_t port,
                     char *buf, size_t size);
