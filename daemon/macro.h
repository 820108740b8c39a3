/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdlib.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)

static inline void freep(void *p) {
        free(*(void **) p);
}

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
