/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

#include "qr.h"

/* U+2588, U+2580, U+2584 in UTF-8, whatever the compiler's execution character set */
#define BLOCK_FULL "\xe2\x96\x88"
#define BLOCK_UPPER "\xe2\x96\x80"
#define BLOCK_LOWER "\xe2\x96\x84"

/* Outside the bitmap is the quiet zone: light */
static bool module_dark(const uint8_t *modules, size_t width, size_t height, size_t x, size_t y) {
        if (x < QR_QUIET_ZONE || y < QR_QUIET_ZONE)
                return false;
        x -= QR_QUIET_ZONE;
        y -= QR_QUIET_ZONE;
        if (x >= width || y >= height)
                return false;
        return modules[y * width + x] & 1;
}

static const char *cell(bool upper, bool lower) {
        if (upper)
                return lower ? BLOCK_FULL : BLOCK_UPPER;
        return lower ? BLOCK_LOWER : " ";
}

/* 1 when the blocks are the dark modules, 0 when the light ones */
static int style_draws_dark(QrStyle style) {
        switch (style) {
        case QR_STYLE_LIGHT_BLOCKS:
                return 0;
        case QR_STYLE_DARK_BLOCKS:
        case QR_STYLE_COLOR:
                return 1;
        case _QR_STYLE_MAX:
                break;
        }
        return -EINVAL;
}

int qr_render_modules(StrBuf *b, const uint8_t *modules, size_t width, size_t height, QrStyle style) {
        size_t total_width, total_height;
        bool draw_dark;
        int r;

        if (!modules || width == 0 || height == 0 || width > QR_MODULES_MAX || height > QR_MODULES_MAX)
                return -EINVAL;
        r = style_draws_dark(style);
        if (r < 0)
                return r;
        draw_dark = r;

        total_width = width + 2 * QR_QUIET_ZONE;
        total_height = height + 2 * QR_QUIET_ZONE;
        for (size_t y = 0; y < total_height; y += 2) {
                if (style == QR_STYLE_COLOR)
                        strbuf_append(b, QR_COLOR_ON);
                for (size_t x = 0; x < total_width; x++) {
                        bool upper = module_dark(modules, width, height, x, y) == draw_dark;
                        bool lower = module_dark(modules, width, height, x, y + 1) == draw_dark;

                        strbuf_append(b, cell(upper, lower));
                }
                if (style == QR_STYLE_COLOR)
                        strbuf_append(b, QR_COLOR_OFF);
                strbuf_append(b, "\n");
        }
        return b->error;
}

int qr_render_code(StrBuf *b, const QRcode *code, QrStyle style) {
        if (!code || code->width <= 0)
                return -EINVAL;
        return qr_render_modules(b, code->data, (size_t) code->width, (size_t) code->width, style);
}

/* libqrencode is loaded when a code is drawn, not at every start of reachctl: the commands run
 * from scripts (url, wait) start faster without another library to map */
static int qrencode_load(QRcode *(**ret_encode)(const char *, int, QRecLevel), void (**ret_free)(QRcode *)) {
        static void *handle;
        void *encode, *release;

        if (!handle)
                handle = dlopen(QRENCODE_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!handle)
                return -ELIBACC;
        encode = dlsym(handle, "QRcode_encodeString8bit");
        release = dlsym(handle, "QRcode_free");
        if (!encode || !release)
                return -ELIBBAD;
        /* POSIX guarantees that object pointers from dlsym() convert to function pointers */
        *(void **) ret_encode = encode;
        *(void **) ret_free = release;
        return 0;
}

int qr_render_text(StrBuf *b, const char *text, QrStyle style) {
        QRcode *(*encode)(const char *, int, QRecLevel);
        void (*release)(QRcode *);
        QRcode *code;
        int r;

        if (!text || !text[0])
                return -EINVAL;
        r = qrencode_load(&encode, &release);
        if (r < 0)
                return r;
        code = encode(text, 0, QR_ECLEVEL_M);
        if (!code)
                return errno == ERANGE || errno == ENOMEM ? -errno : -EINVAL;
        r = qr_render_code(b, code, style);
        release(code);
        return r;
}
