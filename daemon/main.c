/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "macro.h"
#include "manager.h"
#include "once.h"
#include "options.h"

static void help(void) {
        printf("Usage: reachd [OPTIONS]\n"
               "Tells at which URL other machines can open the dev servers running here.\n\n"
               "  -p, --port PORT     watch this TCP port (repeatable); default: every listener\n"
               "                      of this user on a port >= 1024\n"
               "  -c, --config PATH   read settings from PATH (default:\n"
               "                      $XDG_CONFIG_HOME/reachd/reachd.conf)\n"
               "  -s, --socket PATH   listen on PATH (default: the socket systemd passes, else\n"
               "                      $XDG_RUNTIME_DIR/reachd.sock, else\n"
               "                      /tmp/reachd-UID/reachd.sock)\n"
               "      --once          read the kernel once, print the JSON view, exit\n"
               "      --rescan SECS   re-scan listeners every SECS seconds while idle\n"
               "                      (default %d)\n"
               "      --scheme NAME   http (default) or https\n"
               "      --settle SECS   hold a change for the worse SECS seconds, to publish\n"
               "                      a network change once (default 0.5; 0: never)\n"
               "  -h, --help          show this help\n"
               "      --version       show the version\n",
               OPTIONS_RESCAN_DEFAULT);
}

static int run_daemon(const Options *o) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        r = manager_new(o, &m);
        if (r < 0)
                return log_errno(LOG_ERR, r, "cannot start");
        r = manager_start(m);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=Failed to start: %s\nERRNO=%d", strerror(-r), -r);
                return r;
        }
        r = manager_run(m);
        if (r < 0)
                return log_errno(LOG_ERR, r, "event loop failed");
        return 0;
}

int main(int argc, char *argv[]) {
        Options o;
        char *error = NULL;
        int r;

        log_setup();
        options_init(&o);
        r = options_parse(&o, argc, argv, &error);
        if (r < 0) {
                fprintf(stderr, "reachd: %s\nTry 'reachd --help'.\n", error ?: strerror(-r));
                free(error);
                options_done(&o);
                return 2;
        }
        if (o.help)
                help();
        else if (o.version)
                printf("reachd %s\n", PACKAGE_VERSION);
        else if (o.once)
                r = once_run(&o, stdout);
        else
                r = run_daemon(&o);
        options_done(&o);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
