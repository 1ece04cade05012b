/* history.c — the person's recent drawings, in memory and in the data
 * directory's history.strokes (see history.h for the format and the
 * rules of writing it). */
#define _POSIX_C_SOURCE 200809L
#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "fileio.h"
#include "mix64.h"

struct dp_history {
    char *path;              /* NULL: memory only */
    dp_history_entry *e;     /* oldest first (the file's order) */
    size_t n, cap;
    size_t skipped;
    char why[300];
    unsigned serial;         /* ids made by this process */
};

/* ------------------------------------------------------------ entries */

static void entries_free(dp_history_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ink_drawing_free(&e[i].drawing);
    free(e);
}

/* "<id>.p7.c930.u0.l1" -> the fields; 0, or -1 when it is not one of ours. */
static int parse_token(const char *tok, int label, dp_history_entry *out)
{
    const char *dot = strchr(tok, '.');
    if (!dot || dot == tok || (size_t)(dot - tok) >= sizeof out->id)
        return -1;
    int pred, conf, unsure, learnt, used = 0;
    if (sscanf(dot, ".p%d.c%d.u%d.l%d%n", &pred, &conf, &unsure, &learnt, &used) != 4 ||
        dot[used] != '\0')
        return -1;
    if (pred < -1 || pred > 9 || conf < 0 || conf > 1000 || (unsure != 0 && unsure != 1) ||
        (learnt != 0 && learnt != 1) || (learnt && label < 0))
        return -1;
    memcpy(out->id, tok, (size_t)(dot - tok));
    out->id[dot - tok] = '\0';
    out->pred = pred;
    out->conf = conf;
    out->unsure = unsure;
    out->label = label;
    out->learnt = learnt;
    return 0;
}

/* The entry as an ink_sample (a shallow view of its drawing). */
static int to_sample(const dp_history_entry *e, ink_sample *s)
{
    memset(s, 0, sizeof *s);
    s->label = e->label;
    int w = snprintf(s->id, sizeof s->id, "%s.p%d.c%d.u%d.l%d", e->id, e->pred, e->conf,
                     e->unsure, e->learnt);
    if (w < 0 || (size_t)w >= sizeof s->id)
        return -1;
    s->drawing = e->drawing;
    return 0;
}

/* Reads the file into a new array (oldest first); absent: empty.  Lines
 * that do not parse, or whose id token is not ours, are skipped. */
static int read_file(const char *path, dp_history_entry **out, size_t *n, size_t *skipped,
                     char *why, size_t whylen, char *err, size_t errlen)
{
    *out = NULL;
    *n = *skipped = 0;
    if (why && whylen)
        why[0] = '\0';
    if (access(path, F_OK) != 0)
        return 0;
    ink_sample *s = NULL;
    size_t ns = 0, bad = 0;
    char first[300] = "";
    if (ink_read_file_skipping(path, &s, &ns, &bad, first, sizeof first) != 0)
        return dp_set_err(err, errlen, "%s", first);
    dp_history_entry *e = ns ? calloc(ns, sizeof *e) : NULL;
    if (ns && !e) {
        ink_samples_free(s, ns);
        return dp_set_err(err, errlen, "%s: out of memory", path);
    }
    size_t k = 0;
    for (size_t i = 0; i < ns; i++) {
        if (parse_token(s[i].id, s[i].label, &e[k]) != 0 ||
            ink_point_count(&s[i].drawing) == 0 ||
            ink_point_count(&s[i].drawing) > DP_HISTORY_MAX_POINTS) {
            if (bad++ == 0 && why)
                snprintf(why, whylen, "%s: a line with id %.60s is not a history entry", path,
                         s[i].id);
            continue;
        }
        /* Take the drawing over: the sample lets go of it. */
        e[k].drawing = s[i].drawing;
        ink_drawing_init(&s[i].drawing);
        k++;
    }
    if (bad && first[0] && why)
        snprintf(why, whylen, "%s", first);
    ink_samples_free(s, ns);
    *out = e;
    *n = k;
    *skipped = bad;
    return 0;
}

