/* idx.c — reads IDX files (LeCun's MNIST format: a big-endian magic, the
 * dimensions, then raw bytes), plain or gzip-compressed (zlib's inflate,
 * the gzip trailer checked), validating every field before a byte is
 * allocated. */
#define _POSIX_C_SOURCE 200809L
#include "nn_data.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_MAGIC_IMAGES 0x00000803u /* unsigned byte data, 3 dimensions */
#define IDX_MAGIC_LABELS 0x00000801u /* unsigned byte data, 1 dimension */
#define IDX_MAX_SIDE 1024
/* 16 M images, 1 GB of pixels: ten times EMNIST, far from anything real. */
#define IDX_MAX_COUNT ((uint32_t)1 << 24)
#define IDX_MAX_BYTES ((uint64_t)1 << 30)
/* deflate cannot compress better than about 1032:1 (RFC 1951's longest
 * match, 258 bytes, in a 2-bit code), so a .gz file of s bytes never
 * expands beyond this many times s: a hostile header claiming more is
 * refused before allocating. */
#define GZ_MAX_RATIO 1032u
#define READ_CHUNK ((unsigned)1 << 24)

/* ------------------------------------------------------------ one file */

#define IN_CHUNK 65536

/* One IDX file being read: raw bytes, or a gzip stream decompressed here
 * with zlib's inflate (not gzread, which ignores bytes after the stream):
 * inflate checks the gzip trailer's CRC32 and length itself, and what
 * follows the stream is refused. */
typedef struct idx_file {
    const char *path;
    int fd;
    int gz;              /* the file starts with gzip's magic 1f 8b */
    int z_live;          /* zs initialised */
    int z_end;           /* the gzip stream, trailer included, is complete */
    int eof;             /* read() has returned 0 */
    z_stream zs;
    unsigned char *in;   /* IN_CHUNK bytes read from the file, not yet used */
    size_t in_pos, in_len;
    const char *why;     /* what went wrong in the last failed read */
    uint64_t file_size;  /* bytes on disk */
    uint32_t magic;
    uint32_t dim[3];
    int ndim;
    uint64_t data_len;   /* bytes of data the header declares */
} idx_file;

static void idx_close(idx_file *f)
{
    if (f->z_live)
        inflateEnd(&f->zs);
    f->z_live = 0;
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    free(f->in);
    f->in = NULL;
}

/* Refills f->in from the file; 0 at end of file, -1 on error. */
static int fill(idx_file *f)
{
    for (;;) {
        ssize_t n = read(f->fd, f->in, IN_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            f->why = strerror(errno);
            return -1;
        }
        f->in_pos = 0;
        f->in_len = (size_t)n;
        if (n == 0)
            f->eof = 1;
        return n > 0;
    }
}

/* Opens f->path (regular files only) and sees whether it is gzip. */
static nn_status open_regular(idx_file *f, nn_error *err)
{
    char msg[sizeof err->msg];
    f->fd = fileio_open_regular(f->path, "an IDX file", &f->file_size, msg, sizeof msg);
    if (f->fd < 0)
        return nn_fail(err, NN_EIO, "%s", msg);
    f->in = malloc(IN_CHUNK);
    if (!f->in)
        return nn_fail(err, NN_ENOMEM, "%s: out of memory opening the file", f->path);
    if (fill(f) < 0)
        return nn_fail(err, NN_EIO, "%s: %s", f->path, f->why);
    f->gz = f->in_len >= 2 && f->in[0] == 0x1f && f->in[1] == 0x8b;
    if (f->gz) {
        memset(&f->zs, 0, sizeof f->zs);
        /* 16 + 15: a gzip wrapper (header, CRC32, length) around deflate */
        if (inflateInit2(&f->zs, 16 + MAX_WBITS) != Z_OK)
            return nn_fail(err, NN_ENOMEM, "%s: out of memory opening the file", f->path);
        f->z_live = 1;
    }
    return NN_OK;
}

/* Reads exactly len bytes; 1 on success, 0 if the data ended first (with
 * *got set), -1 on a read or decompression error (reason in f->why). */
