/* strokes_file.c — the strokes file format (one drawing per line, see ink.h
 * and issue 3): a fuzz-grade parser, a formatter that round-trips with it,
 * a file reader that names "path:line" and takes gzip-compressed files too
 * (the pen digits in datasets/), and a crash-safe appender.
 * Numbers are parsed and printed by hand so the C locale never matters. */
/* flock(2) is BSD, not POSIX */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "ink_internal.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Limits that keep a hostile file from eating the machine.  A real digit
 * has tens to hundreds of points (dev.txt's longest line is 3.5 kB). */
#define MAX_POINTS 100000
#define MAX_LINE (4u << 20)
/* Coordinates may overshoot the 1000-unit box a little (a pen that slides
 * past the edge); they are kept as they are, not clamped, so files
 * round-trip exactly, and the renderer clips to the canvas.  Anything
 * further out is a corrupt file, not a drawing. */
#define COORD_MIN (-1000.0)
#define COORD_MAX 2000.0
/* A gzip-compressed strokes file is inflated into memory whole: at most
 * this many bytes (the pen digits are 4.2 MB), so a small hostile file
 * cannot claim gigabytes. */
#define MAX_GZ_TEXT (256u << 20)
#define GZ_CHUNK 65536


static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_space(*p))
        p++;
    return p;
}

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits].  No hex, no inf,
 * no nan, locale-independent.  Returns the end or NULL. */
static const char *parse_num(const char *p, const char *end, double *v)
{
    double sign = 1, mant = 0, scale = 1;
    int digits = 0;
    if (p < end && (*p == '+' || *p == '-')) {
        if (*p == '-')
            sign = -1;
        p++;
    }
    while (p < end && *p >= '0' && *p <= '9') {
        if (mant < 1e17)
            mant = mant * 10 + (*p - '0');
        else
            scale *= 10;   /* further digits only grow the magnitude */
        digits++;
        p++;
    }
    if (p < end && *p == '.') {
        p++;
        double f = 0.1;
        while (p < end && *p >= '0' && *p <= '9') {
            mant += (*p - '0') * f * scale;
            f /= 10;
            digits++;
            p++;
        }
    }
    if (digits == 0)
        return NULL;
    int ex = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int es = 1, ed = 0;
        if (p < end && (*p == '+' || *p == '-')) {
            if (*p == '-')
                es = -1;
            p++;
        }
        while (p < end && *p >= '0' && *p <= '9') {
            if (ex < 10000)
                ex = ex * 10 + (*p - '0');
            ed++;
            p++;
        }
        if (ed == 0)
            return NULL;
        ex *= es;
    }
    /* Zero stays zero whatever the exponent: 0e99999 would be 0 * inf. */
    *v = mant == 0.0 ? sign * 0.0 : sign * mant * scale * pow(10.0, ex);
    return p;
}

/* ------------------------------------------------------------- parsing */

