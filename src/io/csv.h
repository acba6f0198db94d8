/* csv.h — a small CSV writer for the results export, and the atomic
 * replacement of a directory of CSV files. Internal to the library.
 *
 * Fields follow RFC 4180 quoting (a field containing a comma, a double quote,
 * CR or LF, or with leading/trailing space, is enclosed in double quotes and
 * its quotes doubled); rows end with "\n". Numbers: integers in decimal,
 * reals with "%.10g" and '.' as the decimal point whatever the locale, NULL
 * as an empty field.
 *
 * A set of files (tr_csv_set) is written into a fresh sibling directory
 * .NAME.XXXXXX of the target NAME, created by this process, each file with
 * O_CREAT|O_EXCL|O_NOFOLLOW (a planted link is never followed); committing
 * fsyncs everything and swaps the new directory into place: rename(2) when
 * NAME does not exist, otherwise renameat2(RENAME_EXCHANGE) and removal of
 * the old set, or, where the kernel or file system lacks RENAME_EXCHANGE,
 * rename NAME aside, rename the new set in, remove the old one. NAME thus
 * always holds one complete set (in the fallback, for an instant, none). */
#ifndef TR_IO_CSV_H
#define TR_IO_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "techrace/alloc.h"
#include "techrace/diag.h"

#define TR_CSV_SET_MAX 16

typedef struct tr_csv_set {
    const tr_allocator *alloc;
    char *dir;       /* the target, without trailing slashes */
    char *parent;    /* its directory ("." when none given) */
    char *tmpdir;    /* the new set being written; NULL once committed or aborted */
    const char *const *names; /* the file names a set may hold */
    int n_names;
    int written[TR_CSV_SET_MAX]; /* names[i] created in tmpdir */
    int no_exchange; /* tests: take the path of systems without RENAME_EXCHANGE */
} tr_csv_set;

typedef struct tr_csv {
    FILE *f;
    tr_csv_set *set;
    const tr_allocator *alloc;
    int index;      /* into set->names; -1 when attached */
    char *path;     /* in tmpdir, for messages */
    int first;      /* no field yet in this row */
    int err;        /* errno of the first failed write, 0 if none */
} tr_csv;

/* Can dir receive a set of the files names[0..n-1]? It must be a new name in
 * a writable directory, or an existing directory (not a link) holding
 * nothing but those names and their ".tmp" leftovers. Only looks. */
int tr_csv_check_dir(const char *dir, const char *const *names, int n_names,
                     const tr_allocator *alloc, tr_diag *diag);
/* Check dir and create the sibling directory the set is written into. */
int tr_csv_set_begin(tr_csv_set *set, const char *dir, const char *const *names, int n_names,
                     const tr_allocator *alloc, tr_diag *diag);
/* Swap the written set into place (see above); the set is released. */
int tr_csv_set_commit(tr_csv_set *set, tr_diag *diag);
/* Remove what was written and release the set (no-op once committed). */
void tr_csv_set_abort(tr_csv_set *set);

/* Start writing names[index] of the set. */
int tr_csv_open(tr_csv *c, tr_csv_set *set, int index, tr_diag *diag);
/* Write to an already open stream (tests: /dev/full); name is for messages. */
int tr_csv_attach(tr_csv *c, FILE *f, const char *name, const tr_allocator *alloc,
                  tr_diag *diag);
void tr_csv_text(tr_csv *c, const char *s);
void tr_csv_null(tr_csv *c);
void tr_csv_i64(tr_csv *c, int64_t v);
void tr_csv_u64(tr_csv *c, uint64_t v);
void tr_csv_double(tr_csv *c, double v);
void tr_csv_end_row(tr_csv *c);
/* Flush, fsync and close; TR_ERR_IO with the system's reason (e.g. "No
 * space left on device") on any failure. */
int tr_csv_close(tr_csv *c, tr_diag *diag);
/* Give up on this file (the set's abort removes it). */
void tr_csv_abort(tr_csv *c);

#endif
