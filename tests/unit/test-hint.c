/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hint.h"
#include "macro.h"
#include "testutil.h"

#define LOOPBACK_FIX(cmd) "restart it with `" cmd "` so it listens on every interface"
#define GONE_FIX(cmd) "restart it bound to 0.0.0.0 (`" cmd "`) so it follows network changes"
#define NO_NETWORK_FIX \
        "connect this machine to a local network (Wi-Fi or Ethernet); the server listens on every " \
        "interface and will be reachable as soon as an address appears"

typedef struct HintCase {
        ReachProblem problem;
        uint16_t port;
        const char *binds;                    /* space-separated addresses */
        const char *name;
        const char *cmdline;
        const char *expected;
} HintCase;

static const HintCase cases[] = {
        /* Vite */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node",
          "node /home/u/app/node_modules/.bin/vite", LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "::1", "node",
          "node /home/u/app/node_modules/vite/bin/vite.js --port 5173",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node",
          "node /home/u/app/node_modules/.pnpm/vite@5.2.0/node_modules/vite/bin/vite.js",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "npm exec vite", "npm exec vite",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node", "npx vite@5.2.0 dev",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "deno", "deno run -A npm:vite",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "bun", "bunx --bun vite",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node",
          "node -r dotenv/config /home/u/app/node_modules/.bin/vite",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4173, "127.0.0.1", "node",
          "node /home/u/app/node_modules/.bin/vite preview", LOOPBACK_FIX("vite preview --host") },

        /* Next.js */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "next-server (v1",
          "next-server (v14.2.3)",
          LOOPBACK_FIX("next dev -H 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "next-server (v1", NULL,
          LOOPBACK_FIX("next dev -H 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node",
          "node /home/u/app/node_modules/.bin/next dev", LOOPBACK_FIX("next dev -H 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node",
          "node /home/u/app/node_modules/next/dist/bin/next dev --turbo",
          LOOPBACK_FIX("next dev -H 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node",
          "node /home/u/app/node_modules/next/dist/bin/next start",
          LOOPBACK_FIX("next start -H 0.0.0.0") },

        /* webpack-dev-server */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "webpack", "webpack serve",
          LOOPBACK_FIX("webpack serve --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "node",
          "node /app/node_modules/.bin/webpack serve --mode development",
          LOOPBACK_FIX("webpack serve --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "node",
          "node /app/node_modules/webpack-dev-server/bin/webpack-dev-server.js",
          LOOPBACK_FIX("webpack serve --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "::1", "webpack-dev-ser", "webpack-dev-server",
          LOOPBACK_FIX("webpack serve --host 0.0.0.0") },

        /* python -m http.server: the port is positional, so the fix repeats it */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "python3",
          "python3 -m http.server 8000 --bind 127.0.0.1",
          LOOPBACK_FIX("python3 -m http.server 8000 --bind 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9000, "127.0.0.1", "python3.12",
          "/usr/bin/python3.12 -m http.server 9000 -b 127.0.0.1",
          LOOPBACK_FIX("python3.12 -m http.server 9000 --bind 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "::1", "python", "python -m http.server --bind ::1",
          LOOPBACK_FIX("python -m http.server 8000 --bind 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "python3",
          "python3 -m http.server 8000 --directory /srv/vite",
          LOOPBACK_FIX("python3 -m http.server 8000 --bind 0.0.0.0") },

        /* Flask */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1", "flask", "flask run",
          LOOPBACK_FIX("flask run --host=0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1", "python", "python -m flask run",
          LOOPBACK_FIX("flask run --host=0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1", "flask",
          "/home/u/.venv/bin/python3 /home/u/.venv/bin/flask --app hello run --debug",
          LOOPBACK_FIX("flask run --host=0.0.0.0") },

        /* Django: the real port */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "python3",
          "/usr/bin/python3 manage.py runserver",
          LOOPBACK_FIX("python3 manage.py runserver 0.0.0.0:8000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8001, "127.0.0.1", "python",
          "python manage.py runserver 127.0.0.1:8001",
          LOOPBACK_FIX("python manage.py runserver 0.0.0.0:8001") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8002, "127.0.0.1", "python3",
          "poetry run python3 ./manage.py runserver 8002",
          LOOPBACK_FIX("python3 manage.py runserver 0.0.0.0:8002") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "django-admin",
          "/usr/bin/python3 /usr/bin/django-admin runserver",
          LOOPBACK_FIX("django-admin runserver 0.0.0.0:8000") },

        /* Rails, Puma */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "ruby", "ruby bin/rails server",
          LOOPBACK_FIX("rails server -b 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "ruby", "bundle exec rails s",
          LOOPBACK_FIX("rails server -b 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3001, "::1", "ruby3.1",
          "/usr/bin/ruby3.1 bin/rails server -p 3001",
          LOOPBACK_FIX("rails server -b 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "ruby",
          "puma 6.4.2 (tcp://127.0.0.1:3000) [app]", LOOPBACK_FIX("puma -b tcp://0.0.0.0:3000") },

        /* Hugo */
        { REACH_PROBLEM_LOOPBACK_ONLY, 1313, "127.0.0.1", "hugo", "hugo server",
          LOOPBACK_FIX("hugo server --bind 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 1414, "127.0.0.1", "hugo",
          "/usr/local/bin/hugo serve -D --port 1414",
          LOOPBACK_FIX("hugo server --bind 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 1313, "127.0.0.1", "hugo", NULL,
          LOOPBACK_FIX("hugo server --bind 0.0.0.0") },

        /* Jekyll */
        { REACH_PROBLEM_LOOPBACK_ONLY, 4000, "127.0.0.1", "jekyll", "jekyll serve",
          LOOPBACK_FIX("jekyll serve --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4000, "127.0.0.1", "ruby",
          "bundle exec jekyll serve --livereload",
          LOOPBACK_FIX("jekyll serve --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4000, "127.0.0.1", "ruby", "ruby /usr/local/bin/jekyll s",
          LOOPBACK_FIX("jekyll serve --host 0.0.0.0") },

        /* serve: the real port */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node",
          "node /usr/lib/node_modules/serve/build/main.js",
          LOOPBACK_FIX("serve -l tcp://0.0.0.0:3000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1", "node",
          "npx serve -l tcp://127.0.0.1:5000",
          LOOPBACK_FIX("serve -l tcp://0.0.0.0:5000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "::1", "node",
          "node /home/u/.npm-global/bin/serve -s dist",
          LOOPBACK_FIX("serve -l tcp://0.0.0.0:3000") },

        /* Angular */
        { REACH_PROBLEM_LOOPBACK_ONLY, 4200, "127.0.0.1", "ng serve", "ng serve",
          LOOPBACK_FIX("ng serve --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4200, "127.0.0.1", "node",
          "node /usr/lib/node_modules/@angular/cli/bin/ng.js serve --port 4200",
          LOOPBACK_FIX("ng serve --host 0.0.0.0") },

        /* Astro */
        { REACH_PROBLEM_LOOPBACK_ONLY, 4321, "127.0.0.1", "node", "astro dev",
          LOOPBACK_FIX("astro dev --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4321, "::1", "node",
          "node /app/node_modules/.bin/astro dev --port 4321", LOOPBACK_FIX("astro dev --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4321, "127.0.0.1", "node",
          "node /app/node_modules/astro/astro.js preview",
          LOOPBACK_FIX("astro preview --host") },

        /* PHP built-in server: the real port */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "php", "php -S 127.0.0.1:8000",
          LOOPBACK_FIX("php -S 0.0.0.0:8000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "php8.2",
          "/usr/bin/php8.2 -S localhost:8080 -t public",
          LOOPBACK_FIX("php -S 0.0.0.0:8080") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "php", "php artisan serve",
          LOOPBACK_FIX("php artisan serve --host=0.0.0.0") },

        /* Nuxt */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node", "nuxt dev",
          LOOPBACK_FIX("nuxt dev --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node",
          "node /app/node_modules/nuxi/bin/nuxi.mjs dev",
          LOOPBACK_FIX("nuxt dev --host") },

        /* Gatsby */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "node", "gatsby develop",
          LOOPBACK_FIX("gatsby develop -H 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "node",
          "node /app/node_modules/gatsby/dist/commands/develop-process.js",
          LOOPBACK_FIX("gatsby develop -H 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9000, "127.0.0.1", "node",
          "node /app/node_modules/.bin/gatsby serve",
          LOOPBACK_FIX("gatsby serve -H 0.0.0.0") },

        /* Remix */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node", "remix vite:dev",
          LOOPBACK_FIX("remix vite:dev --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node",
          "node /app/node_modules/.bin/remix vite:dev",
          LOOPBACK_FIX("remix vite:dev --host") },

        /* Words that only look like a known program */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node", "node /home/vitest/app/server.js",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node",
          "node /home/u/vite/server.js --port 5173",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 51204, "127.0.0.1", "node",
          "node /app/node_modules/.bin/vitest --ui",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node", "node /srv/serve/index.js",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node", "node server.js --mode next",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node",
          "node /home/u/node_modules_old/vite.mjs.bak",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "phpunit", "phpunit --testdox",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "php", "php bin/console server:run",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "server", "/home/u/hugo/bin/server",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        /* A package script hides which tool runs */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "bun", "bun run dev",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "deno", "deno task dev",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "npm run dev", "npm run dev",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1" },

        /* Unknown program: name the bound addresses */
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "::1", "myserver", "./myserver --port 9999",
          "make it listen on 0.0.0.0 or :: instead of ::1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "127.0.0.1 ::1", "myserver", "myserver",
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1 and ::1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "127.0.0.1 127.0.1.1 ::1", NULL, NULL,
          "make it listen on 0.0.0.0 or :: instead of 127.0.0.1, 127.0.1.1 and ::1" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "", "", "",
          "make it listen on 0.0.0.0 or :: instead of a loopback address" },

        /* Bound address gone */
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 5173, "192.168.1.23", "node",
          "node /home/u/app/node_modules/.bin/vite --host 192.168.1.23", GONE_FIX("vite --host") },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 8000, "192.168.1.23", "python3",
          "python3 manage.py runserver 192.168.1.23:8000",
          GONE_FIX("python3 manage.py runserver 0.0.0.0:8000") },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 8080, "10.0.0.5", "php", "php -S 10.0.0.5:8080",
          GONE_FIX("php -S 0.0.0.0:8080") },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 1313, "2001:db8::5", "hugo",
          "hugo server --bind 2001:db8::5",
          GONE_FIX("hugo server --bind 0.0.0.0") },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 9999, "192.168.1.23", "myserver", "myserver",
          "restart it bound to 0.0.0.0 or :: instead of 192.168.1.23 so it follows network "
          "changes" },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 9999, "192.168.1.23 2001:db8::5", "myserver",
          "myserver",
          "restart it bound to 0.0.0.0 or :: instead of 192.168.1.23 and 2001:db8::5 so it follows "
          "network changes" },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 9999, "", NULL, NULL,
          "restart it bound to 0.0.0.0 or :: so it follows network changes" },

        /* No network and not listening do not depend on the program */
        { REACH_PROBLEM_NO_NETWORK, 5173, "0.0.0.0", "node",
          "node /home/u/app/node_modules/.bin/vite",
          NO_NETWORK_FIX },
        { REACH_PROBLEM_NO_NETWORK, 9999, "::", NULL, NULL, NO_NETWORK_FIX },
        { REACH_PROBLEM_NOT_LISTENING, 5173, "", NULL, NULL,
          "start the server on port 5173, or check that it did not exit" },
        { REACH_PROBLEM_NOT_LISTENING, 65535, "", "node", "node /home/u/app/node_modules/.bin/vite",
          "start the server on port 65535, or check that it did not exit" },
        { REACH_PROBLEM_NOT_LISTENING, 1, "", NULL, NULL,
          "start the server on port 1, or check that it did not exit" },
};

static size_t parse_binds(const char *spec, ReachBind *binds, size_t max) {
        char buf[256], *saveptr = NULL, *tok;
        size_t n = 0;

        ck_assert_uint_lt(strlen(spec), sizeof(buf));
        strcpy(buf, spec);
        for (tok = strtok_r(buf, " ", &saveptr); tok; tok = strtok_r(NULL, " ", &saveptr)) {
                ck_assert_uint_lt(n, max);
                memset(&binds[n], 0, sizeof(binds[n]));
                binds[n].family = strchr(tok, ':') ? AF_INET6 : AF_INET;
                ck_assert_int_eq(inet_pton(binds[n].family, tok, &binds[n].address), 1);
                n++;
        }
        return n;
}

START_TEST(test_hint_table) {
        const HintCase *c = &cases[_i];
        ReachBind binds[4];
        size_t n_binds = parse_binds(c->binds, binds, 4);
        char *hint = NULL;

        ck_assert_int_eq(hint_for_problem(c->problem, c->port, binds, n_binds, c->name, c->cmdline,
                                          &hint), 0);
        ck_assert_ptr_nonnull(hint);
        ck_assert_msg(strcmp(hint, c->expected) == 0, "case %d (%s): got \"%s\", want \"%s\"", _i,
                      c->cmdline ? c->cmdline : "(null)", hint, c->expected);
        for (const char *p = hint; *p; p++)
                ck_assert_msg(*p >= 0x20 && *p < 0x7f, "case %d: byte 0x%02x", _i,
                              (unsigned char) *p);
        free(hint);
}
END_TEST

START_TEST(test_hint_none) {
        ReachBind bind = { .family = AF_INET };
        char *hint = (char *) "untouched";

        bind.address.bytes[0] = 127;
        bind.address.bytes[3] = 1;
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_NONE, 5173, &bind, 1, "node",
                                          "node /home/u/app/node_modules/.bin/vite", &hint),
                         -ENOENT);
        ck_assert_str_eq(hint, "untouched");
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_NONE, 5173, NULL, 0, NULL, NULL, &hint),
                         -ENOENT);
        ck_assert_str_eq(hint, "untouched");
}
END_TEST

START_TEST(test_hint_invalid_problem) {
        char *hint = (char *) "untouched";

        ck_assert_int_eq(hint_for_problem(_REACH_PROBLEM_MAX, 80, NULL, 0, NULL, NULL, &hint),
                         -EINVAL);
        ck_assert_int_eq(hint_for_problem((ReachProblem) 42, 80, NULL, 0, NULL, NULL, &hint),
                         -EINVAL);
        ck_assert_str_eq(hint, "untouched");
}
END_TEST

START_TEST(test_hint_bad_family) {
        ReachBind bind = { .family = AF_UNIX };
        char *hint = (char *) "untouched";

        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_LOOPBACK_ONLY, 80, &bind, 1, "x", "x",
                                          &hint), -EAFNOSUPPORT);
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_BOUND_ADDRESS_GONE, 80, &bind, 1, "x", "x",
                                          &hint), -EAFNOSUPPORT);
        ck_assert_str_eq(hint, "untouched");
}
END_TEST

/* A known program needs no address, so a bad bind does not matter there */
START_TEST(test_hint_known_program_ignores_binds) {
        ReachBind bind = { .family = AF_UNIX };
        char *hint = NULL;

        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_LOOPBACK_ONLY, 1313, &bind, 1, "hugo",
                                          "hugo server", &hint), 0);
        ck_assert_str_eq(hint, LOOPBACK_FIX("hugo server --bind 0.0.0.0"));
        free(hint);
}
END_TEST

/* Only the first words matter; a very long command line is no problem */
START_TEST(test_hint_long_cmdline) {
        size_t n = 64 * 1024;
        char *cmdline = malloc(n + 1), *hint = NULL;
        const char *prefix = "node /home/u/app/node_modules/.bin/vite";

        ck_assert_ptr_nonnull(cmdline);
        memset(cmdline, ' ', n);
        memcpy(cmdline, prefix, strlen(prefix));
        for (size_t i = strlen(prefix) + 1; i + 2 < n; i += 3)
                memcpy(cmdline + i, "-x", 2);
        cmdline[n] = 0;
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_LOOPBACK_ONLY, 5173, NULL, 0, "node",
                                          cmdline, &hint), 0);
        ck_assert_str_eq(hint, LOOPBACK_FIX("vite --host"));
        free(hint);
        free(cmdline);
}
END_TEST

static Suite *hint_suite(void) {
        Suite *s = suite_create("hint");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_hint_table, 0, (int) ELEMENTSOF(cases));
        tcase_add_test(tc, test_hint_none);
        tcase_add_test(tc, test_hint_invalid_problem);
        tcase_add_test(tc, test_hint_bad_family);
        tcase_add_test(tc, test_hint_known_program_ignores_binds);
        tcase_add_test(tc, test_hint_long_cmdline);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(hint_suite)
