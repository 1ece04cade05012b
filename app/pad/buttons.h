/* buttons.h — the window's on-screen buttons for touch and pen, as tables
 * {label, action, digit}: a click or tap runs the same dp_action as the
 * key (keys.h), so a button and its key cannot drift apart.  The tools row
 * sits under the panel (layout.h: tools); Label opens a picker of the ten
 * digits over the bars.  Placement is computed here from the layout, so
 * the event handler's hit test and the painter use the same rectangles.
 * No SDL here.
 *
 * To add a button: one row in TOOLS (buttons.c) with its action; the row
 * shares the width equally. */
#ifndef DIGITPAD_BUTTONS_H
#define DIGITPAD_BUTTONS_H

#include <stddef.h>

#include "keys.h"
#include "layout.h"

typedef struct dp_button {
    const char *label;  /* UTF-8, what the button shows */
    const char *short_label; /* shown instead when label does not fit */
    dp_action action;   /* what a click or tap does, as its key would */
    int digit;          /* DP_ACT_CORRECTION: the label to store; else -1 */
    const char *icon;   /* one glyph shown when neither label fits (the
                           smallest window), so no button is ever blank */
} dp_button;

#define DP_TOOLS_MAX 12 /* the most buttons the tools row holds */
#define DP_PICKER_N 11  /* the ten digits and Cancel */

/* The tools row (Clear, Undo, Label…, Help, …); *n gets its length. */
const dp_button *dp_tool_buttons(size_t *n);

/* The picker's buttons: 0–9 (DP_ACT_CORRECTION) and Cancel (DP_ACT_NONE). */
const dp_button *dp_picker_buttons(void);

/* Rectangles of the tools row in l->tools: out[i] for button i (n ≤
 * DP_TOOLS_MAX), equal widths with gaps. */
void dp_tools_place(const dp_layout *l, size_t n, dp_rect *out);

/* The picker: its card over the bars' box, the title line at its top and
 * out[DP_PICKER_N] for the buttons (two rows of five digits, then Cancel
 * across). */
void dp_picker_place(const dp_layout *l, dp_rect *card, dp_rect *title, dp_rect *out);

/* The history card (over the bars' box, as the picker): a title line, a
 * grid of drawings, and a row of DP_HISTORY_CTL_N controls at the bottom
 * (Newer, Older, Delete…, Clear all).  *cells gets the cells' table
 * (DP_ACT_HISTORY_PICK, digit = the cell's place); returns the controls'
 * table (DP_ACT_HISTORY_PAGE with digit -1 / +1, DP_ACT_HISTORY_DELETE,
 * DP_ACT_HISTORY_CLEAR). */
#define DP_HISTORY_CTL_N 4
#define DP_HISTORY_CELLS_MAX 24 /* the most cells a page shows */
#define DP_HISTORY_CELL 84      /* a cell's side, design pixels */
const dp_button *dp_history_buttons(const dp_button **cells);
/* Places the card in l->bars: *card, its *title line, ctl[] for the
 * controls and cells[] (row by row, newest first); returns how many cells
 * fit (0 in a box too small for one). */
size_t dp_history_place(const dp_layout *l, dp_rect *card, dp_rect *title,
                        dp_rect ctl[DP_HISTORY_CTL_N], dp_rect cells[DP_HISTORY_CELLS_MAX]);

/* Index of the first rectangle of r[0..n) holding the drawable pixel
 * (px, py), or -1. */
int dp_rect_hit(const dp_rect *r, size_t n, float px, float py);

#endif
