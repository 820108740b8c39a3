/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hint.h"
#include "macro.h"
#include "procchain.h"
#include "testutil.h"
#include "tool.h"

#define LOOPBACK_FIX(cmd) "restart it with `" cmd "` so it listens on every interface"
#define GONE_FIX(cmd) "restart it with `" cmd "` so it listens on every interface and follows network changes"
#define V6_FIX(cmd) "restart it with `" cmd "` so it listens on IPv6 as well"
#define NO_NETWORK_FIX \
        "connect this machine to a local network (Wi-Fi or Ethernet); the server listens on every " \
        "interface and will be reachable as soon as an address appears"
#define GENERIC(addrs) "make it listen on 0.0.0.0 or :: instead of " addrs

#define PATH "/home/u/.local/bin:/usr/local/bin:/usr/bin:/bin"
/* what npm run and npx put in front */
#define NPM_PATH "/home/u/app/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:" PATH

/* Processes as `tr '\0' '|' </proc/PID/cmdline` shows them, the socket's owner first, separated
 * by newlines; most were read from real servers started the usual ways */
/* optional fields trail the table rows */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

typedef struct HintCase {
        ReachProblem problem;
        uint16_t port;
        const char *binds;                    /* space-separated addresses */
        const char *chain;
        const char *expected;
        const char *path;                     /* PATH of the owner, NULL: PATH above */
        const char *npm_script;
        const char *config_name, *config_text;
} HintCase;

