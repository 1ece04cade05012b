/* cli_train.c — `digitpad --train`: load MNIST, train with a preset's recipe
 * (overridden by flags), report each epoch's test accuracy, and save the
 * model with metadata saying exactly how it was made. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <inttypes.h>
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
    nn_dataset train = {0}, test = {0};
    nn_model *m = NULL;
    nn_trainer *t = NULL;
    char mnist[4200];
    const char *dir = dp_mnist_dir(a->data_dir, mnist, sizeof mnist);
    if (nn_mnist_load(&train, dir, NN_MNIST_TRAIN, &err) != NN_OK ||
        nn_mnist_load(&test, dir, NN_MNIST_TEST, &err) != NN_OK) {
        rc = dp_fail(&err);
        goto done;
    }
    size_t n_full = train.n;
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
    printf("recipe: %d epoch%s, batch %zu, %s lr %g (%s), weight decay %g, %s loss\n"
           "        seed %" PRIu64 ", %s, %s\n",
           cfg.epochs, cfg.epochs == 1 ? "" : "s", cfg.batch, optimizer_name(cfg.optimizer),
           (double)cfg.lr, schedule_name(cfg.schedule), (double)cfg.weight_decay,
           cfg.loss == NN_LOSS_BCE ? "bce" : "mse", cfg.seed,
           cfg.augment ? "augmented" : "no augmentation", threads);
    dp_print_kernels(stdout);
    fflush(stdout);

    dp_progress prog;
    dp_progress_init(&prog, stderr);
    double train_s = 0.0;
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
        nn_status est = last && calibrate
                            ? dp_calibrate_ex(m, &test, -1.0, DP_CALIB_SCRIBBLES_TRAIN,
                                              test.n < DP_CALIB_REDRAWN_TRAIN
                                                  ? test.n
                                                  : DP_CALIB_REDRAWN_TRAIN,
                                              cfg.threads, &cal, &ev, &err)
                            : nn_evaluate(m, &test, cfg.threads, &ev, &err);
        if (est == NN_ENOANSWER) { /* finite weights, NaN outputs: a failed run */
            fflush(stdout);
            dp_errorf("training failed: %s; %s was not written", err.msg, out);
            rc = DP_EXIT_TRAIN;
            goto done;
        }
        if (est != NN_OK) {
            rc = dp_fail(&err);
            goto done;
        }
        double t2 = dp_now();
        printf("epoch %*d/%d  loss %.4f  test accuracy %6.2f%% (%zu/%zu)  "
               "epoch %.1f s (%.0f samples/s), test %.1f s%s\n",
               dp_digits(cfg.epochs), e + 1, cfg.epochs, (double)loss, 100.0 * ev.accuracy,
               ev.correct, ev.n, t1 - t0, (t1 > t0) ? (double)train.n / (t1 - t0) : 0.0,
               t2 - t1, last && calibrate ? " (with the threshold calibration)" : "");
        fflush(stdout);
    }

    if (failed_run(&ev, cfg.lr, out)) {
        rc = DP_EXIT_TRAIN;
        goto done;
    }
    if (write_metadata(m, a, &cfg, n_mnist, n_full, ev.accuracy, train_s) != 0)
        goto done;
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
    nn_trainer_free(t);
    nn_model_free(m);
    nn_dataset_free(&train);
    nn_dataset_free(&test);
    return rc;
}
