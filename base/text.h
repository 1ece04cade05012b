/* text.h — the text checks every tier shares: making a string from a file
 * safe to show on a terminal, and UTF-8 validation (model headers must be
 * I-JSON, RFC 7493).  Internal, below nn/, ink/ and app/ like fileio.h. */
#ifndef DIGITPAD_BASE_TEXT_H
#define DIGITPAD_BASE_TEXT_H

#include <stddef.h>

/* The one cleaning function: rewrites s in place so that it can reach a
 * terminal without driving it.  C0 control characters (newlines, ESC,
 * BEL...), DEL, C1 controls (U+0080..U+009F, which some terminals obey as
 * escape sequences) and bytes that are not valid UTF-8 each become '?'.
 * Valid printable UTF-8 is kept as it is.  Returns s. */
char *text_clean(char *s);

/* text_clean on a copy: in (NULL reads as "") copied into out (outlen > 0
 * bytes, truncated on a character boundary if need be), then cleaned.
 * Returns out. */
const char *text_clean_copy(const char *in, char *out, size_t outlen);

/* Length of the valid UTF-8 sequence at s (at most n bytes): 1..4, or 0 if
 * the bytes there are not valid UTF-8 (overlong forms, surrogates U+D800..
 * U+DFFF and code points above U+10FFFF are invalid).  *cp (if not NULL)
 * receives the code point. */
size_t text_utf8_char(const unsigned char *s, size_t n, unsigned long *cp);

/* 1 if the n bytes at s are valid UTF-8 (NUL bytes included as U+0000),
 * else 0 with *bad (if not NULL) set to the offset of the first bad byte. */
int text_utf8_valid(const void *s, size_t n, size_t *bad);

#endif
