/* test_ink_strokes.c — the strokes file format: parsing good and every kind
 * of malformed line, format/parse round trip, reading a file with
 * "path:line" errors, appending (and an append failing at every step
 * leaving the file as it was), gzip-compressed files (good, corrupt,
 * truncated, with bytes after the stream), the pen digits in datasets/, and
 * the real dev.txt when present. */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "ink_internal.h"
#include "fileio.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static int same_drawing(const ink_drawing *a, const ink_drawing *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t s = 0; s < a->n; s++) {
        if (a->strokes[s].n != b->strokes[s].n)
            return 0;
        for (size_t k = 0; k < a->strokes[s].n; k++)
            if (a->strokes[s].pts[k].x != b->strokes[s].pts[k].x ||
                a->strokes[s].pts[k].y != b->strokes[s].pts[k].y)
                return 0;
    }
    return 1;
}

static int write_bytes(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(text, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_file(const char *path, const char *text)
{
    return write_bytes(path, text, strlen(text));
}

/* ------------------------------------------------- failing appends */

/* A message the window can show: non-empty, one line, naming the file. */
static int one_line_about(const char *err, const char *path)
{
    return err[0] && !strchr(err, '\n') && strstr(err, path) != NULL;
}

static const char *const step_name[FILEIO_STEP_COUNT] = {
    "none", "open", "write", "short write", "fsync", "close", "chmod", "rename"};

/* Every step of ink_append_sample fails once: the error is reported, an
 * existing file is byte-identical afterwards (including one whose last line
 * has no newline, where the append writes one first), a missing file is
 * left missing or empty, and nothing else appears in the directory. */
static void test_append_failures(void)
{
    static const fileio_step steps[] = {FILEIO_STEP_OPEN, FILEIO_STEP_WRITE,
                                          FILEIO_STEP_SHORT_WRITE, FILEIO_STEP_FSYNC,
                                          FILEIO_STEP_CLOSE};
    char dir[512], path[600], err[512];
    snprintf(dir, sizeof dir, "%s/appendfail", test_tmpdir());
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof path, "%s/user.strokes", dir);
    ink_sample a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "new");
    a.label = 4;
    ink_drawing_init(&a.drawing);
    ink_stroke_begin(&a.drawing);
    for (int i = 0; i < 40; i++)
        ink_stroke_add(&a.drawing, 100.0f + i * 5, 200.0f + i * 3);

    static const char *const olds[] = {"# mine\n1 a | 1,1 2,2\n7 b | 5,5 ; 6,6\n",
                                       "1 a | 1,1 2,2\n2 b | 3,3"};
    for (size_t o = 0; o < sizeof olds / sizeof olds[0]; o++)
        for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
            CHECK(write_file(path, olds[o]) == 0);
            fileio_set_fail_step(steps[k]);
            err[0] = '\0';
            int r = ink_append_sample(path, &a, err, sizeof err);
            fileio_set_fail_step(FILEIO_STEP_NONE);
            size_t len = 0;
            char *now = test_read_file(path, &len);
            int same = now && len == strlen(olds[o]) && memcmp(now, olds[o], len) == 0;
            if (r != -1 || !one_line_about(err, path) || !same)
                fprintf(stderr, "append failing at %s (old file %zu): r=%d, err \"%s\"\n",
                        step_name[steps[k]], o, r, err);
            CHECK(r == -1);
            CHECK(one_line_about(err, path));
            CHECK(same);
            free(now);
            CHECK(test_stray_files(dir, "user.strokes") == 0);
            if (getenv("DIGITPAD_TEST_VERBOSE"))
                printf("append, %s fails: %s\n", step_name[steps[k]], err);
        }
    /* no previous file: nothing, or an empty file, is left */
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        unlink(path);
        fileio_set_fail_step(steps[k]);
        err[0] = '\0';
        CHECK(ink_append_sample(path, &a, err, sizeof err) == -1);
        fileio_set_fail_step(FILEIO_STEP_NONE);
        CHECK(one_line_about(err, path));
        struct stat st;
        CHECK(stat(path, &st) != 0 || st.st_size == 0);
        CHECK(test_stray_files(dir, "user.strokes") <= 0);
    }
    /* the steps a PGM has and an append has not are ignored by it */
    unlink(path);
    fileio_set_fail_step(FILEIO_STEP_RENAME);
    CHECK(ink_append_sample(path, &a, err, sizeof err) == 0);
    fileio_set_fail_step(FILEIO_STEP_NONE);
    /* and after all that, appending works and the line reads back */
    CHECK(write_file(path, olds[0]) == 0);
    CHECK(ink_append_sample(path, &a, err, sizeof err) == 0);
    ink_sample *arr = NULL;
    size_t n = 0;
    CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == 0);
    CHECK(n == 3 && arr[2].label == 4 && ink_point_count(&arr[2].drawing) == 40);
    ink_samples_free(arr, n);

    /* A real refusal: a read-only strokes file, written to by a user who
     * may not.  root may write anywhere, so as root the attempt runs in a
     * child that drops to nobody (65534) first. */
    CHECK(write_file(path, olds[0]) == 0);
    CHECK(chmod(path, 0444) == 0);
    CHECK(chmod(test_tmpdir(), 0755) == 0 && chmod(dir, 0755) == 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        int r = ink_append_sample(path, &a, err, sizeof err);
        if (r != -1 || !one_line_about(err, path) || !strstr(err, "Permission denied")) {
            fprintf(stderr, "read-only file: r=%d, err \"%s\"\n", r, err);
            _exit(1);
        }
        if (getenv("DIGITPAD_TEST_VERBOSE"))
            printf("append, read-only file: %s\n", err);
        fflush(stdout);
        _exit(0);
    }
    int ws = 0;
    CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 3)
        printf("note: could not drop to uid 65534: the read-only file case is skipped\n");
    else
        CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    size_t len = 0;
    char *now = test_read_file(path, &len);
    CHECK(now && len == strlen(olds[0]) && memcmp(now, olds[0], len) == 0);
    free(now);
    CHECK(test_stray_files(dir, "user.strokes") == 0);
    chmod(path, 0644);
    ink_drawing_free(&a.drawing);

    /* a directory or a FIFO where the file should be: refused at once (a
     * FIFO with no writer must not block the read) */
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(ink_read_file(fifo, &arr, &n, err, sizeof err) == -1);
    CHECK(strstr(err, "is a FIFO, not a strokes file") != NULL);
    CHECK(ink_read_file(dir, &arr, &n, err, sizeof err) == -1);
    CHECK(strstr(err, "is a directory, not a strokes file") != NULL);
    unlink(fifo);

    /* the append never writes through a link or into a FIFO (issue 18,
     * row 4): refused, and the node left as it was */
    char lnk[600];
    snprintf(lnk, sizeof lnk, "%s/link.strokes", dir);
    CHECK(symlink("user.strokes", lnk) == 0);
    CHECK(mkfifo(fifo, 0600) == 0);
    ink_sample one = {.label = 1};
    snprintf(one.id, sizeof one.id, "x");
    ink_drawing_init(&one.drawing);
    CHECK(ink_stroke_begin(&one.drawing) == 0 && ink_stroke_add(&one.drawing, 1, 2) == 0);
    size_t ul1 = 0, ul2 = 0;
    char *ub = test_read_file(path, &ul1);
    CHECK(ink_append_sample(lnk, &one, err, sizeof err) == -1);
    CHECK(strstr(err, "link.strokes: is a symbolic link, not a regular file; refusing to append "
                      "to it") != NULL);
    CHECK(ink_append_sample(fifo, &one, err, sizeof err) == -1);
    CHECK(strstr(err, "fifo: is a FIFO, not a regular file; refusing to append to it") != NULL);
    char *ua = test_read_file(path, &ul2);
    CHECK(ub && ua && ul1 == ul2 && memcmp(ub, ua, ul1) == 0);
    free(ub);
    free(ua);
    ink_drawing_free(&one.drawing);
    unlink(fifo);
    unlink(lnk);

    /* a UTF-8 byte-order mark before line 1 is not part of it (issue 18),
     * in the strict reader and the one that skips damaged lines alike */
    char bom[600];
    snprintf(bom, sizeof bom, "%s/bom.strokes", dir);
    FILE *bf = fopen(bom, "wb");
    CHECK(bf != NULL);
    if (bf) {
        fputs("\xef\xbb\xbf" "7 a | 1,2 3,4\n\xef\xbb\xbf" "1 b | 5,6\n", bf);
        fclose(bf);
    }
    CHECK(ink_read_file(bom, &arr, &n, err, sizeof err) == -1); /* only line 1 may have one */
    CHECK(strstr(err, "bom.strokes:2: ") != NULL);
    bf = fopen(bom, "wb");
    if (bf) {
        fputs("\xef\xbb\xbf" "7 a | 1,2 3,4\n1 b | 5,6\n", bf);
        fclose(bf);
    }
    CHECK(ink_read_file(bom, &arr, &n, err, sizeof err) == 0 && n == 2 && arr[0].label == 7 &&
          !strcmp(arr[0].id, "a"));
    ink_samples_free(arr, n);
    size_t skipped = 9;
    CHECK(ink_read_file_skipping(bom, &arr, &n, &skipped, err, sizeof err) == 0 && n == 2 &&
          skipped == 0);
    ink_samples_free(arr, n);
}

