/* keys.c — the key table and its two readers: the lookup the event handler
 * uses and the rows of the help overlay (see keys.h). */
#include "keys.h"

#include <stdio.h>
#include <string.h>

static const dp_binding TABLE[] = {
    {DP_KEY_POINTER, DP_MODS_ANY, DP_ACT_POINTER, 0, "Left mouse, touch, pen", "draw"},
    {DP_KEY_POINTER, DP_MODS_ANY, DP_ACT_POINTER, 0, "Right mouse",
     "erase where it passes (cuts strokes)"},
    {'e', DP_MODS_NO_CTRL, DP_ACT_ERASER, 0, NULL,
     "eraser tool on / off (mouse, touch)"},
    {'-', DP_MODS_ANY, DP_ACT_BRUSH, 1, NULL, "thinner / wider brush (the canvas only)"},
    {'=', DP_MODS_ANY, DP_ACT_BRUSH, 1, NULL, "thinner / wider brush (the canvas only)"},
    {'z', DP_MODS_CTRL, DP_ACT_UNDO, 1, NULL, "undo a stroke, clear, erase or label"},
    {'u', DP_MODS_ANY, DP_ACT_UNDO, 1, NULL, "undo a stroke, clear, erase or label"},
    {'y', DP_MODS_CTRL, DP_ACT_REDO, 1, NULL, "redo"},
    {'z', DP_MODS_CTRL_SHIFT, DP_ACT_REDO, 1, NULL, "redo"},
    {'c', DP_MODS_NO_CTRL, DP_ACT_CLEAR, 1, NULL, "clear the canvas"},
    {DP_KEY_DELETE, DP_MODS_ANY, DP_ACT_CLEAR, 1, NULL, "clear the canvas"},
    {DP_KEY_BACKSPACE, DP_MODS_ANY, DP_ACT_CLEAR, 1, NULL, "clear the canvas"},
    {'p', DP_MODS_ANY, DP_ACT_COMPARE, 0, NULL, "raw canvas vs. normalised input"},
    /* A held digit key would store the same drawing again and again. */
    {DP_KEY_DIGIT, DP_MODS_ANY, DP_ACT_CORRECTION, 0, NULL, "store the drawing as a correction"},
    {'s', DP_MODS_NO_CTRL, DP_ACT_SAVE_DRAWING, 0, NULL,
     "save drawing and its label (or ?)"},
    {'t', DP_MODS_NONE, DP_ACT_TRAIN, 0, NULL, "fine-tune in the background / stop"},
    {'t', DP_MODS_SHIFT, DP_ACT_TRAIN_SCRATCH, 0, NULL,
     "train from scratch (press twice)"},
    {'f', DP_MODS_NO_CTRL, DP_ACT_FETCH, 0, NULL, "get MNIST training data / cancel"},
    {'g', DP_MODS_NO_CTRL, DP_ACT_PANEL, 0, NULL, "show / hide the training panel"},
    {'s', DP_MODS_CTRL, DP_ACT_SAVE_MODEL, 0, NULL, "save the model to your data directory"},
    {'r', DP_MODS_CTRL, DP_ACT_SHIPPED, 0, NULL, "back to the shipped model"},
    {'v', DP_MODS_NO_CTRL, DP_ACT_LAYERS, 0, NULL, "layers view: every layer's activations"},
    {'w', DP_MODS_NO_CTRL, DP_ACT_WEIGHTS, 0, NULL,
     "weights view: a layer's weights (\xE2\x86\x91 \xE2\x86\x93)"},
    {'x', DP_MODS_NO_CTRL, DP_ACT_SALIENCY, 0, NULL,
     "why: the ink behind the answer (IG)"},
    {'m', DP_MODS_NO_CTRL, DP_ACT_SAL_METHOD, 0, NULL,
     "why's method: the next of four"},
    /* Shift is read by the handler (a whole map or layer at once), so
     * one row says both. */
    {DP_KEY_LEFT, DP_MODS_NO_CTRL, DP_ACT_STEP, 1, NULL,
     "explorer: unit before / after (Shift: map)"},
    {DP_KEY_RIGHT, DP_MODS_NO_CTRL, DP_ACT_STEP, 1, NULL,
     "explorer: unit before / after (Shift: map)"},
    {DP_KEY_UP, DP_MODS_NO_CTRL, DP_ACT_STEP, 1, NULL,
     "explorer: row or layer above / below; W: layer"},
    {DP_KEY_DOWN, DP_MODS_NO_CTRL, DP_ACT_STEP, 1, NULL,
     "explorer: row or layer above / below; W: layer"},
    {'[', DP_MODS_ANY, DP_ACT_CHOOSE_OUTPUT, 1, NULL,
     "why not another digit: where ink helps"},
    {']', DP_MODS_ANY, DP_ACT_CHOOSE_OUTPUT, 1, NULL,
     "why not another digit: where ink helps"},
    {DP_KEY_POINTER, DP_MODS_ANY, DP_ACT_POINTER, 0, "Drop a .safetensors file",
     "load that model"},
    {DP_KEY_POINTER, DP_MODS_ANY, DP_ACT_POINTER, 0, "Drop an image (PNG, JPG, BMP)",
     "classify it"},
    {'h', DP_MODS_CTRL, DP_ACT_HISTORY, 0, NULL,
     "history of your drawings (click: back)"},
    {'e', DP_MODS_CTRL, DP_ACT_EXPORT, 0, NULL, "export the canvas and bars as a PNG"},
    {'h', DP_MODS_NO_CTRL, DP_ACT_HELP, 0, NULL, "show / hide this help"},
    {DP_KEY_F1, DP_MODS_ANY, DP_ACT_HELP, 0, NULL, "show / hide this help"},
    {DP_KEY_ESCAPE, DP_MODS_ANY, DP_ACT_ESCAPE, 1, NULL, "close help, or quit"},
};

