/* arena.c — the default and fault-injecting allocators, checked wrappers,
 * and the bump allocator. */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocators ---- */

static void *libc_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void libc_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static const tr_allocator libc_allocator = {libc_alloc, libc_realloc, libc_free, NULL};

const tr_allocator *tr_allocator_default(void)
{
    return &libc_allocator;
}

static int fault_refuse(tr_fault_allocator *f)
{
    long n = f->count++;
    if (n == f->fail_at) {
        f->failed = 1;
        return 1;
    }
    return 0;
}

static void *fault_alloc(void *ctx, size_t size)
{
    tr_fault_allocator *f = ctx;
    return fault_refuse(f) ? NULL : tr_mem_alloc(f->inner, size);
}

static void *fault_realloc(void *ctx, void *ptr, size_t size)
{
    tr_fault_allocator *f = ctx;
    return fault_refuse(f) ? NULL : tr_mem_realloc(f->inner, ptr, size);
}

static void fault_free(void *ctx, void *ptr)
{
    tr_fault_allocator *f = ctx;
    tr_mem_free(f->inner, ptr);
}

void tr_fault_allocator_init(tr_fault_allocator *f, const tr_allocator *inner, long fail_at)
{
    f->base.alloc = fault_alloc;
    f->base.realloc = fault_realloc;
    f->base.free = fault_free;
    f->base.ctx = f;
    f->inner = inner;
    f->fail_at = fail_at;
    f->count = 0;
    f->failed = 0;
}

static const tr_allocator *or_default(const tr_allocator *a)
{
    return a ? a : &libc_allocator;
}

void *tr_mem_alloc(const tr_allocator *a, size_t size)
{
    a = or_default(a);
    return a->alloc(a->ctx, size ? size : 1);
}

void *tr_mem_calloc(const tr_allocator *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = tr_mem_alloc(a, bytes);
    if (p)
        memset(p, 0, bytes ? bytes : 1);
    return p;
}

void *tr_mem_realloc(const tr_allocator *a, void *ptr, size_t size)
{
    a = or_default(a);
    return a->realloc(a->ctx, ptr, size ? size : 1);
}

void tr_mem_free(const tr_allocator *a, void *ptr)
{
    if (!ptr)
        return;
    a = or_default(a);
    a->free(a->ctx, ptr);
}

char *tr_mem_strdup(const tr_allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = tr_mem_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* ---- arena ---- */

struct tr_arena_block {
    tr_arena_block *next;
    size_t size;
    size_t used;
    max_align_t data[];
};

void tr_arena_init(tr_arena *a, const tr_allocator *alloc)
{
    a->head = NULL;
    a->total = 0;
    a->alloc = alloc;
}

void tr_arena_free(tr_arena *a)
{
    tr_arena_block *b = a->head;
    while (b) {
        tr_arena_block *next = b->next;
        tr_mem_free(a->alloc, b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void tr_arena_reset(tr_arena *a)
{
    tr_arena_block *b = a->head;
    if (!b)
        return;
    if (b->next) {
        /* Several blocks: replace them by one that holds them all, so that
         * from the next reset on the scratch arena allocates nothing. */
        size_t cap = a->total;
        tr_arena_block *one = tr_mem_alloc(a->alloc, sizeof *one + cap);
        if (one) {
            tr_arena_free(a);
            one->next = NULL;
            one->size = cap;
            a->head = b = one;
            a->total = cap;
        }
    }
    b->used = 0;
}

void *tr_arena_alloc(tr_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    tr_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = 64 * 1024;
        if (cap < size)
            cap = size;
        b = tr_mem_alloc(a->alloc, sizeof *b + cap);
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