/* text gzip-compressed (zlib's own gzip writer, as gzip -n would) into a
 * new buffer of *len bytes. */
static unsigned char *gzip_bytes(const char *text, size_t *len)
{
    size_t n = strlen(text), cap = n + 1024;
    unsigned char *out = malloc(cap);
    if (!out)
        return NULL;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(out);
        return NULL;
    }
    zs.next_in = (unsigned char *)text;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    int r = deflate(&zs, Z_FINISH);
    *len = cap - zs.avail_out;
    deflateEnd(&zs);
    if (r != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

/* Strokes files may be gzip-compressed: found by the magic, read whole, and
 * a damaged stream is an error naming the file, never fewer drawings. */
static void test_gzip(void)
{
    const char *dir = test_tmpdir();
    char path[4096], plain[4096], err[512];
    snprintf(path, sizeof path, "%s/pen.txt.gz", dir);
    snprintf(plain, sizeof plain, "%s/pen.txt", dir);
    const char *text = "# two drawings\n"
                       "1 a/w01-1 | 500,100 500,900\n"
                       "7 b/w02-3 | 100,100 900,100 ; 900,100 400,900\n";
    size_t len = 0;
    unsigned char *gz = gzip_bytes(text, &len);
    CHECK(gz != NULL && len > 20);
    if (!gz)
        return;
    /* the same drawings, plain or compressed */
    CHECK(write_bytes(plain, text, strlen(text)) == 0);
    CHECK(write_bytes(path, (const char *)gz, len) == 0);
    ink_sample *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    CHECK(ink_read_file(plain, &a, &na, err, sizeof err) == 0);
    int r = ink_read_file(path, &b, &nb, err, sizeof err);
    CHECK(r == 0);
    if (r != 0)
        fprintf(stderr, "%s\n", err);
    CHECK(na == 2 && nb == 2);
    for (size_t i = 0; i < na && i < nb; i++)
        CHECK(same_drawing(&a[i].drawing, &b[i].drawing) && a[i].label == b[i].label &&
              strcmp(a[i].id, b[i].id) == 0);
    ink_samples_free(a, na);
    ink_samples_free(b, nb);

    /* a line error still names the file and the line */
    size_t blen = 0;
    unsigned char *bad = gzip_bytes("1 a | 1,1\nx b | 2,2\n", &blen);
    CHECK(bad && write_bytes(path, (const char *)bad, blen) == 0);
    free(bad);
    CHECK(ink_read_file(path, &b, &nb, err, sizeof err) == -1);
    CHECK(strstr(err, "pen.txt.gz:2: ") != NULL);

    /* truncated anywhere after the magic: an error, never a shorter set */
    int all_fail = 1;
    for (size_t cut = 2; cut < len; cut += 3) {
        CHECK(write_bytes(path, (const char *)gz, cut) == 0);
        nb = 99;
        err[0] = '\0';
        if (ink_read_file(path, &b, &nb, err, sizeof err) != -1 || nb != 0 ||
            strncmp(err, path, strlen(path)) != 0)
            all_fail = 0;
    }
    CHECK(all_fail);
    CHECK(write_bytes(path, (const char *)gz, len - 4) == 0);
    CHECK(ink_read_file(path, &b, &nb, err, sizeof err) == -1);
    CHECK(strstr(err, "truncated") != NULL);

    /* a flipped byte in the deflate data or the CRC: corrupt */
    unsigned char *c = malloc(len);
    CHECK(c != NULL);
    if (c) {
        memcpy(c, gz, len);
        c[len - 6] ^= 0x55; /* in the CRC32 */
        CHECK(write_bytes(path, (const char *)c, len) == 0);
        CHECK(ink_read_file(path, &b, &nb, err, sizeof err) == -1);
        CHECK(strstr(err, "pen.txt.gz: ") != NULL);
        memcpy(c, gz, len);
        c[12] ^= 0xff; /* in the deflate data */
        CHECK(write_bytes(path, (const char *)c, len) == 0);
        CHECK(ink_read_file(path, &b, &nb, err, sizeof err) == -1);
        free(c);
    }

    /* bytes after the stream are refused, as nn's IDX reader does */
    unsigned char *more = malloc(len + 3);
    CHECK(more != NULL);
    if (more) {
        memcpy(more, gz, len);
        memcpy(more + len, "abc", 3);
        CHECK(write_bytes(path, (const char *)more, len + 3) == 0);
        CHECK(ink_read_file(path, &b, &nb, err, sizeof err) == -1);
        CHECK(strstr(err, "after the gzip stream") != NULL);
        free(more);
    }
    free(gz);

    /* an empty stream is an empty file: no drawings, no error */
    unsigned char *e = gzip_bytes("", &blen);
    CHECK(e && write_bytes(path, (const char *)e, blen) == 0);
    free(e);
    nb = 99;
    CHECK(ink_read_file(path, &b, &nb, err, sizeof err) == 0 && nb == 0);
    ink_samples_free(b, nb);
}

/* The pen digits committed in datasets/ (CREDITS.md there): 10,992 and
 * 1,200 drawings, every one labelled, read straight from the .gz files. */
static void test_datasets(void)
{
    static const struct { const char *name; size_t n; } sets[] = {
        {"pendigits.txt.gz", 10992}, {"uji.txt.gz", 1200}};
    for (size_t k = 0; k < 2; k++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/datasets/pen-digits/%s", getenv("DIGITPAD_SRC")
                 ? getenv("DIGITPAD_SRC") : DIGITPAD_TEST_SRC, sets[k].name);
        ink_sample *s = NULL;
        size_t n = 0;
        int r = ink_read_file(path, &s, &n, err, sizeof err);
        CHECK(r == 0);
        if (r != 0)
            fprintf(stderr, "%s\n", err);
        CHECK(n == sets[k].n);
        size_t labelled = 0;
        for (size_t i = 0; i < n; i++)
            labelled += s[i].label >= 0 && s[i].label <= 9 && s[i].drawing.n > 0;
        CHECK(labelled == n);
        ink_samples_free(s, n);
    }
}

