/* SPDX-License-Identifier: GPL-2.0-or-later */

/* A main() for a harness without libFuzzer, so `make check` replays the committed corpus with
 * the normal compiler:
 *     replay-NAME [FILE|DIRECTORY]...
 * Without arguments it replays $FUZZ_CORPUS/NAME, else FUZZ_CORPUS_DIR/NAME as built in. An
 * input that breaks an invariant aborts, so the test fails and the last file named is the one. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* libFuzzer's default -max_len is 4096; the corpus holds datagrams of up to 32 KiB */
#define REPLAY_FILE_MAX (1024 * 1024)

static int read_file(const char *path, uint8_t **ret, size_t *ret_size) {
        uint8_t *buf = NULL;
        size_t size = 0;
        struct stat st;
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (st.st_size > REPLAY_FILE_MAX)
                r = -EFBIG;
        else if (!(buf = malloc((size_t) st.st_size + 1)))
                r = -ENOMEM;
        while (r == 0 && size < (size_t) st.st_size) {
                ssize_t n = read(fd, buf + size, (size_t) st.st_size - size);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = -errno;
                else if (n == 0)
                        break;
                else
                        size += (size_t) n;
        }
        close(fd);
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

static int replay_file(const char *path, unsigned *n) {
        uint8_t *data = NULL;
        size_t size = 0;
        int r;

        r = read_file(path, &data, &size);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        printf("%s (%zu bytes)\n", path, size);
        fflush(stdout);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        (*n)++;
        return 0;
}

static int not_hidden(const struct dirent *d) {
        return d->d_name[0] != '.';
}

static int replay_path(const char *path, unsigned *n) {
        struct dirent **names;
        struct stat st;
        int r = 0, count;

        if (stat(path, &st) < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -errno;
        }
        if (!S_ISDIR(st.st_mode))
                return replay_file(path, n);

        count = scandir(path, &names, not_hidden, alphasort);
        if (count < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -errno;
        }
        for (int i = 0; i < count; i++) {
                char *p;

                if (r == 0 && asprintf(&p, "%s/%s", path, names[i]->d_name) < 0)
                        r = -ENOMEM;
                else if (r == 0) {
                        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
                                r = replay_file(p, n);
                        free(p);
                }
                free(names[i]);
        }
        free(names);
        return r;
}

/* replay-rtnl -> rtnl */
static const char *harness_name(const char *argv0) {
        const char *name = strrchr(argv0, '/');

        name = name ? name + 1 : argv0;
        if (strncmp(name, "replay-", 7) == 0)
                name += 7;
        return name;
}

int main(int argc, char *argv[]) {
        unsigned n = 0;
        int r = 0;

        if (argc > 1) {
                for (int i = 1; i < argc && r == 0; i++)
                        r = replay_path(argv[i], &n);
        } else {
                const char *dir = getenv("FUZZ_CORPUS");
                char *path;

#ifdef FUZZ_CORPUS_DIR
                if (!dir)
                        dir = FUZZ_CORPUS_DIR;
#endif
                if (!dir) {
                        fprintf(stderr, "usage: %s FILE|DIRECTORY... (or set $FUZZ_CORPUS)\n", argv[0]);
                        return EXIT_FAILURE;
                }
                if (asprintf(&path, "%s/%s", dir, harness_name(argv[0])) < 0)
                        return EXIT_FAILURE;
                r = replay_path(path, &n);
                free(path);
        }
        if (r < 0)
                return EXIT_FAILURE;
        /* an empty corpus proves nothing */
        if (n == 0) {
                fprintf(stderr, "no input to replay\n");
                return EXIT_FAILURE;
        }
        printf("replayed %u inputs\n", n);
        return EXIT_SUCCESS;
}
