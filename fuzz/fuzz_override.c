/* fuzz_override.c — fuzz target for `--set` overrides: each line of the input
 * is one override (at most 16) applied to a small complete scenario. Any
 * override must apply or be rejected with a diagnostic (never a crash, hang
 * or leak), no message may quote a huge value whole, and a scenario that
 * loads must have a resolved text that loads to the same scenario.
 * `make fuzz FUZZ_TARGET=override`; replayed by ctest over fuzz/corpus/override. */
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[16];
    int n = 0;
    for (char *p = text; n < 16;) {
        sets[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    src.text = fuzz_base_yaml;
    src.text_name = "base";
    src.overrides = sets;
    src.n_overrides = n;
    src.read_file = fuzz_no_files;
    int rc = tr_scenario_load(&s, &src, &d);
    fuzz_check_failure(rc, &d);
    for (size_t i = 0; i < d.count; i++)
        if (strlen(d.msgs[i].text) > 700)
            fuzz_fail("a message longer than 700 bytes (a value quoted whole?)", NULL);
    if (rc == TR_OK)
        fuzz_check_roundtrip(s);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    free(text);
    return 0;
}
