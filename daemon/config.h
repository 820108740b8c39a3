/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* $XDG_CONFIG_HOME/reachd/reachd.conf: `key = value` lines, `#` comments.
 *   port = 5173 3000          watched ports (repeatable)
 *   scheme = http|https
 *   rescan = SECONDS          1..3600
 *   settle = SECONDS          0..60, decimals allowed (0.5)
 *   ignore-interface = GLOB…  interfaces whose addresses are never candidates (repeatable)
 * Command-line options win over the file. */

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "reach.h"

#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_IGNORE_MAX 64

typedef struct Config {
        uint16_t ports[OPTIONS_MAX_PORTS];
        size_t n_ports;
        char *scheme;                         /* NULL: not set */
        unsigned rescan_sec;                  /* 0: not set */
        uint64_t settle_usec;                 /* with has_settle */
        bool has_settle;
        char *ignore[CONFIG_IGNORE_MAX];      /* fnmatch(3) globs */
        size_t n_ignore;
} Config;

/* Where parsing stopped: the line (1-based) and what is wrong there */
typedef struct ConfigError {
        unsigned line;
        char message[160];
} ConfigError;

void config_done(Config *c);
/* Pure. -EINVAL with *error filled for a bad file; *ret untouched then. */
int config_parse(const char *text, size_t len, Config *ret, ConfigError *error);
/* Reads and parses path; a missing file is an empty config. -EINVAL (bad contents, or not a regular
 * file nor a character device such as /dev/null: *error filled), -EISDIR, -EFBIG, or the -errno of
 * open/read (*error.line 0). Never blocks: a FIFO is refused. */
int config_load(const char *path, Config *ret, ConfigError *error);
/* $XDG_CONFIG_HOME/reachd/reachd.conf, else $HOME/.config/reachd/reachd.conf */
int config_default_path(const char *xdg_config_home, const char *home, char **ret);

/* What is in force: the command line first, then the file, then the defaults. The result points
 * into o and c. */
ReachConfig config_merge(const Options *o, const Config *c, uint32_t uid);
unsigned config_rescan_sec(const Options *o, const Config *c);
uint64_t config_settle_usec(const Options *o, const Config *c);
