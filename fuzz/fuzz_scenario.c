/* fuzz_scenario.c — fuzz target for the scenario loader.
 *
 * With libFuzzer (clang -fsanitize=fuzzer,address) LLVMFuzzerTestOneInput is
 * the entry point: any bytes must load or be rejected with a diagnostic,
 * never crash, hang or leak. Without libFuzzer this file builds a replay
 * driver (TR_FUZZ_REPLAY) that feeds every file named on the command line, or
 * every file in a directory, through the same function; ctest runs it over
 * fuzz/corpus/scenario so that the corpus guards against regressions.
 *
 *   clang -fsanitize=fuzzer,address -Iinclude fuzz/fuzz_scenario.c build/libtechrace.a -lyaml -lsqlite3 -lm
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techrace/techrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {.text = text, .text_name = "fuzz"};
    int rc = tr_scenario_load(&s, &src, &d);
    /* A scenario that loads must also flatten and, if small, run a year. */
    if (rc == TR_OK && s) {
        char *flat = tr_scenario_flatten(s);
        free(flat);
        if (s->n_countries * s->n_tech <= 64 && s->end_year - s->start_year < 3) {
            tr_sim *sim = NULL;
            if (tr_sim_create(&sim, s, 1, 0, &d) == TR_OK)
                tr_sim_run(sim, NULL);
            tr_sim_destroy(sim);
        }
    } else if (d.errors == 0) {
        /* a rejected input must say why */
        fprintf(stderr, "fuzz: input rejected (%d) without a diagnostic\n", rc);
        abort();
    }
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    free(text);
    return 0;
}

#ifdef TR_FUZZ_REPLAY
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap * 2);
            if (!b)
                break;
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        DIR *dir = opendir(argv[i]);
        if (!dir) {
            failed += replay_file(argv[i]);
            files++;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            failed += replay_file(path);
            files++;
        }
        closedir(dir);
    }
    printf("fuzz replay: %d inputs, %d unreadable\n", files, failed);
    return failed ? 1 : 0;
}
#endif
