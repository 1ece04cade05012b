/* pen.c — pen-drawn digits as training and validation data (see pen.h):
 * writers, the pen test set, folds of writers, the drop list, and the
 * rendering of drawings into training images. */
#define _POSIX_C_SOURCE 200809L
#include "pen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "fileio.h"
#include "modelcard.h"   /* dp_card_unsure */
#include "corrections.h" /* dp_input_to_u8 */
#include "ink_shapes.h"  /* ink_rng */
#include "synth.h"       /* the pen-width range, dp_synth_rng, dp_synth_grow */

#define PEN_BATCH 256
#define PEN_MAX_COPIES 16

/* ------------------------------------------------------------- writers */

void dp_pen_writer(const char *id, char *buf, size_t len)
{
    if (!len)
        return;
    const char *dash = strrchr(id, '-');
    size_t n = dash ? (size_t)(dash - id) : strlen(id);
    if (n >= len)
        n = len - 1;
    memcpy(buf, id, n);
    buf[n] = '\0';
}

int dp_pen_test_writer(const char *id)
{
    /* pendigits' own split: its test part is 14 writers none of its
     * training part shares */
    if (strncmp(id, "pendigits/tes-", 14) == 0)
        return 1;
    /* UJI: every fifth writer, w05 ... w60 */
    if (strncmp(id, "uji2/w", 6) == 0) {
        const char *p = id + 6;
        int num = 0, digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            num = num * 10 + (*p - '0');
            p++;
            digits++;
        }
        return digits > 0 && (*p == '-' || *p == '\0') && num > 0 && num % 5 == 0;
    }
    return 0;
}

/* The data sets' own credit lines (datasets/pen-digits/CREDITS.md): CC BY
 * 4.0 asks that whatever is made from them names them. */
static const struct {
    const char *source, *credit;
} CREDITS[] = {
    {"pendigits", "UCI Pen-Based Recognition of Handwritten Digits (E. Alpaydin, F. Alimoglu), "
                  "CC BY 4.0, doi:10.24432/C5MG6K"},
    {"uji2", "UJI Pen Characters v2 (F. Prat, M. J. Castro, D. Llorens, A. Marzal, J. M. Vilar), "
             "CC BY 4.0, doi:10.24432/C5FG8S"},
};

const char *dp_pen_source_credit(const char *id)
{
    const char *slash = strchr(id, '/');
    size_t n = slash ? (size_t)(slash - id) : strlen(id);
    for (size_t k = 0; k < sizeof CREDITS / sizeof *CREDITS; k++)
        if (strlen(CREDITS[k].source) == n && strncmp(CREDITS[k].source, id, n) == 0)
            return CREDITS[k].credit;
    return NULL;
}

/* ------------------------------------------------------------- loading */

int dp_pen_load(const char *list, ink_sample **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    ink_sample *all = NULL;
    size_t cnt = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char path[4096];
        if (len == 0 || len >= sizeof path) {
            dp_set_err(err, errlen, len ? "a file name in '%.60s' is too long"
                                        : "'%.60s' has an empty file name",
                       list);
            goto fail;
        }
        memcpy(path, p, len);
        path[len] = '\0';
        ink_sample *s = NULL;
        size_t k = 0;
        if (ink_read_file(path, &s, &k, err, errlen) != 0)
            goto fail;
        ink_sample *grown = k ? realloc(all, (cnt + k) * sizeof *grown) : all;
        if (k && !grown) {
            ink_samples_free(s, k);
            dp_set_err(err, errlen, "%s: out of memory", path);
            goto fail;
        }
        all = grown;
        if (k)
            memcpy(all + cnt, s, k * sizeof *s);
        cnt += k;
        free(s); /* its drawings now belong to `all` */
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = all;
    *n = cnt;
    return 0;
fail:
    ink_samples_free(all, cnt);
    return -1;
}

