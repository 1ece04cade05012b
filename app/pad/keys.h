/* keys.h — the window's key bindings as one table {key, modifiers, action,
 * help}: the event handler looks keys up in it and the help overlay lists
 * it, so a binding and its help line cannot drift apart.  No SDL here:
 * keys are SDL's key codes for printable keys (their lowercase ASCII) and
 * DP_KEY_* for the rest; gui.c maps SDL's codes onto these. */
#ifndef DIGITPAD_KEYS_H
#define DIGITPAD_KEYS_H

#include <stddef.h>

typedef enum dp_action {
    DP_ACT_NONE,
    DP_ACT_ESCAPE,        /* close help, or quit */
    DP_ACT_HELP,
    DP_ACT_UNDO,
    DP_ACT_REDO,
    DP_ACT_CLEAR,
    DP_ACT_COMPARE,       /* raw canvas vs. normalised input */
    DP_ACT_CORRECTION,    /* a digit key: store the drawing with that label */
    DP_ACT_SAVE_DRAWING,
    DP_ACT_TRAIN,         /* fine-tune in the background, or stop */
    DP_ACT_TRAIN_SCRATCH,
    DP_ACT_PANEL,         /* the training panel */
    DP_ACT_SAVE_MODEL,
    DP_ACT_SHIPPED,       /* back to the shipped model (also an on-screen button) */
    DP_ACT_POINTER,       /* a help row for the mouse, touch or a drop */
    DP_ACT_LABEL,         /* the Label button: pick a digit (buttons.h) */
    DP_ACT_LAYERS,        /* the layers view (activations) */
    DP_ACT_WEIGHTS,       /* the weights view (first layer) */
    DP_ACT_SALIENCY,      /* the "why" overlay on canvas and preview */
    DP_ACT_CHOOSE_OUTPUT, /* the output the overlay explains: '[' back, else on */
    DP_ACT_FETCH,         /* download MNIST (training data), or cancel that */
    DP_ACT_HISTORY,       /* show / hide the history of drawings */
    DP_ACT_ERASER,        /* the eraser tool: left button and finger erase */
    DP_ACT_BRUSH,         /* the canvas pen's width: '-' thinner, '=' wider,
                             the button (key 0) the next width round */
    DP_ACT_EXPORT,        /* save what the window shows as a PNG */
    DP_ACT_PEN,           /* the Pen button: the next brush width, after the
                             widest the eraser, after the eraser the finest */
    /* The history card's buttons (buttons.h), not keys: bring a drawing
     * back (digit: its cell on the page), the page before / after, delete
     * mode on / off, delete them all. */
    DP_ACT_HISTORY_PICK,
    DP_ACT_HISTORY_PAGE,
    DP_ACT_HISTORY_DELETE,
    DP_ACT_HISTORY_CLEAR,
    DP_ACT_SAL_METHOD,    /* the overlay's method: SmoothGrad, raw gradient, IG */
    DP_ACT_STEP,          /* an arrow key: the explorer's unit, the weights
                             view's layer (gui_views_step) */
    /* Not keys: what a second-press confirmation (app_confirm's `what`) can
     * be for besides the actions above, so every id is in this one enum
     * and none can collide. */
    DP_CONFIRM_QUIT,      /* quit with an unsaved model (Esc, closing the window) */
    DP_CONFIRM_DROP       /* a dropped model replacing an unsaved one */
} dp_action;

enum {
    DP_KEY_BACKSPACE = 8,
    DP_KEY_ESCAPE = 27,
    DP_KEY_DELETE = 127,
    DP_KEY_F1 = 0x10001,
    DP_KEY_DIGIT = 0x10002,  /* any of 0-9 on the main keys or the keypad */
    DP_KEY_POINTER = 0x10003, /* not a key: help rows for pointer gestures */
    DP_KEY_LEFT = 0x10004,
    DP_KEY_RIGHT = 0x10005,
    DP_KEY_UP = 0x10006,
    DP_KEY_DOWN = 0x10007
};

/* Which modifiers a binding wants (Alt and the rest are ignored). */
typedef enum dp_mods {
    DP_MODS_ANY,     /* any */
    DP_MODS_NO_CTRL, /* without Ctrl (Shift or not) */
    DP_MODS_NONE,    /* neither Ctrl nor Shift */
    DP_MODS_CTRL,    /* with Ctrl, without Shift */
    DP_MODS_SHIFT,   /* with Shift, without Ctrl */
    DP_MODS_CTRL_SHIFT /* with Ctrl and Shift */
} dp_mods;

typedef struct dp_binding {
    int key;
    dp_mods mods;
    dp_action action;
    int repeat;        /* a held key's auto-repeat triggers it again */
    const char *label; /* pointer rows only; keys are named from key+mods */
    const char *help;  /* the help overlay's text; bindings with the same
                          action and text share one row */
} dp_binding;

/* The table, in help-overlay order; *n gets its length. */
const dp_binding *dp_key_table(size_t *n);

/* The binding a key press triggers: key (DP_KEY_* or a lowercase ASCII
 * code), whether Ctrl and Shift are held and whether it is an auto-repeat.
 * NULL when the key is not bound that way (or ignores repeats). */
const dp_binding *dp_key_lookup(int key, int ctrl, int shift, int repeat);

/* "Ctrl+Z", "Shift+T", "Esc", "0 – 9" (UTF-8) for a binding, into buf. */
void dp_key_name(const dp_binding *b, char *buf, size_t len);

typedef struct dp_help_row {
    char keys[80];     /* "Ctrl+Z  or  U", "C, Delete, Backspace" */
    const char *help;
} dp_help_row;

/* The help overlay's rows: one per (action, help text), keys joined, in
 * table order.  Fills at most max rows; returns how many there are. */
size_t dp_help_rows(dp_help_row *rows, size_t max);

#endif
