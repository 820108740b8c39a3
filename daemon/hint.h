/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What to tell a user whose server is not reachable from other machines, read from the computed
 * view and the server's process chain: the command they typed with the bind changed, when a rule
 * knows the program (tool.h), else the addresses to listen on. Pure. */

#include <stdint.h>

#include "procchain.h"
#include "reach.h"

/* A new string with the fix, e.g. for `npm run dev` running Vite on 127.0.0.1: "restart it with
 * `npm run dev -- --host` so it listens on every interface". chain may be NULL. -ENOENT for
 * REACH_PROBLEM_NONE. */
int hint_for_problem(ReachProblem problem, uint16_t port, const ReachBind *binds, size_t n_binds,
                     const ProcChain *chain, char **ret);

/* Sets the hint of every server of the view that has a problem */
int hint_view(ReachView *v);
