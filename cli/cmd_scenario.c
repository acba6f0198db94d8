/* cmd_scenario.c — `techrace scenario check|show|diff`: check scenario files,
 * print the default or a resolved scenario, compare two scenarios. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "techrace/diag.h"
#include "techrace/scenario.h"

static const char usage_text[] =
    "usage: techrace scenario check FILE... [--set KEY=VALUE]...\n"
    "       techrace scenario show [default|FILE] [--set KEY=VALUE]...\n"
    "       techrace scenario diff A B [--set KEY=VALUE]...\n"
    "\n"
    "  check   read and check every FILE (or `default`, the embedded scenario);\n"
    "          print \"FILE: ok (...)\" or every problem as file:line:col: error: ...\n"
    "  show    print the embedded default scenario as it is (no FILE, or `default`\n"
    "          without --set), or the resolved scenario after includes and\n"
    "          overrides, as canonical YAML\n"
    "  diff    print the settings that differ between A and B (files or `default`)\n"
    "          as \"- path = old\" / \"+ path = new\"; --set applies to B\n"
    "\n"
    "options:\n"
    "  --set KEY=VALUE   override a value, e.g. countries.CN.rd_intensity=0.03 or\n"
    "                    parameters.research.hi_base=0.12 (repeatable; also --set=KEY=VALUE)\n"
    "  -h, --help        show this help\n"
    "Options and operands may come in any order; `--` ends the options.\n"
    "\n"
    "exit status: check and show: 0 ok, 1 cannot write the output, 2 bad input;\n"
    "diff: 0 identical, 1 different (or cannot write the output, with a message),\n"
    "2 bad input. Keys are documented in docs/SCENARIO.md.\n";

typedef struct args {
    const char **pos;
    int n_pos;
    const char **sets;
    int n_sets;
    int help;
} args;

/* Parse the arguments of `scenario SUB` (argv[0] = SUB); returns 0 or an
 * exit status. */
