/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What to tell a user whose server is not reachable from other machines: the usual flag of the
 * program they run, when we recognise it. Pure. */

#include <stdint.h>

#include "reach.h"

/* A new string with the fix, e.g. for Vite on 127.0.0.1: "restart it with `vite --host` so it
 * listens on every interface". -ENOENT for REACH_PROBLEM_NONE. */
int hint_for_problem(ReachProblem problem, uint16_t port, const ReachBind *binds, size_t n_binds,
                     const char *name, const char *cmdline, char **ret);
