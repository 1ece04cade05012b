/* fuzz_text.c — libFuzzer target for the text checks of issue 18: the one
 * cleaning function (base/text.c), UTF-8 validation and the one threshold
 * parser (app/common/modelcard.c).  Checks beyond "no crash": a cleaned string is valid
 * UTF-8 with no control character, cleaning is idempotent, and a threshold
 * that parses is a finite number strictly between 0 and 1.
 *   tests/fuzz/run.sh 60 text */
#include "modelcard.h"
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t n = strlen(s);

    /* the validator agrees with a byte-by-byte walk */
    size_t bad = 0, i = 0;
    int valid = text_utf8_valid(s, n, &bad);
    while (i < n) {
        size_t l = text_utf8_char((const unsigned char *)s + i, n - i, NULL);
        if (l == 0)
            break;
        i += l;
    }
    if (valid != (i == n) || (!valid && bad != i))
        abort();

    char out[512], again[512];
    text_clean_copy(s, out, sizeof out);
    size_t on = strlen(out);
    if (!text_utf8_valid(out, on, NULL))
        abort();
    for (size_t k = 0; k < on;) {
        unsigned long cp = 0;
        size_t l = text_utf8_char((const unsigned char *)out + k, on - k, &cp);
        if (l == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
            abort();
        k += l;
    }
    text_clean_copy(out, again, sizeof again);
    if (strcmp(out, again) != 0)
        abort();

    double t = -1.0;
    if (dp_card_parse_threshold(s, &t) == 0 && !(isfinite(t) && t > 0.0 && t < 1.0))
        abort();
    free(s);
    return 0;
}
