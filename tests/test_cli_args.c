/* test_cli_args.c — the command-line parser (app/cli/args.c) on its own: strict
 * numbers, defaults that mean "use the preset", modes, and every kind of
 * usage error, without running digitpad. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>

#include "args.h"
#include "modelcard.h"
#include "paths.h"
#include "threads.h"
#include "testutil.h"

/* Parses a NULL-terminated list of arguments (argv[0] is added). */
#define PARSE(a, err, ...) parse_list((a), (err), (const char *[]){"digitpad", __VA_ARGS__, NULL})

static int parse_list(dp_args *a, char *err, const char **list)
{
    int argc = 0;
    while (list[argc])
        argc++;
    int rc = dp_parse_args(argc, (char **)list, a, err, 256);
    return rc;
}

static void test_numbers(void)
{
    long l = -7;
    double d = -7;
    CHECK(dp_parse_long("42", 1, 100, &l) == 0 && l == 42);
    CHECK(dp_parse_long("1", 1, 100, &l) == 0 && l == 1);
    CHECK(dp_parse_long("100", 1, 100, &l) == 0 && l == 100);
    CHECK(dp_parse_long("0", 1, 100, &l) != 0);
    CHECK(dp_parse_long("101", 1, 100, &l) != 0);
    CHECK(dp_parse_long("1e3", 1, 10000, &l) != 0);
    CHECK(dp_parse_long("12x", 1, 100, &l) != 0);
    CHECK(dp_parse_long("", 1, 100, &l) != 0);
    CHECK(dp_parse_long(" 5", 1, 100, &l) != 0);
    CHECK(dp_parse_long("5 ", 1, 100, &l) != 0);
    CHECK(dp_parse_long("-", -5, 5, &l) != 0);
    CHECK(dp_parse_long("2.0", 1, 100, &l) != 0);
    CHECK(dp_parse_long("99999999999999999999999", 1, 100, &l) != 0);
    CHECK(dp_parse_long("-3", -5, 5, &l) == 0 && l == -3);

    CHECK(dp_parse_double("0.001", 0, 1, &d) == 0 && d == 0.001);
    CHECK(dp_parse_double("1e-3", 0, 1, &d) == 0 && d == 1e-3);
    CHECK(dp_parse_double(".5", 0, 1, &d) == 0 && d == 0.5);
    /* the one threshold rule: a number strictly between 0 and 1, nothing after */
    CHECK(dp_card_parse_threshold("0.69", &d) == 0 && d == 0.69);
    CHECK(dp_card_parse_threshold("1", &d) == -1);
    CHECK(dp_card_parse_threshold("0", &d) == -1);
    CHECK(dp_card_parse_threshold("0.3abc", &d) == -1);
    CHECK(dp_card_parse_threshold("nan", &d) == -1);
    CHECK(dp_card_parse_threshold("inf", &d) == -1);
    CHECK(dp_card_parse_threshold(" 0.5", &d) == -1);
    CHECK(dp_card_parse_threshold("", &d) == -1);
    CHECK(dp_card_parse_threshold(NULL, &d) == -1);
    CHECK(dp_parse_double("1.5", 0, 1, &d) != 0);
    CHECK(dp_parse_double("nan", 0, 1, &d) != 0);
    CHECK(dp_parse_double("inf", 0, 1e300, &d) != 0);
    CHECK(dp_parse_double("1e999", 0, 1e300, &d) != 0);
    CHECK(dp_parse_double("0x1p-3", 0, 1, &d) != 0);
    CHECK(dp_parse_double("0.5abc", 0, 1, &d) != 0);
    CHECK(dp_parse_double("", 0, 1, &d) != 0);
}

static void test_defaults(void)
{
    dp_args a;
    char err[256];
    CHECK(PARSE(&a, err, "--train") == 0);
    CHECK(a.mode == DP_MODE_TRAIN);
    CHECK(a.arch == NULL && a.epochs == 0 && a.batch == 0 && a.lr < 0);
    CHECK(a.optimizer == -1 && a.schedule == -1 && a.weight_decay < 0);
    CHECK(!a.have_seed && !a.augment && a.limit == 0 && a.threads == -1);
    CHECK(a.min_accuracy < 0 && a.out == NULL && a.data_dir == NULL);
    dp_args_free(&a);

    const char *none[] = {"digitpad", NULL};
    CHECK(dp_parse_args(1, (char **)none, &a, err, sizeof err) == 0);
    CHECK(a.mode == DP_MODE_GUI && a.model == NULL && a.width == 0);
    dp_args_free(&a);
    dp_args_free(&a); /* twice is safe */
}