static int read_exact(idx_file *f, void *buf, uint64_t len, uint64_t *got)
{
    unsigned char *p = buf;
    uint64_t done = 0;
    while (done < len) {
        if (f->in_pos == f->in_len && !f->eof && !(f->gz && f->z_end)) {
            if (fill(f) < 0) {
                *got = done;
                return -1;
            }
        }
        if (!f->gz) {
            size_t have = f->in_len - f->in_pos;
            if (have == 0)
                break;
            size_t take = (uint64_t)have < len - done ? have : (size_t)(len - done);
            memcpy(p + done, f->in + f->in_pos, take);
            f->in_pos += take;
            done += take;
            continue;
        }
        if (f->z_end)
            break;
        uint64_t left = len - done;
        f->zs.next_in = f->in + f->in_pos;
        f->zs.avail_in = (uInt)(f->in_len - f->in_pos);
        f->zs.next_out = p + done;
        f->zs.avail_out = left > READ_CHUNK ? READ_CHUNK : (uInt)left;
        uInt before = f->zs.avail_out;
        int ret = inflate(&f->zs, Z_NO_FLUSH);
        f->in_pos = f->in_len - f->zs.avail_in;
        done += before - f->zs.avail_out;
        if (ret == Z_STREAM_END) {
            f->z_end = 1; /* inflate has checked the CRC32 and the length */
        } else if (ret == Z_BUF_ERROR && f->eof && f->in_pos == f->in_len) {
            f->why = "truncated: the compressed data ends early";
            *got = done;
            return -1;
        } else if (ret == Z_MEM_ERROR) {
            f->why = "out of memory decompressing";
            *got = done;
            return -1;
        } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
            /* zlib says "incorrect data check" for a CRC32 that does not
             * match, "incorrect length check" for a wrong length */
            const char *zm = f->zs.msg ? f->zs.msg : "";
            f->why = !strcmp(zm, "incorrect data check")
                         ? "the gzip trailer's CRC32 does not match the data (corrupt file)"
                     : !strcmp(zm, "incorrect length check")
                         ? "the gzip trailer's length does not match the data (corrupt file)"
                         : "corrupt compressed data";
            *got = done;
            return -1;
        }
    }
    *got = done;
    return done == len ? 1 : 0;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Opens f->path and reads and validates its header (expected magic and
 * number of dimensions), leaving the stream at the first data byte. */
