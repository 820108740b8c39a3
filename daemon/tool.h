/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Which dev server a process chain runs, and the command that starts it again listening
 * elsewhere: the command the user typed (through npm, npx, pnpm or yarn when they did), with its
 * port and every other argument, only the bind changed (DESIGN.md §4). Pure: the chain was read
 * by procchain-io.c. */

#include <stddef.h>
#include <stdint.h>

#include "procchain.h"

typedef enum ToolBind {
        TOOL_BIND_ANY,                        /* every interface: 0.0.0.0, or the tool's own word for it */
        TOOL_BIND_ANY6,                       /* every IPv6 address as well: :: */
} ToolBind;

/* The program's name: the tool a rule knows ("vite", "next", "webpack-dev-server",
 * "http.server"), else the script an interpreter runs ("server.js" runs as "server"). -ENOENT
 * when neither: the caller shows comm. */
int tool_name(const ProcChain *c, char *buf, size_t size);

/* The command, e.g. "npm run dev -- --host", and a note where a config file or a package.json
 * script sets the bind too (NULL when none). *ret_command is NULL when the rule knows only a
 * config file for the bind (then the note says which). -ENOENT when no rule knows the program,
 * -EOPNOTSUPP when its rule knows no way to listen as asked. */
int tool_command(const ProcChain *c, uint16_t port, ToolBind bind, char **ret_command, char **ret_note);