static const HintCase cases[] = {
        /* Vite through npm run, npx, pnpm, yarn, a path, PATH; preview */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5180, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite|--port|5180\nsh|-c|vite --port 5180\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host"), NPM_PATH, "vite --port 5180" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5180, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite\nsh|-c|vite\nnpm run dev -- --port 5180\nbash",
          LOOPBACK_FIX("npm run dev -- --port 5180 --host"), NPM_PATH, "vite" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5181, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite|--port|5181\nsh|-c|'vite' --port 5181\nnpm exec vite --port 5181\nbash",
          LOOPBACK_FIX("npx vite --port 5181 --host"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5181, "::1",
          "node|/home/u/app/node_modules/.bin/vite|--host|localhost|--port|5181\nnpm exec vite@7.3.1 --host localhost --port 5181\nbash",
          LOOPBACK_FIX("npx vite@7.3.1 --host --port 5181"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite\nsh|-c|vite\nnode|/usr/lib/node_modules/pnpm/bin/pnpm.cjs|dev\nbash",
          LOOPBACK_FIX("pnpm dev --host"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite|--host|127.0.0.1\nsh|-c|vite --host 127.0.0.1\nnode|/usr/lib/node_modules/pnpm/bin/pnpm.cjs|run|dev\nbash",
          LOOPBACK_FIX("pnpm exec vite --host") "; or change `--host 127.0.0.1` in the `dev` script of package.json", NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite\n/bin/sh|-c|vite\nnode|/usr/share/yarn/bin/yarn.js|run|dev\nbash",
          LOOPBACK_FIX("yarn run dev --host"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|./node_modules/.bin/vite|--port|5173\n-bash",
          LOOPBACK_FIX("node ./node_modules/.bin/vite --port 5173 --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/usr/local/bin/vite\nbash",
          LOOPBACK_FIX("vite --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/vite/bin/vite.js|--port|5173\nbash",
          LOOPBACK_FIX("node /home/u/app/node_modules/vite/bin/vite.js --port 5173 --host") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite|preview\nsh|-c|vite preview\nnpm run preview\nbash",
          LOOPBACK_FIX("npm run preview -- --host"), NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 4173, "0.0.0.0",
          "node|/usr/local/bin/vite|preview|--host|0.0.0.0\nbash",
          V6_FIX("vite preview --host ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4173, "127.0.0.1",
          "node|/usr/local/bin/vite|preview|--port|4173\nbash",
          LOOPBACK_FIX("vite preview --port 4173 --host") "; vite.config.js may set `preview.host`, which "
          "the option overrides; to keep it, set it to true there", NULL, NULL,
          "vite.config.js", "export default { preview: { host: 'localhost' } }" },
        /* SvelteKit's dev script is `vite dev` */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite|dev\nsh|-c|vite dev\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host"), NPM_PATH },
        /* a config file that sets the host */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite\nsh|-c|vite\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host") "; vite.config.ts may set `server.host`, which the "
          "option overrides; to keep it, set it to true there", NPM_PATH, NULL,
          "vite.config.ts", "export default { server: { host: '127.0.0.1' } }" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/vite\nsh|-c|vite\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host"), NPM_PATH, NULL,
          "vite.config.ts", "export default { plugins: [] }" },

        /* webpack-dev-server: its title is "webpack", the command is its parent's */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8091, "127.0.0.1",
          "webpack\nsh|-c|'webpack' serve --host localhost --port 8091\nnpm exec webpack serve --host localhost --port 8091\nbash",
          LOOPBACK_FIX("npx webpack serve --host 0.0.0.0 --port 8091"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8090, "127.0.0.1",
          "webpack\nsh|-c|webpack serve --host localhost --port 8090\nnpm run serve\nbash",
          LOOPBACK_FIX("npx webpack serve --host 0.0.0.0 --port 8090") "; or change `--host localhost` "
          "in the `serve` script of package.json", NPM_PATH },
        /* dash ran the script in the shell's process: only the environment has it */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8090, "127.0.0.1",
          "webpack\nnpm run serve\nbash",
          LOOPBACK_FIX("npx webpack serve --host 0.0.0.0 --port 8090") "; or change `--host localhost` "
          "in the `serve` script of package.json", NPM_PATH, "webpack serve --host localhost --port 8090" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "webpack\nsh|-c|webpack serve\nnpm start\nbash",
          LOOPBACK_FIX("npm start -- --host 0.0.0.0") "; webpack.config.js may set `devServer.host`, which "
          "the option overrides; to keep it, set it to '0.0.0.0' there", NPM_PATH, NULL,
          "webpack.config.js", "module.exports = { devServer: { host: 'localhost' } };" },
        /* nothing but the title: the rule's command on the same port */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "::1", "webpack\n-bash",
          LOOPBACK_FIX("webpack serve --port 8080 --host 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "node|/app/node_modules/webpack-dev-server/bin/webpack-dev-server.js|--port|8080\nbash",
          LOOPBACK_FIX("node /app/node_modules/webpack-dev-server/bin/webpack-dev-server.js --port 8080 --host 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8091, "0.0.0.0",
          "webpack\nsh|-c|'webpack' serve --host 0.0.0.0 --port 8091\nnpm exec webpack serve --host 0.0.0.0 --port 8091\nbash",
          V6_FIX("npx webpack serve --host :: --port 8091"), NPM_PATH },

        /* Next.js: dev and start run as "next-server (v16.5.0)" under the next CLI */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3100, "127.0.0.1",
          "next-server (v16.5.0)\nnode|/home/u/app/node_modules/.bin/next|dev|-H|127.0.0.1|-p|3100\nsh|-c|'next' dev -H 127.0.0.1 -p 3100\nnpm exec next dev -H 127.0.0.1 -p 3100\nbash",
          LOOPBACK_FIX("npx next dev -H 0.0.0.0 -p 3100"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "next-server (v16.5.0)\nnode|/home/u/app/node_modules/.bin/next|start|-H|localhost\nsh|-c|next start -H localhost\nnpm start\nbash",
          LOOPBACK_FIX("npx next start -H 0.0.0.0") "; or change `-H localhost` in the `start` script of package.json", NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "next-server (v16.5.0)\nnode|/home/u/app/node_modules/.bin/next|start|--hostname|127.0.0.1\n-bash",
          LOOPBACK_FIX("node /home/u/app/node_modules/.bin/next start --hostname 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "next-server (v14.2.3)\n-bash",
          LOOPBACK_FIX("next dev -p 3000 -H 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3100, "0.0.0.0",
          "next-server (v16.5.0)\nnode|/home/u/app/node_modules/.bin/next|dev|-H|0.0.0.0|-p|3100\nsh|-c|'next' dev -H 0.0.0.0 -p 3100\nnpm exec next dev -H 0.0.0.0 -p 3100\nbash",
          V6_FIX("npx next dev -H :: -p 3100"), NPM_PATH },

        /* serve and http-server (whose title is its name) */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3200, "127.0.0.1",
          "node|/home/u/app/node_modules/.bin/serve|-l|tcp://127.0.0.1:3200\nsh|-c|'serve' -l tcp://127.0.0.1:3200\nnpm exec serve -l tcp://127.0.0.1:3200\nbash",
          LOOPBACK_FIX("npx serve -l 3200"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "::1",
          "node|/usr/local/bin/serve|-s|dist|--listen|tcp://localhost:3000\nbash",
          LOOPBACK_FIX("serve -s dist --listen 3000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3300, "127.0.0.1",
          "http-server\nsh|-c|'http-server' -a 127.0.0.1 -p 3300\nnpm exec http-server -a 127.0.0.1 -p 3300\nbash",
          LOOPBACK_FIX("npx http-server -a 0.0.0.0 -p 3300"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "http-server\nnpm exec http-server -a localhost\nbash",
          LOOPBACK_FIX("npx http-server -a 0.0.0.0"), NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3300, "0.0.0.0",
          "http-server\nsh|-c|'http-server' -a 0.0.0.0 -p 3300\nnpm exec http-server -a 0.0.0.0 -p 3300\nbash",
          V6_FIX("npx http-server -a :: -p 3300"), NPM_PATH },

        /* other Node tools; Angular sets its title to its command line */
        { REACH_PROBLEM_LOOPBACK_ONLY, 4200, "127.0.0.1",
          "ng serve --host 127.0.0.1\nsh|-c|ng serve --host 127.0.0.1\nnpm start\nbash",
          LOOPBACK_FIX("npx ng serve --host 0.0.0.0") "; or change `--host 127.0.0.1` in the `start` script of package.json", NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 4200, "0.0.0.0",
          "ng dev --host 0.0.0.0 --port 4200\nbash",
          V6_FIX("ng dev --host :: --port 4200") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4321, "127.0.0.1",
          "node|/app/node_modules/.bin/astro|dev\nsh|-c|astro dev\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host"), NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 4321, "0.0.0.0",
          "node|/app/node_modules/.bin/astro|preview|--host|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/astro preview --host ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "node|/app/node_modules/.bin/nuxi|dev\nsh|-c|nuxi dev\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host 0.0.0.0"), NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3000, "0.0.0.0",
          "node|/app/node_modules/.bin/nuxt|dev|--host|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/nuxt dev --host ::") },
        /* nuxi preview runs Nitro's server as a child, and takes no --host */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "node|/app/.output/server/index.mjs\nnode|/app/node_modules/.bin/nuxi|preview\nbash",
          GENERIC("127.0.0.1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1",
          "node|/app/node_modules/.bin/remix|vite:dev\nsh|-c|remix vite:dev\nnpm run dev\nbash",
          LOOPBACK_FIX("npm run dev -- --host"), NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 5173, "0.0.0.0",
          "node|/app/node_modules/.bin/remix|vite:dev|--host|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/remix vite:dev --host ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 6006, "127.0.0.1",
          "node|/app/node_modules/.bin/storybook|dev|-p|6006|--host|localhost\nsh|-c|storybook dev -p 6006 --host localhost\nnpm run storybook\nbash",
          LOOPBACK_FIX("npx storybook dev -p 6006 --host 0.0.0.0") "; or change `--host localhost` in the `storybook` script of package.json", NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 6006, "127.0.0.1",
          "node|/app/node_modules/.bin/sb|dev|-p|6006|-h|127.0.0.1\nbash",
          LOOPBACK_FIX("node /app/node_modules/.bin/sb dev -p 6006 -h 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 6006, "0.0.0.0",
          "node|/app/node_modules/.bin/storybook|dev|-p|6006|-h|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/storybook dev -p 6006 -h ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 1234, "127.0.0.1",
          "node|/app/node_modules/.bin/parcel|index.html|--host|localhost\nbash",
          LOOPBACK_FIX("node /app/node_modules/.bin/parcel index.html --host 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 1234, "0.0.0.0",
          "node|/app/node_modules/.bin/parcel|serve|src/index.html|--host|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/parcel serve src/index.html --host ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "node|/usr/local/bin/live-server|--host=127.0.0.1|--port=8080\nbash",
          LOOPBACK_FIX("live-server --host=0.0.0.0 --port=8080") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8080, "0.0.0.0",
          "node|/usr/local/bin/live-server|--host=0.0.0.0|--port=8080\nbash",
          V6_FIX("live-server --host=:: --port=8080") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "node|/usr/local/bin/browser-sync|start|--server|--listen|localhost\nbash",
          LOOPBACK_FIX("browser-sync start --server --listen 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3000, "0.0.0.0",
          "node|/usr/local/bin/browser-sync|start|--server|--listen|0.0.0.0\nbash",
          V6_FIX("browser-sync start --server --listen ::") },
        /* gatsby develop runs the server in `node .cache/tmp-…`, a script it writes: the command
         * is the parent's */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/usr/bin/node|/app/.cache/tmp-4242-Xr2bLkQ7fNaS\nnode|/app/node_modules/.bin/gatsby|develop\nsh|-c|gatsby develop\nnpm run develop\nbash",
          LOOPBACK_FIX("npm run develop -- -H 0.0.0.0"), NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 9000, "0.0.0.0",
          "node|/app/node_modules/.bin/gatsby|serve|--host|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/gatsby serve --host ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8081, "127.0.0.1",
          "node|/app/node_modules/.bin/expo|start|--localhost\nsh|-c|'expo' start --localhost\nnpm exec expo start --localhost\nbash",
          LOOPBACK_FIX("npx expo start --host lan"), NPM_PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8081, "127.0.0.1",
          "node|/app/node_modules/.bin/expo|start|-m|localhost\nbash",
          LOOPBACK_FIX("node /app/node_modules/.bin/expo start -m lan") },
        /* lan leaves Metro's host unset: it listens on :: and takes IPv4 as well */
        { REACH_PROBLEM_FAMILY_MISMATCH, 8081, "0.0.0.0",
          "node|/app/node_modules/.bin/expo|start|--localhost\nbash",
          V6_FIX("node /app/node_modules/.bin/expo start --host lan") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8081, "127.0.0.1",
          "node|/app/node_modules/.bin/react-native|start|--host|127.0.0.1\nbash",
          LOOPBACK_FIX("node /app/node_modules/.bin/react-native start --host 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8081, "0.0.0.0",
          "node|/app/node_modules/.bin/react-native|start|--host|0.0.0.0\nbash",
          V6_FIX("node /app/node_modules/.bin/react-native start --host ::") },
        /* Eleventy's --serve has no bind option */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "node|/app/node_modules/.bin/eleventy|--serve\nsh|-c|eleventy --serve\nnpm start\nbash",
          GENERIC("127.0.0.1"), NPM_PATH, "eleventy --serve" },

        /* Python */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "python3|-m|http.server|8000|--bind|127.0.0.1\nbash",
          LOOPBACK_FIX("python3 -m http.server 8000 --bind 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9000, "::1",
          "/usr/bin/python3.12|-m|http.server|-b|::1|9000\nbash",
          LOOPBACK_FIX("/usr/bin/python3.12 -m http.server -b 0.0.0.0 9000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1",
          "/home/u/app/.venv/bin/python3|/home/u/app/.venv/bin/flask|run\nbash",
          LOOPBACK_FIX("flask run --host=0.0.0.0"), "/home/u/app/.venv/bin:" PATH },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1",
          "/home/u/app/.venv/bin/python3|/home/u/app/.venv/bin/flask|--app|hello|run|--port|5000\nbash",
          LOOPBACK_FIX("/home/u/app/.venv/bin/python3 /home/u/app/.venv/bin/flask --app hello run --port 5000 --host=0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1",
          "python3|-m|flask|run|-h|localhost\nbash",
          LOOPBACK_FIX("python3 -m flask run -h 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 5000, "0.0.0.0",
          "python3|-m|flask|--app|app|run|--host=0.0.0.0|--port|5000\nbash",
          V6_FIX("python3 -m flask --app app run --host=:: --port 5000") },
        /* Django's autoreloader runs the server in a child with the same arguments */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/usr/bin/python3|manage.py|runserver\npython3|manage.py|runserver\nbash",
          LOOPBACK_FIX("python3 manage.py runserver 0.0.0.0:8000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8001, "127.0.0.1",
          "python|manage.py|runserver|8001|--noreload\nbash",
          LOOPBACK_FIX("python manage.py runserver 0.0.0.0:8001 --noreload") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8002, "127.0.0.1",
          "python3|./manage.py|runserver|localhost:8002\nbash",
          LOOPBACK_FIX("python3 ./manage.py runserver 0.0.0.0:8002") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/usr/bin/python3|/usr/local/bin/django-admin|runserver|--settings=x.settings\nbash",
          LOOPBACK_FIX("django-admin runserver 0.0.0.0:8000 --settings=x.settings") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/home/u/.venv/bin/python|/home/u/.venv/bin/uvicorn|main:app|--reload\nbash",
          LOOPBACK_FIX("uvicorn main:app --reload --host 0.0.0.0"), "/home/u/.venv/bin:" PATH },
        /* uvicorn's --host :: is IPv6-only (asyncio sets IPV6_V6ONLY) */
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "0.0.0.0",
          "/usr/bin/python3|-m|uvicorn|main:app|--host|0.0.0.0\nbash",
          "make it listen on :: (every IPv6 and IPv4 address) instead of 0.0.0.0" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/usr/bin/python3|/usr/local/bin/gunicorn|-b|127.0.0.1:8000|app:app\nbash",
          LOOPBACK_FIX("gunicorn -b 0.0.0.0:8000 app:app") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8003, "0.0.0.0",
          "/usr/bin/python3|/usr/bin/gunicorn|--bind=0.0.0.0:8003|wsgi_app:app\nbash",
          V6_FIX("gunicorn --bind=[::]:8003 wsgi_app:app") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8888, "127.0.0.1",
          "/usr/bin/python3|/usr/local/bin/jupyter-lab\nbash",
          LOOPBACK_FIX("jupyter-lab --ip=0.0.0.0") },
        /* Jupyter's --ip=:: is IPv6-only (Tornado); * binds both families */
        { REACH_PROBLEM_FAMILY_MISMATCH, 8888, "0.0.0.0",
          "/usr/bin/python3|/usr/bin/jupyter-notebook|--ip|0.0.0.0|--port|8888\nbash",
          V6_FIX("jupyter-notebook --ip '*' --port 8888") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/usr/bin/python3|/usr/local/bin/mkdocs|serve\nbash",
          LOOPBACK_FIX("mkdocs serve -a 0.0.0.0:8000") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8001, "0.0.0.0",
          "/usr/bin/python3|-m|mkdocs|serve|--dev-addr=0.0.0.0:8001\nbash",
          V6_FIX("/usr/bin/python3 -m mkdocs serve --dev-addr=[::]:8001") },

        /* Ruby. Puma titles the process it serves in "puma 6.4.2 (tcp://…) [app]", also for
         * `rails server`, rackup and Sinatra: their command survives only in an ancestor */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "puma 6.4.2 (tcp://localhost:3000) [app]\n-bash",
          LOOPBACK_FIX("puma -b tcp://0.0.0.0:3000") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3000, "0.0.0.0",
          "puma 6.4.2 (tcp://0.0.0.0:3000) [app]\n-bash",
          V6_FIX("puma -b tcp://[::]:3000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "puma 6.4.2 (tcp://127.0.0.1:3000) [app]\nsh|-c|bundle exec rails server -b 127.0.0.1\nwatchexec|-r|--|bundle exec rails server -b 127.0.0.1\nbash",
          LOOPBACK_FIX("bundle exec rails server -b 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4567, "127.0.0.1",
          "puma 5.6.5 (tcp://127.0.0.1:4567) [site]\nsh|-c|ruby app.rb -o 127.0.0.1 -p 4567\nbash",
          LOOPBACK_FIX("ruby app.rb -o 0.0.0.0 -p 4567") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9292, "127.0.0.1",
          "puma 5.6.5 (tcp://localhost:9292) [site]\nsh|-c|rackup -p 9292 -o localhost\nbash",
          LOOPBACK_FIX("rackup -p 9292 -o 0.0.0.0") },
        /* with another server the command line stays; WEBrick's :: is IPv6-only */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1",
          "ruby|bin/rails|server|-u|webrick\nbash",
          LOOPBACK_FIX("ruby bin/rails server -u webrick -b 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3000, "0.0.0.0",
          "ruby|bin/rails|s|-u|webrick|--binding=0.0.0.0\nbash",
          "make it listen on :: (every IPv6 and IPv4 address) instead of 0.0.0.0" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9292, "127.0.0.1",
          "ruby|/usr/local/bin/rackup|-s|webrick|-o|localhost\nbash",
          LOOPBACK_FIX("rackup -s webrick -o 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4567, "127.0.0.1",
          "ruby|app.rb|-o|127.0.0.1\nbash",
          LOOPBACK_FIX("ruby app.rb -o 0.0.0.0") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "ruby|-run|-e|httpd|.|-p|8080|--bind-address=127.0.0.1\nbash",
          LOOPBACK_FIX("ruby -run -e httpd . -p 8080 --bind-address=0.0.0.0") },
        /* un.rb's documented form: the `--` ends ruby's options, not httpd's */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "ruby|-run|-e|httpd|--|--port=8080|--bind-address=127.0.0.1|.\nbash",
          LOOPBACK_FIX("ruby -run -e httpd -- --port=8080 --bind-address=0.0.0.0 .") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "ruby|-run|-e|httpd|--|--port=8080|.\nbash",
          LOOPBACK_FIX("ruby -run -e httpd -- --port=8080 . --bind-address=0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8080, "0.0.0.0",
          "ruby|-run|-e|httpd|.|-p|8080|--bind-address=0.0.0.0\nbash",
          "make it listen on :: (every IPv6 and IPv4 address) instead of 0.0.0.0" },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4000, "127.0.0.1",
          "ruby|/usr/local/bin/bundle|exec|jekyll|serve\nbash",
          LOOPBACK_FIX("ruby /usr/local/bin/bundle exec jekyll serve -H 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 4000, "0.0.0.0",
          "/usr/bin/ruby|/usr/bin/jekyll|serve|--host|0.0.0.0|--no-watch\nbash",
          "make it listen on :: (every IPv6 and IPv4 address) instead of 0.0.0.0" },

        /* Go, Rust, PHP, .NET, Elixir */
        { REACH_PROBLEM_LOOPBACK_ONLY, 1313, "127.0.0.1", "hugo|server|-D\nbash",
          LOOPBACK_FIX("hugo server -D --bind 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 1313, "0.0.0.0", "hugo|serve|--bind=0.0.0.0|-p|1313\nbash",
          V6_FIX("hugo serve --bind=:: -p 1313") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 1111, "127.0.0.1", "zola|serve\nbash",
          LOOPBACK_FIX("zola serve -i 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 1111, "0.0.0.0", "zola|serve|--interface|0.0.0.0\nbash",
          V6_FIX("zola serve --interface ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1", "php|-S|127.0.0.1:8000\nbash",
          LOOPBACK_FIX("php -S 0.0.0.0:8000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1",
          "/usr/bin/php8.2|-S|localhost:8080|-t|public\nbash",
          LOOPBACK_FIX("php8.2 -S 0.0.0.0:8080 -t public") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "0.0.0.0", "php|-S|0.0.0.0:8000\nbash",
          V6_FIX("php -S [::]:8000") },
        /* artisan serve runs `php -S` as a child */
        { REACH_PROBLEM_LOOPBACK_ONLY, 8000, "127.0.0.1",
          "/usr/bin/php8.2|-S|127.0.0.1:8000|/app/vendor/laravel/framework/src/Illuminate/Foundation/Console/../resources/server.php\nphp|artisan|serve\nbash",
          LOOPBACK_FIX("php artisan serve --host=0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "0.0.0.0",
          "/usr/bin/php8.2|-S|0.0.0.0:8000|/app/server.php\nphp|artisan|serve|--host|0.0.0.0\nbash",
          V6_FIX("php artisan serve --host [::]") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1",
          "/home/u/app/bin/Debug/net8.0/app\ndotnet|run\nbash",
          LOOPBACK_FIX("dotnet run --urls http://0.0.0.0:5000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5000, "127.0.0.1",
          "/home/u/app/bin/Debug/net8.0/app\n/usr/share/dotnet/dotnet|run|--no-build\n/usr/share/dotnet/dotnet|watch\nbash",
          LOOPBACK_FIX("dotnet watch --urls http://0.0.0.0:5000"), "/usr/share/dotnet:" PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 5000, "0.0.0.0",
          "/home/u/app/bin/Debug/net8.0/app|--urls|http://0.0.0.0:5000\ndotnet|run|--urls|http://0.0.0.0:5000\nbash",
          V6_FIX("dotnet run --urls http://[::]:5000") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "trunk|serve|--port|8080\nbash",
          LOOPBACK_FIX("trunk serve --port 8080 -a 0.0.0.0") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8080, "0.0.0.0", "trunk|serve|--address|0.0.0.0\nbash",
          V6_FIX("trunk serve --address ::") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 4000, "127.0.0.1",
          "/usr/lib/erlang/erts-13.1.5/bin/beam.smp|--|-root|/usr/lib/erlang|-extra|/usr/bin/mix|phx.server\nbash",
          GENERIC("127.0.0.1") ": set `http: [ip: ...]` to {0, 0, 0, 0, 0, 0, 0, 0} in config/dev.exs" },

        /* Words that only look like a known program */
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node|/home/vitest/app/server.js\nbash",
          GENERIC("127.0.0.1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 5173, "127.0.0.1", "node|/home/u/vite/server.js|--port|5173\nbash",
          GENERIC("127.0.0.1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 51204, "127.0.0.1", "node|/app/node_modules/.bin/vitest|--ui\nbash",
          GENERIC("127.0.0.1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node|server.js|--mode|next\nbash",
          GENERIC("127.0.0.1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "phpunit|--testdox\nbash",
          GENERIC("127.0.0.1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 8080, "127.0.0.1", "php|bin/console|server:run\nbash",
          GENERIC("127.0.0.1") },
        /* a script we cannot see into */
        { REACH_PROBLEM_LOOPBACK_ONLY, 3000, "127.0.0.1", "node|server.js\nsh|-c|node server.js\nnpm run dev\nbash",
          GENERIC("127.0.0.1"), NPM_PATH, "node server.js" },
        /* a title that happens to be a tool's name, with nothing to confirm it */
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "::1", "./myserver|--port|9999\nbash",
          GENERIC("::1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "127.0.0.1 ::1", NULL,
          GENERIC("127.0.0.1 and ::1") },
        { REACH_PROBLEM_LOOPBACK_ONLY, 9999, "127.0.0.1 127.0.1.1 ::1", "",
          GENERIC("127.0.0.1, 127.0.1.1 and ::1") },

        /* Bound address gone, link down: the same edit */
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 5174, "192.168.1.23",
          "node|/home/u/app/node_modules/.bin/vite|--host|192.168.1.23|--port|5174\nbash",
          GONE_FIX("node /home/u/app/node_modules/.bin/vite --host --port 5174") },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 8000, "192.168.1.23",
          "python3|manage.py|runserver|192.168.1.23:8000\nbash",
          GONE_FIX("python3 manage.py runserver 0.0.0.0:8000") },
        { REACH_PROBLEM_BOUND_ADDRESS_GONE, 9999, "192.168.1.23 2001:db8::5", "myserver\nbash",
          "restart it bound to 0.0.0.0 or :: instead of 192.168.1.23 and 2001:db8::5 so it follows "
          "network changes" },
        { REACH_PROBLEM_BOUND_LINK_DOWN, 8000, "192.168.1.23",
          "python3|-m|http.server|--bind|192.168.1.23\nbash",
          "reconnect that interface (cable, Wi-Fi), or " GONE_FIX("python3 -m http.server --bind 0.0.0.0") },
        /* bound to docker0 only */
        { REACH_PROBLEM_NO_NETWORK, 8000, "172.17.0.1",
          "python3|-m|http.server|-b|172.17.0.1\nbash",
          LOOPBACK_FIX("python3 -m http.server -b 0.0.0.0") },

        /* IPv6-only network, server on 0.0.0.0: the tool's own word for :: */
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "0.0.0.0",
          "python3|-m|http.server|8000|--bind|0.0.0.0\nbash",
          V6_FIX("python3 -m http.server 8000 --bind ::") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "0.0.0.0", "python3|-m|http.server|8000\nbash",
          V6_FIX("python3 -m http.server 8000 --bind ::") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 5180, "0.0.0.0",
          "node|/home/u/app/node_modules/.bin/vite|--host|0.0.0.0|--port|5180\nsh|-c|vite --host 0.0.0.0 --port 5180\nnpm run dev\nbash",
          V6_FIX("npx vite --host :: --port 5180") "; or change `--host 0.0.0.0` in the `dev` script of package.json", NPM_PATH },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "0.0.0.0",
          "python|manage.py|runserver|0.0.0.0:8000\nbash",
          V6_FIX("python manage.py runserver [::]:8000") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 3000, "0.0.0.0",
          "node|/usr/local/bin/serve|-l|tcp://0.0.0.0:3000\nbash",
          V6_FIX("serve -l 3000") },
        /* Hugo's --bind :: listens on IPv4 as well */
        { REACH_PROBLEM_FAMILY_MISMATCH, 1313, "0.0.0.0", "hugo|server|--bind|0.0.0.0\nbash",
          V6_FIX("hugo server --bind ::") },
        { REACH_PROBLEM_FAMILY_MISMATCH, 9999, "0.0.0.0", "myserver\nbash",
          "make it listen on :: (every IPv6 and IPv4 address) instead of 0.0.0.0" },
        /* IPv4-only network, a v6only server on :: */
        { REACH_PROBLEM_FAMILY_MISMATCH, 9999, "::", "myserver\nbash",
          "make it listen on 0.0.0.0 as well, or on :: without IPV6_V6ONLY, so it takes IPv4 connections too" },
        { REACH_PROBLEM_FAMILY_MISMATCH, 8000, "::", "python3|-m|http.server|--bind|::\nbash",
          "restart it with `python3 -m http.server --bind 0.0.0.0` so it takes IPv4 connections" },

        /* No network and not listening do not depend on the program */
        { REACH_PROBLEM_NO_NETWORK, 5173, "0.0.0.0",
          "node|/home/u/app/node_modules/.bin/vite|--host\nbash", NO_NETWORK_FIX },
        { REACH_PROBLEM_NO_NETWORK, 9999, "::", NULL, NO_NETWORK_FIX },
        { REACH_PROBLEM_NOT_LISTENING, 5173, "", NULL,
          "start the server on port 5173, or check that it did not exit" },
        { REACH_PROBLEM_NOT_LISTENING, 65535, "", "node|/home/u/app/node_modules/.bin/vite\nbash",
          "start the server on port 65535, or check that it did not exit" },
};

/* Tools by name, from the same kind of chains */
typedef struct NameCase {
        const char *chain;
        const char *expected;                 /* NULL: no name (comm is shown) */
} NameCase;

static const NameCase names[] = {
        { "node|/home/u/app/node_modules/.bin/vite|--port|5180\nsh|-c|vite --port 5180\nnpm run dev", "vite" },
        { "webpack\nsh|-c|webpack serve\nnpm run serve", "webpack-dev-server" },
        { "next-server (v16.5.0)\nnode|/app/node_modules/.bin/next|dev", "next" },
        { "next-server (v16.5.0)", "next" },
        { "http-server\nsh|-c|http-server -p 3300", "http-server" },
        { "node|/usr/lib/node_modules/serve/build/main.js|-s|dist", "serve" },
        { "node|/usr/lib/node_modules/browser-sync/dist/bin.js|start", "browser-sync" },
        { "python3|-m|http.server|8000", "http.server" },
        { "/venv/bin/python|/venv/bin/flask|run", "flask" },
        { "python3|manage.py|runserver", "django" },
        { "puma 6.4.2 (tcp://127.0.0.1:3000) [app]", "puma" },
        { "/home/u/app/bin/Debug/net8.0/app\ndotnet|run", "dotnet" },
        /* a starter's command names the tool: artisan over its `php -S`, rackup over Puma */
        { "/usr/bin/php8.2|-S|127.0.0.1:8000|/app/server.php\nphp|artisan|serve", "artisan" },
        { "puma 5.6.5 (tcp://localhost:9292) [site]\nsh|-c|rackup -o localhost", "rackup" },
        /* no rule: the script an interpreter runs */
        { "node|server.js", "server" },
        { "python3|/srv/app/serve_files.py|--port|8000", "serve_files.py" },
        { "python3|-m|mymodule", "mymodule" },
        { "/usr/sbin/nginx|-g|daemon off;", NULL },
        { "", NULL },
};

static ProcChain *chain_of(const char *spec) {
        char buf[1024], *saveptr = NULL, *tok;
        const char *procs[PROCCHAIN_MAX + 1] = {};
        size_t n = 0;

        ck_assert_uint_lt(strlen(spec), sizeof(buf));
        strcpy(buf, spec);
        for (tok = strtok_r(buf, "\n", &saveptr); tok && n < PROCCHAIN_MAX; tok = strtok_r(NULL, "\n", &saveptr))
                procs[n++] = tok;
        return test_chain(procs);
}
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
        ProcChain *chain = c->chain ? chain_of(c->chain) : NULL;
        char *hint = NULL;

        if (chain) {
                chain->path = strdup(c->path ?: PATH);
                chain->npm_script = c->npm_script ? strdup(c->npm_script) : NULL;
                chain->config.name = c->config_name ? strdup(c->config_name) : NULL;
                chain->config.text = c->config_text ? strdup(c->config_text) : NULL;
        }
        ck_assert_int_eq(hint_for_problem(c->problem, c->port, binds, n_binds, chain, &hint), 0);
        ck_assert_ptr_nonnull(hint);
        ck_assert_msg(strcmp(hint, c->expected) == 0, "case %d (%s): got \"%s\", want \"%s\"", _i,
                      c->chain ? c->chain : "(null)", hint, c->expected);
        for (const char *p = hint; *p; p++)
                ck_assert_msg(*p >= 0x20 && *p < 0x7f, "case %d: byte 0x%02x", _i,
                              (unsigned char) *p);
        free(hint);
        procchain_unref(chain);
}
END_TEST

START_TEST(test_name_table) {
        const NameCase *c = &names[_i];
        ProcChain *chain = chain_of(c->chain);
        char name[64] = "untouched";

        if (c->expected) {
                ck_assert_int_eq(tool_name(chain, name, sizeof(name)), 0);
                ck_assert_str_eq(name, c->expected);
        } else {
                ck_assert_int_eq(tool_name(chain, name, sizeof(name)), -ENOENT);
                ck_assert_str_eq(name, "untouched");
        }
        procchain_unref(chain);
}
END_TEST

START_TEST(test_hint_none) {
        ReachBind bind = { .family = AF_INET };
        char *hint = (char *) "untouched";

        bind.address.bytes[0] = 127;
        bind.address.bytes[3] = 1;
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_NONE, 5173, &bind, 1, NULL, &hint),
                         -ENOENT);
        ck_assert_str_eq(hint, "untouched");
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_NONE, 5173, NULL, 0, NULL, &hint),
                         -ENOENT);
        ck_assert_str_eq(hint, "untouched");
}
END_TEST

START_TEST(test_hint_invalid_problem) {
        char *hint = (char *) "untouched";

        ck_assert_int_eq(hint_for_problem(_REACH_PROBLEM_MAX, 80, NULL, 0, NULL, &hint),
                         -EINVAL);
        ck_assert_int_eq(hint_for_problem((ReachProblem) 42, 80, NULL, 0, NULL, &hint),
                         -EINVAL);
        ck_assert_str_eq(hint, "untouched");
}
END_TEST

START_TEST(test_hint_bad_family) {
        ReachBind bind = { .family = AF_UNIX };
        char *hint = (char *) "untouched";

        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_LOOPBACK_ONLY, 80, &bind, 1, NULL, &hint),
                         -EAFNOSUPPORT);
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_BOUND_ADDRESS_GONE, 80, &bind, 1, NULL, &hint),
                         -EAFNOSUPPORT);
        ck_assert_str_eq(hint, "untouched");
}
END_TEST

/* A known program needs no address, so a bad bind does not matter there */
START_TEST(test_hint_known_program_ignores_binds) {
        ReachBind bind = { .family = AF_UNIX };
        ProcChain *chain = chain_of("hugo|server");
        char *hint = NULL;

        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_LOOPBACK_ONLY, 1313, &bind, 1, chain, &hint), 0);
        ck_assert_str_eq(hint, LOOPBACK_FIX("hugo server --bind 0.0.0.0"));
        free(hint);
        procchain_unref(chain);
}
END_TEST

/* A command of more words than we can repeat gets the generic hint, never a cut one */
START_TEST(test_hint_long_cmdline) {
        size_t n = 64 * 1024;
        char *raw = malloc(n), *hint = NULL;
        const char prefix[] = "node\0/home/u/app/node_modules/.bin/vite";
        ProcChain *chain = NULL;

        ck_assert_ptr_nonnull(raw);
        memset(raw, 0, n);
        memcpy(raw, prefix, sizeof(prefix));
        for (size_t i = sizeof(prefix); i + 3 < n; i += 3)
                memcpy(raw + i, "-x", 2);
        ck_assert_int_eq(procchain_new(&chain), 0);
        ck_assert_int_eq(procchain_add_process(chain, 42, raw, n), 0);
        ck_assert_int_eq(hint_for_problem(REACH_PROBLEM_LOOPBACK_ONLY, 5173, NULL, 0, chain, &hint), 0);
        ck_assert_str_eq(hint, "make it listen on 0.0.0.0 or ::");
        free(hint);
        free(raw);
        procchain_unref(chain);
}
END_TEST

/* The pure parts of reading a chain */
START_TEST(test_procchain_parsers) {
        static const char env[] = "HOME=/root\0PATH=/a:/b\0npm_lifecycle_script=vite --port 5180\0X";
        ProcChain *c = NULL;
        char *v = NULL;
        pid_t ppid = 0;

        ck_assert_int_eq(procchain_parse_ppid("4242 (a) b) c) S 17 4242 4242 0 -1", &ppid), 0);
        ck_assert_int_eq(ppid, 17);
        ck_assert_int_eq(procchain_parse_ppid("1 (init) S 0 1 1", &ppid), 0);
        ck_assert_int_eq(ppid, 0);
        ck_assert_int_eq(procchain_parse_ppid("1 (x) S -1 1", &ppid), -EBADMSG);
        ck_assert_int_eq(procchain_parse_ppid("1 (x", &ppid), -EBADMSG);
        ck_assert_int_eq(procchain_parse_ppid("1 (x) S 99999999999 1", &ppid), -EBADMSG);

        ck_assert_int_eq(procchain_environ_get(env, sizeof(env) - 1, "PATH", &v), 0);
        ck_assert_str_eq(v, "/a:/b");
        free(v);
        ck_assert_int_eq(procchain_environ_get(env, sizeof(env) - 1, "X", &v), -ENOENT);
        ck_assert_int_eq(procchain_environ_get(env, sizeof(env) - 1, "PAT", &v), -ENOENT);

        ck_assert_int_eq(procchain_new(&c), 0);
        ck_assert_int_eq(procchain_set_environ(c, env, sizeof(env) - 1), 0);
        ck_assert_str_eq(c->path, "/a:/b");
        ck_assert_str_eq(c->npm_script, "vite --port 5180");
        ck_assert_ptr_null(c->npm_event);
        /* a title pads argv with NULs; those are no empty arguments */
        ck_assert_int_eq(procchain_add_process(c, 7, "webpack\0\0\0\0", 11), 0);
        ck_assert_uint_eq(c->procs[0].argc, 1);
        ck_assert_str_eq(c->procs[0].argv[0], "webpack");
        ck_assert_ptr_null(c->procs[0].argv[1]);
        ck_assert_int_eq(procchain_add_process(c, 8, "", 0), 0);
        ck_assert_uint_eq(c->procs[1].argc, 0);
        for (size_t i = 2; i < PROCCHAIN_MAX; i++)
                ck_assert_int_eq(procchain_add_process(c, 9, "a", 1), 0);
        ck_assert_int_eq(procchain_add_process(c, 9, "a", 1), -ENOBUFS);
        ck_assert_ptr_eq(procchain_ref(c), c);
        ck_assert_ptr_null(procchain_unref(c));
        ck_assert_ptr_null(procchain_unref(c));
        ck_assert_ptr_null(procchain_unref(NULL));
}
END_TEST

static Suite *hint_suite(void) {
        Suite *s = suite_create("hint");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_hint_table, 0, (int) ELEMENTSOF(cases));
        tcase_add_loop_test(tc, test_name_table, 0, (int) ELEMENTSOF(names));
        tcase_add_test(tc, test_procchain_parsers);
        tcase_add_test(tc, test_hint_none);
        tcase_add_test(tc, test_hint_invalid_problem);
        tcase_add_test(tc, test_hint_bad_family);
        tcase_add_test(tc, test_hint_known_program_ignores_binds);
        tcase_add_test(tc, test_hint_long_cmdline);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(hint_suite)