const dp_binding *dp_key_table(size_t *n)
{
    *n = sizeof TABLE / sizeof TABLE[0];
    return TABLE;
}

static int mods_match(dp_mods m, int ctrl, int shift)
{
    switch (m) {
    case DP_MODS_ANY:
        return 1;
    case DP_MODS_NO_CTRL:
        return !ctrl;
    case DP_MODS_NONE:
        return !ctrl && !shift;
    case DP_MODS_CTRL:
        return ctrl && !shift;
    case DP_MODS_SHIFT:
        return shift && !ctrl;
    case DP_MODS_CTRL_SHIFT:
        return ctrl && shift;
    }
    return 0;
}

const dp_binding *dp_key_lookup(int key, int ctrl, int shift, int repeat)
{
    if (key == DP_KEY_POINTER)
        return NULL;
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const dp_binding *b = &TABLE[i];
        if (b->key == key && mods_match(b->mods, ctrl != 0, shift != 0))
            return repeat && !b->repeat ? NULL : b;
    }
    return NULL;
}

void dp_key_name(const dp_binding *b, char *buf, size_t len)
{
    if (b->label) {
        snprintf(buf, len, "%s", b->label);
        return;
    }
    const char *pre = b->mods == DP_MODS_CTRL         ? "Ctrl+"
                      : b->mods == DP_MODS_SHIFT      ? "Shift+"
                      : b->mods == DP_MODS_CTRL_SHIFT ? "Ctrl+Shift+"
                                                      : "";
    switch (b->key) {
    case DP_KEY_BACKSPACE:
        snprintf(buf, len, "%sBackspace", pre);
        break;
    case DP_KEY_ESCAPE:
        snprintf(buf, len, "%sEsc", pre);
        break;
    case DP_KEY_DELETE:
        snprintf(buf, len, "%sDelete", pre);
        break;
    case DP_KEY_F1:
        snprintf(buf, len, "%sF1", pre);
        break;
    case DP_KEY_DIGIT:
        snprintf(buf, len, "%s0 \xE2\x80\x93 9", pre);
        break;
    case DP_KEY_LEFT:
    case DP_KEY_RIGHT:
    case DP_KEY_UP:
    case DP_KEY_DOWN: {
        static const char *const arrow[] = {"\xE2\x86\x90", "\xE2\x86\x92", "\xE2\x86\x91",
                                            "\xE2\x86\x93"};
        snprintf(buf, len, "%s%s", pre, arrow[b->key - DP_KEY_LEFT]);
        break;
    }
    default:
        if (b->key >= 'a' && b->key <= 'z')
            snprintf(buf, len, "%s%c", pre, b->key - 'a' + 'A');
        else
            snprintf(buf, len, "%s%c", pre, b->key);
        break;
    }
}

size_t dp_help_rows(dp_help_row *rows, size_t max)
{
    size_t n = sizeof TABLE / sizeof TABLE[0], out = 0;
    for (size_t i = 0; i < n; i++) {
        const dp_binding *b = &TABLE[i];
        /* Only the first binding of a row starts it. */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = TABLE[j].action == b->action && b->action != DP_ACT_POINTER &&
                   strcmp(TABLE[j].help, b->help) == 0;
        if (seen)
            continue;
        if (out < max) {
            dp_help_row *r = &rows[out];
            const dp_binding *same[8];
            size_t k = 0;
            for (size_t j = i; j < n && k < 8; j++)
                if (j == i || (TABLE[j].action == b->action && b->action != DP_ACT_POINTER &&
                               strcmp(TABLE[j].help, b->help) == 0))
                    same[k++] = &TABLE[j];
            r->keys[0] = '\0';
            r->help = b->help;
            for (size_t j = 0; j < k; j++) {
                char name[32];
                dp_key_name(same[j], name, sizeof name);
                size_t used = strlen(r->keys);
                /* Two keys read "A  or  B"; more, "A, B, C". */
                const char *sep = j == 0 ? "" : k == 2 ? "  or  " : ", ";
                snprintf(r->keys + used, sizeof r->keys - used, "%s%s", sep, name);
            }
        }
        out++;
    }
    return out;
}