static int parse_args(int argc, char **argv, args *a, const char *prog)
{
    static const cli_opt opts[] = {{"set", 0, 1, 256}, {NULL, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (!a->pos || !a->sets) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return EXIT_RUNTIME;
    }
    cli_parser p;
    cli_parser_init(&p, prog, argc, argv, opts);
    const char *val;
    int c;
    while ((c = cli_next(&p, &val)) != CLI_END) {
        if (c == CLI_OPERAND)
            a->pos[a->n_pos++] = val;
        else if (c == CLI_HELP)
            a->help = 1;
        else if (c == 256)
            a->sets[a->n_sets++] = val;
        else
            return EXIT_INPUT;
    }
    for (int i = cli_operand_index(&p); i < argc; i++)
        a->pos[a->n_pos++] = argv[i];
    return EXIT_OK;
}

static void free_args(args *a)
{
    free(a->pos);
    free(a->sets);
}

static int status_exit(int rc)
{
    if (rc == TR_OK)
        return EXIT_OK;
    return rc == TR_ERR_NOMEM || rc == TR_ERR_INTERNAL ? EXIT_RUNTIME : EXIT_INPUT;
}

static int load(tr_scenario **s, const char *name, const args *a, int with_sets, tr_diag *d)
{
    const char *const *sets = with_sets ? a->sets : NULL;
    int n = with_sets ? a->n_sets : 0;
    if (!strcmp(name, "default"))
        return tr_scenario_load_default(s, sets, n, d);
    tr_scenario_source src = {0};
    src.path = name;
    src.overrides = sets;
    src.n_overrides = n;
    return tr_scenario_load(s, &src, d);
}

static int do_check(const args *a)
{
    if (a->n_pos < 1) {
        fprintf(stderr, "techrace scenario check: no FILE given\n\n%s", usage_text);
        return EXIT_INPUT;
    }
    int worst = EXIT_OK;
    for (int i = 0; i < a->n_pos; i++) {
        tr_diag d;
        tr_diag_init(&d);
        tr_scenario *s = NULL;
        int rc = load(&s, a->pos[i], a, 1, &d);
        tr_diag_print(&d, stderr);
        if (rc == TR_OK) {
            cli_out("%s: ok (%d countries, %d technologies, %d events)\n", a->pos[i], s->n_countries, s->n_tech,
                   s->n_events);
        } else {
            int e = status_exit(rc);
            if (e > worst || worst == EXIT_OK)
                worst = e;
        }
        tr_scenario_destroy(s);
        tr_diag_free(&d);
    }
    return worst;
}

static int do_show(const args *a)
{
    if (a->n_pos > 1) {
        fprintf(stderr, "techrace scenario show: give at most one FILE\n\n%s", usage_text);
        return EXIT_INPUT;
    }
    const char *name = a->n_pos ? a->pos[0] : "default";
    if (!strcmp(name, "default") && a->n_sets == 0) {
        cli_puts(tr_scenario_default_text());
        return EXIT_OK;
    }
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *s = NULL;
    int rc = load(&s, name, a, 1, &d);
    tr_diag_print(&d, stderr);
    tr_diag_free(&d);
    if (rc != TR_OK)
        return status_exit(rc);
    cli_puts(s->resolved_text);
    tr_scenario_destroy(s);
    return EXIT_OK;
}

/* ---- diff -------------------------------------------------------------- */

typedef struct line {
    const char *path;   /* NUL-terminated at " = " */
    const char *value;
    int used;
} line;

static int split_lines(char *text, line **out, int *n)
{
    int cap = 0;
    *out = NULL;
    *n = 0;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        char *eq = strstr(p, " = ");
        if (eq) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 256;
                line *l = realloc(*out, (size_t)cap * sizeof *l);
                if (!l)
                    return -1;
                *out = l;
            }
            *eq = 0;
            (*out)[*n].path = p;
            (*out)[*n].value = eq + 3;
            (*out)[*n].used = 0;
            (*n)++;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static int diff_texts(char *ta, char *tb)
{
    line *la = NULL, *lb = NULL;
    int na = 0, nb = 0, differ = 0;
    int *table = NULL;
    if (split_lines(ta, &la, &na) || split_lines(tb, &lb, &nb))
        goto oom;
    size_t cap = 16;
    while (cap < (size_t)nb * 2 + 2)
        cap *= 2;
    table = malloc(cap * sizeof *table);
    if (!table)
        goto oom;
    for (size_t i = 0; i < cap; i++)
        table[i] = -1;
    for (int i = 0; i < nb; i++) {
        size_t h = (size_t)hash_str(lb[i].path) & (cap - 1);
        while (table[h] >= 0)
            h = (h + 1) & (cap - 1);
        table[h] = i;
    }
    for (int i = 0; i < na; i++) {
        size_t h = (size_t)hash_str(la[i].path) & (cap - 1);
        int j = -1;
        while (table[h] >= 0) {
            if (!strcmp(lb[table[h]].path, la[i].path)) {
                j = table[h];
                break;
            }
            h = (h + 1) & (cap - 1);
        }
        if (j < 0) {
            cli_out("- %s = %s\n", la[i].path, la[i].value);
            differ = 1;
            continue;
        }
        lb[j].used = 1;
        if (strcmp(la[i].value, lb[j].value)) {
            cli_out("- %s = %s\n+ %s = %s\n", la[i].path, la[i].value, lb[j].path, lb[j].value);
            differ = 1;
        }
    }
    for (int j = 0; j < nb; j++) {
        if (!lb[j].used) {
            cli_out("+ %s = %s\n", lb[j].path, lb[j].value);
            differ = 1;
        }
    }
    free(table);
    free(la);
    free(lb);
    return differ ? EXIT_RUNTIME : EXIT_OK;
oom:
    free(table);
    free(la);
    free(lb);
    fprintf(stderr, "techrace scenario diff: out of memory\n");
    return EXIT_INPUT;
}

static int do_diff(const args *a)
{
    if (a->n_pos != 2) {
        fprintf(stderr, "techrace scenario diff: give exactly two scenarios (files or `default`)\n\n%s",
                usage_text);
        return EXIT_INPUT;
    }
    tr_diag d;
    tr_diag_init(&d);
    tr_scenario *sa = NULL, *sb = NULL;
    int ra = load(&sa, a->pos[0], a, 0, &d);
    int rb = load(&sb, a->pos[1], a, 1, &d);
    tr_diag_print(&d, stderr);
    tr_diag_free(&d);
    int rc;
    if (ra != TR_OK || rb != TR_OK) {
        rc = EXIT_INPUT;
    } else {
        char *fa = tr_scenario_flatten(sa), *fb = tr_scenario_flatten(sb);
        if (!fa || !fb) {
            fprintf(stderr, "techrace scenario diff: out of memory\n");
            rc = EXIT_INPUT;
        } else {
            rc = diff_texts(fa, fb);
        }
        free(fa);
        free(fb);
    }
    tr_scenario_destroy(sa);
    tr_scenario_destroy(sb);
    return rc;
}

int cmd_scenario(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_INPUT;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    int (*fn)(const args *) = NULL;
    if (!strcmp(sub, "check"))
        fn = do_check;
    else if (!strcmp(sub, "show"))
        fn = do_show;
    else if (!strcmp(sub, "diff"))
        fn = do_diff;
    if (!fn) {
        fprintf(stderr, "techrace scenario: unknown command '%s'\n\n%s", sub, usage_text);
        return EXIT_INPUT;
    }
    args a;
    char prog[64];
    snprintf(prog, sizeof prog, "techrace scenario %s", sub);
    int rc = parse_args(argc - 1, argv + 1, &a, prog);
    if (rc == EXIT_OK) {
        if (a.help) {
            fputs(usage_text, stdout);
        } else {
            rc = fn(&a);
        }
    }
    free_args(&a);
    return rc;
}