int main(void)
{
    ink_sample s;
    char err[256];

    /* A good line, with CRLF, tabs and trailing blanks. */
    int r = ink_parse_line("7 a/b#3 | 1,2 3.5,-4 ;\t10,20 \r\n", &s, err, sizeof err);
    CHECK(r == 1);
    if (r == 1) {
        CHECK(s.label == 7);
        CHECK(strcmp(s.id, "a/b#3") == 0);
        CHECK(s.drawing.n == 2);
        CHECK(s.drawing.strokes[0].n == 2 && s.drawing.strokes[1].n == 1);
        CHECK(s.drawing.strokes[0].pts[1].x == 3.5f && s.drawing.strokes[0].pts[1].y == -4.0f);
        CHECK(s.drawing.strokes[1].pts[0].x == 10.0f && s.drawing.strokes[1].pts[0].y == 20.0f);
        ink_drawing_free(&s.drawing);
    }
    CHECK(ink_parse_line("? x | 5,5", &s, err, sizeof err) == 1 && s.label == -1);
    ink_drawing_free(&s.drawing);
    CHECK(ink_parse_line("3 x|5,5;6,6", &s, err, sizeof err) == -1);   /* id "x|5,5;6,6" */
    CHECK(ink_parse_line("3 x |5,5;6,6", &s, err, sizeof err) == 1 && s.drawing.n == 2);
    ink_drawing_free(&s.drawing);
    /* modest overshoot of the box is a pen sliding off the edge: kept */
    CHECK(ink_parse_line("1 x | -50,1050 1999,-999", &s, err, sizeof err) == 1);
    if (s.drawing.n)
        CHECK(s.drawing.strokes[0].pts[0].x == -50.0f && s.drawing.strokes[0].pts[1].x == 1999.0f);
    ink_drawing_free(&s.drawing);
    /* zero with any exponent is zero (0e99999 was once 0 * inf = NaN) */
    CHECK(ink_parse_line("1 x | 0e99999,-0E99999 5,5", &s, err, sizeof err) == 1);
    if (s.drawing.n)
        CHECK(s.drawing.strokes[0].pts[0].x == 0.0f && s.drawing.strokes[0].pts[0].y == 0.0f);
    ink_drawing_free(&s.drawing);
    CHECK(ink_parse_line("1 x | 1e99999,5", &s, err, sizeof err) == -1);
    CHECK(ink_parse_line("1 x | 1e2,+2.5E1 .5,5.", &s, err, sizeof err) == 1);
    if (s.drawing.n)
        CHECK(s.drawing.strokes[0].pts[0].x == 100.0f && s.drawing.strokes[0].pts[0].y == 25.0f &&
              s.drawing.strokes[0].pts[1].x == 0.5f);
    ink_drawing_free(&s.drawing);

    /* Blank and comment lines: 0, out untouched. */
    s.label = 42;
    CHECK(ink_parse_line("", &s, err, sizeof err) == 0);
    CHECK(ink_parse_line("   \r\n", &s, err, sizeof err) == 0);
    CHECK(ink_parse_line("# 7 x | 1,2", &s, err, sizeof err) == 0);
    CHECK(ink_parse_line("  #", &s, err, sizeof err) == 0);
    CHECK(s.label == 42);

    /* Every malformed form: -1 with a message. */
    static const char *bad[] = {
        "x id | 1,2",          /* bad label */
        "10 id | 1,2",         /* two-digit label */
        "-1 id | 1,2",
        "7",                   /* nothing else */
        "7 id",                /* no '|' */
        "7 id 1,2",
        "7 | 1,2",             /* no id */
        "7 id |",              /* no points */
        "7 id |   ",
        "7 id | ;",
        "7 id | 1,2 ;",        /* empty last stroke */
        "7 id | ; 1,2",        /* empty first stroke */
        "7 id | 1,2 ; ; 3,4",  /* empty middle stroke */
        "7 id | 1",            /* no y */
        "7 id | 1,",
        "7 id | ,2",
        "7 id | 1, 2",
        "7 id | 1,2,3",
        "7 id | 1;2",
        "7 id | a,b",
        "7 id | 1x,2",
        "7 id | 1,2y",
        "7 id | 0x10,2",
        "7 id | nan,2",
        "7 id | inf,2",
        "7 id | 1,-inf",
        "7 id | 1e999,2",
        "7 id | 1e,2",
        "7 id | .,2",
        "7 id | -,2",
        "7 id | 5000,2",       /* wildly outside the box */
        "7 id | 1,-1001",
        "7 id | 1,2 | 3,4",
        "7 id\x01x | 1,2",     /* control character in the id */
        "7 idxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | 1,2",   /* id too long */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int br = ink_parse_line(bad[i], &s, err, sizeof err);
        if (br != -1 || err[0] == '\0') {
            fprintf(stderr, "accepted or silent: \"%s\" -> %d\n", bad[i], br);
            CHECK(!"malformed line rejected with a message");
            if (br == 1)
                ink_drawing_free(&s.drawing);
        } else {
            test_passed++;
        }
    }
    CHECK(ink_parse_line(NULL, &s, err, sizeof err) == -1);
    CHECK(ink_parse_line("x", &s, NULL, 0) == -1);   /* no err buffer is fine */

    /* An absurdly long line: past 100,000 points it is refused. */
    {
        size_t n = 100001;
        char *big = malloc(16 + n * 4);
        CHECK(big != NULL);
        if (big) {
            char *p = big + sprintf(big, "1 big |");
            for (size_t k = 0; k < n; k++) {
                memcpy(p, " 1,1", 4);
                p += 4;
            }
            *p = '\0';
            CHECK(ink_parse_line(big, &s, err, sizeof err) == -1);
            CHECK(strstr(err, "points") != NULL);
            /* one point fewer is fine */
            big[strlen(big) - 4] = '\0';
            CHECK(ink_parse_line(big, &s, err, sizeof err) == 1);
            CHECK(ink_point_count(&s.drawing) == 100000);
            ink_drawing_free(&s.drawing);
            free(big);
        }
    }

    /* Round trip: format then parse gives the same sample, for one-decimal
     * coordinates (the format's precision) and every label. */
    {
        ink_sample a;
        a.label = 4;
        snprintf(a.id, sizeof a.id, "me/2026#17");
        ink_drawing_init(&a.drawing);
        unsigned v = 1;
        for (int st = 0; st < 5; st++) {
            ink_stroke_begin(&a.drawing);
            for (int k = 0; k < 40; k++) {
                v = v * 1103515245u + 12345u;
                /* whole tenths, -500.0 .. 1999.9 */
                float x = (float)((int)(v >> 8) % 25000 - 5000) / 10.0f;
                v = v * 1103515245u + 12345u;
                float y = (float)((int)(v >> 8) % 10000) / 10.0f;
                ink_stroke_add(&a.drawing, x, y);
            }
        }
        for (int label = -1; label <= 9; label++) {
            a.label = label;
            char *line = ink_format_line(&a);
            CHECK(line != NULL);
            if (!line)
                break;
            ink_sample b;
            int pr = ink_parse_line(line, &b, err, sizeof err);
            CHECK(pr == 1);
            if (pr == 1) {
                CHECK(b.label == label);
                CHECK(strcmp(b.id, a.id) == 0);
                CHECK(same_drawing(&a.drawing, &b.drawing));
                ink_drawing_free(&b.drawing);
            } else {
                fprintf(stderr, "%s\n", err);
            }
            free(line);
        }
        /* an id with blanks stays one token; an empty id becomes "-" */
        snprintf(a.id, sizeof a.id, "two words");
        char *line = ink_format_line(&a);
        ink_sample b;
        CHECK(line && ink_parse_line(line, &b, err, sizeof err) == 1);
        if (line) {
            CHECK(strcmp(b.id, "two_words") == 0);
            ink_drawing_free(&b.drawing);
        }
        free(line);
        a.id[0] = '\0';
        line = ink_format_line(&a);
        CHECK(line && ink_parse_line(line, &b, err, sizeof err) == 1);
        if (line) {
            CHECK(strcmp(b.id, "-") == 0);
            ink_drawing_free(&b.drawing);
        }
        free(line);
        /* rounding to one decimal */
        ink_drawing_clear(&a.drawing);
        ink_stroke_add(&a.drawing, 12.34f, -0.06f);
        ink_stroke_add(&a.drawing, 99.96f, 0.0f);
        snprintf(a.id, sizeof a.id, "r");
        a.label = 0;
        line = ink_format_line(&a);
        CHECK(line && strcmp(line, "0 r | 12.3,-0.1 100,0") == 0);
        free(line);

        /* Append twice, then read back: two samples, as written. */
        char path[512];
        snprintf(path, sizeof path, "%s/saved.txt", test_tmpdir());
        a.label = 5;
        CHECK(ink_append_sample(path, &a, err, sizeof err) == 0);
        a.label = 6;
        CHECK(ink_append_sample(path, &a, err, sizeof err) == 0);
        ink_sample *arr;
        size_t n;
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == 0);
        if (arr) {
            CHECK(n == 2 && arr[0].label == 5 && arr[1].label == 6);
            CHECK(n == 2 && ink_point_count(&arr[1].drawing) == 2);
            CHECK(n == 2 && arr[1].drawing.strokes[0].pts[0].x == 12.3f);
            ink_samples_free(arr, n);
        }
        /* appending to a file whose last line has no newline */
        snprintf(path, sizeof path, "%s/nonl.txt", test_tmpdir());
        CHECK(write_file(path, "# hand-edited\n3 h | 1,1") == 0);
        CHECK(ink_append_sample(path, &a, err, sizeof err) == 0);
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == 0);
        CHECK(n == 2 && arr[0].label == 3 && arr[1].label == 6);
        ink_samples_free(arr, n);
        /* nothing to save / nowhere to save it */
        ink_drawing_clear(&a.drawing);
        CHECK(ink_append_sample(path, &a, err, sizeof err) == -1);
        ink_stroke_add(&a.drawing, 1, 1);
        CHECK(ink_append_sample("/nonexistent-dir/x.txt", &a, err, sizeof err) == -1);
        CHECK(strstr(err, "/nonexistent-dir/x.txt") != NULL);
        ink_drawing_free(&a.drawing);
    }

    /* Reading files: comments, blanks, CRLF, no final newline; a bad line
     * reports path:line and returns nothing. */
    {
        char path[512];
        snprintf(path, sizeof path, "%s/in.txt", test_tmpdir());
        CHECK(write_file(path, "# header\r\n\r\n1 a | 1,1 2,2\r\n  \n? b | 3,3 ; 4,4") == 0);
        ink_sample *arr;
        size_t n;
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == 0);
        CHECK(n == 2);
        if (n == 2) {
            CHECK(arr[0].label == 1 && arr[1].label == -1 && arr[1].drawing.n == 2);
            CHECK(strcmp(arr[1].id, "b") == 0);
        }
        ink_samples_free(arr, n);

        CHECK(write_file(path, "1 a | 1,1\n# c\n2 b | 1,nan\n3 c | 1,1\n") == 0);
        arr = (ink_sample *)&n;   /* must be reset */
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == -1);
        CHECK(arr == NULL && n == 0);
        char want[600];
        snprintf(want, sizeof want, "%s:3: ", path);
        CHECK(strncmp(err, want, strlen(want)) == 0);

        /* a NUL byte is binary garbage, not the end of the line */
        CHECK(write_bytes(path, "1 a | 1,1\n2 b \0| 1,1\n", 20) == 0);
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == -1);
        CHECK(strstr(err, ":2: ") != NULL);

        /* The skipping reader keeps the good lines around two half-written
         * lines (one of them last, without its newline), a run of zeros and
         * a bad value, counts the four and names the first; the strict
         * reader refuses the same file. */
        static const char damaged[] = "1 a | 1,1\n2 b | 1,1 2,\n3 c | 5,5\n\0\0\0\0\n"
                                      "4 d | 1,nan\n5 e | 7,7 8,8\n6 f | 9,";
        CHECK(write_bytes(path, damaged, sizeof damaged - 1) == 0);
        size_t skipped = 99;
        CHECK(ink_read_file_skipping(path, &arr, &n, &skipped, err, sizeof err) == 0);
        CHECK(n == 3 && skipped == 4);
        if (n == 3)
            CHECK(arr[0].label == 1 && arr[1].label == 3 && arr[2].label == 5 &&
                  arr[2].drawing.n == 1 && ink_point_count(&arr[2].drawing) == 2);
        snprintf(want, sizeof want, "%s:2: ", path);
        CHECK(strncmp(err, want, strlen(want)) == 0);
        ink_samples_free(arr, n);
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == -1 && arr == NULL);
        /* nothing damaged: nothing skipped */
        CHECK(write_file(path, "1 a | 1,1\n") == 0);
        CHECK(ink_read_file_skipping(path, &arr, &n, &skipped, err, sizeof err) == 0);
        CHECK(n == 1 && skipped == 0);
        ink_samples_free(arr, n);
        /* the file itself missing still fails */
        snprintf(want, sizeof want, "%s/none.txt", test_tmpdir());
        CHECK(ink_read_file_skipping(want, &arr, &n, &skipped, err, sizeof err) == -1);

        CHECK(write_file(path, "") == 0);
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == 0 && n == 0);
        ink_samples_free(arr, n);

        snprintf(path, sizeof path, "%s/missing.txt", test_tmpdir());
        CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == -1);
        CHECK(strstr(err, "missing.txt") != NULL);
    }

    /* A line longer than 4 MiB is refused while reading, without reading
     * it all into memory first. */
    {
        char path[512];
        snprintf(path, sizeof path, "%s/long.txt", test_tmpdir());
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs("1 a |", f);
            for (int k = 0; k < (5 << 20) / 4; k++)
                fputs(" 1,1", f);
            fputs("\n", f);
            CHECK(fclose(f) == 0);
            ink_sample *arr;
            size_t n;
            CHECK(ink_read_file(path, &arr, &n, err, sizeof err) == -1);
            CHECK(strstr(err, ":1: ") != NULL);
        }
    }

    /* The real thing: dev.txt parses fully, 2,172 drawings labelled 0..9. */
    const char *dev = test_shared_path("pen-digits/dev.txt");
    if (dev) {
        ink_sample *arr;
        size_t n;
        r = ink_read_file(dev, &arr, &n, err, sizeof err);
        CHECK(r == 0);
        if (r != 0)
            fprintf(stderr, "%s\n", err);
        CHECK(n == 2172);
        int counts[10] = {0}, badlabel = 0, empty = 0;
        for (size_t k = 0; k < n; k++) {
            if (arr[k].label < 0 || arr[k].label > 9)
                badlabel++;
            else
                counts[arr[k].label]++;
            empty += ink_point_count(&arr[k].drawing) == 0;
        }
        CHECK(badlabel == 0 && empty == 0);
        for (int l = 0; l < 10; l++)
            CHECK(counts[l] > 100);
        /* and every line round-trips through the formatter */
        int rt = 0;
        for (size_t k = 0; k < n; k++) {
            char *line = ink_format_line(&arr[k]);
            ink_sample b;
            if (line && ink_parse_line(line, &b, err, sizeof err) == 1) {
                rt += same_drawing(&arr[k].drawing, &b.drawing) && b.label == arr[k].label &&
                      strcmp(b.id, arr[k].id) == 0;
                ink_drawing_free(&b.drawing);
            }
            free(line);
        }
        CHECK(rt == (int)n);
        ink_samples_free(arr, n);
    } else {
        test_skip_part("test_ink_strokes: the pen-drawn digits (pen-digits/dev.txt) are only in "
                       "the developers' ../shared; parsing them did not run");
    }
    test_append_failures();
    test_gzip();
    test_datasets();
    return test_finish("test_ink_strokes");
}
