/* sc_internal.h — internals of the scenario layer: the YAML node tree with
 * positions, the load context, and the table-driven schema that both the
 * converter and the flattener (and the documentation test) walk.
 * Internal to src/scenario/ and its unit test. */
#ifndef TR_SCENARIO_SC_INTERNAL_H
#define TR_SCENARIO_SC_INTERNAL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

#include "techrace/diag.h"
#include "techrace/scenario.h"
#include "util/arena.h"

/* Limits. */
#define SC_MAX_DEPTH 64          /* YAML nesting */
#define SC_MAX_INCLUDE_DEPTH 16  /* nested include: */
#define SC_MAX_MAP_KEYS 10000    /* keys in one YAML mapping */
#define SC_MAX_FILE_BYTES (64L * 1024 * 1024)   /* one file */
#define SC_MAX_TOTAL_BYTES (64L * 1024 * 1024)  /* a file and everything it includes, together */

/* ---- node tree --------------------------------------------------------- */

typedef enum { SC_SCALAR, SC_MAP, SC_SEQ } sc_nkind;

typedef struct sc_node sc_node;
struct sc_node {
    sc_nkind kind;
    const char *file;   /* display name, as given (or "--set") */
    int line, col;      /* 1-based */
    int quoted;         /* scalar written quoted or as a block: always a string */
    int layer;          /* key of a strength mapping: how many files or overrides above the first one
                           wrote it (0: the lowest); a later layer's category key replaces an earlier
                           layer's technology keys, within a layer technology keys win */
    char *str;          /* scalar text, NUL-terminated */
    int n, cap;         /* map: pairs; seq: items */
    sc_node **keys;     /* map keys (scalars) */
    sc_node **vals;     /* map values, or sequence items */
};

/* ---- id -> index hash map ---------------------------------------------- */

typedef struct sc_idmap {
    const char **key;
    int *val;
    size_t cap, n;
} sc_idmap;

/* ---- context ----------------------------------------------------------- */

typedef struct sc_ctx {
    const tr_allocator *alloc; /* every allocation of the load (NULL: default) */
    tr_diag *diag;
    size_t nerr;             /* errors reported through this context */
    tr_arena tmp;            /* node trees and other scratch */
    tr_arena *out;           /* the scenario's arena */
    jmp_buf oom;             /* longjmp target on allocation failure */
    /* resources to release if an allocation fails mid-way (they live here,
     * not on the stack, so that they survive the longjmp) */
    yaml_parser_t parser;
    yaml_event_t event;
    yaml_emitter_t emitter;
    int parser_live, event_live, emitter_live;
    int fd;                  /* file being read, -1 = none */
    char *buf;               /* from c->alloc (not an arena), freed at cleanup */
    struct sc_owner *owner;
    /* overrides */
    const char *const *overrides;
    int n_overrides;
    const char *const *override_options; /* [n_overrides] or NULL: the option naming each */
    const char *set_file;    /* interned "--set": node->file == set_file marks override positions */
    int pos_line;            /* when parsing an override value: line to use (0 = none) */
    int pos_col_off;         /* ... and column offset on its first line */
    int pos_len;             /* ... and the length of the value text */
    /* reading: the source's callback, the file being read through it, the
     * bytes read so far and the identities of the files included */
    int (*read_cb)(void *ctx, const char *path, const char **text, size_t *len);
    void *read_ctx;
    const char *cb_path;     /* the file open_file named, for read_opened */
    size_t total_bytes;
    sc_idmap *included;
    /* include stack */
    int inc_depth;
    const char *inc_ident[SC_MAX_INCLUDE_DEPTH + 2];
    const char *inc_name[SC_MAX_INCLUDE_DEPTH + 2];
    /* conversion */
    tr_scenario *s;
    int kind;                /* event kind of the mapping being converted, -1 = unknown */
    int calendar_ok;
    sc_idmap *ids[4];        /* by SC_REF_*: ids of converted items */
    int poisoned[4];         /* by SC_REF_*: the list defining these ids was missing or
                              * failed to convert, so references to it are not checked
                              * (their errors would only repeat that one) */
} sc_ctx;

/* A scenario and the arena that holds everything it points to. */
typedef struct sc_owner {
    tr_scenario s;     /* first member: a tr_scenario * is an sc_owner * */
    tr_arena arena;    /* from alloc */
    const tr_allocator *alloc; /* the owner itself and flattened text come from here */
} sc_owner;

/* ---- schema ------------------------------------------------------------ */