static void test_train_values(void)
{
    dp_args a;
    char err[256];
    int rc = PARSE(&a, err, "--arch", "mlp", "--epochs", "3", "--batch=32", "--lr", "0.01",
                   "--optimizer", "momentum", "--schedule", "step", "--weight-decay", "0",
                   "--seed", "18446744073709551615", "--threads", "0", "--augment", "--limit",
                   "2000", "--data", "d", "--out", "o.safetensors", "--min-accuracy", "0.98",
                   "--train");
    CHECK(rc == 0);
    if (rc != 0)
        printf("  unexpected error: %s\n", err);
    CHECK(a.mode == DP_MODE_TRAIN);
    CHECK(a.arch && strcmp(a.arch, "mlp") == 0);
    CHECK(a.epochs == 3 && a.batch == 32 && a.lr == 0.01);
    CHECK(a.optimizer == 1 && a.schedule == 1 && a.weight_decay == 0.0);
    CHECK(a.have_seed && a.seed == UINT64_MAX);
    CHECK(a.threads == 0 && a.augment == 1 && a.limit == 2000);
    CHECK(strcmp(a.data_dir, "d") == 0 && strcmp(a.out, "o.safetensors") == 0);
    CHECK(a.min_accuracy == 0.98);
    dp_args_free(&a);

    rc = PARSE(&a, err, "--train", "--elastic", "34");
    CHECK(rc == 0 && a.elastic == 34.0 && a.augment == 0);
    dp_args_free(&a);
}

static void test_other_modes(void)
{
    dp_args a;
    char err[256];
    CHECK(PARSE(&a, err, "--predict", "a.pgm", "--model", "m", "b.bmp", "--", "--c.pgm") == 0);
    CHECK(a.mode == DP_MODE_PREDICT && a.n_images == 3);
    if (a.n_images == 3)
        CHECK(strcmp(a.images[0], "a.pgm") == 0 && strcmp(a.images[2], "--c.pgm") == 0);
    CHECK(a.model && strcmp(a.model, "m") == 0);
    dp_args_free(&a);

    CHECK(PARSE(&a, err, "--predict-strokes", "dev.txt") == 0);
    CHECK(a.mode == DP_MODE_PREDICT_STROKES && strcmp(a.strokes_path, "dev.txt") == 0);
    dp_args_free(&a);

    CHECK(PARSE(&a, err, "--size", "1280x800", "--model", "x", "--script", "s") == 0);
    CHECK(a.mode == DP_MODE_GUI && a.width == 1280 && a.height == 800);
    dp_args_free(&a);

    CHECK(PARSE(&a, err, "-h") == 0 && a.mode == DP_MODE_HELP);
    dp_args_free(&a);
    CHECK(PARSE(&a, err, "--version") == 0 && a.mode == DP_MODE_VERSION);
    dp_args_free(&a);
    CHECK(PARSE(&a, err, "--eval", "--threads", "2", "--data", "d") == 0);
    CHECK(a.mode == DP_MODE_EVAL && a.threads == 2);
    dp_args_free(&a);
}

/* Each must fail, and the message must mention `needle`. */
static void expect_error(const char *needle, const char **list)
{
    dp_args a;
    char err[256] = "";
    int rc = parse_list(&a, err, list);
    CHECK(rc != 0);
    CHECK(strstr(err, needle) != NULL);
    CHECK(strchr(err, '\n') == NULL);
    if (rc == 0 || !strstr(err, needle))
        printf("  args starting '%s': got \"%s\", wanted \"%s\"\n", list[1], err, needle);
    dp_args_free(&a);
}
#define ERR(needle, ...) expect_error((needle), (const char *[]){"digitpad", __VA_ARGS__, NULL})

