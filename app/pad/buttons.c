/* buttons.c — the on-screen buttons' tables and where they go (see
 * buttons.h). */
#include "buttons.h"

static const dp_button TOOLS[] = {
    {"Clear", "Clr", DP_ACT_CLEAR, -1, "\xE2\x9C\x95"},       /* ✕ */
    {"Undo", "\xE2\x86\xB6", DP_ACT_UNDO, -1, "\xE2\x86\xB6"}, /* ↶ and ↷ when narrow */
    {"Redo", "\xE2\x86\xB7", DP_ACT_REDO, -1, "\xE2\x86\xB7"},
    {"Label\xE2\x80\xA6", "Label", DP_ACT_LABEL, -1, "#"},     /* a digit to store it as */
    /* the pen: the five brush widths, then the eraser, round (keys.h:
     * DP_ACT_PEN); one button, so the row keeps room for its words */
    {"Pen", "Pen", DP_ACT_PEN, -1, "\xE2\x97\x8F"},            /* ● */
    {"History", "Hist", DP_ACT_HISTORY, -1, "\xE2\x86\xBA"},   /* ↺ */
    /* the layers view's toggle is the LAYERS button in the bars' caption */
    /* "Shipped", not "Reset": what it goes back to, in the README's words;
     * ⌂ (home) when even that does not fit */
    {"Shipped model", "Shipped", DP_ACT_SHIPPED, -1, "\xE2\x8C\x82"},
    {"Help", "?", DP_ACT_HELP, -1, "?"},
};

static const dp_button PICKER[DP_PICKER_N] = {
    {"0", "0", DP_ACT_CORRECTION, 0, "0"}, {"1", "1", DP_ACT_CORRECTION, 1, "1"},
    {"2", "2", DP_ACT_CORRECTION, 2, "2"}, {"3", "3", DP_ACT_CORRECTION, 3, "3"},
    {"4", "4", DP_ACT_CORRECTION, 4, "4"}, {"5", "5", DP_ACT_CORRECTION, 5, "5"},
    {"6", "6", DP_ACT_CORRECTION, 6, "6"}, {"7", "7", DP_ACT_CORRECTION, 7, "7"},
    {"8", "8", DP_ACT_CORRECTION, 8, "8"}, {"9", "9", DP_ACT_CORRECTION, 9, "9"},
    {"Cancel", "Cancel", DP_ACT_NONE, -1, "\xE2\x9C\x95"},
};

static const dp_button HISTORY_CTL[DP_HISTORY_CTL_N] = {
    {"Newer", "\xE2\x80\xB9", DP_ACT_HISTORY_PAGE, -1, "\xE2\x80\xB9"}, /* ‹ */
    {"Older", "\xE2\x80\xBA", DP_ACT_HISTORY_PAGE, 1, "\xE2\x80\xBA"},  /* › */
    {"Delete\xE2\x80\xA6", "Del", DP_ACT_HISTORY_DELETE, -1, "\xE2\x88\x92"}, /* − */
    {"Clear all", "Clear", DP_ACT_HISTORY_CLEAR, -1, "\xE2\x9C\x95"},
};

/* The cells: digit is the cell's place on the page. */
#define CELL(i) {"", "", DP_ACT_HISTORY_PICK, i, ""}
static const dp_button HISTORY_CELLS[DP_HISTORY_CELLS_MAX] = {
    CELL(0),  CELL(1),  CELL(2),  CELL(3),  CELL(4),  CELL(5),  CELL(6),  CELL(7),
    CELL(8),  CELL(9),  CELL(10), CELL(11), CELL(12), CELL(13), CELL(14), CELL(15),
    CELL(16), CELL(17), CELL(18), CELL(19), CELL(20), CELL(21), CELL(22), CELL(23),
};
#undef CELL

_Static_assert(sizeof TOOLS / sizeof TOOLS[0] <= DP_TOOLS_MAX, "tools row too long");

const dp_button *dp_tool_buttons(size_t *n)
{
    *n = sizeof TOOLS / sizeof TOOLS[0];
    return TOOLS;
}

