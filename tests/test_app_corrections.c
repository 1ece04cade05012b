/* test_app_corrections.c — the corrections store (app/train/corrections.h): ids
 * unique across processes (two forked writers into one file, issue 18 row
 * 5), the image written before the strokes line and nothing left behind on
 * failure, reloading, and the snapshot the trainer copies; hostile files
 * (issue 26 rows 4-6: a FIFO, a link to /dev/zero, a 5 MB line) and a
 * loader stuck in a read, which freeing the store does not wait for; the
 * images and temporary files a killed writer left (issue 26 row 10), and
 * a data directory deleted while the store is open (row 11). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "corrections.h"
#include "ink.h"

/* A vertical bar, shifted by k so each drawing differs a little. */
static void one(ink_drawing *d, int k)
{
    ink_drawing_init(d);
    ink_stroke_begin(d);
    for (int i = 0; i <= 10; i++)
        ink_stroke_add(d, 450.0f + (float)(k % 7) * 10.0f, 150.0f + 70.0f * (float)i);
}

static int count_files(const char *dir, const char *prefix, const char *suffix)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && l > sl &&
            strcmp(e->d_name + l - sl, suffix) == 0)
            n++;
    }
    closedir(dp);
    return n;
}

/* A store in the new directory dir/name (its path in path); NULL (and a
 * failed check) if it cannot be made. */
static dp_corrections *store_in(const char *dir, const char *name, char *sub, size_t sublen,
                                char *path, size_t pathlen)
{
    char err[512];
    snprintf(sub, sublen, "%s/%s", dir, name);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, pathlen, "%s/corrections.strokes", sub);
    dp_corrections *c = dp_corrections_open(path, err, sizeof err);
    CHECK(c != NULL);
    return c;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A start line for forked writers.  dp_corrections_open loads what the
 * file already holds, so a child that opens after its sibling's first
 * append starts with the sibling's lines (on a busy machine it did: 11
 * lines where 0 were expected).  Each child opens its store, says so on
 * `ready`, and waits on `go` until the parent has heard from every child;
 * only then does any child write. */
typedef struct {
    int ready[2], go[2];
} start_line;

static int start_line_init(start_line *s)
{
    if (pipe(s->ready) != 0)
        return -1;
    if (pipe(s->go) != 0) {
        close(s->ready[0]);
        close(s->ready[1]);
        return -1;
    }
    return 0;
}

/* In a child, after its open: report in, then wait for the start. */
static void start_line_wait(start_line *s)
{
    char b = 'r';
    close(s->ready[0]);
    close(s->go[1]);
    if (write(s->ready[1], &b, 1) != 1)
        fprintf(stderr, "start line: child %d could not report in\n", (int)getpid());
    close(s->ready[1]);
    /* EOF on `go` is the start: the parent closes its end. */
    while (read(s->go[0], &b, 1) > 0)
        ;
    close(s->go[0]);
}

/* In the parent, after forking n children: wait for each, then start all.
 * Returns how many reported in (fewer if a child died before its open). */
static int start_line_release(start_line *s, int n)
{
    close(s->ready[1]);
    close(s->go[0]);
    int got = 0;
    char b;
    while (got < n && read(s->ready[0], &b, 1) == 1)
        got++;
    close(s->ready[0]);
    close(s->go[1]);
    return got;
}