/* Writes e[0..n) as the whole file, atomically.  0 or -1 with err. */
static int write_file(const char *path, const dp_history_entry *e, size_t n, char *err,
                      size_t errlen)
{
    size_t len = 0, cap = 0;
    char *buf = NULL;
    for (size_t i = 0; i < n; i++) {
        ink_sample s;
        char *line = to_sample(&e[i], &s) == 0 ? ink_format_line(&s) : NULL;
        if (!line) {
            free(buf);
            return dp_set_err(err, errlen, "%s: out of memory", path);
        }
        size_t l = strlen(line);
        if (len + l + 1 > cap) {
            size_t nc = (len + l + 1) * 2;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(line);
                free(buf);
                return dp_set_err(err, errlen, "%s: out of memory", path);
            }
            buf = nb;
            cap = nc;
        }
        memcpy(buf + len, line, l);
        len += l;
        buf[len++] = '\n';
        free(line);
    }
    int r = fileio_save(path, buf ? buf : "", len, FILEIO_REPLACE, NULL, NULL, err, errlen);
    free(buf);
    return r;
}

/* ------------------------------------------------------------- opening */

/* Keeps the newest DP_HISTORY_MAX of e[0..*n); returns how many went. */
static size_t trim_oldest(dp_history_entry *e, size_t *n)
{
    if (*n <= DP_HISTORY_MAX)
        return 0;
    size_t drop = *n - DP_HISTORY_MAX;
    for (size_t i = 0; i < drop; i++)
        ink_drawing_free(&e[i].drawing);
    memmove(e, e + drop, DP_HISTORY_MAX * sizeof *e);
    *n = DP_HISTORY_MAX;
    return drop;
}

dp_history *dp_history_open(const char *path, char *err, size_t errlen)
{
    dp_history *h = calloc(1, sizeof *h);
    if (!h) {
        dp_set_err(err, errlen, "out of memory");
        return NULL;
    }
    if (!path)
        return h;
    if (!(h->path = strdup(path))) {
        free(h);
        dp_set_err(err, errlen, "out of memory");
        return NULL;
    }
    if (fileio_check_target(path, err, errlen) != 0 ||
        read_file(path, &h->e, &h->n, &h->skipped, h->why, sizeof h->why, err, errlen) != 0) {
        dp_history_free(h);
        return NULL;
    }
    h->cap = h->n;
    if (trim_oldest(h->e, &h->n) > 0 && write_file(path, h->e, h->n, err, errlen) != 0) {
        dp_history_free(h);
        return NULL;
    }
    return h;
}

void dp_history_free(dp_history *h)
{
    if (!h)
        return;
    entries_free(h->e, h->n);
    free(h->path);
    free(h);
}

size_t dp_history_count(const dp_history *h)
{
    return h ? h->n : 0;
}

const dp_history_entry *dp_history_get(const dp_history *h, size_t i)
{
    return h && i < h->n ? &h->e[h->n - 1 - i] : NULL;
}

long dp_history_find(const dp_history *h, const char *id)
{
    for (size_t i = 0; h && i < h->n; i++)
        if (strcmp(h->e[h->n - 1 - i].id, id) == 0)
            return (long)i;
    return -1;
}

size_t dp_history_skipped(const dp_history *h, char *why, size_t len)
{
    if (why && len)
        snprintf(why, len, "%s", h->skipped ? h->why : "");
    return h->skipped;
}

const char *dp_history_path(const dp_history *h)
{
    return h->path;
}

/* ------------------------------------------------------------- changes */

/* A read-modify-write: the file as it is now (another window may have
 * appended), changed by op, written back atomically; memory then holds
 * the result.  Memory only: op on memory.  0, or -1 with err (nothing
 * changed). */
typedef int (*edit_fn)(dp_history_entry *e, size_t *n, const void *arg);

static int rewrite(dp_history *h, edit_fn op, const void *arg, char *err, size_t errlen)
{
    if (!h->path)
        return op(h->e, &h->n, arg);
    dp_history_entry *e;
    size_t n, skipped;
    char why[300];
    if (read_file(h->path, &e, &n, &skipped, why, sizeof why, err, errlen) != 0)
        return -1;
    if (op(e, &n, arg) != 0 || write_file(h->path, e, n, err, errlen) != 0) {
        entries_free(e, n);
        return -1;
    }
    entries_free(h->e, h->n);
    h->e = e;
    h->n = h->cap = n;
    /* The damaged lines went with the rewrite. */
    h->skipped = 0;
    h->why[0] = '\0';
    return 0;
}