const dp_button *dp_picker_buttons(void)
{
    return PICKER;
}

const dp_button *dp_history_buttons(const dp_button **cells)
{
    *cells = HISTORY_CELLS;
    return HISTORY_CTL;
}

/* n equal cells of r across with gap between them; the last takes what
 * rounding leaves. */
static void row(dp_rect r, size_t n, int gap, dp_rect *out)
{
    if (n == 0)
        return;
    int w = (r.w - (int)(n - 1) * gap) / (int)n;
    for (size_t i = 0; i < n; i++) {
        int x = r.x + (int)i * (w + gap);
        out[i] = (dp_rect){x, r.y, i + 1 == n ? r.x + r.w - x : w, r.h};
    }
}

void dp_tools_place(const dp_layout *l, size_t n, dp_rect *out)
{
    row(l->tools, n > DP_TOOLS_MAX ? DP_TOOLS_MAX : n, dp_layout_px(l, 8), out);
}

void dp_picker_place(const dp_layout *l, dp_rect *card, dp_rect *title, dp_rect *out)
{
    dp_rect c = l->bars;
    *card = c;
    int pad = dp_layout_px(l, 10), gap = dp_layout_px(l, 6);
    int title_h = dp_layout_px(l, 26);
    if (title_h < 14)
        title_h = 14; /* the 8 px floor of the text, with room */
    *title = (dp_rect){c.x + pad, c.y + pad, c.w - 2 * pad, title_h};
    int y = title->y + title_h + gap;
    int rh = (c.y + c.h - pad - y - 2 * gap) / 3;
    if (rh < 1)
        rh = 1;
    dp_rect r = {c.x + pad, y, c.w - 2 * pad, rh};
    row(r, 5, gap, out);
    r.y += rh + gap;
    row(r, 5, gap, out + 5);
    r.y += rh + gap;
    out[10] = r;
}

size_t dp_history_place(const dp_layout *l, dp_rect *card, dp_rect *title,
                        dp_rect ctl[DP_HISTORY_CTL_N], dp_rect cells[DP_HISTORY_CELLS_MAX])
{
    dp_rect c = l->bars;
    *card = c;
    int pad = dp_layout_px(l, 10), gap = dp_layout_px(l, 6);
    int title_h = dp_layout_px(l, 26), ctl_h = dp_layout_px(l, 36);
    if (title_h < 14)
        title_h = 14; /* the 8 px floor of the text, with room */
    if (ctl_h < 20)
        ctl_h = 20;
    *title = (dp_rect){c.x + pad, c.y + pad, c.w - 2 * pad, title_h};
    dp_rect bottom = {c.x + pad, c.y + c.h - pad - ctl_h, c.w - 2 * pad, ctl_h};
    row(bottom, DP_HISTORY_CTL_N, gap, ctl);
    /* The grid between: cells about DP_HISTORY_CELL design pixels (never
     * below 40 px: a thumbnail and its 8 px line), as many as fit. */
    int gy = title->y + title_h + gap, gh = bottom.y - gap - gy, gw = c.w - 2 * pad;
    int side = dp_layout_px(l, DP_HISTORY_CELL);
    if (side < 40)
        side = 40;
    int cols = (gw + gap) / (side + gap), rows = (gh + gap) / (side + gap);
    if (cols < 1 || rows < 1)
        return 0;
    while ((size_t)cols * (size_t)rows > DP_HISTORY_CELLS_MAX)
        rows > 1 ? rows-- : cols--;
    int cw = (gw - (cols - 1) * gap) / cols, ch = (gh - (rows - 1) * gap) / rows;
    size_t n = 0;
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++)
            cells[n++] = (dp_rect){c.x + pad + x * (cw + gap), gy + y * (ch + gap), cw, ch};
    return n;
}

int dp_rect_hit(const dp_rect *r, size_t n, float px, float py)
{
    for (size_t i = 0; i < n; i++)
        if (dp_rect_contains(r[i], px, py))
            return (int)i;
    return -1;
}