/* --------------------------------------------------------------- folds */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int dp_pen_folds(const ink_sample *s, size_t n, int nfolds, int *fold)
{
    if (nfolds < 1 || nfolds > DP_PEN_MAX_FOLDS)
        return -1;
    /* The writers' names, sorted and made unique: their order deals them
     * to folds, so the folds do not depend on the order of the files. */
    char (*names)[sizeof s->id] = malloc((n ? n : 1) * sizeof *names);
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!names || !sorted) {
        free(names);
        free(sorted);
        return -1;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        dp_pen_writer(s[i].id, names[i], sizeof names[i]);
        if (s[i].label >= 0 && !dp_pen_test_writer(s[i].id))
            sorted[m++] = names[i];
    }
    qsort(sorted, m, sizeof *sorted, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || strcmp(sorted[u - 1], sorted[i]) != 0)
            sorted[u++] = sorted[i];
    for (size_t i = 0; i < n; i++) {
        fold[i] = -1;
        if (s[i].label < 0 || dp_pen_test_writer(s[i].id))
            continue;
        const char *key = names[i];
        const char **hit = bsearch(&key, sorted, u, sizeof *sorted, cmp_str);
        fold[i] = hit ? (int)((size_t)(hit - sorted) % (size_t)nfolds) : -1;
    }
    free(names);
    free(sorted);
    return 0;
}

/* ----------------------------------------------------------- drop list */

int dp_pen_read_drop(const char *path, const ink_sample *s, size_t n, unsigned char *drop,
                     char *err, size_t errlen)
{
    memset(drop, 0, n);
    char msg[512];
    int fd = fileio_open_regular(path, "a list of drawing ids", NULL, msg, sizeof msg);
    if (fd < 0)
        return dp_set_err(err, errlen, "%s", msg);
    FILE *f = fdopen(fd, "r");
    if (!f) {
        dp_set_err(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    char line[1024];
    size_t lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = dp_set_err(err, errlen, "%s:%zu: line longer than %zu bytes", path, lineno,
                            sizeof line - 2);
            break;
        }
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        /* "<label> <id>", as a strokes line starts: UJI's ids name a
         * writer's repetition, shared by its ten digits */
        if (!(*p >= '0' && *p <= '9') || (p[1] != ' ' && p[1] != '\t')) {
            rc = dp_set_err(err, errlen, "%s:%zu: not '<label> <id>' (a digit, then the id)",
                            path, lineno);
            break;
        }
        const int label = *p - '0';
        p += 2;
        while (*p == ' ' || *p == '\t')
            p++;
        char *e = p;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
            e++;
        *e = '\0';
        size_t hits = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i].label == label && strcmp(s[i].id, p) == 0) {
                drop[i] = 1;
                hits++;
            }
        if (hits == 0)
            rc = dp_set_err(err, errlen, "%s:%zu: no drawing '%d %.128s' in the pen files", path,
                            lineno, label, p);
        else if (dp_pen_test_writer(p))
            rc = dp_set_err(err, errlen,
                            "%s:%zu: '%.128s' is in the pen test set, which is never cleaned",
                            path, lineno, p);
    }
    if (rc == 0 && ferror(f))
        rc = dp_set_err(err, errlen, "%s: read error", path);
    if (fclose(f) != 0 && rc == 0)
        rc = dp_set_err(err, errlen, "%s: read error", path);
    return rc;
}

/* ----------------------------------------------------------- rendering */

/* The largest changes warp_path makes at warp 1.  Writers differ from
 * one another in slant, proportions and how far a stroke runs on, not only
 * in the whole-image tilt and scale that training's augmentation already
 * applies after normalising; these act on the pen's path before rendering,
 * so the brush stays round and the crop and fit see the new shape. */
#define PEN_WARP_ROTATE 0.14f  /* radians, about 8 degrees */
#define PEN_WARP_SLANT 0.2f    /* x moves by this times the height above the centre */
#define PEN_WARP_ASPECT 0.15f  /* log of the width/height stretch */
#define PEN_WARP_BEND 0.06f    /* a grid node moves up to this times the extent */

/* The box around d's points (d has at least one). */
static void path_box(const ink_drawing *d, float *x0, float *y0, float *x1, float *y1)
{
    *x0 = *y0 = 1e30f;
    *x1 = *y1 = -1e30f;
    for (size_t s = 0; s < d->n; s++)
        for (size_t i = 0; i < d->strokes[s].n; i++) {
            const ink_point *p = &d->strokes[s].pts[i];
            *x0 = p->x < *x0 ? p->x : *x0;
            *x1 = p->x > *x1 ? p->x : *x1;
            *y0 = p->y < *y0 ? p->y : *y0;
            *y1 = p->y > *y1 ? p->y : *y1;
        }
}

