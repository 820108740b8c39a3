/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"
#include "testutil.h"

#define FULL "\xe2\x96\x88"
#define UPPER "\xe2\x96\x80"
#define LOWER "\xe2\x96\x84"
#define Q4 "    "
#define B4 FULL FULL FULL FULL

/* 2 wide, 3 high (odd: its last row shares a line with the quiet zone below):
 *   # .
 *   . #
 *   # #      */
static const uint8_t tiny[] = {
        1, 0,
        0, 1,
        1, 1,
};

static void assert_render(const uint8_t *modules, size_t width, size_t height, QrStyle style, const char *expected) {
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(qr_render_modules(&b, modules, width, height, style), 0);
        ck_assert_str_eq(b.data, expected);
        strbuf_done(&b);
}

START_TEST(test_dark_blocks) {
        /* 4 + 3 + 4 = 11 rows: 6 lines of 4 + 2 + 4 = 10 cells */
        assert_render(tiny, 2, 3, QR_STYLE_DARK_BLOCKS,
                      Q4 "  " Q4 "\n"
                      Q4 "  " Q4 "\n"
                      Q4 UPPER LOWER Q4 "\n"
                      Q4 UPPER UPPER Q4 "\n"
                      Q4 "  " Q4 "\n"
                      Q4 "  " Q4 "\n");
}
END_TEST

START_TEST(test_light_blocks) {
        /* the last line's lower half is below the picture: light, so drawn too */
        assert_render(tiny, 2, 3, QR_STYLE_LIGHT_BLOCKS,
                      B4 FULL FULL B4 "\n"
                      B4 FULL FULL B4 "\n"
                      B4 LOWER UPPER B4 "\n"
                      B4 LOWER LOWER B4 "\n"
                      B4 FULL FULL B4 "\n"
                      B4 FULL FULL B4 "\n");
}
END_TEST

START_TEST(test_color) {
#define C(cells) "\x1b[30;47;107m" cells "\x1b[0m\n"
        assert_render(tiny, 2, 3, QR_STYLE_COLOR,
                      C(Q4 "  " Q4)
                      C(Q4 "  " Q4)
                      C(Q4 UPPER LOWER Q4)
                      C(Q4 UPPER UPPER Q4)
                      C(Q4 "  " Q4)
                      C(Q4 "  " Q4));
#undef C
}
END_TEST

START_TEST(test_even_height) {
        /* 1 wide, 2 high: 4 + 2 + 4 = 10 rows, 5 lines; the picture fills one line */
        static const uint8_t m[] = { 0, 1 };

        assert_render(m, 1, 2, QR_STYLE_DARK_BLOCKS,
                      Q4 " " Q4 "\n"
                      Q4 " " Q4 "\n"
                      Q4 LOWER Q4 "\n"
                      Q4 " " Q4 "\n"
                      Q4 " " Q4 "\n");
}
END_TEST

START_TEST(test_only_bit0) {
        /* libqrencode sets the upper bits for the kind of module, whatever its colour */
        static const uint8_t m[] = { 0xfe, 0x81, 0x80, 0x03 };

        assert_render(m, 4, 1, QR_STYLE_DARK_BLOCKS,
                      Q4 "    " Q4 "\n"
                      Q4 "    " Q4 "\n"
                      Q4 " " UPPER " " UPPER Q4 "\n"
                      Q4 "    " Q4 "\n"
                      Q4 "    " Q4 "\n");
}
END_TEST

