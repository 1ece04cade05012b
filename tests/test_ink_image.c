/* test_ink_image.c — PGM and BMP loading: files written here in every
 * supported variant load to the right pixels, dark-on-light is inverted,
 * and truncated, corrupted and garbage files fail cleanly (run it under
 * ASan too); ink_write_pgm writes a loadable 28×28 P5 atomically, and
 * failing it at every step leaves the previous file as it was.  Image
 * headers (issue 26): ink_image_probe reads PNG, JPEG, BMP and PGM sizes
 * and refuses a huge declared size before any decoder runs, at no cost in
 * memory (peak RSS). */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "ink_internal.h"
#include "fileio.h"
#include "testutil.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IW 7
#define IH 5

/* The test picture: light ink on a dark border, grey levels 0..255. */
static int grey_at(int x, int y)
{
    if (x == 0 || y == 0 || x == IW - 1 || y == IH - 1)
        return (x + y) % 3 * 10;   /* dark, a little noisy */
    return 60 + 25 * x + 7 * y;
}

static char path_buf[600];
static const char *tmp_path(const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", test_tmpdir(), name);
    return path_buf;
}

static int save(const char *path, const unsigned char *b, size_t n)
{
    /* unlink first: truncating a file in place makes ext4 flush it
     * (auto_da_alloc), which made this test take seconds */
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(b, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Loads path and compares with want(x,y)/255 (inverted if invert). */
static int loads_as(const char *path, int invert, double tol)
{
    float *pix;
    int w, h;
    char err[256];
    if (ink_image_load(path, &pix, &w, &h, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 0;
    }
    int ok = w == IW && h == IH;
    for (int y = 0; ok && y < IH; y++)
        for (int x = 0; x < IW; x++) {
            double want = grey_at(x, y) / 255.0;
            if (invert)
                want = 1 - want;
            if (!(pix[y * w + x] >= want - tol && pix[y * w + x] <= want + tol)) {
                fprintf(stderr, "%s: pixel (%d,%d) = %g, want %g\n", path, x, y,
                        pix[y * w + x], want);
                ok = 0;
                break;
            }
        }
    free(pix);
    return ok;
}

static size_t put_pgm(unsigned char *b, int ascii, int maxval, int invert)
{
    size_t n = (size_t)sprintf((char *)b, "P%c\n# a comment\n%d # mid-line comment\n%d\n%d\n",
                               ascii ? '2' : '5', IW, IH, maxval);
    for (int y = 0; y < IH; y++)
        for (int x = 0; x < IW; x++) {
            int g = grey_at(x, y);
            if (invert)
                g = 255 - g;
            long v = (long)g * maxval / 255;   /* exact for 255 and 65535 */
            if (ascii)
                n += (size_t)sprintf((char *)b + n, "%ld%c", v, x == IW - 1 ? '\n' : ' ');
            else if (maxval > 255) {
                b[n++] = (unsigned char)(v >> 8);
                b[n++] = (unsigned char)v;
            } else
                b[n++] = (unsigned char)v;
        }
    return n;
}

static void le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* A BMP of the test picture: bpp 1/4/8 use a grey palette (levels are
 * quantised for 1 and 4 bits, so those tests use tolerance), 24 BGR, 32
 * BGRX or, with bitfields, XRGB masks in a V5 header. */
static size_t put_bmp(unsigned char *b, int bpp, int top_down, int bitfields, int invert)
{
    const uint32_t dib = bitfields ? 124 : 40;
    const uint32_t npal = bpp <= 8 ? 1u << bpp : 0;
    const size_t stride = ((size_t)IW * bpp + 31) / 32 * 4;
    const uint32_t off = 14 + dib + npal * 4;
    memset(b, 0, off + stride * IH);
    b[0] = 'B';
    b[1] = 'M';
    le32(b + 2, off + (uint32_t)(stride * IH));
    le32(b + 10, off);
    unsigned char *ih = b + 14;
    le32(ih, dib);
    le32(ih + 4, IW);
    le32(ih + 8, top_down ? (uint32_t)-IH : IH);
    ih[12] = 1;
    ih[14] = (unsigned char)bpp;
    le32(ih + 16, bitfields ? 3 : 0);
    if (bitfields) {   /* R in the low byte, to prove masks are honoured */
        le32(ih + 40, 0x000000ffu);
        le32(ih + 44, 0x0000ff00u);
        le32(ih + 48, 0x00ff0000u);
    }
    for (uint32_t i = 0; i < npal; i++) {
        unsigned char g = (unsigned char)(i * 255 / (npal - 1));
        unsigned char *e = b + 14 + dib + i * 4;
        e[0] = e[1] = e[2] = g;
    }
    for (int y = 0; y < IH; y++) {
        unsigned char *row = b + off + (size_t)(top_down ? y : IH - 1 - y) * stride;
        for (int x = 0; x < IW; x++) {
            int g = grey_at(x, y);
            if (invert)
                g = 255 - g;
            if (bpp <= 8) {
                unsigned idx = (unsigned)(g * (int)(npal - 1) + 127) / 255;
                if (bpp == 8)
                    row[x] = (unsigned char)idx;
                else if (bpp == 4)
                    row[x / 2] |= (unsigned char)(idx << (x % 2 ? 0 : 4));
                else
                    row[x / 8] |= (unsigned char)(idx << (7 - x % 8));
            } else if (bpp == 24) {
                row[x * 3] = row[x * 3 + 1] = row[x * 3 + 2] = (unsigned char)g;
            } else {
                row[x * 4] = row[x * 4 + 1] = row[x * 4 + 2] = (unsigned char)g;
                row[x * 4 + 3] = 0x5a;   /* alpha / padding: ignored */
            }
        }
    }
    return off + stride * IH;
}

/* Every prefix of a file and a sweep of corrupted header bytes must load
 * or fail without crashing; binary formats must fail when truncated. */
static void abuse(const char *name, const unsigned char *b, size_t n, int must_fail_truncated)
{
    unsigned char *c = malloc(n);
    float *pix;
    int w, h, failed = 0;
    char err[256];
    if (!c)
        return;
    for (size_t k = 0; k < n; k++) {
        CHECK(save(tmp_path(name), b, k) == 0);
        err[0] = '\0';
        if (ink_image_load(tmp_path(name), &pix, &w, &h, err, sizeof err) == 0)
            free(pix);
        else
            failed += err[0] != '\0' && pix == NULL;
    }
    if (must_fail_truncated)
        CHECK(failed == (int)n);
    /* flip bytes of the header one at a time to a few nasty values */
    static const unsigned char nasty[] = {0x00, 0xff, 0x7f, 0x80, '9', ' '};
    size_t hdr = n < 160 ? n : 160;
    for (size_t k = 0; k < hdr; k++)
        for (size_t v = 0; v < sizeof nasty; v++) {
            memcpy(c, b, n);
            c[k] = nasty[v];
            CHECK(save(tmp_path(name), c, n) == 0);
            if (ink_image_load(tmp_path(name), &pix, &w, &h, err, sizeof err) == 0) {
                CHECK(w > 0 && h > 0 && (size_t)w * h <= 64u << 20);
                free(pix);
            }
        }
    free(c);
}

/* ------------------------------------------------- failing PGM saves */

static const char *const step_name[FILEIO_STEP_COUNT] = {
    "none", "mkstemp", "write", "short write", "fsync", "close", "chmod", "rename"};

/* ink_write_pgm fails at each step in turn: reported in one line naming
 * the file, the previous picture byte-identical, no temporary file left;
 * with no previous picture, none appears. */
static void test_pgm_failures(void)
{
    char dir[512], path[600], err[512];
    snprintf(dir, sizeof dir, "%s/pgmfail", test_tmpdir());
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof path, "%s/drawing.pgm", dir);
    float old_in[INK_INPUT_SIZE], new_in[INK_INPUT_SIZE];
    for (int i = 0; i < INK_INPUT_SIZE; i++) {
        old_in[i] = (float)(i % 7) / 6.0f;
        new_in[i] = (float)(i % 3) / 2.0f;
    }
    for (int step = FILEIO_STEP_OPEN; step < FILEIO_STEP_COUNT; step++) {
        unlink(path);
        fileio_set_fail_step((fileio_step)step);
        err[0] = '\0';
        CHECK(ink_write_pgm(path, new_in, err, sizeof err) == -1);
        fileio_set_fail_step(FILEIO_STEP_NONE);
        CHECK(access(path, F_OK) != 0);
        CHECK(test_stray_files(dir, "drawing.pgm") == 0);
    }
    CHECK(ink_write_pgm(path, old_in, err, sizeof err) == 0);
    size_t bl = 0;
    unsigned char *before = (unsigned char *)test_read_file(path, &bl);
    CHECK(before && bl == 13 + INK_INPUT_SIZE);
    for (int step = FILEIO_STEP_OPEN; step < FILEIO_STEP_COUNT; step++) {
        fileio_set_fail_step((fileio_step)step);
        err[0] = '\0';
        int r = ink_write_pgm(path, new_in, err, sizeof err);
        fileio_set_fail_step(FILEIO_STEP_NONE);
        size_t al = 0;
        unsigned char *after = (unsigned char *)test_read_file(path, &al);
        int same = before && after && al == bl && memcmp(before, after, bl) == 0;
        int msg_ok = err[0] && !strchr(err, '\n') && strncmp(err, path, strlen(path)) == 0;
        if (r != -1 || !same || !msg_ok)
            fprintf(stderr, "PGM failing at %s: r=%d, err \"%s\"\n", step_name[step], r, err);
        CHECK(r == -1 && same && msg_ok);
        free(after);
        CHECK(test_stray_files(dir, "drawing.pgm") == 0);
        if (getenv("DIGITPAD_TEST_VERBOSE"))
            printf("PGM, %s fails: %s\n", step_name[step], err);
    }
    /* then a real save replaces it */
    CHECK(ink_write_pgm(path, new_in, err, sizeof err) == 0);
    size_t al = 0;
    unsigned char *after = (unsigned char *)test_read_file(path, &al);
    CHECK(after && al == bl && before && memcmp(after, before, bl) != 0);
    free(after);

    /* A real refusal: a read-only directory.  root writes anywhere, so as
     * root the save runs in a child that drops to nobody (65534) first. */
    CHECK(chmod(test_tmpdir(), 0755) == 0 && chmod(dir, 0555) == 0);
    after = (unsigned char *)test_read_file(path, &al);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        int r = ink_write_pgm(path, old_in, err, sizeof err);
        if (r != -1 || strncmp(err, path, strlen(path)) != 0 || strchr(err, '\n') ||
            !strstr(err, "Permission denied")) {
            fprintf(stderr, "read-only directory: r=%d, err \"%s\"\n", r, err);
            _exit(1);
        }
        if (getenv("DIGITPAD_TEST_VERBOSE"))
            printf("PGM, read-only directory: %s\n", err);
        fflush(stdout);
        _exit(0);
    }
    int ws = 0;
    CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 3)
        printf("note: could not drop to uid 65534: the read-only directory case is skipped\n");
    else
        CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    size_t nl = 0;
    unsigned char *now = (unsigned char *)test_read_file(path, &nl);
    CHECK(after && now && nl == al && memcmp(now, after, al) == 0);
    CHECK(test_stray_files(dir, "drawing.pgm") == 0);
    chmod(dir, 0755);
    free(now);

    /* a directory or a FIFO given as the image: refused at once */
    char fifo[600];
    float *pix = NULL;
    int w = 0, h = 0;
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(ink_image_load(fifo, &pix, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "is a FIFO, not an image") != NULL);
    CHECK(ink_image_load(dir, &pix, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "is a directory, not an image") != NULL);
    unlink(fifo);
    free(after);
    free(before);
}

