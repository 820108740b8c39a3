/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A QR code drawn as text for a terminal: Unicode half blocks, two modules (one above the other)
 * per character cell, the 4-module quiet zone included. Pure, except that qr_render_text() has
 * libqrencode encode the text. Built only with libqrencode (HAVE_QRENCODE). */

#include <qrencode.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* ISO/IEC 18004 asks for 4 light modules around the symbol */
#define QR_QUIET_ZONE 4
/* Far above the largest symbol (version 40: 177 modules) */
#define QR_MODULES_MAX 1024

/* The SGR sequence that starts each line of QR_STYLE_COLOR: black on white. 47 first, for
 * terminals that do not know 107 (bright white, which is whiter where 47 is a light grey). */
#define QR_COLOR_ON "\x1b[30;47;107m"
/* Reset before the newline: a terminal that scrolls with a background colour set paints the new
 * line with it */
#define QR_COLOR_OFF "\x1b[0m"

typedef enum QrStyle {
        /* light modules are blocks, dark ones blanks: light text on a dark background (what
         * qrencode -t UTF8 prints) */
        QR_STYLE_LIGHT_BLOCKS,
        /* dark modules are blocks: dark text on a light background, or paper */
        QR_STYLE_DARK_BLOCKS,
        /* dark blocks in black on a white background set with SGR: any terminal background */
        QR_STYLE_COLOR,
        _QR_STYLE_MAX,
} QrStyle;

/* modules: height rows of width bytes, a module dark when bit 0 is set (libqrencode's layout).
 * Appends (2 * QR_QUIET_ZONE + height + 1) / 2 lines of 2 * QR_QUIET_ZONE + width cells, each
 * ending in "\n"; with an odd total height, the lower half of the last line counts as light.
 * -EINVAL for an empty bitmap, one over QR_MODULES_MAX, or an unknown style; -ENOMEM. */
int qr_render_modules(StrBuf *b, const uint8_t *modules, size_t width, size_t height, QrStyle style);
int qr_render_code(StrBuf *b, const QRcode *code, QrStyle style);
/* Encodes text (a URL) whole in 8-bit mode, error correction level M (15%: survives a glare on a
 * phone's screen, yet keeps the symbol small), the smallest version that holds it; then draws it.
 * -ERANGE when text is too long for a QR code, -EINVAL for an empty one, -ENOMEM. */
int qr_render_text(StrBuf *b, const char *text, QrStyle style);
