/* image.c — reading PGM (P2/P5) and uncompressed BMP images as grey floats
 * with ink = 1, for `digitpad --predict` and the window (PNG and JPEG
 * through the caller's decoder, after image_probe.c checked the header's
 * size), and writing a 28×28 input as a
 * PGM.  Every header field and length is checked before it is used: these
 * files come from anywhere. */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "ink_internal.h"
#include "fileio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PIXELS INK_IMAGE_MAX_PIXELS
#define MAX_FILE ((size_t)1 << 30)     /* an ASCII P2 of 64 Mpixel fits */


/* Reads the whole file (up to MAX_FILE) into a new buffer. */
static unsigned char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = ink_fopen_regular(path, "an image", err, errlen);
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE) {
                ink_set_err(err, errlen, "%s: file larger than 1 GiB", path);
                goto fail;
            }
            size_t ncap = cap ? cap * 2 : 65536;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                ink_set_err(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        ink_set_err(err, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    *len = n;
    return buf;
fail:
    free(buf);
    fclose(f);
    return NULL;
}

/* ------------------------------------------------------------------ PGM */

static float *load_pgm(const char *path, const unsigned char *buf, size_t len, int *w,
                       int *h, char *err, size_t errlen)
{
    int ascii = buf[1] == '2';
    ink_cursor c = {buf + 2, buf + len};
    long W = ink_pgm_uint(&c, MAX_PIXELS), H = ink_pgm_uint(&c, MAX_PIXELS);
    long maxval = ink_pgm_uint(&c, 65535);
    if (W <= 0 || H <= 0) {
        ink_set_err(err, errlen, "%s: PGM width/height missing, zero or too large", path);
        return NULL;
    }
    if ((uint64_t)W * (uint64_t)H > MAX_PIXELS) {
        ink_set_err(err, errlen, "%s: image larger than 64 Mpixel", path);
        return NULL;
    }
    if (maxval <= 0) {
        ink_set_err(err, errlen, "%s: PGM maxval missing or not in 1..65535", path);
        return NULL;
    }
    size_t n = (size_t)W * (size_t)H;
    if (!ascii) {
        /* exactly one whitespace byte separates maxval from the raster */
        if (c.p >= c.end || !ink_pgm_space(*c.p)) {
            ink_set_err(err, errlen, "%s: PGM header not followed by whitespace", path);
            return NULL;
        }
        c.p++;
        size_t bpp = maxval > 255 ? 2 : 1;
        if ((size_t)(c.end - c.p) / bpp < n) {
            ink_set_err(err, errlen, "%s: PGM truncated (%zu pixels expected)", path, n);
            return NULL;
        }
    } else if ((size_t)(c.end - c.p) / 2 < n - 1) {
        /* each ASCII sample takes at least a digit and a separator */
        ink_set_err(err, errlen, "%s: PGM truncated (%zu pixels expected)", path, n);
        return NULL;
    }
    float *pix = malloc(n * sizeof *pix);
    if (!pix) {
        ink_set_err(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    const float scale = 1.0f / (float)maxval;
    for (size_t i = 0; i < n; i++) {
        long v;
        if (ascii) {
            v = ink_pgm_uint(&c, 65535);
            if (v < 0) {
                ink_set_err(err, errlen, "%s: PGM pixel %zu missing or not a number", path, i);
                free(pix);
                return NULL;
            }
        } else if (maxval > 255) {
            v = (long)c.p[0] << 8 | c.p[1];   /* big-endian, as netpbm says */
            c.p += 2;
        } else {
            v = *c.p++;
        }
        if (v > maxval) {
            ink_set_err(err, errlen, "%s: PGM pixel %zu exceeds maxval %ld", path, i, maxval);
            free(pix);
            return NULL;
        }
        pix[i] = (float)v * scale;
    }
    *w = (int)W;
    *h = (int)H;
    return pix;
}

/* ------------------------------------------------------------------ BMP */

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Value of the channel selected by mask, scaled to [0,1]. */
static float mask_channel(uint32_t px, uint32_t mask)
{
    if (!mask)
        return 0.0f;
    int shift = 0;
    while (!(mask >> shift & 1u))
        shift++;
    uint32_t m = mask >> shift;
    return (float)((px >> shift) & m) / (float)m;
}

float ink_luma(float r, float g, float b)
{
    return 0.299f * r + 0.587f * g + 0.114f * b;   /* ITU-R BT.601 */
}

static float *load_bmp(const char *path, const unsigned char *buf, size_t len, int *w,
                       int *h, char *err, size_t errlen)
{
    if (len < 14 + 4) {
        ink_set_err(err, errlen, "%s: BMP truncated in its header", path);
        return NULL;
    }
    uint32_t off_bits = ink_le32(buf + 10);
    uint32_t dib = ink_le32(buf + 14);
    if (dib == 12) {
        ink_set_err(err, errlen, "%s: OS/2 BMP (BITMAPCOREHEADER) not supported", path);
        return NULL;
    }
    if (dib < 40 || dib > 1024 || 14 + (size_t)dib > len) {
        ink_set_err(err, errlen, "%s: BMP info header size %u invalid or truncated", path, dib);
        return NULL;
    }
    const unsigned char *ih = buf + 14;
    int32_t W = (int32_t)ink_le32(ih + 4), H = (int32_t)ink_le32(ih + 8);
    uint16_t planes = le16(ih + 12), bpp = le16(ih + 14);
    uint32_t comp = ink_le32(ih + 16), clr_used = ink_le32(ih + 32);
    if (comp == 1 || comp == 2) {
        ink_set_err(err, errlen, "%s: RLE-compressed BMP not supported; save it uncompressed",
                path);
        return NULL;
    }
    if (planes != 1) {
        ink_set_err(err, errlen, "%s: BMP planes must be 1", path);
        return NULL;
    }
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 24 && bpp != 32) {
        ink_set_err(err, errlen, "%s: BMP with %u bits per pixel not supported (1, 4, 8, 24, 32)",
                path, bpp);
        return NULL;
    }
    if (!(comp == 0 || (comp == 3 && bpp == 32))) {
        ink_set_err(err, errlen, "%s: BMP compression %u not supported", path, comp);
        return NULL;
    }
    if (W <= 0 || H == 0 || H == INT32_MIN) {
        ink_set_err(err, errlen, "%s: BMP size %dx%d invalid", path, (int)W, (int)H);
        return NULL;
    }
    int top_down = H < 0;
    uint32_t aw = (uint32_t)W, ah = (uint32_t)(top_down ? -H : H);
    if ((uint64_t)aw * ah > MAX_PIXELS) {
        ink_set_err(err, errlen, "%s: image larger than 64 Mpixel", path);
        return NULL;
    }

    /* Channel masks: BI_BITFIELDS puts them in the V4/V5 header or, after a
     * 40-byte header, right behind it; plain 32-bit is BGRX. */
    uint32_t rm = 0x00ff0000u, gm = 0x0000ff00u, bmk = 0x000000ffu;
    size_t pal_at = 14 + (size_t)dib;
    if (comp == 3) {
        const unsigned char *mp = ih + 40;
        if (dib == 40) {
            if (14 + 40 + 12 > len) {
                ink_set_err(err, errlen, "%s: BMP truncated in its bit masks", path);
                return NULL;
            }
            pal_at += 12;
        } else if (dib < 52) {
            ink_set_err(err, errlen, "%s: BMP info header too short for its bit masks", path);
            return NULL;
        }
        rm = ink_le32(mp);
        gm = ink_le32(mp + 4);
        bmk = ink_le32(mp + 8);
        if (!rm && !gm && !bmk) {
            ink_set_err(err, errlen, "%s: BMP bit masks are all zero", path);
            return NULL;
        }
    }

    /* Palette */
    float pal[256];
    uint32_t npal = 0;
    if (bpp <= 8) {
        uint32_t max = 1u << bpp;
        npal = clr_used ? clr_used : max;
        if (npal > max) {
            ink_set_err(err, errlen, "%s: BMP palette of %u colours for %u bits", path, npal, bpp);
            return NULL;
        }
        if (pal_at + (size_t)npal * 4 > len) {
            ink_set_err(err, errlen, "%s: BMP truncated in its palette", path);
            return NULL;
        }
        for (uint32_t i = 0; i < npal; i++) {
            const unsigned char *e = buf + pal_at + (size_t)i * 4;   /* B G R 0 */
            pal[i] = ink_luma(e[2] / 255.0f, e[1] / 255.0f, e[0] / 255.0f);
        }
    }

    size_t stride = (((size_t)aw * bpp + 31) / 32) * 4;
    if (off_bits < 14 + dib || off_bits > len || (len - off_bits) / stride < ah) {
        ink_set_err(err, errlen, "%s: BMP pixel data truncated or misplaced", path);
        return NULL;
    }
    size_t n = (size_t)aw * ah;
    float *pix = malloc(n * sizeof *pix);
    if (!pix) {
        ink_set_err(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    for (uint32_t y = 0; y < ah; y++) {
        /* bottom-up unless the height is negative */
        const unsigned char *row = buf + off_bits + (size_t)(top_down ? y : ah - 1 - y) * stride;
        float *dst = pix + (size_t)y * aw;
        for (uint32_t x = 0; x < aw; x++) {
            if (bpp <= 8) {
                uint32_t idx;
                if (bpp == 8)
                    idx = row[x];
                else if (bpp == 4)
                    idx = row[x / 2] >> (x % 2 ? 0 : 4) & 0x0f;
                else
                    idx = row[x / 8] >> (7 - x % 8) & 1;
                if (idx >= npal) {
                    ink_set_err(err, errlen, "%s: BMP pixel (%u,%u) indexes past the palette",
                            path, x, y);
                    free(pix);
                    return NULL;
                }
                dst[x] = pal[idx];
            } else if (bpp == 24) {
                const unsigned char *p = row + (size_t)x * 3;
                dst[x] = ink_luma(p[2] / 255.0f, p[1] / 255.0f, p[0] / 255.0f);
            } else {
                uint32_t px = ink_le32(row + (size_t)x * 4);
                dst[x] = ink_luma(mask_channel(px, rm), mask_channel(px, gm),
                              mask_channel(px, bmk));
            }
        }
    }
    *w = (int)aw;
    *h = (int)ah;
    return pix;
}

/* --------------------------------------------------------------- public */

void ink_image_polarity(float *img, int iw, int ih)
{
    /* The border is paper.  A light border means dark ink on light paper
     * (a scan, a paint program); flip it so ink is high. */
    double sum = 0;
    size_t cnt = 0;
    for (int x = 0; x < iw; x++) {
        sum += img[x] + img[(size_t)(ih - 1) * iw + x];
        cnt += 2;
    }
    for (int y = 1; y + 1 < ih; y++) {
        sum += img[(size_t)y * iw] + img[(size_t)y * iw + iw - 1];
        cnt += 2;
    }
    if (cnt && sum / (double)cnt > 0.5) {
        size_t n = (size_t)iw * ih;
        for (size_t i = 0; i < n; i++)
            img[i] = 1.0f - img[i];
    }
}

int ink_image_load_with(const char *path, ink_image_decoder decode, void *user, float **pix,
                        int *w, int *h, char *err, size_t errlen)
{
    *pix = NULL;
    *w = *h = 0;
    size_t len;
    unsigned char *buf = slurp(path, &len, err, errlen);
    if (!buf)
        return -1;
    float *img = NULL;
    int iw = 0, ih = 0, hw, hh;
    ink_image_type t;
    /* The header's size first: nothing is decoded for an image that
     * claims more than the cap, whatever the decoder would allocate. */
    if (ink_image_probe(path, buf, len, &t, &hw, &hh, err, errlen) != 0) {
        free(buf);
        return -1;
    }
    if (t == INK_IMAGE_PGM)
        img = load_pgm(path, buf, len, &iw, &ih, err, errlen);
    else if (t == INK_IMAGE_BMP)
        img = load_bmp(path, buf, len, &iw, &ih, err, errlen);
    else if (!decode)
        ink_set_err(err, errlen, "%s: a %s; this digitpad reads PNG and JPEG only when built "
                    "with the window (DIGITPAD_GUI=ON)", path, ink_image_type_name(t));
    else {
        char why[300] = "";
        if (decode(user, buf, len, t, &img, &iw, &ih, why, sizeof why) != 0) {
            ink_set_err(err, errlen, "%s: %s", path, why);
            img = NULL;
        }
    }
    free(buf);
    if (img && (iw != hw || ih != hh)) {
        ink_set_err(err, errlen, "%s: decoded as %dx%d pixels, but its header says %dx%d", path,
                    iw, ih, hw, hh);
        free(img);
        img = NULL;
    }
    if (!img)
        return -1;

    ink_image_polarity(img, iw, ih);
    *pix = img;
    *w = iw;
    *h = ih;
    return 0;
}

int ink_image_load(const char *path, float **pix, int *w, int *h, char *err, size_t errlen)
{
    return ink_image_load_with(path, NULL, NULL, pix, w, h, err, errlen);
}

static int write_pgm(const char *path, const float in[INK_INPUT_SIZE], int flags, char *err,
                     size_t errlen)
{
    unsigned char data[32 + INK_INPUT_SIZE];
    int hl = snprintf((char *)data, 32, "P5\n%d %d\n255\n", INK_SIDE, INK_SIDE);
    for (int i = 0; i < INK_INPUT_SIZE; i++) {
        float v = in[i];
        v = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;   /* NaN becomes 0 */
        data[hl + i] = (unsigned char)(v * 255.0f + 0.5f);
    }
    size_t total = (size_t)hl + INK_INPUT_SIZE;

    return fileio_save(path, data, total, flags, NULL, NULL, err, errlen);
}

int ink_write_pgm(const char *path, const float in[INK_INPUT_SIZE], char *err, size_t errlen)
{
    return write_pgm(path, in, FILEIO_REPLACE, err, errlen);
}

int ink_write_pgm_new(const char *path, const float in[INK_INPUT_SIZE], char *err,
                      size_t errlen)
{
    return write_pgm(path, in, FILEIO_NO_REPLACE, err, errlen);
}
