/* fuzz_include.c — fuzz target for `include:` over a small set of files in
 * memory (read through tr_scenario_source.read_file, never the file system).
 * The input is split at each line "%%" into the files top.yaml, a.yaml,
 * b.yaml, sub/c.yaml, sub/d.yaml, e.yaml, f.yaml and g.yaml (in this order;
 * missing ones do not exist); top.yaml is loaded. Any set must load or be
 * rejected with a diagnostic, and a scenario that loads must round-trip.
 * `make fuzz FUZZ_TARGET=include`; replayed by ctest over fuzz/corpus/include. */
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFILES 8
static const char *const names[NFILES] = {"top.yaml", "a.yaml", "b.yaml", "sub/c.yaml",
                                          "sub/d.yaml", "e.yaml", "f.yaml", "g.yaml"};

typedef struct files {
    const char *text[NFILES];
    size_t len[NFILES];
    int n;
    int reads[NFILES];
} files;

static int read_mem(void *ctx, const char *path, const char **text, size_t *len)
{
    files *f = ctx;
    for (int i = 0; i < f->n; i++)
        if (!strcmp(path, names[i])) {
            if (++f->reads[i] > 1) {
                fprintf(stderr, "fuzz: %s read twice\n", path);
                abort(); /* each file once per resolution */
            }
            *text = f->text[i];
            *len = f->len[i];
            return 0;
        }
    return ENOENT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    files f = {{0}, {0}, 0, {0}};
    const char *p = buf, *end = buf + size;
    while (f.n < NFILES) {
        const char *sep = NULL;
        for (const char *q = p; q + 3 <= end; q++)
            if (q[0] == '%' && q[1] == '%' && (q + 2 == end || q[2] == '\n') && (q == buf || q[-1] == '\n')) {
                sep = q;
                break;
            }
        f.text[f.n] = p;
        f.len[f.n] = (size_t)((sep ? sep : end) - p);
        f.n++;
        if (!sep)
            break;
        p = sep + 3 <= end ? sep + 3 : end;
    }
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    src.path = "top.yaml";
    src.read_file = read_mem;
    src.read_ctx = &f;
    int rc = tr_scenario_load(&s, &src, &d);
    fuzz_check_failure(rc, &d);
    if (rc == TR_OK)
        fuzz_check_roundtrip(s);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    free(buf);
    return 0;
}