/* d's points moved by one random writer-like change of strength warp
 * (> 0), drawn from r: a smooth bend (the drawing's box divided 2x2, each
 * of the 3x3 grid's nodes moved at random and the points moved by the
 * bilinear blend of their cell's nodes, so one part of a digit can grow or
 * shift against another), then a slant, a stretch and a turn about the
 * box's centre.  The result is fitted back to the original's larger extent
 * (so ink_brush_for gives the same pen) and kept inside the INK_BOX square. */
static void warp_path(ink_drawing *d, float warp, ink_rng *r)
{
    float x0, y0, x1, y1;
    path_box(d, &x0, &y0, &x1, &y1);
    const float w = x1 - x0, h = y1 - y0, extent = w > h ? w : h;
    if (!(extent > 0.0f))
        return; /* a dot: nothing to bend */
    float node[3][3][2];
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 2; c++)
                node[j][i][c] = (2.0f * ink_rng_uniform(r) - 1.0f) * PEN_WARP_BEND * warp * extent;
    const float rot = (2.0f * ink_rng_uniform(r) - 1.0f) * PEN_WARP_ROTATE * warp;
    const float slant = (2.0f * ink_rng_uniform(r) - 1.0f) * PEN_WARP_SLANT * warp;
    const float aspect = expf((2.0f * ink_rng_uniform(r) - 1.0f) * PEN_WARP_ASPECT * warp);
    const float cx = 0.5f * (x0 + x1), cy = 0.5f * (y0 + y1);
    const float cr = cosf(rot), sr = sinf(rot);
    for (size_t s = 0; s < d->n; s++)
        for (size_t i = 0; i < d->strokes[s].n; i++) {
            ink_point *p = &d->strokes[s].pts[i];
            /* the bend: cell (ci, cj) of the 2x2 division, position (fu, fv) in it */
            float u = w > 0.0f ? 2.0f * (p->x - x0) / w : 1.0f;
            float v = h > 0.0f ? 2.0f * (p->y - y0) / h : 1.0f;
            int ci = u >= 1.0f ? 1 : 0, cj = v >= 1.0f ? 1 : 0;
            float fu = u - (float)ci, fv = v - (float)cj;
            float dx = 0.0f, dy = 0.0f;
            for (int c = 0; c < 2; c++) {
                float top = node[cj][ci][c] * (1.0f - fu) + node[cj][ci + 1][c] * fu;
                float bot = node[cj + 1][ci][c] * (1.0f - fu) + node[cj + 1][ci + 1][c] * fu;
                *(c ? &dy : &dx) = top * (1.0f - fv) + bot * fv;
            }
            float x = p->x + dx - cx, y = p->y + dy - cy;
            x = (x + slant * y) * aspect; /* y grows downwards: a positive slant leans left */
            y = y / aspect;
            p->x = cr * x - sr * y;
            p->y = sr * x + cr * y;
        }
    float nx0, ny0, nx1, ny1;
    path_box(d, &nx0, &ny0, &nx1, &ny1);
    const float nw = nx1 - nx0, nh = ny1 - ny0, ne = nw > nh ? nw : nh;
    if (!(ne > 0.0f))
        return;
    const float k = extent / ne;
    /* the new box, centred where the old one was but moved to stay inside
     * the box the canvas shows (when it fits there at all) */
    float ox = cx, oy = cy;
    const float hw = 0.5f * nw * k, hh = 0.5f * nh * k;
    if (hw <= 0.5f * INK_BOX)
        ox = ox < hw ? hw : ox > INK_BOX - hw ? INK_BOX - hw : ox;
    if (hh <= 0.5f * INK_BOX)
        oy = oy < hh ? hh : oy > INK_BOX - hh ? INK_BOX - hh : oy;
    const float mx = 0.5f * (nx0 + nx1), my = 0.5f * (ny0 + ny1);
    for (size_t s = 0; s < d->n; s++)
        for (size_t i = 0; i < d->strokes[s].n; i++) {
            ink_point *p = &d->strokes[s].pts[i];
            p->x = ox + (p->x - mx) * k;
            p->y = oy + (p->y - my) * k;
        }
}

