/* fuzz_scenario.c — fuzz target for the scenario loader.
 *
 * With libFuzzer (clang -fsanitize=fuzzer,address) LLVMFuzzerTestOneInput is
 * the entry point: any bytes must load or be rejected with a diagnostic,
 * never crash, hang or leak. Without libFuzzer, linked with fuzz/replay.c, it
 * is a replay driver that ctest runs over fuzz/corpus/scenario so that the
 * corpus guards against regressions. `make fuzz` (FUZZ_TARGET=scenario).
 */
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
