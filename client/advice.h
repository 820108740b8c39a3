/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What reachctl tells a user whose reachd is not running: `systemctl --user start reachd` only
 * where systemd --user runs and has reachd's unit, else the command that starts the daemon by
 * hand. Pure: the caller looks at the files. */

#include <stddef.h>

typedef struct AdviceEnv {
        const char *systemd_unit_path;  /* $SYSTEMD_UNIT_PATH; the rest are the XDG variables */
        const char *home;
        const char *xdg_config_home;
        const char *xdg_config_dirs;
        const char *xdg_runtime_dir;
        const char *xdg_data_home;
        const char *xdg_data_dirs;
} AdviceEnv;

typedef struct UnitDirs {
        char **dirs;
        size_t n;
} UnitDirs;

/* The directories systemd --user reads unit files from (systemd.unit(5), "User Unit Search
 * Path"), in its order, without the generators' ones: $SYSTEMD_UNIT_PATH when set (with the
 * defaults after it when it ends in ':'). Relative or empty variables are ignored, as systemd
 * does. */
int advice_unit_dirs(const AdviceEnv *env, UnitDirs *ret);
void advice_unit_dirs_done(UnitDirs *d);

/* How to type the daemon at daemon_path: "reachd" when its directory is on path_env, else
 * "./RELATIVE" when it is below cwd, else daemon_path itself. */
int advice_daemon_command(const char *daemon_path, const char *cwd, const char *path_env, char **ret);

/* The daemon beside the client at client_path: in a build tree (".../client/reachctl") it is
 * ".../daemon/reachd", installed it is in the same directory. Both candidates, best first. */
int advice_daemon_candidates(const char *client_path, char *ret[2]);