nn_status dp_pen_extend(nn_dataset *ds, const ink_sample *s, const size_t *idx, size_t count,
                        int copies, float warp, uint64_t seed, nn_error *err)
{
    if (ds->rows != INK_SIDE || ds->cols != INK_SIDE)
        return nn_fail(err, NN_EINVAL, "pen drawings need 28x28 images");
    if (copies < 1 || copies > PEN_MAX_COPIES)
        return nn_fail(err, NN_EINVAL, "pen copies must be 1 to %d", PEN_MAX_COPIES);
    if (!(warp >= 0.0f && warp <= 1.0f))
        return nn_fail(err, NN_EINVAL, "pen warp must be 0 to 1");
    const size_t add = count * (size_t)copies;
    if (add == 0)
        return NN_OK;
    nn_status st = dp_synth_grow(ds, add, err);
    if (st != NN_OK)
        return st;
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 32) reduction(| : failed)
#endif
    for (long i = 0; i < (long)add; i++) {
        const size_t k = (size_t)i / (size_t)copies, c = (size_t)i % (size_t)copies;
        const ink_sample *d = &s[idx[k]];
        float scale = 1.0f;
        const ink_drawing *draw = &d->drawing;
        ink_drawing warped;
        ink_drawing_init(&warped);
        if (c > 0) {
            /* one stream per image: the same set whatever the threads */
            ink_rng r;
            dp_synth_rng(&r, seed, c, k);
            scale = DP_REDRAW_BRUSH_MIN +
                    (DP_REDRAW_BRUSH_MAX - DP_REDRAW_BRUSH_MIN) * ink_rng_uniform(&r);
            if (warp > 0.0f) {
                if (ink_drawing_copy(&warped, draw) != 0) {
                    failed = 1;
                    continue;
                }
                warp_path(&warped, warp, &r);
                draw = &warped;
            }
        }
        float x[INK_INPUT_SIZE];
        failed |= ink_preprocess_brush(draw, scale, x) < 0;
        ink_drawing_free(&warped);
        dp_input_to_u8(x, ds->images + (ds->n + (size_t)i) * INK_INPUT_SIZE);
        ds->labels[ds->n + (size_t)i] = d->label >= 0 && d->label <= 9 ? (uint8_t)d->label
                                                                     : NN_LABEL_NONE;
    }
    if (failed)
        return nn_fail(err, NN_ENOMEM, "out of memory rendering pen drawings");
    ds->n += add;
    return NN_OK;
}

/* ------------------------------------------------------------- scoring */

nn_status dp_pen_run(const nn_model *m, const ink_sample *s, const size_t *idx, size_t count,
                     float *top, unsigned char *right, int *pred, nn_error *err)
{
    if (nn_arch_in_size(nn_model_arch(m)) != INK_INPUT_SIZE)
        return nn_fail(err, NN_EINVAL, "pen drawings need a model of 28x28 inputs");
    const size_t batch = nn_batch_cap(m, PEN_BATCH, 1);
    float *x = malloc(batch * INK_INPUT_SIZE * sizeof *x);
    float *y = malloc(batch * 10 * sizeof *y);
    nn_workspace *ws = x && y ? nn_workspace_create(m, batch, err) : NULL;
    nn_status st = NN_OK;
    if (!ws) {
        st = x && y ? (err ? err->status : NN_ENOMEM)
                    : nn_fail(err, NN_ENOMEM, "out of memory scoring pen drawings");
        goto done;
    }
    for (size_t b = 0; b < count && st == NN_OK; b += batch) {
        size_t k = count - b < batch ? count - b : batch;
        int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 8) reduction(| : failed)
#endif
        for (long i = 0; i < (long)k; i++)
            failed |= ink_preprocess(&s[idx[b + (size_t)i]].drawing,
                                     x + (size_t)i * INK_INPUT_SIZE) < 0;
        if (failed) {
            st = nn_fail(err, NN_ENOMEM, "out of memory scoring pen drawings");
            break;
        }
        st = nn_forward(m, ws, x, k, y, err);
        for (size_t i = 0; i < k && st == NN_OK; i++) {
            const float *o = y + i * 10;
            int p = dp_argmax10(o);
            if (top)
                top[b + i] = o[p];
            if (pred)
                pred[b + i] = p;
            if (right)
                right[b + i] = p == s[idx[b + i]].label;
        }
    }
done:
    nn_workspace_free(ws);
    free(x);
    free(y);
    return st;
}

dp_pen_score dp_pen_score_at(const float *top, const unsigned char *right, size_t count,
                             double threshold)
{
    dp_pen_score sc = {0};
    sc.n = count;
    for (size_t i = 0; i < count; i++) {
        int u = dp_card_unsure(top[i], threshold);
        sc.correct += right[i];
        sc.unsure += u;
        sc.correct_unsure += u && right[i];
    }
    return sc;
}