typedef enum {
    SC_F_STR,      /* char *, any scalar */
    SC_F_ID,       /* char[TR_ID_MAX], letters digits _ - */
    SC_F_LABEL,    /* char[TR_ID_MAX], free text */
    SC_F_INT,      /* int, range */
    SC_F_U64,      /* uint64_t */
    SC_F_BOOL,     /* int 0/1: true or false */
    SC_F_NUM,      /* double, range */
    SC_F_PATH,     /* tr_path, values in range */
    SC_F_YEAR,     /* double: year or "YYYYQn" */
    SC_F_KIND,     /* tr_event_kind */
    SC_F_REF,      /* int index of a category/technology/country */
    SC_F_REFLIST,  /* int n (off_n) + int * (off): country ids */
    SC_F_TECHLIST, /* int n (off_n) + int * (off): technology/category ids or all */
    SC_F_STRENGTH, /* double * of n_tech: mapping category/technology id -> value */
    SC_F_SPILL,    /* int n_links (off_n) + tr_link * (off): mapping technology id -> weight */
    SC_F_SUB,      /* nested mapping (struct at off) */
    SC_F_LIST,     /* int n (off_n) + array (off) of sub->size items */
    SC_F_INCLUDE   /* `include:`, handled before conversion */
} sc_ftype;

enum { SC_REF_NONE = 0, SC_REF_CATEGORY, SC_REF_TECH, SC_REF_COUNTRY };

enum {
    SC_REQ = 1u << 0,        /* required */
    SC_MIN_EXCL = 1u << 1,   /* value must be > min (else >=) */
    SC_MAX_EXCL = 1u << 2,   /* value must be < max (else <=) */
    SC_DEF_INF = 1u << 3,    /* default is +infinity (event end) */
    SC_DEF_ALL = 1u << 4,    /* techlist default: all technologies */
    SC_DEF_ID = 1u << 5      /* string default: the item's id */
};

struct sc_schema;

typedef struct sc_field {
    const char *key;
    sc_ftype type;
    size_t off;
    size_t off_n;
    unsigned flags;
    double def, min, max;    /* lists: min/max number of items */
    int ref;                 /* SC_REF_*: REF target, or for LIST the ids it defines */
    unsigned kinds;          /* event kinds it applies to (bit per kind); 0 = all */
    unsigned req_kinds;      /* event kinds for which it is required */
    const struct sc_schema *sub;
    const char *unit;
    const char *doc;
} sc_field;

typedef struct sc_schema {
    const char *name;        /* in messages: "country" */
    size_t size;             /* struct size of one item */
    const sc_field *fields;
    int n_fields;
    void (*check)(sc_ctx *c, void *obj, const sc_node *map);
} sc_schema;

extern const sc_schema sc_schema_scenario;

/* Hooks called by the schema (sc_check.c). */
void sc_check_scenario(sc_ctx *c, void *obj, const sc_node *map);
void sc_check_calendar(sc_ctx *c, void *obj, const sc_node *map);
void sc_check_country(sc_ctx *c, void *obj, const sc_node *map);
void sc_check_tracker(sc_ctx *c, void *obj, const sc_node *map);
void sc_check_event(sc_ctx *c, void *obj, const sc_node *map);

/* ---- the stages of a load, in pipeline order ---------------------------- */

/* sc_include.c: read a whole (regular) file into the tmp arena, with its
 * identity (for includes once and cycles), or NULL with the reason in why;
 * parse one file and everything it includes, returning the merged tree (NULL
 * on a fatal error, *bad set on any error). */
const char *sc_read_file(sc_ctx *c, const char *path, const char **ident, size_t *len, char *why, size_t nwhy);
sc_node *sc_load_tree(sc_ctx *c, const char *name, const char *ident, const char *text, size_t len, int *bad);
/* sc_merge.c: merge `over` on top of `base` (which may be NULL); may reuse
 * both. sch is the schema of the mapping `over` is (or of its list items). */
sc_node *sc_merge(sc_ctx *c, sc_node *base, sc_node *over, const sc_schema *sch);
/* sc_override.c: apply override number idx (0-based) to the merged tree. */
void sc_apply_override(sc_ctx *c, sc_node *root, int idx);
/* sc_convert.c: set the schema defaults of an object, then convert a mapping
 * into it (reporting every error). */
void sc_set_defaults(sc_ctx *c, const sc_schema *sch, char *obj);
void sc_convert_map(sc_ctx *c, const sc_schema *sch, char *obj, const sc_node *map);

/* ---- shared helpers (sc_util.c) ---------------------------------------- */