START_TEST(test_invalid) {
        static const uint8_t m[] = { 1 };
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(qr_render_modules(&b, NULL, 1, 1, QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_int_eq(qr_render_modules(&b, m, 0, 1, QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_int_eq(qr_render_modules(&b, m, 1, 0, QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_int_eq(qr_render_modules(&b, m, QR_MODULES_MAX + 1, 1, QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_int_eq(qr_render_modules(&b, m, 1, QR_MODULES_MAX + 1, QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_int_eq(qr_render_modules(&b, m, 1, 1, _QR_STYLE_MAX), -EINVAL);
        ck_assert_int_eq(qr_render_code(&b, NULL, QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_uint_eq(b.len, 0);
        ck_assert_int_eq(qr_render_text(&b, "", QR_STYLE_DARK_BLOCKS), -EINVAL);
        ck_assert_uint_eq(b.len, 0);
        strbuf_done(&b);
}
END_TEST

START_TEST(test_appends) {
        static const uint8_t m[] = { 1 };
        StrBuf b = STRBUF_INIT;

        ck_assert_int_eq(strbuf_append(&b, "http://10.0.0.1:8000/\n"), 0);
        ck_assert_int_eq(qr_render_modules(&b, m, 1, 1, QR_STYLE_DARK_BLOCKS), 0);
        ck_assert_str_eq(b.data, "http://10.0.0.1:8000/\n"
                         Q4 " " Q4 "\n"
                         Q4 " " Q4 "\n"
                         Q4 UPPER Q4 "\n"
                         Q4 " " Q4 "\n"
                         Q4 " " Q4 "\n");
        strbuf_done(&b);
}
END_TEST

/* Reads a DARK_BLOCKS drawing back into modules (1 = dark), quiet zone included */
static uint8_t *read_back(const char *text, size_t *ret_width, size_t *ret_height) {
        /* each cell is at least one byte */
        size_t width = 0, lines = 0, cap = 2 * strlen(text) + 2, n = 0;
        uint8_t *cells = malloc(cap), *m;
        const char *p = text;

        ck_assert_ptr_nonnull(cells);
        while (*p) {
                size_t w = 0;

                for (; *p != '\n'; w++) {
                        bool upper, lower;

                        ck_assert_uint_lt(n + 2, cap);
                        if (*p == ' ') {
                                upper = lower = false;
                                p++;
                        } else if (strncmp(p, FULL, 3) == 0) {
                                upper = lower = true;
                                p += 3;
                        } else if (strncmp(p, UPPER, 3) == 0) {
                                upper = true;
                                lower = false;
                                p += 3;
                        } else if (strncmp(p, LOWER, 3) == 0) {
                                upper = false;
                                lower = true;
                                p += 3;
                        } else
                                ck_abort_msg("unexpected byte 0x%02x in the drawing", (unsigned char) *p);
                        cells[n++] = upper;
                        cells[n++] = lower;
                }
                p++;
                if (lines == 0)
                        width = w;
                ck_assert_uint_eq(w, width);
                lines++;
        }

        /* cells holds (upper, lower) pairs line by line; turn them into rows */
        m = malloc(width * lines * 2);

        ck_assert_ptr_nonnull(m);
        for (size_t l = 0; l < lines; l++)
                for (size_t x = 0; x < width; x++) {
                        m[(2 * l) * width + x] = cells[(l * width + x) * 2];
                        m[(2 * l + 1) * width + x] = cells[(l * width + x) * 2 + 1];
                }
        free(cells);
        *ret_width = width;
        *ret_height = lines * 2;
        return m;
}

START_TEST(test_text_is_8bit_level_m) {
        /* 29 bytes: version 2 holds 26 bytes at level M, 32 at level L: so M needs version 3
         * (29 modules), L would give version 2 (25) */
        static const char url[] = "http://192.168.100.200:51730/";
        StrBuf got = STRBUF_INIT, want = STRBUF_INIT;
        QRcode *code;
        uint8_t *m;
        size_t width, height;

        ck_assert_int_eq(qr_render_text(&got, url, QR_STYLE_DARK_BLOCKS), 0);
        code = QRcode_encodeString8bit(url, 0, QR_ECLEVEL_M);
        ck_assert_ptr_nonnull(code);
        ck_assert_int_eq(code->version, 3);
        ck_assert_int_eq(code->width, 29);
        ck_assert_int_eq(qr_render_code(&want, code, QR_STYLE_DARK_BLOCKS), 0);
        ck_assert_str_eq(got.data, want.data);

        /* and the drawing is the symbol, module for module, in its quiet zone */
        m = read_back(got.data, &width, &height);
        ck_assert_uint_eq(width, 29 + 2 * QR_QUIET_ZONE);
        ck_assert_uint_eq(height, 29 + 2 * QR_QUIET_ZONE + 1);
        for (size_t y = 0; y < height; y++)
                for (size_t x = 0; x < width; x++) {
                        bool inside = x >= QR_QUIET_ZONE && x < QR_QUIET_ZONE + 29 &&
                                y >= QR_QUIET_ZONE && y < QR_QUIET_ZONE + 29;
                        uint8_t want_dark = inside ?
                                code->data[(y - QR_QUIET_ZONE) * 29 + (x - QR_QUIET_ZONE)] & 1 : 0;

                        ck_assert_msg(m[y * width + x] == want_dark, "module (%zu, %zu) is %u, expected %u",
                                      x, y, m[y * width + x], want_dark);
                }
        /* the finder pattern's corner: the symbol starts dark right after the quiet zone */
        ck_assert_uint_eq(m[QR_QUIET_ZONE * width + QR_QUIET_ZONE], 1);

        free(m);
        QRcode_free(code);
        strbuf_done(&got);
        strbuf_done(&want);
}
END_TEST

START_TEST(test_text_styles_agree) {
        static const char url[] = "http://[2001:db8::5]:5173/";
        StrBuf dark = STRBUF_INIT, light = STRBUF_INIT, color = STRBUF_INIT;
        const char *d, *l;

        ck_assert_int_eq(qr_render_text(&dark, url, QR_STYLE_DARK_BLOCKS), 0);
        ck_assert_int_eq(qr_render_text(&light, url, QR_STYLE_LIGHT_BLOCKS), 0);
        ck_assert_int_eq(qr_render_text(&color, url, QR_STYLE_COLOR), 0);

        /* light blocks: each cell the complement of the dark one */
        for (d = dark.data, l = light.data; *d; ) {
                if (*d == '\n') {
                        ck_assert_int_eq(*l, '\n');
                        d++;
                        l++;
                } else if (*d == ' ') {
                        ck_assert(strncmp(l, FULL, 3) == 0);
                        d++;
                        l += 3;
                } else if (strncmp(d, FULL, 3) == 0) {
                        ck_assert_int_eq(*l, ' ');
                        d += 3;
                        l++;
                } else if (strncmp(d, UPPER, 3) == 0) {
                        ck_assert(strncmp(l, LOWER, 3) == 0);
                        d += 3;
                        l += 3;
                } else {
                        ck_assert(strncmp(d, LOWER, 3) == 0);
                        ck_assert(strncmp(l, UPPER, 3) == 0);
                        d += 3;
                        l += 3;
                }
        }
        ck_assert_int_eq(*l, 0);

        /* colour: the dark drawing with each line wrapped */
        for (d = dark.data, l = color.data; *d; ) {
                const char *nl = strchr(d, '\n');

                ck_assert(strncmp(l, QR_COLOR_ON, strlen(QR_COLOR_ON)) == 0);
                l += strlen(QR_COLOR_ON);
                ck_assert(strncmp(l, d, (size_t) (nl - d)) == 0);
                l += nl - d;
                ck_assert(strncmp(l, QR_COLOR_OFF "\n", strlen(QR_COLOR_OFF) + 1) == 0);
                l += strlen(QR_COLOR_OFF) + 1;
                d = nl + 1;
        }
        ck_assert_int_eq(*l, 0);

        strbuf_done(&dark);
        strbuf_done(&light);
        strbuf_done(&color);
}
END_TEST

START_TEST(test_text_too_long) {
        /* version 40 at level M holds 2331 bytes */
        char *s = malloc(2400);
        StrBuf b = STRBUF_INIT;
        size_t width, height;
        uint8_t *m;

        ck_assert_ptr_nonnull(s);
        memset(s, 'a', 2399);
        s[2399] = 0;
        ck_assert_int_eq(qr_render_text(&b, s, QR_STYLE_DARK_BLOCKS), -ERANGE);
        ck_assert_uint_eq(b.len, 0);
        s[2331] = 0;
        ck_assert_int_eq(qr_render_text(&b, s, QR_STYLE_DARK_BLOCKS), 0);
        /* version 40: 177 modules and the quiet zone, (177 + 8 + 1) / 2 lines */
        m = read_back(b.data, &width, &height);
        ck_assert_uint_eq(width, 177 + 2 * QR_QUIET_ZONE);
        ck_assert_uint_eq(height, 177 + 2 * QR_QUIET_ZONE + 1);
        free(m);
        free(s);
        strbuf_done(&b);
}
END_TEST

static Suite *qr_suite(void) {
        Suite *s = suite_create("qr");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_dark_blocks);
        tcase_add_test(tc, test_light_blocks);
        tcase_add_test(tc, test_color);
        tcase_add_test(tc, test_even_height);
        tcase_add_test(tc, test_only_bit0);
        tcase_add_test(tc, test_invalid);
        tcase_add_test(tc, test_appends);
        tcase_add_test(tc, test_text_is_8bit_level_m);
        tcase_add_test(tc, test_text_styles_agree);
        tcase_add_test(tc, test_text_too_long);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(qr_suite)
