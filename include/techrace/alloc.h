/* alloc.h — the allocator the library uses for every allocation it makes.
 *
 * Each entry point that allocates (loading a scenario, creating a run,
 * opening a results database, running a scenario into results) takes a
 * `const tr_allocator *` in its options; NULL means the C library's
 * malloc/realloc/free. Nothing is process-global, so runs on several threads
 * may each use their own allocator (or share a thread-safe one).
 *
 * tr_fault_allocator wraps another allocator and refuses exactly one chosen
 * allocation: tests use it to make the Nth allocation fail for every N and
 * check that each failure gives a clean error and leaks nothing. */
#ifndef TECHRACE_ALLOC_H
#define TECHRACE_ALLOC_H

#include <stddef.h>

#include "techrace/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_allocator {
    /* Like malloc(size); size is never 0. NULL on failure. */
    void *(*alloc)(void *ctx, size_t size);
    /* Like realloc(ptr, size); ptr may be NULL, size is never 0. NULL on
     * failure, leaving ptr as it was. */
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    /* Like free(ptr); ptr may be NULL. */
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} tr_allocator;

/* The C library's allocator (what NULL stands for). */
TR_API const tr_allocator *tr_allocator_default(void);

typedef struct tr_fault_allocator {
    tr_allocator base;        /* hand &f->base to the library */
    const tr_allocator *inner;/* where successful allocations go (NULL: default) */
    long fail_at;             /* 0-based index of the allocation to refuse; < 0: none */
    long count;               /* allocations (and reallocations) requested so far */
    int failed;               /* 1 once the chosen allocation has been refused */
} tr_fault_allocator;

/* Refuse allocation number fail_at (0-based; < 0 refuses none, which counts
 * the allocations a job makes). Not thread-safe: one per run. */
TR_API void tr_fault_allocator_init(tr_fault_allocator *f, const tr_allocator *inner, long fail_at);

#ifdef __cplusplus
}
#endif
#endif