/* ink_write_pgm_new never replaces anything: an existing picture, a link
 * or a FIFO stays as it was (issue 18, row 10). */
static void test_pgm_new(void)
{
    char dir[512], path[600], err[512];
    snprintf(dir, sizeof dir, "%s/pgmnew", test_tmpdir());
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof path, "%s/a.pgm", dir);
    float a[INK_INPUT_SIZE], b[INK_INPUT_SIZE];
    for (int i = 0; i < INK_INPUT_SIZE; i++) {
        a[i] = (float)(i % 5) / 4.0f;
        b[i] = 1.0f - a[i];
    }
    CHECK(ink_write_pgm_new(path, a, err, sizeof err) == 0);
    size_t l1 = 0, l2 = 0;
    char *before = test_read_file(path, &l1);
    CHECK(ink_write_pgm_new(path, b, err, sizeof err) == -1);
    CHECK(strstr(err, "a.pgm: already exists; not overwritten") != NULL);
    char *after = test_read_file(path, &l2);
    CHECK(before && after && l1 == l2 && memcmp(before, after, l1) == 0);
    CHECK(test_stray_files(dir, "a.pgm") == 0);
    char lnk[600];
    snprintf(lnk, sizeof lnk, "%s/l.pgm", dir);
    CHECK(symlink("a.pgm", lnk) == 0);
    CHECK(ink_write_pgm(lnk, b, err, sizeof err) == -1);
    CHECK(strstr(err, "l.pgm: is a symbolic link, not a regular file") != NULL);
    free(before);
    free(after);
}