static int op_delete(dp_history_entry *e, size_t *n, const void *arg)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(e[i].id, (const char *)arg) == 0) {
            ink_drawing_free(&e[i].drawing);
            memmove(e + i, e + i + 1, (*n - i - 1) * sizeof *e);
            (*n)--;
            return 0;
        }
    return 0; /* gone already (another window) */
}

static int op_clear(dp_history_entry *e, size_t *n, const void *arg)
{
    (void)arg;
    for (size_t i = 0; i < *n; i++)
        ink_drawing_free(&e[i].drawing);
    *n = 0;
    return 0;
}

static int op_learnt(dp_history_entry *e, size_t *n, const void *arg)
{
    (void)arg;
    for (size_t i = 0; i < *n; i++)
        if (e[i].label >= 0)
            e[i].learnt = 1;
    return 0;
}

static int op_trim(dp_history_entry *e, size_t *n, const void *arg)
{
    *(size_t *)arg = trim_oldest(e, n);
    return 0;
}

int dp_history_delete(dp_history *h, const char *id, char *err, size_t errlen)
{
    return rewrite(h, op_delete, id, err, errlen);
}

int dp_history_clear(dp_history *h, char *err, size_t errlen)
{
    return rewrite(h, op_clear, NULL, err, errlen);
}

int dp_history_mark_learnt(dp_history *h, char *err, size_t errlen)
{
    int any = 0;
    for (size_t i = 0; i < h->n; i++)
        any |= h->e[i].label >= 0 && !h->e[i].learnt;
    return any ? rewrite(h, op_learnt, NULL, err, errlen) : 0;
}

/* A new id: the time, the process and a mixed serial, as the corrections'
 * image names, so two windows never make the same one. */
static void make_id(dp_history *h, char *id, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t z = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                 ((uint64_t)getpid() << 42) ^ (uint64_t)(++h->serial) * MIX64_GOLDEN;
    snprintf(id, len, "h%lld-%ld-%08x", (long long)ts.tv_sec, (long)getpid(),
             (unsigned)mix64_fmix(z));
}

int dp_history_add(dp_history *h, const ink_drawing *d, int pred, int conf, int unsure,
                   int label, int learnt, size_t *dropped, char *id, size_t idlen, char *err,
                   size_t errlen)
{
    if (dropped)
        *dropped = 0;
    size_t pts = ink_point_count(d);
    if (pts == 0)
        return dp_set_err(err, errlen, "the drawing is empty");
    if (pts > DP_HISTORY_MAX_POINTS)
        return dp_set_err(err, errlen, "the drawing has %zu points, more than the history "
                          "keeps (%d)", pts, DP_HISTORY_MAX_POINTS);
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 32;
        dp_history_entry *ne = realloc(h->e, nc * sizeof *ne);
        if (!ne)
            return dp_set_err(err, errlen, "out of memory");
        h->e = ne;
        h->cap = nc;
    }
    dp_history_entry *e = &h->e[h->n];
    memset(e, 0, sizeof *e);
    ink_drawing_init(&e->drawing);
    if (ink_drawing_copy(&e->drawing, d) != 0)
        return dp_set_err(err, errlen, "out of memory");
    make_id(h, e->id, sizeof e->id);
    e->pred = pred < -1 || pred > 9 ? -1 : pred;
    e->conf = conf < 0 ? 0 : conf > 1000 ? 1000 : conf;
    e->unsure = unsure != 0;
    e->label = label < 0 || label > 9 ? -1 : label;
    e->learnt = learnt && e->label >= 0;
    ink_sample s;
    if (h->path && (to_sample(e, &s) != 0 || ink_append_sample(h->path, &s, err, errlen) != 0)) {
        ink_drawing_free(&e->drawing);
        return -1;
    }
    h->n++;
    if (id)
        snprintf(id, idlen, "%s", e->id);
    if (h->n > DP_HISTORY_MAX) {
        size_t gone = 0;
        char why[512];
        /* The new line is on disk already; a failed trim leaves the file
         * one over the cap until the next add or start, which trims it. */
        if (rewrite(h, op_trim, &gone, why, sizeof why) != 0)
            gone = trim_oldest(h->e, &h->n);
        if (dropped)
            *dropped = gone;
    }
    return 0;
}
