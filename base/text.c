/* text.c — terminal-safe strings and UTF-8 validation (see text.h). */
#include "text.h"

#include <string.h>

size_t text_utf8_char(const unsigned char *s, size_t n, unsigned long *cp)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    size_t len;
    unsigned long v, min;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    if (cp)
        *cp = v;
    return len;
}

int text_utf8_valid(const void *s, size_t n, size_t *bad)
{
    const unsigned char *p = s;
    size_t i = 0;
    while (i < n) {
        size_t l = text_utf8_char(p + i, n - i, NULL);
        if (l == 0) {
            if (bad)
                *bad = i;
            return 0;
        }
        i += l;
    }
    return 1;
}

char *text_clean(char *s)
{
    if (!s)
        return s;
    unsigned char *r = (unsigned char *)s, *w = r;
    size_t n = strlen(s);
    const unsigned char *end = r + n;
    while (r < end) {
        unsigned long cp = 0;
        size_t l = text_utf8_char(r, (size_t)(end - r), &cp);
        if (l == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
            *w++ = '?';
            r += l ? l : 1;
        } else {
            memmove(w, r, l);
            w += l;
            r += l;
        }
    }
    *w = '\0';
    return s;
}

const char *text_clean_copy(const char *in, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return out;
    if (!in)
        in = "";
    size_t n = strlen(in);
    if (n >= outlen) {
        n = outlen - 1;
        /* back off to a character boundary: a cut sequence would show as ? */
        while (n > 0 && ((unsigned char)in[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(out, in, n);
    out[n] = '\0';
    return text_clean(out);
}