static nn_status idx_open(idx_file *f, uint32_t want_magic, nn_error *err)
{
    const char *path = f->path;
    nn_status st = open_regular(f, err);
    if (st != NN_OK)
        return st;
    unsigned char b[12];
    uint64_t got = 0;
    int r = read_exact(f, b, 4, &got);
    if (r < 0)
        return nn_fail(err, NN_EIO, "%s: %s", path, f->why);
    if (r == 0)
        return nn_fail(err, NN_EFORMAT, "%s: %s", path,
                       got == 0 ? "empty file" : "too short for an IDX header");
    f->magic = be32(b);
    if (f->magic != want_magic) {
        const char *hint = "";
        if (f->magic == IDX_MAGIC_IMAGES)
            hint = " (this is an image file: images and labels swapped?)";
        else if (f->magic == IDX_MAGIC_LABELS)
            hint = " (this is a label file: images and labels swapped?)";
        else if ((f->magic >> 16) != 0)
            hint = " (not an IDX file)";
        return nn_fail(err, NN_EFORMAT, "%s: bad magic 0x%08x, expected 0x%08x%s", path,
                       (unsigned)f->magic, (unsigned)want_magic, hint);
    }
    f->ndim = (int)(f->magic & 0xff);
    r = read_exact(f, b, (uint64_t)f->ndim * 4, &got);
    if (r < 0)
        return nn_fail(err, NN_EIO, "%s: %s", path, f->why);
    if (r == 0)
        return nn_fail(err, NN_EFORMAT, "%s: truncated in the header", path);
    for (int i = 0; i < f->ndim; i++)
        f->dim[i] = be32(b + 4 * i);
    if (f->dim[0] == 0)
        return nn_fail(err, NN_EFORMAT, "%s: the header says 0 items", path);
    if (f->dim[0] > IDX_MAX_COUNT)
        return nn_fail(err, NN_ELIMIT, "%s: %u items is more than the limit of %u", path,
                       (unsigned)f->dim[0], (unsigned)IDX_MAX_COUNT);
    if (f->ndim == 3) {
        for (int i = 1; i < 3; i++)
            if (f->dim[i] < 1 || f->dim[i] > IDX_MAX_SIDE)
                return nn_fail(err, NN_EFORMAT, "%s: image size %ux%u is outside 1..%d", path,
                               (unsigned)f->dim[1], (unsigned)f->dim[2], IDX_MAX_SIDE);
    }
    /* Every factor is bounded by now, so the product cannot overflow. */
    uint64_t len = f->dim[0];
    for (int i = 1; i < f->ndim; i++)
        len *= f->dim[i];
    if (len > IDX_MAX_BYTES)
        return nn_fail(err, NN_ELIMIT, "%s: %llu bytes of data is more than the limit", path,
                       (unsigned long long)len);
    f->data_len = len;
    uint64_t header = 4 + 4 * (uint64_t)f->ndim;
    if (!f->gz) {
        /* Uncompressed: the size on disk must match the header exactly. */
        if (f->file_size - header < len)
            return nn_fail(err, NN_EFORMAT,
                           "%s: truncated: the header promises %llu bytes of data, the file "
                           "has %llu",
                           path, (unsigned long long)len,
                           (unsigned long long)(f->file_size - header));
        if (f->file_size - header > len)
            return nn_fail(err, NN_EFORMAT,
                           "%s: trailing data: %llu bytes beyond the %llu the header promises",
                           path, (unsigned long long)(f->file_size - header - len),
                           (unsigned long long)len);
    } else if (len / GZ_MAX_RATIO > f->file_size) {
        return nn_fail(err, NN_EFORMAT,
                       "%s: truncated: the header promises %llu bytes, more than %llu compressed "
                       "bytes can hold",
                       path, (unsigned long long)len, (unsigned long long)f->file_size);
    }
    return NN_OK;
}

/* Reads the data the header declared into buf and checks nothing follows. */
static nn_status idx_read_data(idx_file *f, void *buf, nn_error *err)
{
    uint64_t got = 0;
    int r = read_exact(f, buf, f->data_len, &got);
    if (r < 0)
        return nn_fail(err, NN_EIO, "%s: %s", f->path, f->why);
    if (r == 0)
        return nn_fail(err, NN_EFORMAT,
                       "%s: truncated: the header promises %llu bytes of data, the file has %llu",
                       f->path, (unsigned long long)f->data_len, (unsigned long long)got);
    unsigned char extra;
    uint64_t n = 0;
    r = read_exact(f, &extra, 1, &n);
    if (r < 0 && f->gz && !f->z_end && f->eof)
        return nn_fail(err, NN_EFORMAT, "%s: truncated: the gzip trailer (CRC32 and length) is "
                       "missing or cut", f->path);
    if (r < 0)
        return nn_fail(err, NN_EIO, "%s: %s", f->path, f->why);
    if (n > 0)
        return nn_fail(err, NN_EFORMAT, "%s: trailing data after the %llu bytes the header "
                       "promises", f->path, (unsigned long long)f->data_len);
    if (f->gz) {
        /* A second gzip member or junk after the stream: MNIST files are
         * one stream, and gzread would have skipped junk silently. */
        uint64_t after = f->in_len - f->in_pos;
        while (!f->eof && after < 1024) {
            int fr = fill(f);
            if (fr < 0)
                return nn_fail(err, NN_EIO, "%s: %s", f->path, f->why);
            after += f->in_len;
        }
        if (after > 0)
            return nn_fail(err, NN_EFORMAT, "%s: %s%llu bytes after the end of the gzip stream",
                           f->path, f->eof ? "" : "at least ", (unsigned long long)after);
    }
    return NN_OK;
}

