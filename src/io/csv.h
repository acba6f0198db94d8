/* csv.h — a small CSV writer for the results export. Internal to the library.
 *
 * Fields follow RFC 4180 quoting (a field containing a comma, a double quote,
 * CR or LF, or with leading/trailing space, is enclosed in double quotes and
 * its quotes doubled); rows end with "\n". Numbers: integers in decimal,
 * reals with "%.10g" and '.' as the decimal point whatever the locale, NULL
 * as an empty field. The file is written as NAME.tmp in the directory and
 * renamed to NAME by tr_csv_close, after fsync, so a crash never leaves a
 * half-written NAME behind. */
#ifndef TR_IO_CSV_H
#define TR_IO_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "techrace/diag.h"

typedef struct tr_csv {
    FILE *f;
    char *path;     /* final name */
    char *tmp;      /* NAME.tmp */
    int first;      /* no field yet in this row */
    int failed;     /* a write failed */
} tr_csv;

/* Create dir (one level) unless it exists as a directory. */
int tr_csv_mkdir(const char *dir, tr_diag *diag);
int tr_csv_open(tr_csv *c, const char *dir, const char *name, tr_diag *diag);
void tr_csv_text(tr_csv *c, const char *s);
void tr_csv_null(tr_csv *c);
void tr_csv_i64(tr_csv *c, int64_t v);
void tr_csv_u64(tr_csv *c, uint64_t v);
void tr_csv_double(tr_csv *c, double v);
void tr_csv_end_row(tr_csv *c);
/* Flush, sync and rename into place; on any failure removes the temporary
 * file and returns TR_ERR_IO. */
int tr_csv_close(tr_csv *c, tr_diag *diag);
/* Give up: close and remove the temporary file. */
void tr_csv_abort(tr_csv *c);

#endif
