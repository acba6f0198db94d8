/* arena.h — a bump allocator for memory that lives as long as its owner
 * (a scenario, a run). Everything is freed at once by tr_arena_free.
 * Allocation can be made to fail on the Nth call (tr_arena_fail_after) so
 * tests can check that every error path cleans up. Internal to the library. */
#ifndef TR_UTIL_ARENA_H
#define TR_UTIL_ARENA_H

#include <stddef.h>

typedef struct tr_arena_block tr_arena_block;
typedef struct tr_arena {
    tr_arena_block *head;
    size_t total;
} tr_arena;

void tr_arena_init(tr_arena *a);
void tr_arena_free(tr_arena *a);
/* Zeroed memory aligned for any type; NULL on failure. */
void *tr_arena_alloc(tr_arena *a, size_t size);
void *tr_arena_calloc(tr_arena *a, size_t n, size_t size);
char *tr_arena_strdup(tr_arena *a, const char *s);
/* Test hook: make the library's allocations fail after n more successes
 * (-1 = never). Applies to arenas and to tr_xmalloc. */
void tr_alloc_fail_after(long n);
void *tr_xmalloc(size_t size);
void *tr_xcalloc(size_t n, size_t size);

#endif
