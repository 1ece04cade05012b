/* fuzz_ink_strokes.c — libFuzzer target for the strokes-file line parser:
 * any line gives a sample or a message; what parses formats to a line that
 * parses again to the same text, and preprocesses without a crash.
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *         tests/fuzz/fuzz_ink_strokes.c ink/[a-z]*.c -lm -o fuzz_ink_strokes */
#include "ink.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    ink_sample s, t;
    char err[128];
    if (ink_parse_line(line, &s, err, sizeof err) == 1) {
        char *f = ink_format_line(&s);
        if (!f || ink_parse_line(f, &t, err, sizeof err) != 1)
            abort();
        char *g = ink_format_line(&t);
        if (!g || strcmp(f, g) != 0)
            abort();   /* formatting is a fixed point after one round */
        free(g);
        free(f);
        float out[INK_INPUT_SIZE];
        if (ink_point_count(&s.drawing) < 2000)   /* keep each run fast */
            ink_preprocess(&s.drawing, out);
        ink_drawing_free(&t.drawing);
        ink_drawing_free(&s.drawing);
    }
    free(line);
    return 0;
}
