/* fuzz_roundtrip.c — fuzz target for the canonical resolved text: any input
 * that loads must give a resolved text that loads again to the same resolved
 * text (a fixed point), the same hash and the same settings (flattened).
 * Files are never read (include: of anything but `default` fails).
 * `make fuzz FUZZ_TARGET=roundtrip`; replayed by ctest over fuzz/corpus/roundtrip. */
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
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    tr_scenario_source src = {0};
    src.text = text;
    src.text_name = "fuzz";
    src.read_file = fuzz_no_files;
    int rc = tr_scenario_load(&s, &src, &d);
    fuzz_check_failure(rc, &d);
    if (rc == TR_OK)
        fuzz_check_roundtrip(s);
    tr_scenario_destroy(s);
    tr_diag_free(&d);
    free(text);
    return 0;
}
