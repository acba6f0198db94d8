/* arena.c — bump allocator and the fault-injecting allocation hook. */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tr_arena_block {
    tr_arena_block *next;
    size_t size;
    size_t used;
    max_align_t data[];
};

static long fail_after = -1;

void tr_alloc_fail_after(long n)
{
    fail_after = n;
}

static int should_fail(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void *tr_xmalloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *tr_xcalloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void tr_arena_init(tr_arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void tr_arena_free(tr_arena *a)
{
    tr_arena_block *b = a->head;
    while (b) {
        tr_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *tr_arena_alloc(tr_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    tr_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = 64 * 1024;
        if (cap < size)
            cap = size;
        if (should_fail())
            return NULL;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->size = cap;
        b->used = 0;
        a->head = b;
        a->total += cap;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *tr_arena_calloc(tr_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return tr_arena_alloc(a, n * size);
}

char *tr_arena_strdup(tr_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = tr_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}
