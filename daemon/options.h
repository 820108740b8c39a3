/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPTIONS_MAX_PORTS 64

typedef struct Options {
        uint16_t ports[OPTIONS_MAX_PORTS];
        size_t n_ports;
        char *socket_path;                    /* NULL: activation, $XDG_RUNTIME_DIR, /tmp/reachd-UID */
        char *scheme;                         /* NULL: the config file's, else http */
        char *config_path;                    /* NULL: $XDG_CONFIG_HOME/reachd/reachd.conf */
        unsigned rescan_sec;                  /* 0: the config file's, else OPTIONS_RESCAN_DEFAULT */
        uint64_t settle_usec;                 /* with has_settle; else the config file's, else 0.5 s */
        bool has_settle;
        bool once;
        bool help;
        bool version;
} Options;

#define OPTIONS_RESCAN_DEFAULT 2
#define OPTIONS_SETTLE_DEFAULT_USEC 500000ULL
#define OPTIONS_SETTLE_MAX_SEC 60

void options_init(Options *o);
void options_done(Options *o);
/* Parses argv. On a usage error returns -EINVAL and a message in *ret_error (to free). */
int options_parse(Options *o, int argc, char *argv[], char **ret_error);
/* "1234" -> 1234; -ERANGE/-EINVAL for anything but 1..65535 */
int options_parse_port(const char *s, uint16_t *ret);
int options_add_port(Options *o, uint16_t port);
/* "2", "0.5", "1.25" (at most six decimals) -> microseconds; -ERANGE above max_sec, -EINVAL for
 * anything else (signs, exponents, blanks) */
int options_parse_seconds(const char *s, unsigned max_sec, uint64_t *ret_usec);
