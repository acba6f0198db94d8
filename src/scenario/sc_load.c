/* sc_load.c — tr_scenario_load, the loader's pipeline: read the top file and
 * its includes (sc_include.c, merging with sc_merge.c), apply `--set`
 * overrides (sc_override.c), convert through the schema tables into a
 * tr_scenario (sc_convert.c, with the checks of sc_check.c), and emit the
 * canonical resolved text and its hash (sc_yaml.c). Every error is collected
 * with its file:line:col. Allocation failures anywhere longjmp to one cleanup
 * point here. */
#include "scenario/sc_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char tr_default_scenario_yaml[];
extern const size_t tr_default_scenario_yaml_len;

/* ---- the whole load ---------------------------------------------------- */


static int load_impl(sc_ctx *c, const tr_scenario_source *src)
{
    const char *name, *ident, *text;
    size_t len;
    if (src->path) {
        char why[160];
        name = src->path;
        text = sc_read_file(c, name, &ident, &len, why, sizeof why);
        if (!text) {
            tr_diag_add(c->diag, TR_DIAG_ERROR, name, 0, 0, "cannot read file: %s", why);
            c->nerr++;
            return TR_ERR_IO;
        }
    } else if (src->text) {
        name = src->text_name ? src->text_name : "<text>";
        text = src->text;
        len = strlen(text);
        ident = src->text == tr_default_scenario_yaml ? "default" : "<text>";
        c->total_bytes = len;
    } else {
        tr_diag_add(c->diag, TR_DIAG_ERROR, NULL, 0, 0, "no scenario file or text given");
        c->nerr++;
        return TR_ERR_INPUT;
    }
    name = sc_strdup(c, &c->tmp, name);

    int bad = 0;
    sc_node *root = sc_load_tree(c, name, ident, text, len, &bad);
    if (!root || bad)
        return TR_ERR_INPUT;

    for (int i = 0; i < c->n_overrides; i++) {
        if (!c->overrides[i]) {
            tr_diag_add(c->diag, TR_DIAG_ERROR, "--set", i + 1, 1, "missing override text");
            c->nerr++;
            continue;
        }
        sc_apply_override(c, root, i);
    }

    sc_owner *own = tr_mem_calloc(c->alloc, 1, sizeof *own);
    if (!own)
        sc_oom(c);
    own->alloc = c->alloc;
    tr_arena_init(&own->arena, c->alloc);
    c->owner = own;
    c->out = &own->arena;
    tr_scenario *s = &own->s;
    c->s = s;
    c->kind = -1;
    sc_set_defaults(c, &sc_schema_scenario, (char *)s);
    sc_convert_map(c, &sc_schema_scenario, (char *)s, root);
    if (c->nerr)
        return TR_ERR_INPUT;

    char *resolved = sc_emit(c, root);
    if (!resolved)
        sc_oom(c);
    s->resolved_text = sc_strdup(c, c->out, resolved);
    snprintf(s->hash, sizeof s->hash, "%016" PRIx64, sc_hash_str(resolved));
    s->source_name = sc_strdup(c, c->out, src->path ? src->path : name);
    s->n_overrides = c->n_overrides;
    if (c->n_overrides > 0) {
        s->overrides = sc_out_alloc(c, (size_t)c->n_overrides * sizeof *s->overrides);
        for (int i = 0; i < c->n_overrides; i++)
            s->overrides[i] = sc_strdup(c, c->out, c->overrides[i]);
    }
    return TR_OK;
}

static int load_guarded(sc_ctx *c, const tr_scenario_source *src)
{
    if (setjmp(c->oom))
        return TR_ERR_NOMEM;
    return load_impl(c, src);
}

int tr_scenario_load(tr_scenario **out, const tr_scenario_source *src, tr_diag *diag)
{
    tr_diag local;
    tr_diag_init(&local);
    if (out)
        *out = NULL;
    const tr_allocator *alloc = src ? src->alloc : NULL;
    sc_ctx *c = tr_mem_calloc(alloc, 1, sizeof *c);
    if (!c || !out || !src) {
        tr_mem_free(alloc, c);
        tr_diag_add(diag, TR_DIAG_ERROR, NULL, 0, 0, c ? "no scenario given" : "out of memory");
        return c ? TR_ERR_INPUT : TR_ERR_NOMEM;
    }
    c->alloc = alloc;
    c->fd = -1;
    c->read_cb = src->read_file;
    c->read_ctx = src->read_ctx;
    c->diag = diag ? diag : &local;
    tr_arena_init(&c->tmp, alloc);
    c->overrides = src->n_overrides > 0 ? src->overrides : NULL;
    c->n_overrides = c->overrides ? src->n_overrides : 0;
    c->override_options = c->overrides ? src->override_options : NULL;
    c->set_file = "--set";
    int rc = load_guarded(c, src);
    if (c->event_live)
        yaml_event_delete(&c->event);
    if (c->parser_live)
        yaml_parser_delete(&c->parser);
    if (c->emitter_live)
        yaml_emitter_delete(&c->emitter);
    if (c->fd >= 0)
        close(c->fd);
    tr_mem_free(alloc, c->buf);
    tr_arena_free(&c->tmp);
    if (rc == TR_ERR_NOMEM)
        tr_diag_add(c->diag, TR_DIAG_ERROR, src->path ? src->path : src->text_name, 0, 0,
                    "out of memory while loading the scenario");
    if (rc == TR_OK) {
        *out = &c->owner->s;
    } else if (c->owner) {
        tr_arena_free(&c->owner->arena);
        tr_mem_free(alloc, c->owner);
    }
    tr_mem_free(alloc, c);
    tr_diag_free(&local);
    return rc;
}