/* ------------------------------------------------ headers (issue 26) */

static int decoder_calls;

/* A decoder that must only see what the probe passed: it counts its calls
 * and hands back a w×h grey image (the size in *w, *h on the way in is the
 * caller's; the image is 3×2, so a header saying otherwise is caught). */
static int fake_decoder(void *user, const unsigned char *buf, size_t len, ink_image_type type,
                        float **pix, int *w, int *h, char *err, size_t errlen)
{
    (void)user, (void)buf, (void)len, (void)type, (void)err, (void)errlen;
    decoder_calls++;
    *pix = calloc(6, sizeof **pix);
    *w = 3;
    *h = 2;
    return *pix ? 0 : -1;
}

static size_t be32_put(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
    return 4;
}

/* A PNG's signature and IHDR (CRC not checked by the probe). */
static size_t put_png(unsigned char *b, uint32_t W, uint32_t H)
{
    memcpy(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    be32_put(b + 16, W);
    be32_put(b + 20, H);
    memcpy(b + 24, "\x08\0\0\0\0\0\0\0\0", 9);
    return 33;
}

/* A JPEG: SOI, APP1 segments of `app` bytes in all, a restart marker and fill bytes,
 * then SOF2 (progressive) declaring W×H. */
static size_t put_jpeg(unsigned char *b, unsigned W, unsigned H, size_t app)
{
    size_t n = 0;
    b[n++] = 0xFF, b[n++] = 0xD8;
    while (app > 0) { /* a segment holds at most 65533 bytes */
        size_t k = app < 60000 ? app : 60000;
        b[n++] = 0xFF, b[n++] = 0xE1;
        b[n++] = (unsigned char)((k + 2) >> 8), b[n++] = (unsigned char)(k + 2);
        memset(b + n, 0xAB, k);
        n += k;
        app -= k;
    }
    b[n++] = 0xFF, b[n++] = 0xFF, b[n++] = 0xC2, b[n++] = 0, b[n++] = 11, b[n++] = 8;
    b[n++] = (unsigned char)(H >> 8), b[n++] = (unsigned char)H;
    b[n++] = (unsigned char)(W >> 8), b[n++] = (unsigned char)W;
    b[n++] = 1, b[n++] = 1, b[n++] = 0x11, b[n++] = 0;
    return n;
}

static void test_probe(void)
{
    unsigned char *b = calloc(1, 1 << 17);
    char err[300];
    ink_image_type t;
    int w, h;
    CHECK(b != NULL);
    if (!b)
        return;
    /* each format's size, from its header alone */
    size_t n = put_png(b, 640, 480);
    CHECK(ink_image_probe("a.png", b, n, &t, &w, &h, err, sizeof err) == 0);
    CHECK(t == INK_IMAGE_PNG && w == 640 && h == 480);
    n = put_jpeg(b, 300, 200, 70000);   /* the frame header past 64 KB */
    CHECK(ink_image_probe("a.jpg", b, n, &t, &w, &h, err, sizeof err) == 0);
    CHECK(t == INK_IMAGE_JPEG && w == 300 && h == 200);
    n = put_bmp(b, 24, 1, 0, 0);
    CHECK(ink_image_probe("a.bmp", b, n, &t, &w, &h, err, sizeof err) == 0);
    CHECK(t == INK_IMAGE_BMP && w == IW && h == IH);
    n = (size_t)sprintf((char *)b, "P5\n# a comment\n 12 34\n255\n");
    CHECK(ink_image_probe("a.pgm", b, n, &t, &w, &h, err, sizeof err) == 0);
    CHECK(t == INK_IMAGE_PGM && w == 12 && h == 34);

    /* declared sizes over the cap, named with the size */
    n = put_png(b, 60000, 60000);
    CHECK(ink_image_probe("huge.png", b, n, &t, &w, &h, err, sizeof err) == -1);
    CHECK(strcmp(err, "huge.png: a PNG of 60000x60000 pixels, larger than 64 Mpixel") == 0);
    n = put_jpeg(b, 65500, 65500, 20);
    CHECK(ink_image_probe("huge.jpg", b, n, &t, &w, &h, err, sizeof err) == -1);
    CHECK(strcmp(err, "huge.jpg: a JPEG of 65500x65500 pixels, larger than 64 Mpixel") == 0);
    n = put_png(b, 0xFFFFFFFFu, 1);
    CHECK(ink_image_probe("wide.png", b, n, &t, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "larger than 64 Mpixel") != NULL);

    /* headers cut short or without a size, and no format at all */
    n = put_jpeg(b, 300, 200, 100);
    for (size_t cut = 0; cut + 4 < n; cut++) { /* the last 4 bytes follow the size */
        int r = ink_image_probe("cut.jpg", b, cut, &t, &w, &h, err, sizeof err);
        CHECK(r == -1 && (cut < 3 || strstr(err, "no valid size") != NULL));
    }
    n = put_png(b, 10, 10);
    for (size_t cut = 8; cut < 24; cut++)
        CHECK(ink_image_probe("cut.png", b, cut, &t, &w, &h, err, sizeof err) == -1);
    n = put_png(b, 0, 10);
    CHECK(ink_image_probe("zero.png", b, n, &t, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "zero.png: a PNG whose header gives no valid size") == err);
    static const unsigned char sos_first[] = {0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9};
    CHECK(ink_image_probe("sos.jpg", sos_first, sizeof sos_first, &t, &w, &h, err,
                          sizeof err) == -1);
    CHECK(ink_image_probe("notes.txt", (const unsigned char *)"GIF89a", 6, &t, &w, &h, err,
                          sizeof err) == -1);
    CHECK(t == INK_IMAGE_UNKNOWN &&
          strcmp(err, "unsupported image format: notes.txt (digitpad reads PNG, JPEG, BMP "
                      "and PGM)") == 0);

    /* Through the loader: a huge PNG or JPEG never reaches the decoder, and
     * peak RSS stays where it was (the files are tiny; a decode of 65500 x
     * 65500 would need 16 GB). */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long before_kb = ru.ru_maxrss;
    decoder_calls = 0;
    float *pix = NULL;
    n = put_jpeg(b, 65500, 65500, 1000);
    CHECK(save(tmp_path("huge.jpg"), b, n) == 0);
    CHECK(ink_image_load_with(tmp_path("huge.jpg"), fake_decoder, NULL, &pix, &w, &h, err,
                              sizeof err) == -1);
    n = put_png(b, 60000, 60000);
    CHECK(save(tmp_path("huge.png"), b, n) == 0);
    CHECK(ink_image_load_with(tmp_path("huge.png"), fake_decoder, NULL, &pix, &w, &h, err,
                              sizeof err) == -1);
    CHECK(decoder_calls == 0 && pix == NULL);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld kB before, %ld kB after the huge headers\n", before_kb, ru.ru_maxrss);
    CHECK(ru.ru_maxrss - before_kb < 64 * 1024);
    /* a PNG within the cap goes to the decoder, whose result must have the
     * header's size */
    n = put_png(b, 3, 2);
    CHECK(save(tmp_path("small.png"), b, n) == 0);
    CHECK(ink_image_load_with(tmp_path("small.png"), fake_decoder, NULL, &pix, &w, &h, err,
                              sizeof err) == 0);
    CHECK(decoder_calls == 1 && w == 3 && h == 2);
    free(pix);
    n = put_png(b, 4, 2);
    CHECK(save(tmp_path("liar.png"), b, n) == 0);
    CHECK(ink_image_load_with(tmp_path("liar.png"), fake_decoder, NULL, &pix, &w, &h, err,
                              sizeof err) == -1);
    CHECK(strstr(err, "decoded as 3x2 pixels, but its header says 4x2") != NULL);
    /* without a decoder (a build without the window), PNG is refused by name */
    CHECK(ink_image_load(tmp_path("small.png"), &pix, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "a PNG; this digitpad reads PNG and JPEG only when built with the "
                      "window (DIGITPAD_GUI=ON)") != NULL);
    free(b);
}

int main(void)
{
    unsigned char *b = malloc(1 << 16);
    char err[256];
    float *pix;
    int w, h;
    if (!b) {
        CHECK(b != NULL);
        return test_finish("test_ink_image");
    }
    size_t n;

    /* PGM: P5 8-bit and 16-bit, P2; light-on-dark stays, dark-on-light flips */
    n = put_pgm(b, 0, 255, 0);
    CHECK(save(tmp_path("a.pgm"), b, n) == 0 && loads_as(tmp_path("a.pgm"), 0, 1e-6));
    abuse("a.pgm", b, n, 1);
    n = put_pgm(b, 0, 65535, 0);
    CHECK(save(tmp_path("b.pgm"), b, n) == 0 && loads_as(tmp_path("b.pgm"), 0, 1e-6));
    abuse("b.pgm", b, n, 1);
    n = put_pgm(b, 1, 255, 0);
    CHECK(save(tmp_path("c.pgm"), b, n) == 0 && loads_as(tmp_path("c.pgm"), 0, 1e-6));
    abuse("c.pgm", b, n, 0);
    n = put_pgm(b, 1, 255, 1);
    CHECK(save(tmp_path("d.pgm"), b, n) == 0 && loads_as(tmp_path("d.pgm"), 0, 1e-6));
    n = put_pgm(b, 0, 65535, 1);
    CHECK(save(tmp_path("e.pgm"), b, n) == 0 && loads_as(tmp_path("e.pgm"), 0, 1e-6));

    /* BMP: 8/24/32 exact, 1/4 quantised; bottom-up and top-down; inverted */
    static const int bpps[] = {1, 4, 8, 24, 32};
    for (size_t i = 0; i < sizeof bpps / sizeof bpps[0]; i++)
        for (int td = 0; td <= 1; td++)
            for (int inv = 0; inv <= 1; inv++) {
                int bpp = bpps[i];
                double tol = bpp == 1 ? 0.51 : bpp == 4 ? 0.034 : 1e-6;
                n = put_bmp(b, bpp, td, 0, inv);
                char name[64];
                snprintf(name, sizeof name, "i%d%d%d.bmp", bpp, td, inv);
                CHECK(save(tmp_path(name), b, n) == 0);
                if (!loads_as(tmp_path(name), 0, tol)) {
                    fprintf(stderr, "BMP %d bpp, top-down %d, inverted %d\n", bpp, td, inv);
                    CHECK(!"BMP loads to the right pixels");
                }
                if (td == 0 && inv == 0)
                    abuse(name, b, n, 1);
            }
    n = put_bmp(b, 32, 1, 1, 0);
    CHECK(save(tmp_path("bf.bmp"), b, n) == 0 && loads_as(tmp_path("bf.bmp"), 0, 1e-6));
    abuse("bf.bmp", b, n, 1);
    /* colours become luma: a pure red 24-bit picture is 0.299 grey (its
     * border is darker than 0.5, so it is not inverted) */
    n = put_bmp(b, 24, 0, 0, 0);
    {
        uint32_t off = b[10] | b[11] << 8;
        for (size_t k = off; k < n; k++)
            b[k] = (k - off) % 3 == 2 && (k - off) % 24 < 21 ? 255 : 0;
        CHECK(save(tmp_path("red.bmp"), b, n) == 0);
        CHECK(ink_image_load(tmp_path("red.bmp"), &pix, &w, &h, err, sizeof err) == 0);
        if (pix) {
            CHECK_NEAR(pix[0], 0.299, 1e-3);
            free(pix);
        }
    }

    /* RLE and other unsupported kinds say so. */
    n = put_bmp(b, 8, 0, 0, 0);
    b[14 + 16] = 1;
    CHECK(save(tmp_path("rle.bmp"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("rle.bmp"), &pix, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "RLE") != NULL && pix == NULL);
    n = put_bmp(b, 8, 0, 0, 0);
    b[14 + 14] = 16;
    CHECK(save(tmp_path("16.bmp"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("16.bmp"), &pix, &w, &h, err, sizeof err) == -1);
    /* a palette index past a short palette */
    n = put_bmp(b, 8, 0, 0, 0);
    le32(b + 14 + 32, 2);
    CHECK(save(tmp_path("pal.bmp"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("pal.bmp"), &pix, &w, &h, err, sizeof err) == -1);
    /* absurd sizes are refused before any allocation */
    n = put_bmp(b, 24, 0, 0, 0);
    le32(b + 14 + 4, 100000);
    le32(b + 14 + 8, 100000);
    CHECK(save(tmp_path("huge.bmp"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("huge.bmp"), &pix, &w, &h, err, sizeof err) == -1);
    CHECK(strstr(err, "64 Mpixel") != NULL);
    n = (size_t)sprintf((char *)b, "P5 100000 100000 255\n");
    CHECK(save(tmp_path("huge.pgm"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("huge.pgm"), &pix, &w, &h, err, sizeof err) == -1);
    n = (size_t)sprintf((char *)b, "P5 9999999999999999999 1 255\n");
    CHECK(save(tmp_path("big.pgm"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("big.pgm"), &pix, &w, &h, err, sizeof err) == -1);
    n = (size_t)sprintf((char *)b, "P2 2 1 70000\n1 2\n");   /* maxval too large */
    CHECK(save(tmp_path("mv.pgm"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("mv.pgm"), &pix, &w, &h, err, sizeof err) == -1);
    n = (size_t)sprintf((char *)b, "P2 2 1 10\n1 11\n");   /* sample past maxval */
    CHECK(save(tmp_path("sv.pgm"), b, n) == 0);
    CHECK(ink_image_load(tmp_path("sv.pgm"), &pix, &w, &h, err, sizeof err) == -1);

    /* Garbage and missing files. */
    {
        unsigned long long s = 99;
        for (int t = 0; t < 300; t++) {
            size_t len = 1 + t * 7 % 400;
            for (size_t k = 0; k < len; k++) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                b[k] = (unsigned char)(s >> 56);
            }
            if (t % 3 == 0)
                memcpy(b, "BM", 2);
            else if (t % 3 == 1)
                memcpy(b, t % 2 ? "P5" : "P2", 2);
            CHECK(save(tmp_path("junk"), b, len) == 0);
            if (ink_image_load(tmp_path("junk"), &pix, &w, &h, err, sizeof err) == 0)
                free(pix);
        }
        CHECK(save(tmp_path("text.txt"), (const unsigned char *)"hello", 5) == 0);
        CHECK(ink_image_load(tmp_path("text.txt"), &pix, &w, &h, err, sizeof err) == -1);
        CHECK(strstr(err, "unsupported image format") != NULL);
        CHECK(ink_image_load(tmp_path("nope.pgm"), &pix, &w, &h, err, sizeof err) == -1);
        CHECK(pix == NULL && w == 0 && h == 0);
    }

    /* ink_write_pgm: white on black P5, values rounded, loads back. */
    {
        float in[INK_INPUT_SIZE];
        for (int i = 0; i < INK_INPUT_SIZE; i++)
            in[i] = (i % 28 > 10 && i % 28 < 18 && i / 28 > 4 && i / 28 < 24) ? i % 5 / 4.0f : 0;
        in[0] = -1;   /* clamped */
        in[1] = 0;
        const char *p = tmp_path("x.pgm");
        CHECK(ink_write_pgm(p, in, err, sizeof err) == 0);
        FILE *f = fopen(p, "rb");
        CHECK(f != NULL);
        if (f) {
            size_t got = fread(b, 1, 2000, f);
            fclose(f);
            CHECK(got == 13 + INK_INPUT_SIZE && memcmp(b, "P5\n28 28\n255\n", 13) == 0);
        }
        CHECK(ink_image_load(p, &pix, &w, &h, err, sizeof err) == 0);
        if (pix) {
            int ok = w == 28 && h == 28;
            for (int i = 0; ok && i < INK_INPUT_SIZE; i++)
                ok = pix[i] >= (in[i] > 0 ? in[i] : 0) - 0.002f &&
                     pix[i] <= (in[i] > 0 ? in[i] : 0) + 0.002f;
            CHECK(ok);
            free(pix);
        }
        struct stat st;
        CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
        CHECK(ink_write_pgm("/nonexistent-dir/x.pgm", in, err, sizeof err) == -1);
        CHECK(strstr(err, "nonexistent") != NULL);
    }

    free(b);
    test_pgm_failures();
    test_pgm_new();
    test_probe();
    return test_finish("test_ink_image");
}
