/* arena.h — a bump allocator for memory that lives as long as its owner
 * (a scenario, a run), and the library's checked wrappers over a
 * tr_allocator. Everything in an arena is freed at once by tr_arena_free;
 * its blocks come from the allocator given to tr_arena_init. Internal to
 * the library. */
#ifndef TR_UTIL_ARENA_H
#define TR_UTIL_ARENA_H

#include <stddef.h>

#include "techrace/alloc.h"

/* Allocation through an allocator (NULL: the default). Sizes of 0 are
 * rounded up to 1; tr_mem_calloc checks n * size for overflow and zeroes. */
void *tr_mem_alloc(const tr_allocator *a, size_t size);
void *tr_mem_calloc(const tr_allocator *a, size_t n, size_t size);
void *tr_mem_realloc(const tr_allocator *a, void *ptr, size_t size);
void tr_mem_free(const tr_allocator *a, void *ptr);
char *tr_mem_strdup(const tr_allocator *a, const char *s);

typedef struct tr_arena_block tr_arena_block;
typedef struct tr_arena {
    tr_arena_block *head;
    size_t total;               /* bytes held in blocks */
    const tr_allocator *alloc;  /* where blocks come from (NULL: default) */
} tr_arena;

void tr_arena_init(tr_arena *a, const tr_allocator *alloc);
void tr_arena_free(tr_arena *a);
/* Free all but the first block and make it empty: memory handed out before
 * is invalid afterwards (per-step scratch). */
void tr_arena_reset(tr_arena *a);
/* Zeroed memory aligned for any type; NULL on failure. */
void *tr_arena_alloc(tr_arena *a, size_t size);
void *tr_arena_calloc(tr_arena *a, size_t n, size_t size);
char *tr_arena_strdup(tr_arena *a, const char *s);

#endif
