/* diag.h — diagnostics: error and warning messages with a source position.
 *
 * Library functions never print. They append messages to a caller-owned
 * tr_diag and return a negative status; the caller (the CLI, a test, an
 * embedding program) decides what to show and how to exit. Positions are
 * 1-based, as editors show them; line 0 means "no position" (an error that
 * belongs to a whole file or to a command-line option). */
#ifndef TECHRACE_DIAG_H
#define TECHRACE_DIAG_H

#include "techrace/api.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by library functions. */
enum {
    TR_OK = 0,
    TR_ERR_INPUT = -1,   /* bad input: scenario file, override, argument */
    TR_ERR_IO = -2,      /* a file could not be read or written */
    TR_ERR_NOMEM = -3,   /* an allocation failed */
    TR_ERR_DB = -4,      /* the results database reported an error */
    TR_ERR_INTERRUPTED = -5, /* the run was stopped by tr_sim_interrupt() */
    TR_ERR_INTERNAL = -6 /* a condition believed impossible */
};

typedef enum { TR_DIAG_ERROR, TR_DIAG_WARNING, TR_DIAG_NOTE } tr_diag_level;

typedef struct tr_diag_msg {
    tr_diag_level level;
    char *file;   /* may be NULL */
    int line;     /* 1-based; 0 when unknown */
    int col;      /* 1-based; 0 when unknown */
    char *text;
} tr_diag_msg;

typedef struct tr_diag {
    tr_diag_msg *msgs;
    size_t count;
    size_t cap;
    size_t errors;   /* number of TR_DIAG_ERROR messages */
    size_t max_errors; /* stop collecting after this many errors (0 = 100) */
    const struct tr_allocator *alloc; /* for the messages; NULL = malloc (set after tr_diag_init) */
    size_t dropped;  /* messages lost because memory ran out (still counted in errors) */
} tr_diag;

TR_API void tr_diag_init(tr_diag *d);
TR_API void tr_diag_free(tr_diag *d);
/* Append a message. Never fails visibly: on allocation failure the message is
 * dropped but the error count still rises, so callers still see failure. */
TR_API void tr_diag_add(tr_diag *d, tr_diag_level level, const char *file, int line,
                 int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
TR_API void tr_diag_vadd(tr_diag *d, tr_diag_level level, const char *file, int line,
                  int col, const char *fmt, va_list ap);
/* Print every message as "file:line:col: error: text", one per line, in the
 * order of the files' text (files in the order first named, messages without
 * a file or line after those with one), each note after the message it
 * belongs to. */
TR_API void tr_diag_print(const tr_diag *d, FILE *out);
TR_API const char *tr_strerror(int status);

#ifdef __cplusplus
}
#endif
#endif
