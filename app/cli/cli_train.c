/* cli_train.c — `digitpad --train`: load MNIST, train with a preset's recipe
 * (overridden by flags), report each epoch's test accuracy, and save the
 * model with metadata saying exactly how it was made. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nn_data.h"
#include "nn_file.h"
#include "calibrate.h"
#include "fileio.h"
#include "text.h"
#include "ink.h"
#include "pen.h"
#include "progress.h"
#include "synth.h"

#ifdef NN_HAVE_OPENMP
#include <omp.h>
#endif

#define DEFAULT_ARCH "cnn"

static const char *optimizer_name(nn_optimizer o)
{
    switch (o) {
    case NN_OPT_SGD: return "sgd";
    case NN_OPT_MOMENTUM: return "momentum";
    case NN_OPT_ADAM: return "adam";
    }
    return "?";
}

static const char *schedule_name(nn_schedule s)
{
    switch (s) {
    case NN_SCHED_CONSTANT: return "constant";
    case NN_SCHED_STEP: return "step";
    case NN_SCHED_COSINE: return "cosine";
    case NN_SCHED_ONECYCLE: return "onecycle";
    }
    return "?";
}

/* The recipe: the preset's (the mlp one for a raw spec), then the flags. */
static void build_config(const dp_args *a, const char *arch_name, nn_train_config *cfg)
{
    nn_train_config_preset(nn_preset_arch(arch_name) ? arch_name : "mlp", cfg, NULL);
    if (a->epochs > 0)
        cfg->epochs = a->epochs;
    if (a->batch > 0)
        cfg->batch = a->batch;
    if (a->lr > 0)
        cfg->lr = (float)a->lr;
    if (a->optimizer >= 0)
        cfg->optimizer = (nn_optimizer)a->optimizer;
    if (a->schedule >= 0)
        cfg->schedule = (nn_schedule)a->schedule;
    if (a->warmup >= 0)
        cfg->warmup = (float)a->warmup;
    if (a->skip_easy >= 0)
        cfg->skip_easy = (float)a->skip_easy;
    if (a->weight_decay >= 0)
        cfg->weight_decay = (float)a->weight_decay;
    if (a->have_seed)
        cfg->seed = a->seed;
    if (a->threads >= 0)
        cfg->threads = a->threads;
    if (a->augment || a->elastic > 0.0 || a->styles > 0.0 || a->negatives > 0.0) {
        cfg->augment = 1;
        nn_augment_defaults(&cfg->aug);
        cfg->aug.elastic_alpha = (float)a->elastic;
        cfg->aug.style_p = (float)a->styles;
        cfg->aug.negative_p = (float)a->negatives;
    }
}

/* The command line as one string, as a shell would read it back: arguments
 * with spaces or quotes are single-quoted ('\'' for a quote); one holding
 * bytes that are not UTF-8 text, or control characters, is written in
 * bash's $'...' form with \xHH escapes, so the saved header stays valid
 * UTF-8 (I-JSON) and still names the argument exactly. */
static char *join_argv(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += 4 * strlen(argv[i]) + 4;
    char *s = malloc(len);
    if (!s)
        return NULL;
    char *p = s;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const unsigned char *u = (const unsigned char *)a;
        size_t n = strlen(a);
        int raw = !text_utf8_valid(a, n, NULL);
        for (size_t k = 0; !raw && k < n; k++)
            raw = u[k] < 0x20 || u[k] == 0x7f;
        int quote = a[0] == '\0' || strpbrk(a, " \t\n'\"\\$`*?;&|<>()[]{}~#") != NULL;
        if (i)
            *p++ = ' ';
        if (raw) {
            *p++ = '$';
            *p++ = '\'';
            for (size_t k = 0; k < n;) {
                size_t l = text_utf8_char(u + k, n - k, NULL);
                if (l == 0 || u[k] < 0x20 || u[k] == 0x7f) {
                    p += sprintf(p, "\\x%02x", u[k]);
                    k++;
                    continue;
                }
                if (u[k] == '\'' || u[k] == '\\')
                    *p++ = '\\';
                memcpy(p, u + k, l);
                p += l;
                k += l;
            }
            *p++ = '\'';
            continue;
        }
        if (quote)
            *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'' && quote) {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *a;
            }
        }
        if (quote)
            *p++ = '\'';
    }
    *p = '\0';
    return s;
}

/* The thread count training really used: 0 means all cores, and the model
 * file should say how many that was (bit-exact results depend on it). */
static int effective_threads(int threads)
{
#ifdef NN_HAVE_OPENMP
    if (threads <= 0)
        return omp_get_max_threads();
#endif
    return threads > 0 ? threads : 1;
}