int ink_parse_line(const char *line, ink_sample *out, char *err, size_t errlen)
{
    if (!line || !out) {
        ink_set_err(err, errlen, "no line");
        return -1;
    }
    const char *end = line + strlen(line);
    while (end > line && is_space(end[-1]))
        end--;   /* CRLF and trailing blanks */
    const char *p = skip_ws(line, end);
    if (p == end || *p == '#')
        return 0;

    /* label */
    int label;
    if (*p >= '0' && *p <= '9')
        label = *p - '0';
    else if (*p == '?')
        label = -1;
    else {
        ink_set_err(err, errlen, "label must be a digit 0-9 or '?'");
        return -1;
    }
    p++;
    if (p == end || !is_space(*p)) {
        ink_set_err(err, errlen, "label must be a single digit or '?' followed by a space");
        return -1;
    }
    p = skip_ws(p, end);

    /* id */
    const char *id = p;
    while (p < end && !is_space(*p))
        p++;
    size_t idlen = (size_t)(p - id);
    if (idlen == 0 || (idlen == 1 && *id == '|')) {
        ink_set_err(err, errlen, "missing id before '|'");
        return -1;
    }
    if (idlen >= sizeof out->id) {
        ink_set_err(err, errlen, "id longer than %zu characters", sizeof out->id - 1);
        return -1;
    }
    for (size_t i = 0; i < idlen; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f) {
            ink_set_err(err, errlen, "control character in id");
            return -1;
        }
    p = skip_ws(p, end);
    if (p == end || *p != '|') {
        ink_set_err(err, errlen, "missing '|' after the id");
        return -1;
    }
    p = skip_ws(p + 1, end);

    /* strokes */
    ink_drawing d;
    ink_drawing_init(&d);
    size_t npts = 0, nstroke = 1;
    int need_point = 1;   /* at the start of a stroke */
    if (ink_stroke_begin(&d) != 0)
        goto oom;
    while (p < end) {
        if (*p == ';') {
            if (need_point) {
                ink_set_err(err, errlen, "empty stroke %zu", nstroke);
                goto fail;
            }
            nstroke++;
            if (ink_stroke_begin(&d) != 0)
                goto oom;
            need_point = 1;
            p = skip_ws(p + 1, end);
            continue;
        }
        double x, y;
        const char *q = parse_num(p, end, &x);
        if (!q || q == end || *q != ',') {
            ink_set_err(err, errlen, "stroke %zu: point %zu is not 'x,y' with numbers",
                    nstroke, d.strokes[d.n - 1].n + 1);
            goto fail;
        }
        q = parse_num(q + 1, end, &y);
        if (!q || (q < end && !is_space(*q) && *q != ';')) {
            ink_set_err(err, errlen, "stroke %zu: point %zu is not 'x,y' with numbers",
                    nstroke, d.strokes[d.n - 1].n + 1);
            goto fail;
        }
        if (!(x >= COORD_MIN && x <= COORD_MAX && y >= COORD_MIN && y <= COORD_MAX)) {
            ink_set_err(err, errlen, "stroke %zu: point %zu is outside %g..%g", nstroke,
                    d.strokes[d.n - 1].n + 1, COORD_MIN, COORD_MAX);
            goto fail;
        }
        if (++npts > MAX_POINTS) {
            ink_set_err(err, errlen, "more than %d points", MAX_POINTS);
            goto fail;
        }
        if (ink_stroke_add(&d, (float)x, (float)y) != 0)
            goto oom;
        need_point = 0;
        p = skip_ws(q, end);
    }
    if (need_point) {
        ink_set_err(err, errlen, nstroke == 1 ? "no points after '|'" : "empty stroke %zu",
                nstroke);
        goto fail;
    }
    out->label = label;
    memcpy(out->id, id, idlen);
    out->id[idlen] = '\0';
    out->drawing = d;
    return 1;
oom:
    ink_set_err(err, errlen, "out of memory");
fail:
    ink_drawing_free(&d);
    return -1;
}

/* ------------------------------------------------------------- reading */

void ink_samples_free(ink_sample *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        ink_drawing_free(&s[i].drawing);
    free(s);
}

/* The line reader of strokes files (ink.h): -2 for a line holding a NUL
 * byte, because zeros are what a crash can leave in a file's last block
 * and the lines after them can still be good; with skip_long, -2 also for
 * a line longer than MAX_LINE, read past without storing it, because one
 * such line (an append cut short, a paste gone wrong) must not cost the
 * lines after it. */
int ink_read_line(FILE *f, char **buf, size_t *cap, int skip_long, const char **why)
{
    size_t len = 0;
    int c, got = 0, nul = 0, toolong = 0;
    while ((c = getc(f)) != EOF) {
        got = 1;
        if (c == '\n')
            break;
        if (c == '\0')
            nul = 1;
        if (nul || toolong)
            continue;
        if (len + 1 >= *cap) {
            if (*cap >= MAX_LINE) {
                *why = "line longer than 4 MiB";
                if (!skip_long)
                    return -1;
                toolong = 1;
                continue;
            }
            size_t ncap = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, ncap);
            if (!nb) {
                *why = "out of memory";
                return -1;
            }
            *buf = nb;
            *cap = ncap;
        }
        (*buf)[len++] = (char)c;
    }
    if (ferror(f)) {
        *why = strerror(errno);
        return -1;
    }
    if (!got)
        return 0;
    if (nul) {
        *why = "NUL byte in line";
        return -2;
    }
    if (toolong)
        return -2;
    if (!*buf) {   /* an empty last line */
        *buf = malloc(1);
        if (!*buf) {
            *why = "out of memory";
            return -1;
        }
        *cap = 1;
    }
    (*buf)[len] = '\0';
    return 1;
}