/* ------------------------------------------------------------------ public */

nn_status nn_idx_load(nn_dataset *ds, const char *images_path, const char *labels_path,
                      nn_error *err)
{
    if (!ds || !images_path || !labels_path)
        return nn_fail(err, NN_EINVAL, "nn_idx_load: NULL argument");
    memset(ds, 0, sizeof *ds);
    idx_file im = {.path = images_path, .fd = -1}, lb = {.path = labels_path, .fd = -1};
    nn_status st = idx_open(&im, IDX_MAGIC_IMAGES, err);
    if (st == NN_OK)
        st = idx_open(&lb, IDX_MAGIC_LABELS, err);
    if (st == NN_OK && im.dim[0] != lb.dim[0])
        st = nn_fail(err, NN_EFORMAT, "%s: %u labels for the %u images of %s", labels_path,
                     (unsigned)lb.dim[0], (unsigned)im.dim[0], images_path);
    if (st == NN_OK) {
        nn_error aerr = {0};
        st = nn_dataset_alloc(ds, im.dim[0], (int)im.dim[1], (int)im.dim[2], &aerr);
        if (st != NN_OK)
            nn_fail(err, st, "%s: %s", images_path, aerr.msg);
    }
    if (st == NN_OK)
        st = idx_read_data(&im, ds->images, err);
    if (st == NN_OK)
        st = idx_read_data(&lb, ds->labels, err);
    if (st == NN_OK) {
        for (size_t i = 0; i < ds->n; i++)
            if (ds->labels[i] > 9) {
                st = nn_fail(err, NN_EFORMAT, "%s: label %u of item %zu is not a digit 0..9",
                             labels_path, (unsigned)ds->labels[i], i);
                break;
            }
    }
    idx_close(&im);
    idx_close(&lb);
    if (st != NN_OK)
        nn_dataset_free(ds);
    return st;
}

const char *nn_mnist_default_dir(const char *explicit_dir)
{
    if (explicit_dir && *explicit_dir)
        return explicit_dir;
    const char *env = getenv("DIGITPAD_DATA");
    if (env && *env)
        return env;
    return "data/mnist";
}

/* Sets out to "<dir>/<name>" or "<dir>/<name>.gz", whichever exists (the
 * uncompressed one first); NN_EIO with a how-to-fetch message if neither. */
static nn_status find_file(const char *dir, const char *name, char *out, size_t cap,
                           nn_error *err)
{
    struct stat st;
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n + 4 >= cap)
        return nn_fail(err, NN_EINVAL, "%s: directory name too long", dir);
    if (stat(out, &st) == 0)
        return NN_OK;
    strcat(out, ".gz");
    if (stat(out, &st) == 0)
        return NN_OK;
    return nn_fail(err, NN_EIO,
                   "%s/%s(.gz): not found; run scripts/fetch-mnist.sh, or pass --data DIR or "
                   "set DIGITPAD_DATA to a directory holding MNIST",
                   dir, name);
}

nn_status nn_mnist_load(nn_dataset *ds, const char *dir, nn_mnist_split split, nn_error *err)
{
    if (!ds)
        return nn_fail(err, NN_EINVAL, "nn_mnist_load: NULL dataset");
    memset(ds, 0, sizeof *ds);
    dir = nn_mnist_default_dir(dir);
    const char *prefix = split == NN_MNIST_TRAIN ? "train" : "t10k";
    char iname[64], lname[64], ipath[4096], lpath[4096];
    snprintf(iname, sizeof iname, "%s-images-idx3-ubyte", prefix);
    snprintf(lname, sizeof lname, "%s-labels-idx1-ubyte", prefix);
    nn_status st = find_file(dir, iname, ipath, sizeof ipath, err);
    if (st == NN_OK)
        st = find_file(dir, lname, lpath, sizeof lpath, err);
    if (st == NN_OK)
        st = nn_idx_load(ds, ipath, lpath, err);
    return st;
}