/* Two processes store 10 drawings each into one file at the same time. */
static void test_two_processes(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/two/corrections.strokes", dir);
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/two", dir);
    CHECK(mkdir(sub, 0755) == 0);
    pid_t kids[2];
    start_line sl;
    CHECK(start_line_init(&sl) == 0);
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            char err[512] = "";
            dp_corrections *c = dp_corrections_open(path, err, sizeof err);
            start_line_wait(&sl);
            int bad = !c;
            if (!c)
                fprintf(stderr, "two_processes child %d: open failed: %s\n", k, err);
            for (int i = 0; i < 10 && c; i++) {
                ink_drawing d;
                one(&d, i);
                int got = dp_corrections_add(c, &d, k, err, sizeof err);
                if (got != i + 1) {
                    fprintf(stderr, "two_processes child %d: add %d returned %d, expected %d (%s)\n",
                            k, i, got, i + 1, err);
                    bad = 1;
                }
                ink_drawing_free(&d);
            }
            dp_corrections_free(c);
            _exit(bad);
        }
        CHECK(kids[k] > 0);
    }
    CHECK(start_line_release(&sl, 2) == 2);
    for (int k = 0; k < 2; k++) {
        int st = -1;
        CHECK(waitpid(kids[k], &st, 0) == kids[k] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* 20 lines, 20 distinct ids, 20 images, each image named by a line. */
    ink_sample *s = NULL;
    size_t n = 0;
    char err[512];
    CHECK(ink_read_file(path, &s, &n, err, sizeof err) == 0);
    CHECK(n == 20);
    CHECK(count_files(sub, "corrections-user-", ".pgm") == 20);
    char *ids[20];
    size_t m = n < 20 ? n : 20, per[2] = {0, 0};
    for (size_t i = 0; i < m; i++) {
        ids[i] = s[i].id;
        if (s[i].label == 0 || s[i].label == 1)
            per[s[i].label]++;
        char pgm[1200];
        snprintf(pgm, sizeof pgm, "%s/corrections-%s.pgm", sub, s[i].id);
        CHECK(access(pgm, R_OK) == 0);
    }
    CHECK(per[0] == 10 && per[1] == 10);
    qsort(ids, m, sizeof ids[0], cmp_str);
    int dup = 0;
    for (size_t i = 1; i < m; i++)
        dup |= strcmp(ids[i - 1], ids[i]) == 0;
    CHECK(!dup);
    ink_samples_free(s, n);
    /* A new store loads all of them. */
    dp_corrections *c = dp_corrections_open(path, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        size_t total = 0, count[10];
        dp_corrections_counts(c, &total, count, NULL, NULL, 0);
        CHECK(total == 20 && count[0] == 10 && count[1] == 10);
        dp_corrections_free(c);
    }
}

/* The image goes first: where it cannot be written, no line is added. */
static void test_image_first(const char *dir)
{
    char sub[1024], path[1100], err[512];
    dp_corrections *c = store_in(dir, "first", sub, sizeof sub, path, sizeof path);
    if (!c)
        return;
    ink_drawing d;
    one(&d, 0);
    CHECK(dp_corrections_add(c, &d, 3, err, sizeof err) == 1);
    /* A directory where the next image would go: the PGM prefix becomes a
     * path through a file, so the image cannot be created. */
    ink_drawing_free(&d);
    dp_corrections_free(c);
    char blocked[1200];
    snprintf(blocked, sizeof blocked, "%s/blocked", sub);
    FILE *f = fopen(blocked, "w"); /* a file where a directory is needed */
    CHECK(f != NULL);
    if (f)
        fclose(f);
    char strokes[1300], prefix[1300];
    snprintf(strokes, sizeof strokes, "%s/drawings.strokes", sub);
    snprintf(prefix, sizeof prefix, "%s/x-", blocked);
    float input[INK_INPUT_SIZE] = {0};
    one(&d, 1);
    CHECK(dp_store_labelled(strokes, prefix, "", &d, input, 4, NULL, 0, err, sizeof err) == -1);
    CHECK(err[0] != '\0');
    CHECK(access(strokes, F_OK) != 0); /* no line written */
    /* And an unwritable strokes file removes the image again. */
    snprintf(strokes, sizeof strokes, "%s/nodir/drawings.strokes", sub);
    snprintf(prefix, sizeof prefix, "%s/drawing-", sub);
    CHECK(dp_store_labelled(strokes, prefix, "", &d, input, -1, NULL, 0, err, sizeof err) == -1);
    CHECK(count_files(sub, "drawing-", ".pgm") == 0);
    /* It works with '?' as the label and reports the id it used. */
    snprintf(strokes, sizeof strokes, "%s/drawings.strokes", sub);
    char id[128] = "";
    CHECK(dp_store_labelled(strokes, prefix, "", &d, input, -1, id, sizeof id, err, sizeof err) ==
          0);
    char pgm[1500];
    snprintf(pgm, sizeof pgm, "%s%s.pgm", prefix, id);
    CHECK(id[0] != '\0' && access(pgm, R_OK) == 0);
    size_t len = 0;
    char *text = test_read_file(strokes, &len);
    CHECK(text && strncmp(text, "? ", 2) == 0 && strstr(text, id) != NULL);
    free(text);
    ink_drawing_free(&d);
}

/* Memory-only store, bad input, the snapshot. */
static void test_memory(void)
{
    char err[512];
    dp_corrections *c = dp_corrections_open(NULL, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(dp_corrections_path(c) == NULL);
    ink_drawing d, empty;
    one(&d, 2);
    ink_drawing_init(&empty);
    CHECK(dp_corrections_add(c, &empty, 3, err, sizeof err) == -1);
    CHECK(strcmp(err, "nothing drawn") == 0);
    CHECK(dp_corrections_add(c, &d, 10, err, sizeof err) == -1);
    CHECK(dp_corrections_add(c, &d, -1, err, sizeof err) == -1);
    uint8_t *img = NULL, *lab = NULL;
    size_t n = 99;
    CHECK(dp_corrections_snapshot(c, &img, &lab, &n) == 0 && n == 0 && img && lab);
    free(img);
    free(lab);
    for (int i = 0; i < 70; i++) /* past the first growth (64) */
        CHECK(dp_corrections_add(c, &d, i % 2 ? 7 : 2, err, sizeof err) == i / 2 + 1);
    CHECK(dp_corrections_snapshot(c, &img, &lab, &n) == 0 && n == 70);
    if (n == 70) {
        CHECK(lab[0] == 2 && lab[1] == 7 && lab[69] == 7);
        /* The stored image is the network input, in bytes. */
        float x[INK_INPUT_SIZE];
        uint8_t u[INK_INPUT_SIZE];
        CHECK(ink_preprocess(&d, x) == 1);
        dp_input_to_u8(x, u);
        CHECK(memcmp(img, u, INK_INPUT_SIZE) == 0);
    }
    free(img);
    free(lab);
    ink_drawing_free(&d);
    dp_corrections_free(c);
    dp_corrections_free(NULL);
}

/* The window's background load: returns at once, caps oversized drawings,
 * reports once, and a file that cannot be read leaves the store in memory
 * only without touching the file. */
static void test_background(const char *dir)
{
    char path[1024], err[512], news[600];
    snprintf(path, sizeof path, "%s/bg.strokes", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 30; i++)
        fprintf(f, "%d d%d | 500,150 500,500 %d,850\n", i % 10, i, 480 + i);
    /* One drawing over DP_CORR_MAX_POINTS points. */
    fputs("3 huge |", f);
    for (int i = 0; i <= DP_CORR_MAX_POINTS; i++)
        fprintf(f, " %d,%d", 200 + i % 600, 200 + (i / 600) % 600);
    fputs("\n", f);
    fclose(f);
    dp_corrections *c = dp_corrections_open_background(path, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    int error = -1;
    for (int i = 0; i < 2000 && dp_corrections_loading(c); i++)
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    CHECK(!dp_corrections_loading(c));
    size_t total = 0;
    dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
    CHECK(total == 30);
    CHECK(dp_corrections_report(c, news, sizeof news, &error) == 1 && error == 0);
    CHECK(strstr(news, "30 labelled drawings of yours; 1 drawing over 20000 points") != NULL);
    CHECK(dp_corrections_report(c, news, sizeof news, &error) == 0); /* once */
    CHECK(dp_corrections_path(c) != NULL);
    ink_drawing d;
    one(&d, 3);
    CHECK(dp_corrections_add(c, &d, 8, err, sizeof err) == 4);
    dp_corrections_free(c);
    /* A directory where the file should be: not loaded, memory only. */
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/adir.strokes", dir);
    CHECK(mkdir(sub, 0755) == 0);
    c = dp_corrections_open_background(sub, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        for (int i = 0; i < 2000 && dp_corrections_loading(c); i++)
            nanosleep(&(struct timespec){0, 5000000}, NULL);
        CHECK(dp_corrections_report(c, news, sizeof news, &error) == 1 && error == 1);
        CHECK(strncmp(news, "Corrections not loaded: ", 24) == 0);
        CHECK(dp_corrections_path(c) == NULL);
        CHECK(dp_corrections_add(c, &d, 8, err, sizeof err) == 1);
        CHECK(count_files(dir, "adir-", ".pgm") == 0);
        dp_corrections_free(c);
    }
    /* Freed while loading: the loader stops and is joined. */
    c = dp_corrections_open_background(path, err, sizeof err);
    dp_corrections_free(c);
    ink_drawing_free(&d);
}

/* Undo takes a correction back (dp_corrections_retract) while a second
 * process stores and takes back its own in the same file: each keeps
 * exactly what it did not retract, a fresh open sees the union, and the
 * retracted drawings' images are gone. */
static void test_retract_two_writers(const char *dir)
{
    char sub[1024], path[1100], err[256];
    snprintf(sub, sizeof sub, "%s/retract", dir);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, sizeof path, "%s/corrections.strokes", sub);
    pid_t kids[2];
    start_line sl;
    CHECK(start_line_init(&sl) == 0);
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            dp_corrections *c = dp_corrections_open(path, err, sizeof err);
            start_line_wait(&sl);
            int bad = !c;
            if (!c)
                fprintf(stderr, "retract child %d: open failed: %s\n", k, err);
            char id[DP_CORR_ID_LEN], prev[DP_CORR_ID_LEN] = "";
            /* Process k stores digit k+1 (even i) and k+3 (odd i), taking
             * every odd one back: 10 kept, 10 retracted. */
            for (int i = 0; c && i < 20; i++) {
                ink_drawing d;
                one(&d, i + 7 * k);
                int label = i % 2 ? k + 3 : k + 1;
                if (dp_corrections_add_id(c, &d, label, id, sizeof id, err, sizeof err) < 0) {
                    fprintf(stderr, "retract child %d: add %d failed: %s\n", k, i, err);
                    bad = 1;
                }
                ink_drawing_free(&d);
                if (i % 2 && dp_corrections_retract(c, id, err, sizeof err) != 0) {
                    fprintf(stderr, "retract child %d: retract %d failed: %s\n", k, i, err);
                    bad = 1;
                }
                snprintf(prev, sizeof prev, "%s", id);
            }
            size_t total = 0, count[10] = {0};
            if (c) {
                dp_corrections_counts(c, &total, count, NULL, NULL, 0);
                if (total != 10 || count[k + 1] != 10 || count[k + 3] != 0) {
                    fprintf(stderr, "retract child %d: holds %zu drawings, %zu of digit %d and %zu of "
                            "digit %d (expected 10, 10, 0)\n", k, total, count[k + 1], k + 1,
                            count[k + 3], k + 3);
                    bad = 1;
                }
                /* A second retraction of the same id is refused. */
                if (dp_corrections_retract(c, prev, err, sizeof err) != -1 ||
                    strstr(err, "is not among your corrections") == NULL) {
                    fprintf(stderr, "retract child %d: second retraction of %s not refused as "
                            "expected: %s\n", k, prev, err);
                    bad = 1;
                }
            }
            dp_corrections_free(c);
            _exit(bad);
        }
    }
    CHECK(start_line_release(&sl, 2) == 2);
    for (int k = 0; k < 2; k++) {
        int st = -1;
        CHECK(kids[k] > 0 && waitpid(kids[k], &st, 0) == kids[k]);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    dp_corrections *c = dp_corrections_open(path, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        size_t total = 0, count[10];
        dp_corrections_counts(c, &total, count, NULL, NULL, 0);
        CHECK(total == 20 && count[1] == 10 && count[2] == 10 && count[3] == 0 && count[4] == 0);
        dp_corrections_free(c);
    }
    CHECK(count_files(sub, "corrections-user-", ".pgm") == 20);
    /* The file keeps every line, plus 20 retraction records. */
    size_t len = 0;
    char *text = test_read_file(path, &len);
    int lines = 0, retracts = 0;
    for (char *p = text; p && *p; p++)
        if (*p == '\n') {
            lines++;
            retracts += strncmp(p + 1, "# retract ", 10) == 0;
        }
    retracts += text && strncmp(text, "# retract ", 10) == 0;
    CHECK(lines == 60 && retracts == 20);
    free(text);
    /* A memory-only store takes back too. */
    dp_corrections *m = dp_corrections_open(NULL, err, sizeof err);
    ink_drawing d;
    one(&d, 1);
    char id[DP_CORR_ID_LEN];
    CHECK(m && dp_corrections_add_id(m, &d, 5, id, sizeof id, err, sizeof err) == 1);
    CHECK(m && dp_corrections_retract(m, id, err, sizeof err) == 0);
    size_t total = 9;
    if (m)
        dp_corrections_counts(m, &total, NULL, NULL, NULL, 0);
    CHECK(total == 0);
    ink_drawing_free(&d);
    dp_corrections_free(m);
}

/* ------------------------------------------------ issue 26, rows 4-6 */

/* Waits (at most 10 s) for a background load to end; 1 if it did. */
static int wait_loaded(dp_corrections *c)
{
    for (int i = 0; i < 2000 && dp_corrections_loading(c); i++)
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    return !dp_corrections_loading(c);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Opens path in the background; the report must be "Corrections not
 * loaded: <path>: <want>" and the store memory-only. */
static void refused(const char *path, const char *want)
{
    char err[512], news[900], expect[900];
    dp_corrections *c = dp_corrections_open_background(path, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    int error = 0;
    CHECK(wait_loaded(c));
    CHECK(dp_corrections_report(c, news, sizeof news, &error) == 1 && error == 1);
    snprintf(expect, sizeof expect, "Corrections not loaded: %s: %s", path, want);
    if (strcmp(news, expect) != 0)
        fprintf(stderr, "got:  %s\nwant: %s\n", news, expect);
    CHECK(strcmp(news, expect) == 0);
    CHECK(dp_corrections_path(c) == NULL);
    dp_corrections_free(c);
    /* the synchronous open (the background trainer's) refuses it too */
    c = dp_corrections_open(path, err, sizeof err);
    CHECK(c == NULL && strstr(err, want) != NULL);
    dp_corrections_free(c);
}

static void test_hostile_files(const char *dir)
{
    char path[1024], err[512], news[900];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long before_kb = ru.ru_maxrss;

    /* Row 4: a FIFO never blocks the loader (it blocked in fopen, and
     * quitting joined it forever). */
    snprintf(path, sizeof path, "%s/fifo.strokes", dir);
    CHECK(mkfifo(path, 0644) == 0);
    refused(path, "is a FIFO, not a strokes file");
    /* Row 5: a link to /dev/zero (getline had no cap: 3 GB in 11 s). */
    snprintf(path, sizeof path, "%s/zero.strokes", dir);
    CHECK(symlink("/dev/zero", path) == 0);
    refused(path, "is a character device, not a strokes file");
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld kB before, %ld kB after the FIFO and /dev/zero\n", before_kb,
           ru.ru_maxrss);
    CHECK(ru.ru_maxrss - before_kb < 64 * 1024);

    /* Row 6: one 5 MB line without a newline among 20 good lines, and a
     * retraction after it: the long line is left out, the rest load. */
    snprintf(path, sizeof path, "%s/long.strokes", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        CHECK(f != NULL);
        return;
    }
    for (int i = 0; i < 10; i++)
        fprintf(f, "%d a%d | 500,150 500,500 %d,850\n", i % 10, i, 480 + i);
    for (int i = 0; i < 5 * 1024 * 1024; i++)
        fputc('7', f);
    fputc('\n', f); /* where an append after the cut line starts */
    for (int i = 10; i < 21; i++)
        fprintf(f, "%d a%d | 500,150 500,500 %d,850\n", i % 10, i, 480 + i);
    fputs("# retract a20\n", f);
    CHECK(fclose(f) == 0);
    dp_corrections *c = dp_corrections_open_background(path, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        int error = 0;
        size_t total = 0, skipped = 0;
        CHECK(wait_loaded(c));
        dp_corrections_counts(c, &total, NULL, &skipped, NULL, 0);
        CHECK(total == 20 && skipped == 1);
        CHECK(dp_corrections_report(c, news, sizeof news, &error) == 1 && error == 1);
        char want[1200];
        snprintf(want, sizeof want, "20 labelled drawings of yours; 1 damaged line left out "
                 "(%s:11: line longer than 4 MiB)", path);
        if (strcmp(news, want) != 0)
            fprintf(stderr, "got:  %s\nwant: %s\n", news, want);
        CHECK(strcmp(news, want) == 0);
        CHECK(dp_corrections_path(c) != NULL); /* later labels go to the file */
        dp_corrections_free(c);
    }

    /* A loader stuck in a read (held here through a pipe, as a hung file
     * system would hold it): freeing the store, which quitting the window
     * does, returns within DP_CORR_STOP_MS instead of joining it forever;
     * the loader frees the store itself once its read returns. */
    int hold[2];
    CHECK(pipe(hold) == 0);
    snprintf(path, sizeof path, "%s/bg.strokes", dir);
    dp_corrections_test_hold_loader(hold[0]);
    c = dp_corrections_open_background(path, err, sizeof err);
    CHECK(c != NULL && dp_corrections_loading(c));
    double t0 = now_s();
    dp_corrections_free(c);
    double took = now_s() - t0;
    printf("free with a stuck loader returned after %.0f ms\n", took * 1000);
    CHECK(took < 5.0); /* a bound on a stall, not a speed: 0.5 s expected */
    /* The read returns; the loader closes hold[0] and frees the store.  A
     * moment for it to do so before the test ends (LeakSanitizer would
     * otherwise see the store still allocated). */
    CHECK(close(hold[1]) == 0);
    nanosleep(&(struct timespec){0, 300000000}, NULL);
}

/* ------------------------------------- issue 26: leftovers of crashes */

/* How many corrections-*.pgm in dir are whole 28x28 PGMs (header and
 * pixels). */
static int whole_images(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int n = 0;
    struct dirent *e;
    char path[1400];
    struct stat st;
    while ((e = readdir(dp)) != NULL) {
        size_t l = strlen(e->d_name);
        if (strncmp(e->d_name, "corrections-", 12) == 0 && l > 4 &&
            strcmp(e->d_name + l - 4, ".pgm") == 0 &&
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path &&
            stat(path, &st) == 0 && st.st_size == 13 + INK_INPUT_SIZE)
            n++;
    }
    closedir(dp);
    return n;
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL && fputs("P5\n28 28\n255\n", f) >= 0 && fclose(f) == 0);
}

/* A writer killed between its image and its strokes line (held here in
 * ink_append_sample's flock, which the test holds) leaves an image no
 * line names: kept while the writer lives, removed once it is gone, while
 * images the file names, ids without a pid and our own stay. */
static void test_orphans(const char *dir)
{
    char sub[1024], path[1100], prefix[1100], err[512];
    dp_corrections *c = store_in(dir, "orphans", sub, sizeof sub, path, sizeof path);
    CHECK(dp_corrections_pgm_prefix(path, prefix, sizeof prefix) == 0);
    if (!c)
        return;
    ink_drawing d;
    one(&d, 4);
    CHECK(dp_corrections_add(c, &d, 5, err, sizeof err) == 1); /* ours, named */
    dp_corrections_free(c);

    int lock = open(path, O_RDWR | O_CLOEXEC);
    CHECK(lock >= 0 && flock(lock, LOCK_EX) == 0);
    pid_t kid = fork();
    CHECK(kid >= 0);
    if (kid == 0) {
        float input[INK_INPUT_SIZE] = {0};
        char e[256];
        /* writes its image, then waits for the lock to append its line */
        dp_store_labelled(path, prefix, "user-", &d, input, 3, NULL, 0, e, sizeof e);
        _exit(0);
    }
    /* Until its image is whole (renamed into place: its temporary file is
     * gone too), the child is still saving it; then it can only wait for
     * the lock.  A bound on a stall (10 s), not a speed. */
    for (int i = 0; i < 2000 && whole_images(sub) < 2; i++)
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    CHECK(whole_images(sub) == 2);
    CHECK(count_files(sub, "corrections-", ".pgm") == 2);
    fileio_swept t = {9, 9}, o = {9, 9};
    CHECK(dp_sweep_store(path, prefix, &t, &o, err, sizeof err) == 0);
    CHECK(t.files == 0 && o.files == 0 && o.bytes == 0);      /* its writer lives */
    CHECK(count_files(sub, "corrections-", ".pgm") == 2);
    CHECK(kill(kid, SIGKILL) == 0);
    int st;
    CHECK(waitpid(kid, &st, 0) == kid && WIFSIGNALED(st));
    CHECK(close(lock) == 0);

    /* More of the same directory: a dead writer's image its line names,
     * and its temporary file; an image of an id without a pid (before
     * issue 18); a dead writer's image in the drawings' store only. */
    long gone = test_dead_pid();
    char named[300], file[1600];
    snprintf(named, sizeof named, "user-20260101-120000-%ld-0123abcd", (long)gone);
    FILE *f = fopen(path, "a");
    CHECK(f && fprintf(f, "7 %s | 500,150 500,500\n", named) > 0 && fclose(f) == 0);
    snprintf(file, sizeof file, "%s%s.pgm", prefix, named);
    touch(file);
    snprintf(file, sizeof file, "%s%s.pgm.tmp.%ld.Xy12Zw", prefix, named, (long)gone);
    touch(file);
    snprintf(file, sizeof file, "%s20240101-120000-123.pgm", prefix);
    touch(file);
    snprintf(file, sizeof file, "%s/drawing-20260101-120000-%ld-0123abcd.pgm", sub, (long)gone);
    touch(file);

    CHECK(dp_sweep_store(path, prefix, &t, &o, err, sizeof err) == 0);
    /* the killed writer's image (a whole PGM: its save had finished) */
    CHECK(o.files == 1 && o.bytes == 13 + INK_INPUT_SIZE);
    CHECK(t.files == 1 && t.bytes == 13);
    CHECK(count_files(sub, "corrections-", ".pgm") == 3);
    CHECK(count_files(sub, "corrections-user-", "-0123abcd.pgm") == 1);
    CHECK(count_files(sub, "corrections-", ".Xy12Zw") == 0);
    CHECK(count_files(sub, "drawing-", ".pgm") == 1);
    char dpath[1200], dprefix[1200];
    snprintf(dpath, sizeof dpath, "%s/drawings.strokes", sub); /* absent: names nothing */
    snprintf(dprefix, sizeof dprefix, "%s/drawing-", sub);
    CHECK(dp_sweep_store(dpath, dprefix, &t, &o, err, sizeof err) == 0);
    CHECK(o.files == 1 && count_files(sub, "drawing-", ".pgm") == 0);
    /* the store still loads every line it had */
    c = dp_corrections_open(path, err, sizeof err);
    size_t total = 0;
    if (c)
        dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
    CHECK(c != NULL && total == 2);
    dp_corrections_free(c);
    ink_drawing_free(&d);
}

/* The data directory deleted while the window runs (issue 26): the next
 * drawing is kept in memory (counted, in the snapshot the trainer takes),
 * the store says why and writes nothing more; undo still works. */
static void test_dir_gone(const char *dir)
{
    char sub[1024], path[1100], err[512], why[400];
    dp_corrections *c = store_in(dir, "gone", sub, sizeof sub, path, sizeof path);
    if (!c)
        return;
    ink_drawing d;
    one(&d, 5);
    char id[DP_CORR_ID_LEN];
    CHECK(dp_corrections_add(c, &d, 7, err, sizeof err) == 1);
    CHECK(dp_corrections_why_memory(c, why, sizeof why) == 0);
    /* rm -r of the directory */
    DIR *dp = opendir(sub);
    struct dirent *e;
    char file[1400];
    while (dp && (e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            snprintf(file, sizeof file, "%s/%s", sub, e->d_name) < (int)sizeof file)
            CHECK(unlink(file) == 0);
    if (dp)
        closedir(dp);
    CHECK(rmdir(sub) == 0);

    err[0] = '\0';
    CHECK(dp_corrections_add_id(c, &d, 7, id, sizeof id, err, sizeof err) == 2);
    CHECK(dp_corrections_path(c) == NULL);
    char want[1200];
    snprintf(want, sizeof want, "%s no longer exists", sub);
    CHECK(dp_corrections_why_memory(c, why, sizeof why) == 1 && strcmp(why, want) == 0);
    CHECK(dp_corrections_add(c, &d, 3, err, sizeof err) == 1);
    size_t total = 0;
    dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
    CHECK(total == 3);
    uint8_t *img = NULL, *lab = NULL;
    size_t n = 0;
    CHECK(dp_corrections_snapshot(c, &img, &lab, &n) == 0 && n == 3 && lab[1] == 7);
    free(img);
    free(lab);
    CHECK(dp_corrections_retract(c, id, err, sizeof err) == 0); /* undo, in memory */
    dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
    CHECK(total == 2);
    CHECK(access(sub, F_OK) != 0); /* nothing recreated it */
    dp_corrections_free(c);

    /* A directory that was never there is a wrong path, not a deleted
     * one: still an error, nothing added (test_bgtrain.c checks it too). */
    snprintf(path, sizeof path, "%s/never/corrections.strokes", dir);
    c = dp_corrections_open(path, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK(dp_corrections_add(c, &d, 1, err, sizeof err) == -1);
        CHECK(strstr(err, "never") != NULL && dp_corrections_path(c) != NULL);
        dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
        CHECK(total == 0);
        dp_corrections_free(c);
    }
    /* Any other failure is still an error, and nothing is added: a
     * directory that exists but is read-only. */
    snprintf(sub, sizeof sub, "%s/ro", dir);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, sizeof path, "%s/corrections.strokes", sub);
    c = dp_corrections_open(path, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK(chmod(sub, 0555) == 0);
        if (geteuid() != 0) { /* root writes anyway */
            CHECK(dp_corrections_add(c, &d, 1, err, sizeof err) == -1);
            CHECK(strstr(err, "Permission denied") != NULL);
            CHECK(dp_corrections_path(c) != NULL);
            dp_corrections_counts(c, &total, NULL, NULL, NULL, 0);
            CHECK(total == 0);
        }
        CHECK(chmod(sub, 0755) == 0);
        dp_corrections_free(c);
    }
    ink_drawing_free(&d);
}

int main(void)
{
    const char *dir = test_tmpdir();
    test_memory();
    test_image_first(dir);
    test_two_processes(dir);
    test_background(dir);
    test_retract_two_writers(dir);
    test_hostile_files(dir);
    test_orphans(dir);
    test_dir_gone(dir);
    return test_finish("app_corrections");
}
