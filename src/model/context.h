/* context.h — the run-level context every model module reads: the scenario, the
 * keys of the random streams, the clock and the dimensions. Owned by sim.c
 * (struct tr_sim); modules receive it as `const sim_ctx *`. Internal. */
#ifndef TR_MODEL_CONTEXT_H
#define TR_MODEL_CONTEXT_H

#include <stdint.h>

#include "techrace/diag.h"
#include "techrace/rng.h"
#include "techrace/scenario.h"
#include "util/arena.h"

/* Module states defined in their headers and referenced before them. */
typedef struct tr_knowledge tr_knowledge;
typedef struct tr_talent tr_talent;
typedef struct tr_markets tr_markets;

typedef struct sim_ctx {
    const tr_scenario *s;
    uint64_t seed;
    uint32_t run_index;  /* second key of the random streams */
    int step;            /* step being run (next step to run between steps), 0-based */
    int n_steps;
    int spy;             /* steps per year */
    double dt;           /* years per step */
    int nc, nk;          /* countries, technologies */
} sim_ctx;

/* Layout of the arrays of every module: flat, indexed by country c (0..nc),
 * technology k (0..nk); country x technology arrays are [c * nk + k],
 * country x country arrays [from * nc + to]. Every array of the run state is
 * allocated once, by its module's _init, from the run arena; per-step
 * scratch comes from the scratch arena that sim.c resets every step. */

/* Allocate n zeroed elements (one spare, so that n = 0 is a valid array)
 * from arena A into ptr, or return TR_ERR_NOMEM from the enclosing function. */
#define TR_ALLOC(A, ptr, n)                                                   \
    do {                                                                      \
        (ptr) = tr_arena_calloc((A), (size_t)(n) + 1, sizeof *(ptr));         \
        if (!(ptr))                                                           \
            return TR_ERR_NOMEM;                                              \
    } while (0)

/* Bytes TR_ALLOC takes from an arena for n elements of size sz (rounded up
 * to the arena's alignment), for the memory estimate. */
static inline size_t tr_alloc_bytes(size_t n, size_t sz)
{
    const size_t align = sizeof(max_align_t);
    return ((n + 1) * sz + align - 1) / align * align;
}

#endif