/* A value quoted in a message: as it is up to SC_CLIP_MAX bytes, else its
 * first SC_CLIP_KEEP bytes, "…" and its length ("xxxx… (120000 bytes)"). */
#define SC_CLIP_MAX 80
#define SC_CLIP_KEEP 60
const char *sc_clip(sc_ctx *c, const char *s);
/* "expected WHAT for 'KEY', got ..." describing v. */
void sc_type_error(sc_ctx *c, const sc_node *v, const char *what, const char *key);
/* The `id` of a list item, or NULL. */
const char *sc_id_of_item(const sc_node *item);
const sc_field *sc_find_field(const sc_schema *sch, const char *key);
/* "unknown key ... (did you mean ...)" */
void sc_unknown_key(sc_ctx *c, const sc_node *at, const char *key, const sc_schema *sch);
/* Whether an unknown key of map is a misspelling of key (the did-you-mean
 * of its unknown-key error names key): its missing-key error would repeat it. */
int sc_misspelled_key(const sc_node *map, const sc_schema *sch, const char *key);
const char *sc_fmt_num(char *buf, size_t n, double v);
/* true or false; reports and returns -1 otherwise. */
int sc_get_bool(sc_ctx *c, const char *key, const sc_node *v);
/* Whether a node was written by a --set override; the part of a value an
 * override wrote (or NULL). */
int sc_from_set(const sc_ctx *c, const sc_node *n);
const sc_node *sc_set_part(const sc_ctx *c, const sc_node *n);
/* A year: a number, or a quarter "2006Q2" = 2006.25. */
int sc_parse_year(const sc_node *v, double *out);
int sc_ref_lookup(sc_ctx *c, int ref, const char *id);
/* The value of key in map, or map itself when absent (a position to blame). */
const sc_node *sc_node_or(const sc_node *map, const char *key);

/* ---- helpers (sc_yaml.c) ----------------------------------------------- */

void *sc_alloc(sc_ctx *c, size_t size);         /* tmp arena; longjmp on failure */
void *sc_out_alloc(sc_ctx *c, size_t size);     /* scenario arena; longjmp on failure */
char *sc_strdup(sc_ctx *c, tr_arena *a, const char *s);
void sc_oom(sc_ctx *c);                         /* longjmp(c->oom) */

void sc_error(sc_ctx *c, const sc_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sc_note(sc_ctx *c, const sc_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

sc_node *sc_new_node(sc_ctx *c, sc_nkind kind, const char *file, int line, int col);
sc_node *sc_new_scalar(sc_ctx *c, const char *file, int line, int col, const char *s, int quoted);
void sc_map_add(sc_ctx *c, sc_node *map, sc_node *key, sc_node *val);
/* The layer above every key of a strength mapping (sc_merge.c). */
int sc_next_layer(const sc_node *m);
void sc_seq_add(sc_ctx *c, sc_node *seq, sc_node *item);
int sc_map_find(const sc_node *map, const char *key);
sc_node *sc_map_get(const sc_node *map, const char *key);
void sc_map_remove(sc_node *map, int i);
int sc_is_null(const sc_node *n);

/* Parse YAML text into a tree. Returns the root (an empty mapping for an
 * empty document) or NULL after reporting a syntax error. *damaged is set
 * when an error was reported but a tree is still returned. */
sc_node *sc_parse(sc_ctx *c, const char *text, size_t len, const char *file, int *damaged);
/* Emit a tree as canonical YAML; returns text in the tmp arena or NULL. */
char *sc_emit(sc_ctx *c, const sc_node *root);

/* Numbers and words. */
int sc_parse_number(const char *s, double *out);
int sc_levenshtein(const char *a, const char *b);
/* The best match for word among cands (n of them), or NULL if none is close. */
const char *sc_suggest(const char *word, const char *const *cands, int n);
/* Like sc_suggest, for ids: when no candidate is close by edit distance, one
 * that contains word (or that word contains), ignoring case, at least 3
 * characters long, e.g. 'cn_thousand_talents' for 'thousand_talents'. */
const char *sc_suggest_id(const char *word, const char *const *cands, int n);

sc_idmap *sc_idmap_new(sc_ctx *c, size_t hint);
int sc_idmap_get(const sc_idmap *m, const char *key);     /* -1 if absent */
void sc_idmap_put(sc_ctx *c, sc_idmap *m, const char *key, int val);

/* Generated from TR_EVENT_KINDS (sc_schema.c). */
extern const char *const sc_kind_names[TR_EV_KIND_COUNT];
extern const char *const sc_kind_docs[TR_EV_KIND_COUNT];

uint64_t sc_hash_str(const char *s);

#endif
