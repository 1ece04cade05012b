/* ijson.c — I-JSON (RFC 7493) checks for model headers (see ijson.h):
 * cJSON parses lenient JSON, keeping duplicate keys and cutting a string at
 * an escaped NUL, so "format_version":"1\u0000junk" would read as "1". */
#include "ijson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Deep enough for any header digitpad or PyTorch writes; deeper nesting is
 * refused rather than recursed into. */
#define MAX_DEPTH 16

static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

int nn_ijson_check_text(const char *json, size_t n, char *why, size_t len)
{
    size_t bad = 0;
    if (!text_utf8_valid(json, n, &bad)) {
        snprintf(why, len, "the header is not valid UTF-8 (byte %zu of %zu); model headers are "
                 "I-JSON (RFC 7493)", bad, n);
        return -1;
    }
    const char *p = json, *end = json + n;
    int in_string = 0;
    while (p < end) {
        char c = *p;
        if (!in_string) {
            if (c == '"')
                in_string = 1;
            p++;
            continue;
        }
        size_t at = (size_t)(p - json);
        if (c == '"') {
            in_string = 0;
            p++;
        } else if ((unsigned char)c < 0x20) {
            snprintf(why, len, "the header holds a raw control character in a string (byte %zu)",
                     at);
            return -1;
        } else if (c == '\\' && p + 1 < end && p[1] == 'u') {
            unsigned u = 0, lo = 0;
            if (hex4(p + 2, end, &u) != 0) {
                p += 2; /* malformed: cJSON reports it */
                continue;
            }
            if (u == 0) {
                snprintf(why, len, "a string in the header holds \\u0000 (byte %zu); I-JSON "
                         "(RFC 7493) strings cannot", at);
                return -1;
            }
            if (u >= 0xd800 && u <= 0xdbff && p + 7 < end && p[6] == '\\' && p[7] == 'u' &&
                hex4(p + 8, end, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
                p += 12; /* a surrogate pair: one character */
                continue;
            }
            if (u >= 0xd800 && u <= 0xdfff) {
                snprintf(why, len, "a string in the header holds an unpaired surrogate \\u%04x "
                         "(byte %zu); I-JSON (RFC 7493) strings cannot", u, at);
                return -1;
            }
            p += 6;
        } else if (c == '\\') {
            p += 2; /* any other escape is one character */
        } else {
            p++;
        }
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

static int check_node(const cJSON *node, const char *where, int depth, char *why, size_t len)
{
    if (depth > MAX_DEPTH) {
        snprintf(why, len, "the header nests deeper than %d levels", MAX_DEPTH);
        return -1;
    }
    if (cJSON_IsObject(node)) {
        /* Sorted, so a hostile object of many keys costs n log n, not n². */
        size_t n = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            n++;
        if (n > 1) {
            const cJSON **keys = malloc(n * sizeof *keys);
            if (!keys) {
                snprintf(why, len, "out of memory checking the header");
                return -1;
            }
            size_t i = 0;
            for (const cJSON *c = node->child; c; c = c->next)
                keys[i++] = c;
            qsort(keys, n, sizeof *keys, cmp_key);
            for (i = 1; i < n; i++)
                if (!cmp_key(&keys[i - 1], &keys[i])) {
                    if (where)
                        snprintf(why, len, "header key '%.40s' appears twice in '%.40s'",
                                 keys[i]->string ? keys[i]->string : "", where);
                    else
                        snprintf(why, len, "header key '%.40s' appears twice",
                                 keys[i]->string ? keys[i]->string : "");
                    free(keys);
                    return -1;
                }
            free(keys);
        }
    }
    if (cJSON_IsObject(node) || cJSON_IsArray(node))
        for (const cJSON *c = node->child; c; c = c->next) {
            const char *w = cJSON_IsObject(node) && c->string ? c->string : where;
            if (check_node(c, w, depth + 1, why, len) != 0)
                return -1;
        }
    return 0;
}

int nn_ijson_check_keys(const cJSON *root, char *why, size_t len)
{
    return check_node(root, NULL, 0, why, len);
}