static void test_errors(void)
{
    ERR("unknown option '--bogus'", "--bogus");
    ERR("unknown option '--train-fast'", "--train-fast=3");
    ERR("--epochs", "--train", "--epochs", "0");
    ERR("--epochs", "--train", "--epochs", "1e3");
    ERR("--epochs needs a value", "--train", "--epochs");
    ERR("--out needs a value", "--train", "--out", "--epochs", "3");
    ERR("--batch", "--train", "--batch", "0");
    ERR("--lr", "--train", "--lr", "-1");
    ERR("--threads", "--train", "--threads", "1000");
    ERR("--min-accuracy", "--train", "--min-accuracy", "1.5");
    ERR("--limit", "--train", "--limit", "0");
    ERR("--seed", "--train", "--seed", "-1");
    ERR("--optimizer", "--train", "--optimizer", "Adam");
    ERR("given twice", "--train", "--seed", "1", "--seed", "2");
    ERR("cannot be used together", "--train", "--eval");
    ERR("cannot be used together", "--predict-strokes", "f", "--predict", "x");
    ERR("--out cannot be used with --eval", "--eval", "--out", "x");
    ERR("--model cannot be used with --train", "--train", "--model", "x");
    ERR("--epochs needs --train", "--epochs", "2");
    ERR("--augment takes no value", "--train", "--augment=1");
    ERR("--help takes no value", "--help=x");
    ERR("at least one image", "--predict", "--model", "m");
    ERR("unexpected argument 'x.pgm'", "--eval", "x.pgm");
    /* One positional file opens the window with it, as --model does. */
    {
        dp_args a;
        char e[256];
        CHECK(PARSE(&a, e, "m.safetensors") == 0 && a.mode == DP_MODE_GUI && a.model &&
              strcmp(a.model, "m.safetensors") == 0 && a.n_images == 0);
        dp_args_free(&a);
    }
    ERR("'m.safetensors' and --model both name a model", "m.safetensors", "--model", "x");
    ERR("'m.safetensors' and --shipped-model both name a model", "--shipped-model",
        "m.safetensors");
    /* issue 26 row 9: --model silently won */
    ERR("--model and --shipped-model both name a model; give one", "--shipped-model", "--model",
        "m.safetensors");
    ERR("--model and --shipped-model both name a model; give one", "--predict", "a.pgm",
        "--model", "m.safetensors", "--shipped-model");
    ERR("unexpected argument 'a.safetensors'", "a.safetensors", "b.safetensors");
    ERR("unexpected argument 'notes.txt'", "notes.txt");
    ERR("--size", "--size", "100000x3");
    ERR("--size", "--size", "640x");
    ERR("--elastic", "--train", "--elastic", "101");
    ERR("--elastic needs --train", "--elastic", "34");
    /* A control character in a quoted argument is shown as '?' (fuzz_args). */
    ERR("unknown option '--a?b?[2J'", "--a\nb\x1b[2J");
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* paths.c: the shipped font is found from the build tree, a missing file is
 * not, and the user's data directory follows the environment and exists. */
static void test_paths(void)
{
    char buf[4096], err[256];
    CHECK(dp_find_data_file("fonts/" DP_FONT_NAME, buf, sizeof buf) == 0);
    CHECK(strstr(buf, "fonts/" DP_FONT_NAME) != NULL);
    CHECK(dp_find_data_file("fonts/no-such-file.ttf", buf, sizeof buf) == -1);
    CHECK(dp_find_data_file("fonts", buf, sizeof buf) == -1); /* a directory is not a file */
    CHECK(dp_find_data_file("fonts/" DP_FONT_NAME, buf, 8) == -1); /* too small a buffer */

    char base[1024];
    snprintf(base, sizeof base, "%s", test_tmpdir());
    char want[2048];
    snprintf(want, sizeof want, "%s/home/a/b", base);
    setenv("DIGITPAD_HOME", want, 1);
    CHECK(dp_user_data_dir(buf, sizeof buf, err, sizeof err) == 0);
    CHECK(strcmp(buf, want) == 0);
    CHECK(is_dir(want));

    unsetenv("DIGITPAD_HOME");
    snprintf(want, sizeof want, "%s/xdg", base);
    setenv("XDG_DATA_HOME", want, 1);
    CHECK(dp_user_data_dir(buf, sizeof buf, err, sizeof err) == 0);
    strcat(want, "/digitpad");
    CHECK(strcmp(buf, want) == 0);
    CHECK(is_dir(want));

    unsetenv("XDG_DATA_HOME");
    snprintf(want, sizeof want, "%s/user", base);
    setenv("HOME", want, 1);
    CHECK(dp_user_data_dir(buf, sizeof buf, err, sizeof err) == 0);
    strcat(want, "/.local/share/digitpad");
    CHECK(strcmp(buf, want) == 0);
    CHECK(is_dir(want));

    /* A regular file where the directory should be is an error, not a crash. */
    snprintf(want, sizeof want, "%s/file", base);
    FILE *f = fopen(want, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    strcat(want, "/sub");
    setenv("DIGITPAD_HOME", want, 1);
    CHECK(dp_user_data_dir(buf, sizeof buf, err, sizeof err) == -1);
    CHECK(strstr(err, "file") != NULL);
}

/* --pen and its settings (issue 27): values, defaults, and errors. */
static void test_pen_flags(void)
{
    dp_args a;
    char err[256];
    CHECK(PARSE(&a, err, "--train") == 0);
    CHECK(a.pen == NULL && a.pen_copies == 0 && a.pen_fold == 0 && a.pen_folds == 0 &&
          a.pen_drop == NULL);
    dp_args_free(&a);
    CHECK(PARSE(&a, err, "--train", "--pen", "a.txt.gz,b.txt", "--pen-copies", "4",
                "--pen-fold", "2/3", "--pen-drop", "drop.txt") == 0);
    CHECK(a.pen && strcmp(a.pen, "a.txt.gz,b.txt") == 0 && a.pen_copies == 4 &&
          a.pen_fold == 2 && a.pen_folds == 3 && strcmp(a.pen_drop, "drop.txt") == 0);
    dp_args_free(&a);
    CHECK(PARSE(&a, err, "--predict-strokes", "a.txt,b.txt", "--pen-test") == 0);
    CHECK(a.pen_test == 1 && strcmp(a.strokes_path, "a.txt,b.txt") == 0);
    dp_args_free(&a);

    ERR("--pen needs a value", "--train", "--pen");
    ERR("--pen needs a strokes file", "--train", "--pen=");
    ERR("--pen-copies: '0'", "--train", "--pen", "x", "--pen-copies", "0");
    ERR("--pen-copies: '17'", "--train", "--pen", "x", "--pen-copies", "17");
    ERR("--pen-copies: '2.5'", "--train", "--pen", "x", "--pen-copies", "2.5");
    ERR("--pen-fold: '3'", "--train", "--pen", "x", "--pen-fold", "3");
    ERR("--pen-fold: '0/3'", "--train", "--pen", "x", "--pen-fold", "0/3");
    ERR("--pen-fold: '4/3'", "--train", "--pen", "x", "--pen-fold", "4/3");
    ERR("--pen-fold: '1/1'", "--train", "--pen", "x", "--pen-fold", "1/1");
    ERR("--pen-fold: '1/21'", "--train", "--pen", "x", "--pen-fold", "1/21");
    ERR("--pen-fold: '/3'", "--train", "--pen", "x", "--pen-fold", "/3");
    ERR("--pen-fold: '+1/3'", "--train", "--pen", "x", "--pen-fold", "+1/3");
    ERR("--pen-copies needs --pen", "--train", "--pen-copies", "2");
    ERR("--pen-fold needs --pen", "--train", "--pen-fold", "1/3");
    ERR("--pen-drop needs --pen", "--train", "--pen-drop", "d.txt");
    ERR("--pen cannot be used with --eval", "--eval", "--pen", "x");
    ERR("--pen-test cannot be used with --train", "--train", "--pen-test");
    ERR("--pen given twice", "--train", "--pen", "x", "--pen", "y");
}

/* Threads this process has now (its /proc/self/task entries), -1 if unknown. */
static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* dp_threads_clamp starts the calling thread's OpenMP team only when asked:
 * the window asks not to, because an idle team on its UI thread made
 * libgomp stop spinning at the background trainer's barriers (its two
 * threads then slept and woke at every step: the window trained 15-25%
 * slower than the command line, bench/window_sps.sh).  Runs first, before
 * anything in this process has started a team. */
static void *no_op(void *arg)
{
    return arg;
}

static void test_threads_team(void)
{
    /* A thread made and joined first: a sanitizer's runtime may start its
     * own helper thread at the process's first pthread_create (TSan does),
     * which would otherwise be counted as the team's. */
    pthread_t t;
    if (pthread_create(&t, NULL, no_op, NULL) == 0)
        pthread_join(t, NULL);
    const int before = thread_count();
    int threads = 2;
    char note[256];
    const int n = dp_threads_clamp(&threads, 0, note, sizeof note);
    CHECK(n >= 1);
    CHECK(before < 0 || thread_count() == before); /* no team started */
    threads = 2;
    const int m = dp_threads_clamp(&threads, 1, note, sizeof note);
    /* asked: the team's other threads exist now (none on a 1-thread run;
     * an OpenMP runtime may add a helper of its own, hence at least) */
    CHECK(before < 0 || thread_count() >= before + (m - 1));
}

int main(void)
{
    test_threads_team();
    test_paths();
    test_numbers();
    test_defaults();
    test_train_values();
    test_other_modes();
    test_errors();
    test_pen_flags();
    return test_finish("cli_args");
}
