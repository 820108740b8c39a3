/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "options.h"

/* reachd --once: reads the kernel once and writes the JSON view to out. */
int once_run(const Options *o, FILE *out);
