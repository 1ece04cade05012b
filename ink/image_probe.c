/* image_probe.c — what kind of image a file holds and the size its header
 * declares, read from the header alone (PNG IHDR, JPEG SOF, BMP, PGM), so
 * that a file claiming 65500×65500 pixels is refused before any decoder
 * allocates for it (issue 26 rows 1-3).  No SDL: the window and --predict
 * decode PNG and JPEG with SDL_image only after this check passed, and the
 * fuzzer reaches it without a display. */
#define _POSIX_C_SOURCE 200809L
#include "ink.h"
#include "ink_internal.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------ PGM header tokens */

static int pgm_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int ink_pgm_space(unsigned char c)
{
    return pgm_space(c);
}

/* Skips whitespace and '#' comments (to end of line), as netpbm allows. */
static void pgm_skip(ink_cursor *c)
{
    while (c->p < c->end) {
        if (pgm_space(*c->p))
            c->p++;
        else if (*c->p == '#')
            while (c->p < c->end && *c->p != '\n')
                c->p++;
        else
            break;
    }
}

long ink_pgm_uint(ink_cursor *c, long max)
{
    pgm_skip(c);
    long v = 0;
    int digits = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (*c->p - '0');
        if (v > max)
            return -1;
        c->p++;
        digits++;
    }
    return digits ? v : -1;
}

uint32_t ink_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* ------------------------------------------------------- the formats */

const char *ink_image_type_name(ink_image_type t)
{
    switch (t) {
    case INK_IMAGE_PGM: return "PGM";
    case INK_IMAGE_BMP: return "BMP";
    case INK_IMAGE_PNG: return "PNG";
    case INK_IMAGE_JPEG: return "JPEG";
    default: return "unknown";
    }
}

/* PNG: the 8-byte signature, then the first chunk, which must be IHDR
 * (length 13): width and height as big-endian 32-bit values. */
static int probe_png(const unsigned char *b, size_t len, uint64_t *w, uint64_t *h)
{
    if (len < 24 || memcmp(b + 12, "IHDR", 4) != 0)
        return -1;
    *w = be32(b + 16);
    *h = be32(b + 20);
    return 0;
}

/* JPEG: segments after SOI (FF D8) until a frame header (SOF0-15 but DHT
 * C4, JPG C8 and DAC CC), whose payload is precision, height, width.
 * Every other segment is skipped by its length; standalone markers (RST,
 * TEM) have none.  Image data (SOS) or the end (EOI) before a frame
 * header: no size, so no decode. */
static int probe_jpeg(const unsigned char *b, size_t len, uint64_t *w, uint64_t *h)
{
    size_t p = 2;
    for (;;) {
        if (p >= len || b[p] != 0xFF)
            return -1; /* a marker must follow a segment */
        while (p < len && b[p] == 0xFF)
            p++; /* fill bytes */
        if (p >= len)
            return -1;
        unsigned m = b[p++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue;
        if (m == 0xD9 || m == 0xDA || m == 0x00 || m == 0xD8)
            return -1;
        if (p + 2 > len)
            return -1;
        unsigned seg = be16(b + p);
        if (seg < 2)
            return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (seg < 7 || p + 7 > len)
                return -1;
            *h = be16(b + p + 3);
            *w = be16(b + p + 5);
            return 0;
        }
        p += seg;
    }
}

/* BMP: the info header's size says where width and height are (16-bit in
 * the OS/2 core header, signed 32-bit after it; a negative height means
 * top-down rows). */
static int probe_bmp(const unsigned char *b, size_t len, uint64_t *w, uint64_t *h)
{
    if (len < 26)
        return -1;
    uint32_t dib = ink_le32(b + 14);
    if (dib == 12) {
        *w = (unsigned)b[18] | (unsigned)b[19] << 8;
        *h = (unsigned)b[20] | (unsigned)b[21] << 8;
        return 0;
    }
    int32_t W = (int32_t)ink_le32(b + 18), H = (int32_t)ink_le32(b + 22);
    if (W <= 0 || H == 0 || H == INT32_MIN)
        return -1;
    *w = (uint64_t)W;
    *h = (uint64_t)(H < 0 ? -(int64_t)H : H);
    return 0;
}

static int probe_pgm(const unsigned char *b, size_t len, uint64_t *w, uint64_t *h)
{
    ink_cursor c = {b + 2, b + len};
    /* a number too long for a long reads as absent: corrupt either way */
    long W = ink_pgm_uint(&c, LONG_MAX / 10), H = ink_pgm_uint(&c, LONG_MAX / 10);
    if (W <= 0 || H <= 0)
        return -1;
    *w = (uint64_t)W;
    *h = (uint64_t)H;
    return 0;
}

ink_image_type ink_image_sniff(const unsigned char *b, size_t len)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (len >= 8 && memcmp(b, png_sig, 8) == 0)
        return INK_IMAGE_PNG;
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return INK_IMAGE_JPEG;
    if (len >= 2 && b[0] == 'B' && b[1] == 'M')
        return INK_IMAGE_BMP;
    if (len >= 2 && b[0] == 'P' && (b[1] == '2' || b[1] == '5'))
        return INK_IMAGE_PGM;
    return INK_IMAGE_UNKNOWN;
}

int ink_image_probe(const char *name, const unsigned char *buf, size_t len,
                    ink_image_type *type, int *w, int *h, char *err, size_t errlen)
{
    *type = ink_image_sniff(buf, len);
    *w = *h = 0;
    uint64_t W = 0, H = 0;
    int r;
    switch (*type) {
    case INK_IMAGE_PNG: r = probe_png(buf, len, &W, &H); break;
    case INK_IMAGE_JPEG: r = probe_jpeg(buf, len, &W, &H); break;
    case INK_IMAGE_BMP: r = probe_bmp(buf, len, &W, &H); break;
    case INK_IMAGE_PGM: r = probe_pgm(buf, len, &W, &H); break;
    default:
        ink_set_err(err, errlen, "unsupported image format: %s (digitpad reads PNG, JPEG, BMP "
                    "and PGM)", name);
        return -1;
    }
    const char *tn = ink_image_type_name(*type);
    if (r != 0 || W == 0 || H == 0) {
        ink_set_err(err, errlen, "%s: a %s whose header gives no valid size (truncated or "
                    "corrupt)", name, tn);
        return -1;
    }
    if (W > INK_IMAGE_MAX_PIXELS || H > INK_IMAGE_MAX_PIXELS ||
        W * H > INK_IMAGE_MAX_PIXELS) {
        ink_set_err(err, errlen, "%s: a %s of %llux%llu pixels, larger than 64 Mpixel", name,
                    tn, (unsigned long long)W, (unsigned long long)H);
        return -1;
    }
    *w = (int)W;
    *h = (int)H;
    return 0;
}