FILE *ink_fopen_regular(const char *path, const char *what, char *err, size_t errlen)
{
    int fd = fileio_open_regular(path, what, NULL, err, errlen);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        ink_set_err(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

/* ------------------------------------------------------ gzip-compressed */

/* f (just opened, at offset 0) starts with gzip's magic 1f 8b? Leaves f at
 * offset 0; -1 on a read error. */
static int is_gzip(FILE *f)
{
    unsigned char m[2];
    size_t got = fread(m, 1, 2, f);
    if (ferror(f))
        return -1;
    rewind(f);
    return got == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* Inflates the gzip stream in f into a new buffer (*text, *len; NUL after
 * the end).  inflate itself, not gzread: it checks the trailer's CRC32 and
 * length, and this refuses a stream cut short or bytes after it, so a
 * damaged download is an error rather than fewer drawings.  0, or -1 with
 * "path: reason" in err. */
static int inflate_file(FILE *f, const char *path, char **text, size_t *len, char *err,
                        size_t errlen)
{
    *text = NULL;
    *len = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* 16 + MAX_WBITS: a gzip wrapper (header, CRC32, length) around deflate */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        ink_set_err(err, errlen, "%s: out of memory", path);
        return -1;
    }
    unsigned char *in = malloc(GZ_CHUNK);
    char *out = NULL;
    size_t cap = 0, used = 0;
    int zr = Z_OK;
    const char *why = NULL;
    if (!in) {
        why = "out of memory";
        goto fail;
    }
    while (zr != Z_STREAM_END) {
        size_t n = fread(in, 1, GZ_CHUNK, f);
        if (ferror(f)) {
            why = strerror(errno);
            goto fail;
        }
        if (n == 0) {
            why = "gzip data ends early (a truncated file?)";
            goto fail;
        }
        zs.next_in = in;
        zs.avail_in = (uInt)n;
        while (zs.avail_in > 0 && zr != Z_STREAM_END) {
            if (cap - used < GZ_CHUNK) {
                if (cap >= MAX_GZ_TEXT) {
                    why = "more than 256 MiB of text once decompressed";
                    goto fail;
                }
                size_t ncap = cap ? cap * 2 : 4 * (size_t)GZ_CHUNK;
                char *no = realloc(out, ncap + 1);
                if (!no) {
                    why = "out of memory";
                    goto fail;
                }
                out = no;
                cap = ncap;
            }
            zs.next_out = (unsigned char *)out + used;
            zs.avail_out = (uInt)(cap - used);
            zr = inflate(&zs, Z_NO_FLUSH);
            used = cap - zs.avail_out;
            if (zr != Z_OK && zr != Z_STREAM_END) {
                why = zr == Z_MEM_ERROR ? "out of memory"
                      : zs.msg          ? zs.msg
                                        : "corrupt gzip data";
                goto fail;
            }
        }
        if (zr == Z_STREAM_END && (zs.avail_in > 0 || fread(in, 1, 1, f) > 0)) {
            why = "bytes after the gzip stream";
            goto fail;
        }
    }
    inflateEnd(&zs);
    free(in);
    if (!out) { /* an empty stream: an empty file */
        out = malloc(1);
        if (!out) {
            ink_set_err(err, errlen, "%s: out of memory", path);
            return -1;
        }
    }
    out[used] = '\0';
    *text = out;
    *len = used;
    return 0;
fail:
    ink_set_err(err, errlen, "%s: %s", path, why);
    inflateEnd(&zs);
    free(in);
    free(out);
    return -1;
}

/* Opens path for reading its lines: the file itself, or for a gzip file
 * (found by its magic, not its name) a stream over its inflated text, which
 * *text holds until the caller has closed the stream and freed it.  NULL
 * with *empty set for a gzip file holding no text (POSIX lets fmemopen
 * refuse a zero-length buffer); NULL with err set on an error. */
static FILE *open_strokes(const char *path, char **text, int *empty, char *err, size_t errlen)
{
    *text = NULL;
    *empty = 0;
    FILE *f = ink_fopen_regular(path, "a strokes file", err, errlen);
    if (!f)
        return NULL;
    int gz = is_gzip(f);
    if (gz <= 0) {
        if (gz < 0) {
            ink_set_err(err, errlen, "%s: %s", path, strerror(errno));
            fclose(f);
            return NULL;
        }
        return f;
    }
    size_t len;
    int rc = inflate_file(f, path, text, &len, err, errlen);
    fclose(f);
    if (rc != 0)
        return NULL;
    if (len == 0) {
        free(*text);
        *text = NULL;
        *empty = 1;
        return NULL;
    }
    FILE *m = fmemopen(*text, len, "rb");
    if (!m) {
        ink_set_err(err, errlen, "%s: %s", path, strerror(errno));
        free(*text);
        *text = NULL;
    }
    return m;
}

/* skipped NULL: the first malformed line fails the read; else such lines
 * are counted there and the first one's reason is left in err. */
static int read_file(const char *path, ink_sample **out, size_t *n, size_t *skipped, char *err,
                     size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (skipped)
        *skipped = 0;
    char *text = NULL;
    int empty;
    FILE *f = open_strokes(path, &text, &empty, err, errlen);
    if (!f)
        return empty ? 0 : -1;
    ink_sample *arr = NULL;
    size_t cnt = 0, cap = 0, lineno = 0;
    char *buf = NULL;
    size_t bufcap = 0;
    const char *why = NULL;
    int r;
    while ((r = ink_read_line(f, &buf, &bufcap, skipped != NULL, &why)) == 1 || r == -2) {
        lineno++;
        if (r == -2 && skipped) {
            if ((*skipped)++ == 0)
                ink_set_err(err, errlen, "%s:%zu: %s", path, lineno, why);
            continue;
        }
        if (r == -2)
            break;
        /* A UTF-8 byte-order mark, which some editors put first, is not
         * part of line 1. */
        if (lineno == 1 && !strncmp(buf, "\xef\xbb\xbf", 3))
            memmove(buf, buf + 3, strlen(buf + 3) + 1);
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            ink_sample *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                ink_set_err(err, errlen, "%s:%zu: out of memory", path, lineno);
                goto fail;
            }
            arr = na;
            cap = ncap;
        }
        char msg[200];
        int pr = ink_parse_line(buf, &arr[cnt], msg, sizeof msg);
        if (pr < 0 && skipped) {
            if ((*skipped)++ == 0)
                ink_set_err(err, errlen, "%s:%zu: %s", path, lineno, msg);
            continue;
        }
        if (pr < 0) {
            ink_set_err(err, errlen, "%s:%zu: %s", path, lineno, msg);
            goto fail;
        }
        if (pr == 1)
            cnt++;
    }
    if (r == -2) {
        ink_set_err(err, errlen, "%s:%zu: %s", path, lineno, why);
        goto fail;
    }
    if (r < 0) {
        ink_set_err(err, errlen, "%s:%zu: %s", path, lineno + 1, why);
        goto fail;
    }
    free(buf);
    buf = NULL;
    if (fclose(f) != 0) {
        f = NULL;
        ink_set_err(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    free(text);
    *out = arr;
    *n = cnt;
    return 0;
fail:
    free(buf);
    if (f)
        fclose(f);
    free(text);
    ink_samples_free(arr, cnt);
    return -1;
}

int ink_read_file(const char *path, ink_sample **out, size_t *n, char *err, size_t errlen)
{
    return read_file(path, out, n, NULL, err, errlen);
}

int ink_read_file_skipping(const char *path, ink_sample **out, size_t *n, size_t *skipped,
                           char *err, size_t errlen)
{
    return read_file(path, out, n, skipped, err, errlen);
}

/* ---------------------------------------------------------- formatting */

/* Appends v rounded to one decimal ("12", "12.5", "-0.5") at *p. */
static char *put_coord(char *p, float v)
{
    long t = lround((double)v * 10.0);
    if (t < 0) {
        *p++ = '-';
        t = -t;
    }
    p += sprintf(p, "%ld", t / 10);
    if (t % 10)
        p += sprintf(p, ".%ld", t % 10);
    return p;
}

char *ink_format_line(const ink_sample *s)
{
    const ink_drawing *d = &s->drawing;
    size_t npts = ink_point_count(d);
    size_t idlen = strnlen(s->id, sizeof s->id);
    /* label, id, " | ", then per point at most "-2147483648.5,-...5 " (a
     * float clamped below keeps it far shorter) and per stroke " ; ". */
    size_t cap = 8 + idlen + 4 + npts * 64 + d->n * 4 + 1;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    char *p = buf;
    *p++ = s->label >= 0 && s->label <= 9 ? (char)('0' + s->label) : '?';
    *p++ = ' ';
    if (idlen == 0)
        *p++ = '-';   /* an id is required; '-' stands for none */
    for (size_t i = 0; i < idlen; i++) {
        unsigned char c = (unsigned char)s->id[i];
        /* the id is one token: blanks and control characters become '_' */
        *p++ = (c <= 0x20 || c == 0x7f) ? '_' : (char)c;
    }
    memcpy(p, " |", 2);
    p += 2;
    int first_stroke = 1;
    for (size_t k = 0; k < d->n; k++) {
        const ink_stroke *st = &d->strokes[k];
        if (st->n == 0)
            continue;   /* empty strokes cannot be written (nor parsed) */
        if (!first_stroke) {
            memcpy(p, " ;", 2);
            p += 2;
        }
        first_stroke = 0;
        for (size_t i = 0; i < st->n; i++) {
            /* Keep the printed magnitude bounded whatever the caller put in. */
            float x = st->pts[i].x, y = st->pts[i].y;
            x = isfinite(x) ? fminf(fmaxf(x, -1e6f), 1e6f) : 0.0f;
            y = isfinite(y) ? fminf(fmaxf(y, -1e6f), 1e6f) : 0.0f;
            *p++ = ' ';
            p = put_coord(p, x);
            *p++ = ',';
            p = put_coord(p, y);
        }
    }
    *p = '\0';
    return buf;
}

/* ------------------------------------------------------------ appending */

/* Puts the file back to `size` bytes after a failed append.  Returns 0 or
 * -1 with errno set. */
static int restore_size(int fd, off_t size)
{
    int r;
    do
        r = ftruncate(fd, size);
    while (r != 0 && errno == EINTR);
    if (r != 0)
        return -1;
    return fsync(fd);
}

int ink_append_sample(const char *path, const ink_sample *s, char *err, size_t errlen)
{
    if (ink_point_count(&s->drawing) == 0) {
        ink_set_err(err, errlen, "nothing to save: the drawing is empty");
        return -1;
    }
    char *body = ink_format_line(s);
    if (!body) {
        ink_set_err(err, errlen, "out of memory");
        return -1;
    }
    size_t blen = strlen(body);
    char *line = malloc(blen + 3);
    if (!line) {
        free(body);
        ink_set_err(err, errlen, "out of memory");
        return -1;
    }
    /* A failure after creating the file leaves it empty rather than
     * unlinking it: another writer may already have it open. */
    int fd = fileio_open_append(path, err, errlen);
    if (fd < 0) {
        free(body);
        free(line);
        return -1;
    }
    /* The window and the background trainer may append to the same file:
     * the lock (per open file, so it works between threads too) keeps the
     * other writer's line out of the range a failed append truncates. */
    int r;
    do
        r = flock(fd, LOCK_EX);
    while (r != 0 && errno == EINTR);
    struct stat st;
    /* rb survives a failed close(fd), so the file can still be put back */
    int rb = r == 0 && fstat(fd, &st) == 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    if (rb < 0) {
        ink_set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        free(body);
        free(line);
        return -1;
    }
    /* A file whose last line lacks its newline (edited by hand) would glue
     * our line onto it: start with one then. */
    size_t len = 0;
    char last = '\n';
    if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
        line[len++] = '\n';
    memcpy(line + len, body, blen);
    len += blen;
    line[len++] = '\n';
    free(body);
    /* One write with O_APPEND puts the whole line at the end; a short write
     * (disk full) is not retried but undone, like every failure from here
     * on: the file goes back to the size it had, so it never ends in half
     * a line. */
    long wr;
    do
        wr = fileio_write(fd, line, len, 1);
    while (wr < 0 && errno == EINTR);
    free(line);
    const char *what = NULL;
    int e = 0;
    if (wr < 0 || (size_t)wr != len) {
        what = "cannot write";
        e = wr < 0 ? errno : ENOSPC;
    } else if (fileio_inject(FILEIO_STEP_FSYNC) || fsync(fd) != 0) {
        what = "cannot flush to disk";
        e = errno;
    }
    if (what) {
        close(fd);
    } else if (fileio_inject(FILEIO_STEP_CLOSE) | (close(fd) != 0)) {
        what = "cannot close";
        e = errno;
    }
    if (!what) {
        close(rb);   /* the data is on disk and the file was closed once */
        return 0;
    }
    if (restore_size(rb, st.st_size) != 0)
        ink_set_err(err, errlen, "%s: %s: %s, and cutting off the partial line failed: %s",
                path, what, strerror(e), strerror(errno));
    else
        ink_set_err(err, errlen, "%s: %s: %s (the file is unchanged)", path, what,
                strerror(e));
    close(rb);
    return -1;
}