static int set_meta(nn_model *m, const char *key, const char *value)
{
    nn_error err;
    if (nn_model_meta_set(m, key, value, &err) != NN_OK) {
        dp_errorf("%s", err.msg);
        return -1;
    }
    return 0;
}

/* With skip_easy on: how many of epoch e's n samples had a backward pass,
 * and of all so far; *before: the count before this epoch, updated. */
static void print_backward_share(const nn_trainer *t, const nn_train_config *cfg, int e,
                                 size_t n, double *before)
{
    if (!(cfg->skip_easy > 0.0f) || n == 0)
        return;
    const double share = nn_trainer_backward_share(t), kept = share * (double)(e + 1) * (double)n;
    printf("backward passes: %.1f%% of this epoch's samples, %.1f%% of all so far (the "
           "others were within %g of their targets)\n",
           100.0 * (kept - *before) / (double)n, 100.0 * share, (double)cfg->skip_easy);
    *before = kept;
}

/* set_meta with the value formatted as printf would. */
static int set_metaf(nn_model *m, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int set_metaf(nn_model *m, const char *key, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return set_meta(m, key, buf);
}

static int write_metadata(nn_model *m, const dp_args *a, const nn_train_config *cfg,
                          size_t n_train, size_t n_full, double accuracy, double train_s)
{
    char buf[64];
    char dataset[48];
    if (n_train < n_full)
        snprintf(dataset, sizeof dataset, "mnist[:%zu]", n_train);
    else
        snprintf(dataset, sizeof dataset, "mnist");
    char date[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *command = join_argv(a->argc, a->argv);
    if (!command) {
        dp_errorf("out of memory");
        return -1;
    }
    int rc = 0;
    rc |= set_meta(m, "loss", cfg->loss == NN_LOSS_BCE ? "bce" : "mse");
    rc |= set_meta(m, DP_CARD_KEY_DATASET, dataset);
    snprintf(buf, sizeof buf, "%d", cfg->epochs);
    rc |= set_meta(m, "epochs", buf);
    snprintf(buf, sizeof buf, "%" PRIu64, cfg->seed);
    rc |= set_meta(m, "seed", buf);
    snprintf(buf, sizeof buf, "%zu", cfg->batch);
    rc |= set_meta(m, "batch", buf);
    snprintf(buf, sizeof buf, "%g", (double)cfg->lr);
    rc |= set_meta(m, "lr", buf);
    rc |= set_meta(m, "optimizer", optimizer_name(cfg->optimizer));
    rc |= set_meta(m, "schedule", schedule_name(cfg->schedule));
    if (cfg->schedule == NN_SCHED_ONECYCLE) {
        snprintf(buf, sizeof buf, "%g", (double)cfg->warmup);
        rc |= set_meta(m, "warmup", buf);
    }
    if (cfg->skip_easy > 0.0f) {
        snprintf(buf, sizeof buf, "%g", (double)cfg->skip_easy);
        rc |= set_meta(m, "skip_easy", buf);
    }
    snprintf(buf, sizeof buf, "%g", (double)cfg->weight_decay);
    rc |= set_meta(m, "weight_decay", buf);
    rc |= set_meta(m, "augment", cfg->augment ? "1" : "0");
    if (cfg->augment && cfg->aug.elastic_alpha > 0.0f) {
        snprintf(buf, sizeof buf, "%g,%g", (double)cfg->aug.elastic_alpha,
                 (double)cfg->aug.elastic_sigma);
        rc |= set_meta(m, "elastic", buf);
    }
    if (cfg->augment && cfg->aug.style_p > 0.0f) {
        snprintf(buf, sizeof buf, "%g", (double)cfg->aug.style_p);
        rc |= set_meta(m, "styles", buf);
    }
    if (cfg->augment && cfg->aug.negative_p > 0.0f) {
        snprintf(buf, sizeof buf, "%g", (double)cfg->aug.negative_p);
        rc |= set_meta(m, "negatives", buf);
    }
    snprintf(buf, sizeof buf, "%.4f", accuracy);
    rc |= set_meta(m, DP_CARD_KEY_TEST_ACCURACY, buf);
    rc |= set_meta(m, "date", date);
    rc |= set_meta(m, "command", command);
    snprintf(buf, sizeof buf, "%d", effective_threads(cfg->threads));
    rc |= set_meta(m, "threads", buf);
    /* Results depend on the kernel path too (float rounding). */
    rc |= set_meta(m, "kernels", nn_kernels_name());
    snprintf(buf, sizeof buf, "%.1f", train_s);
    rc |= set_meta(m, "train_seconds", buf);
    free(command);
    return rc ? -1 : 0;
}

/* The chosen threshold and what it does on each set, so a model card or
 * the window can show where the number came from. */
static int write_calibration(nn_model *m, const dp_calibration *c)
{
    char buf[64];
    int rc = 0;
    snprintf(buf, sizeof buf, "%.2f", c->threshold);
    rc |= set_meta(m, DP_CARD_KEY_THRESHOLD, buf);
    char basis[160];
    snprintf(basis, sizeof basis,
             "the highest that calls at most %g%% of the right MNIST test answers unsure",
             100.0 * DP_CALIB_MAX_DOUBT);
    rc |= set_meta(m, DP_CARD_KEY_THRESHOLD_BASIS, basis);
    snprintf(buf, sizeof buf, "%.4f", c->mnist_unsure);
    rc |= set_meta(m, "unsure_mnist_test", buf);
    snprintf(buf, sizeof buf, "%.4f", c->redrawn_unsure);
    rc |= set_meta(m, "unsure_mnist_test_redrawn", buf);
    snprintf(buf, sizeof buf, "%.4f", c->scribble_sure);
    rc |= set_meta(m, "sure_on_scribbles", buf);
    return rc ? -1 : 0;
}

/* ------------------------------------------------------- pen drawings */

/* The copies each pen drawing gets when --pen-copies is not given. */
#define PEN_DEFAULT_COPIES 2
/* Held-out answers at least this sure, yet wrong, are printed as label
 * suspects: a model trained without the writer is confidently sure of
 * another digit (docs/model.md, "Training drawings whose label looks
 * wrong"). */
#define PEN_SUSPECT_CONF 0.9

/* What --pen brought: the drawings, who trains on which, and the held-out
 * fold of --pen-fold. */
typedef struct pen_run {
    ink_sample *s;
    size_t n;
    size_t *train_idx, n_train;  /* rendered into the training set */
    size_t *held_idx, n_held;    /* --pen-fold's fold K */
    size_t n_test, n_dropped, n_images;
    size_t writers_train, writers_held;
    int copies;
    char sources[128];           /* "pendigits+uji2" */
} pen_run;

static void pen_run_free(pen_run *p)
{
    ink_samples_free(p->s, p->n);
    free(p->train_idx);
    free(p->held_idx);
    memset(p, 0, sizeof *p);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* How many different writers the drawings s[idx[k]] have (a writer's
 * drawings need not be consecutive); 0 also when out of memory, which only
 * a message's count would show. */
static size_t count_writers(const ink_sample *s, const size_t *idx, size_t k)
{
    typedef char name[sizeof s->id];
    name *names = malloc((k ? k : 1) * sizeof *names);
    if (!names)
        return 0;
    for (size_t i = 0; i < k; i++)
        dp_pen_writer(s[idx[i]].id, names[i], sizeof names[i]);
    qsort(names, k, sizeof *names, cmp_name);
    size_t w = 0;
    for (size_t i = 0; i < k; i++)
        w += i == 0 || strcmp(names[i - 1], names[i]) != 0;
    free(names);
    return w;
}

/* Reads --pen's files, decides which drawings train (not the pen test
 * set, not --pen-drop's, not --pen-fold's fold; at most --limit of them)
 * and appends their images to train.  0, or an exit code after printing. */
static int add_pen(const dp_args *a, nn_dataset *train, uint64_t seed, pen_run *p)
{
    memset(p, 0, sizeof *p);
    char msg[512];
    double t0 = dp_now();
    if (dp_pen_load(a->pen, &p->s, &p->n, msg, sizeof msg) != 0) {
        dp_errorf("--pen: %s", msg);
        return DP_EXIT_USAGE;
    }
    int *fold = malloc((p->n ? p->n : 1) * sizeof *fold);
    unsigned char *drop = calloc(p->n ? p->n : 1, 1);
    p->train_idx = malloc((p->n ? p->n : 1) * sizeof *p->train_idx);
    p->held_idx = malloc((p->n ? p->n : 1) * sizeof *p->held_idx);
    int rc = DP_EXIT_NOMEM;
    if (!fold || !drop || !p->train_idx || !p->held_idx ||
        dp_pen_folds(p->s, p->n, a->pen_folds ? a->pen_folds : 1, fold) != 0) {
        dp_errorf("out of memory reading the pen drawings");
        goto done;
    }
    rc = DP_EXIT_USAGE;
    if (a->pen_drop && dp_pen_read_drop(a->pen_drop, p->s, p->n, drop, msg, sizeof msg) != 0) {
        dp_errorf("--pen-drop: %s", msg);
        goto done;
    }
    for (size_t i = 0; i < p->n; i++) {
        if (fold[i] < 0) {
            p->n_test += dp_pen_test_writer(p->s[i].id);
            continue;
        }
        if (a->pen_folds && fold[i] == a->pen_fold - 1) {
            p->held_idx[p->n_held++] = i; /* scored as labelled, dropped or not */
            continue;
        }
        if (drop[i]) {
            p->n_dropped++;
            continue;
        }
        if (a->limit == 0 || p->n_train < a->limit)
            p->train_idx[p->n_train++] = i;
    }
    if (p->n_train == 0) {
        dp_errorf("--pen %s: no drawing left to train on (the pen test set's writers are "
                  "never trained on)", a->pen);
        goto done;
    }
    /* which sources, for the dataset name: "pendigits+uji2" */
    for (size_t k = 0; k < p->n_train; k++) {
        const char *id = p->s[p->train_idx[k]].id;
        const char *slash = strchr(id, '/');
        char src[64];
        snprintf(src, sizeof src, "%.*s", (int)(slash ? (size_t)(slash - id) : strlen(id)), id);
        char padded[72];
        snprintf(padded, sizeof padded, "+%s+", src);
        char have[132];
        snprintf(have, sizeof have, "+%s+", p->sources);
        if (!strstr(have, padded) && strlen(p->sources) + strlen(src) + 2 < sizeof p->sources)
            snprintf(p->sources + strlen(p->sources), sizeof p->sources - strlen(p->sources),
                     "%s%s", p->sources[0] ? "+" : "", src);
    }
    p->copies = a->pen_copies ? a->pen_copies : PEN_DEFAULT_COPIES;
    p->writers_train = count_writers(p->s, p->train_idx, p->n_train);
    p->writers_held = count_writers(p->s, p->held_idx, p->n_held);
    nn_error err;
    size_t before = train->n;
    if (dp_pen_extend(train, p->s, p->train_idx, p->n_train, p->copies, (float)a->pen_warp, seed,
                      &err) != NN_OK) {
        rc = dp_fail(&err);
        goto done;
    }
    p->n_images = train->n - before;
    printf("rendered %zu pen drawings by %zu writers x %d cop%s = %zu images to train on "
           "(%.1f s); left out: %zu of the pen test set, %zu listed by --pen-drop",
           p->n_train, p->writers_train, p->copies, p->copies == 1 ? "y" : "ies", p->n_images,
           dp_now() - t0, p->n_test, p->n_dropped);
    if (a->pen_folds)
        printf(", %zu by %zu writers held out as fold %d/%d", p->n_held, p->writers_held,
               a->pen_fold, a->pen_folds);
    printf("\n");
    rc = 0;
done:
    free(fold);
    free(drop);
    return rc;
}

/* What the trained model does with --pen-fold's held-out writers: accuracy
 * and unsure at the model's threshold and at a few others, the threshold
 * the MNIST rule would pick on these drawings instead, and every wrong
 * answer at least PEN_SUSPECT_CONF sure (the label suspects). */
static int report_pen_fold(const dp_args *a, const nn_model *m, const pen_run *p,
                           double threshold, nn_model *out)
{
    if (!a->pen_folds || p->n_held == 0)
        return 0;
    float *top = malloc(p->n_held * sizeof *top);
    unsigned char *right = malloc(p->n_held);
    int *pred = malloc(p->n_held * sizeof *pred);
    int rc = -1;
    nn_error err;
    if (!top || !right || !pred) {
        dp_errorf("out of memory scoring the held-out pen drawings");
        goto done;
    }
    if (dp_pen_run(m, p->s, p->held_idx, p->n_held, top, right, pred, &err) != NN_OK) {
        dp_errorf("%s", err.msg);
        goto done;
    }
    dp_pen_score sc = dp_pen_score_at(top, right, p->n_held, threshold);
    printf("pen fold %d/%d held out: %zu drawings by %zu writers: accuracy %.2f%% (%zu/%zu), "
           "unsure %.2f%% at threshold %.2f (%.2f%% of the right answers)\n",
           a->pen_fold, a->pen_folds, sc.n, p->writers_held,
           100.0 * (double)sc.correct / (double)sc.n, sc.correct, sc.n,
           100.0 * (double)sc.unsure / (double)sc.n, threshold,
           sc.correct ? 100.0 * (double)sc.correct_unsure / (double)sc.correct : 0.0);
    static const double others[] = {0.5, 0.6, 0.7, 0.8, 0.9};
    printf("pen fold %d/%d unsure at other thresholds:", a->pen_fold, a->pen_folds);
    for (size_t k = 0; k < sizeof others / sizeof *others; k++) {
        dp_pen_score o = dp_pen_score_at(top, right, p->n_held, others[k]);
        printf(" %.2f: %.2f%%", others[k], 100.0 * (double)o.unsure / (double)o.n);
    }
    /* the MNIST rule (calibrate.c) applied to these drawings instead */
    double pick = 0.01;
    for (int t = 99; t >= 1; t--) {
        dp_pen_score o = dp_pen_score_at(top, right, p->n_held, t / 100.0);
        if (o.correct && (double)o.correct_unsure <= DP_CALIB_MAX_DOUBT * (double)o.correct) {
            pick = t / 100.0;
            break;
        }
    }
    printf("; at most %g%% of the right answers unsure up to %.2f\n", 100.0 * DP_CALIB_MAX_DOUBT,
           pick);
    for (size_t k = 0; k < p->n_held; k++)
        if (!right[k] && top[k] >= PEN_SUSPECT_CONF) {
            const ink_sample *d = &p->s[p->held_idx[k]];
            char id[sizeof d->id];
            /* "label id" first, as --pen-drop's lines are */
            printf("pen fold suspect: %d %s read %d %.4f\n", d->label,
                   text_clean_copy(d->id, id, sizeof id), pred[k], (double)top[k]);
        }
    rc = set_metaf(out, "pen_fold", "%d/%d", a->pen_fold, a->pen_folds);
    rc |= set_metaf(out, "pen_fold_accuracy", "%.4f", (double)sc.correct / (double)sc.n);
    rc |= set_metaf(out, "pen_fold_unsure", "%.4f", (double)sc.unsure / (double)sc.n);
done:
    free(top);
    free(right);
    free(pred);
    return rc;
}

/* The pen part of the model's record: files, counts, copies, the share of
 * the training set, and the data sets' credits. */
static int write_pen_metadata(nn_model *m, const dp_args *a, const pen_run *p, size_t n_train)
{
    int rc = set_meta(m, "pen", a->pen);
    rc |= set_metaf(m, "pen_drawings", "%zu", p->n_train);
    rc |= set_metaf(m, "pen_writers", "%zu", p->writers_train);
    rc |= set_metaf(m, "pen_copies", "%d", p->copies);
    if (a->pen_warp > 0.0)
        rc |= set_metaf(m, "pen_warp", "%g", a->pen_warp);
    rc |= set_metaf(m, "pen_images", "%zu", p->n_images);
    rc |= set_metaf(m, "pen_share", "%.4f", (double)p->n_images / (double)n_train);
    rc |= set_metaf(m, "pen_dropped", "%zu", p->n_dropped);
    if (a->pen_drop)
        rc |= set_meta(m, "pen_drop", a->pen_drop);
    return rc ? -1 : 0;
}

/* DP_CARD_KEY_TRAINING_DATA: MNIST and each pen source with its credit. */
static int write_training_data(nn_model *m, const pen_run *p)
{
    char text[1024];
    snprintf(text, sizeof text, "MNIST (Y. LeCun, C. Cortes, C. J. C. Burges)");
    const char *seen[8];
    size_t ns = 0;
    for (size_t k = 0; p && k < p->n_train; k++) {
        const char *c = dp_pen_source_credit(p->s[p->train_idx[k]].id);
        int have = 0;
        for (size_t j = 0; j < ns; j++)
            have |= seen[j] == c;
        if (!c || have || ns == 8)
            continue;
        seen[ns++] = c;
        snprintf(text + strlen(text), sizeof text - strlen(text), "; %s", c);
    }
    return set_meta(m, DP_CARD_KEY_TRAINING_DATA, text);
}

/* Peak resident set size in MB (ru_maxrss is in kB on Linux). */
static double peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_maxrss / 1024.0;
}

/* Checked before training, so a typo in --out does not throw away an hour
 * of work when the save finally fails. */
static int check_out_path(const char *out)
{
    struct stat st;
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
        dp_errorf("--out %s: is a directory; give a file name", out);
        return -1;
    }
    /* The save refuses these too; saying so now saves the training time. */
    char msg[512];
    if (fileio_check_target(out, msg, sizeof msg) != 0) {
        dp_errorf("--out %s", msg);
        return -1;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        dp_errorf("--out %s: directory %s does not exist", out, dir);
        return -1;
    }
    if (access(dir, W_OK) != 0) {
        dp_errorf("--out %s: cannot write in %s: %s", out, dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* A run whose final test accuracy is below this learned nothing (ten
 * digits: chance is 10%): a failed training, whatever --min-accuracy says,
 * so it never replaces a good --out (issue 26: a --lr 10 run that ended at
 * 11.35% did). */
#define DP_MIN_TRAINED_ACCURACY 0.20

/* 1 (after saying so) if the run failed by DP_MIN_TRAINED_ACCURACY. */
static int failed_run(const nn_eval *ev, float lr, const char *out)
{
    if (ev->accuracy >= DP_MIN_TRAINED_ACCURACY)
        return 0;
    fflush(stdout);
    dp_errorf("training failed: the final test accuracy %.2f%% is below %.0f%%, no better than "
              "guessing (is the learning rate %g too high?); %s was not written",
              100.0 * ev->accuracy, 100.0 * DP_MIN_TRAINED_ACCURACY, (double)lr, out);
    return 1;
}

/* 0 when an evaluation went well, else the exit code after saying why:
 * finite weights with NaN outputs (NN_ENOANSWER) are a failed run. */
static int eval_status(nn_status st, const nn_error *err, const char *out)
{
    if (st == NN_ENOANSWER) {
        fflush(stdout);
        dp_errorf("training failed: %s; %s was not written", err->msg, out);
        return DP_EXIT_TRAIN;
    }
    return st == NN_OK ? 0 : dp_fail(err);
}

int dp_cli_train(const dp_args *a)
{
    double t_start = dp_now();
    const char *arch_name = a->arch ? a->arch : DEFAULT_ARCH;
    const char *out = a->out ? a->out : DP_DEFAULT_OUT;
    nn_error err;
    nn_arch arch;
    if (nn_arch_parse(arch_name, &arch, &err) != NN_OK) {
        dp_errorf("--arch: %s", err.msg);
        return DP_EXIT_USAGE;
    }
    if (check_out_path(out) != 0)
        return DP_EXIT_USAGE;
    nn_train_config cfg;
    build_config(a, arch_name, &cfg);

    int rc = DP_EXIT_USAGE;
    nn_dataset train = {0}, test = {0}, held = {0};
    nn_model *m = NULL;
    nn_trainer *t = NULL;
    pen_run pen;
    memset(&pen, 0, sizeof pen);
    char mnist[4200];
    const char *dir = dp_mnist_dir(a->data_dir, mnist, sizeof mnist);
    if (nn_mnist_load(&train, dir, NN_MNIST_TRAIN, &err) != NN_OK ||
        nn_mnist_load(&test, dir, NN_MNIST_TEST, &err) != NN_OK) {
        rc = dp_fail(&err);
        goto done;
    }
    size_t n_full = train.n;
    if (a->holdout > 0) {
        /* A copy, not a view: the drawings added below may move train's arrays. */
        if (a->holdout >= train.n) {
            dp_errorf("--holdout %zu: leaves no training image (MNIST has %zu)", a->holdout,
                      train.n);
            goto done;
        }
        const size_t px = (size_t)train.rows * (size_t)train.cols;
        const size_t first = train.n - a->holdout;
        if (nn_dataset_alloc(&held, a->holdout, train.rows, train.cols, &err) != NN_OK) {
            rc = dp_fail(&err);
            goto done;
        }
        memcpy(held.images, train.images + first * px, a->holdout * px);
        memcpy(held.labels, train.labels + first, a->holdout);
        train.n = first;
    }
    if (a->limit > 0 && a->limit < train.n)
        train.n = a->limit; /* the first N images; the arrays stay owned as loaded */
    size_t n_mnist = train.n;
    if (a->redrawn > 0.0) {
        /* Before the drawn shapes, so only MNIST's own digits are redrawn. */
        size_t nr = (size_t)(a->redrawn * (double)n_mnist + 0.5);
        double t0 = dp_now();
        if (dp_synth_redraw(&train, n_mnist, nr, cfg.seed ^ 0x3e9a51c07d4b2f68ull, &err) != NN_OK) {
            rc = dp_fail(&err);
            goto done;
        }
        printf("redrew %zu training digits with the pen (%.1f s)\n", nr, dp_now() - t0);
    }
    if (a->shapes > 0.0 || a->drawn_styles > 0.0) {
        /* A seed of its own, mixed from the training seed: never the test
         * sets' DP_SYNTH_TEST_SEED stream. */
        size_t ns = (size_t)(a->shapes * (double)n_mnist + 0.5);
        size_t nd = (size_t)(a->drawn_styles * (double)n_mnist + 0.5);
        double t0 = dp_now();
        if (dp_synth_extend(&train, ns, nd, cfg.seed ^ 0x6b1d5e7a3c2f9081ull, &err) != NN_OK) {
            rc = dp_fail(&err);
            goto done;
        }
        printf("drew %zu non-digit shapes and %zu styled digits to train on (%.1f s)\n", ns, nd,
               dp_now() - t0);
    }

    if (a->pen) {
        /* its own seed again: the brush widths are not the shapes' stream */
        int prc = add_pen(a, &train, cfg.seed ^ 0x51f0c2a94e7d3b16ull, &pen);
        if (prc != 0) {
            rc = prc;
            goto done;
        }
    }

    m = nn_model_create(&arch, &err);
    if (!m) {
        rc = dp_fail(&err);
        goto done;
    }
    nn_model_init_params(m, cfg.init, cfg.seed);
    t = nn_trainer_create(m, &cfg, train.n, &err);
    if (!t) {
        rc = dp_fail(&err);
        goto done;
    }

    char spec[512];
    nn_arch_format(&arch, spec, sizeof spec);
    printf("training %s (%zu parameters) on %zu of %zu MNIST images from %s%s\n", spec,
           nn_model_param_count(m), n_mnist, n_full, dir,
           train.n > n_mnist ? " and the drawings above" : "");
    char threads[48];
    snprintf(threads, sizeof threads, "%d thread%s%s", effective_threads(cfg.threads),
             effective_threads(cfg.threads) == 1 ? "" : "s", cfg.threads > 0 ? "" : " (all cores)");
    char skip[64] = "";
    if (cfg.skip_easy > 0.0f)
        snprintf(skip, sizeof skip, ", no backward pass within %g of the targets",
                 (double)cfg.skip_easy);
    printf("recipe: %d epoch%s, batch %zu, %s lr %g (%s), weight decay %g, %s loss\n"
           "        seed %" PRIu64 ", %s, %s%s\n",
           cfg.epochs, cfg.epochs == 1 ? "" : "s", cfg.batch, optimizer_name(cfg.optimizer),
           (double)cfg.lr, schedule_name(cfg.schedule), (double)cfg.weight_decay,
           cfg.loss == NN_LOSS_BCE ? "bce" : "mse", cfg.seed,
           cfg.augment ? "augmented" : "no augmentation", threads, skip);
    dp_print_kernels(stdout);
    fflush(stdout);

    dp_progress prog;
    dp_progress_init(&prog, stderr);
    double train_s = 0.0, kept_before = 0.0;
    nn_eval ev;
    memset(&ev, 0, sizeof ev);
    dp_calibration cal;
    const int calibrate = arch.in_c == 1 && arch.in_h == INK_SIDE && arch.in_w == INK_SIDE;
    for (int e = 0; e < cfg.epochs; e++) {
        double t0 = dp_now();
        float loss = 0.0f;
        nn_status st = nn_train_epoch(t, &train, e, dp_progress_cb, &prog, &loss, &err);
        double t1 = dp_now();
        train_s += t1 - t0;
        dp_progress_clear(&prog);
        if (st == NN_EDIVERGED) {
            fflush(stdout);
            dp_errorf("%s; %s was not written", err.msg, out);
            rc = DP_EXIT_TRAIN;
            goto done;
        }
        if (st != NN_OK) {
            rc = dp_fail(&err);
            goto done;
        }
        /* After the last epoch one pass over the test set serves both the
         * accuracy and the threshold calibration (issue 13: the tail of a
         * run must stay small beside an epoch). */
        const int last = e == cfg.epochs - 1;
        nn_eval hev;
        memset(&hev, 0, sizeof hev);
        if (held.n > 0) {
            /* The held-out images every epoch; the test set only at the end. */
            int hrc = eval_status(nn_evaluate(m, &held, cfg.threads, &hev, &err), &err, out);
            if (hrc) {
                rc = hrc;
                goto done;
            }
            if (!last) {
                double t2 = dp_now();
                printf("epoch %*d/%d  loss %.4f  held-out accuracy %6.2f%% (%zu/%zu)  "
                       "epoch %.1f s (%.0f samples/s), held-out %.1f s\n",
                       dp_digits(cfg.epochs), e + 1, cfg.epochs, (double)loss,
                       100.0 * hev.accuracy, hev.correct, hev.n, t1 - t0,
                       (t1 > t0) ? (double)train.n / (t1 - t0) : 0.0, t2 - t1);
                print_backward_share(t, &cfg, e, train.n, &kept_before);
                fflush(stdout);
                continue;
            }
        }
        nn_status est = last && calibrate
                            ? dp_calibrate_ex(m, &test, -1.0, DP_CALIB_SCRIBBLES_TRAIN,
                                              test.n < DP_CALIB_REDRAWN_TRAIN
                                                  ? test.n
                                                  : DP_CALIB_REDRAWN_TRAIN,
                                              cfg.threads, &cal, &ev, &err)
                            : nn_evaluate(m, &test, cfg.threads, &ev, &err);
        int erc = eval_status(est, &err, out);
        if (erc) {
            rc = erc;
            goto done;
        }
        double t2 = dp_now();
        if (held.n > 0)
            printf("epoch %*d/%d  loss %.4f  held-out accuracy %6.2f%% (%zu/%zu)\n",
                   dp_digits(cfg.epochs), e + 1, cfg.epochs, (double)loss, 100.0 * hev.accuracy,
                   hev.correct, hev.n);
        printf("epoch %*d/%d  loss %.4f  test accuracy %6.2f%% (%zu/%zu)  "
               "epoch %.1f s (%.0f samples/s), test %.1f s%s\n",
               dp_digits(cfg.epochs), e + 1, cfg.epochs, (double)loss, 100.0 * ev.accuracy,
               ev.correct, ev.n, t1 - t0, (t1 > t0) ? (double)train.n / (t1 - t0) : 0.0,
               t2 - t1, last && calibrate ? " (with the threshold calibration)" : "");
        print_backward_share(t, &cfg, e, train.n, &kept_before);
        fflush(stdout);
    }

    if (failed_run(&ev, cfg.lr, out)) {
        rc = DP_EXIT_TRAIN;
        goto done;
    }
    if (write_metadata(m, a, &cfg, n_mnist, n_full, ev.accuracy, train_s) != 0)
        goto done;
    if (write_training_data(m, a->pen ? &pen : NULL) != 0)
        goto done;
    if (a->pen) {
        char dataset[200];
        snprintf(dataset, sizeof dataset, "%s+%s",
                 n_mnist < n_full ? nn_model_meta_get(m, DP_CARD_KEY_DATASET) : "mnist",
                 pen.sources);
        if (set_meta(m, DP_CARD_KEY_DATASET, dataset) != 0 ||
            write_pen_metadata(m, a, &pen, train.n) != 0)
            goto done;
    }
    if (a->shapes > 0.0 || a->drawn_styles > 0.0) {
        char buf[32];
        snprintf(buf, sizeof buf, "%g", a->shapes);
        if (set_meta(m, "shapes", buf) != 0)
            goto done;
        snprintf(buf, sizeof buf, "%g", a->drawn_styles);
        if (set_meta(m, "drawn_styles", buf) != 0)
            goto done;
    }
    if (a->redrawn > 0.0) {
        char buf[32];
        snprintf(buf, sizeof buf, "%g", a->redrawn);
        if (set_meta(m, "redrawn", buf) != 0)
            goto done;
    }
    if (calibrate) {
        if (write_calibration(m, &cal) != 0)
            goto done;
        printf("unsure threshold %.2f: unsure on %.2f%% of MNIST test images (%.2f%% of the "
               "right answers, %.1f%% of the wrong ones) and %.2f%% of the first %zu redrawn "
               "with the pen (read right: %.2f%%); sure of %.1f%% of %zu scribbles (--eval "
               "draws %d and redraws them all)\n",
               cal.threshold, 100.0 * cal.mnist_unsure, 100.0 * cal.correct_unsure,
               100.0 * cal.wrong_unsure, 100.0 * cal.redrawn_unsure, cal.n_redrawn,
               100.0 * cal.redrawn_accuracy, 100.0 * cal.scribble_sure, cal.n_scribbles,
               DP_CALIB_SCRIBBLES);
    }
    if (report_pen_fold(a, m, &pen, calibrate ? cal.threshold : dp_card_threshold(m, NULL), m) !=
        0)
        goto done;
    if (nn_model_save(m, out, &err) != NN_OK) {
        rc = dp_fail(&err);
        goto done;
    }
    double wall_s = dp_now() - t_start;
    char wall[48];
    if (wall_s < 60) {
        snprintf(wall, sizeof wall, "%.1f s", wall_s);
    } else {
        char d[32];
        dp_format_duration(wall_s, d, sizeof d);
        snprintf(wall, sizeof wall, "%s (%.0f s)", d, wall_s);
    }
    printf("saved %s (test accuracy %.2f%%)\n", out, 100.0 * ev.accuracy);
    printf("wall time %s, training %.1f s, peak memory %.0f MB\n", wall, train_s, peak_rss_mb());
    rc = DP_EXIT_OK;
    if (a->min_accuracy >= 0 && ev.accuracy < a->min_accuracy) {
        fflush(stdout);
        dp_errorf("test accuracy %.4f is below --min-accuracy %.4f (the model was saved anyway)",
                  ev.accuracy, a->min_accuracy);
        rc = DP_EXIT_BELOW;
    }

done:
    pen_run_free(&pen);
    nn_trainer_free(t);
    nn_model_free(m);
    nn_dataset_free(&train);
    nn_dataset_free(&test);
    nn_dataset_free(&held);
    return rc;
}
