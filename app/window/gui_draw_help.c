/* gui_draw_help.c — the help overlay (H): the key table's rows (keys.h)
 * in a card over the whole window, sized to fit.  Separate from
 * gui_draw.c, whose gui_render calls it last. */
#include "gui_draw_private.h"
#include "keys.h"

void gui_draw_help(gui_app *a)
{
    dp_help_row rows[32];
    size_t n = dp_help_rows(rows, sizeof rows / sizeof rows[0]);
    if (n > sizeof rows / sizeof rows[0])
        n = sizeof rows / sizeof rows[0];
    gui_rec_layer(&a->paint);
    fill_rect(a, (SDL_Rect){0, 0, a->frame.lay.out_w, a->frame.lay.out_h},
              (SDL_Color){8, 9, 12, 200});
    int pad = sc(a, 24), head_h = sc(a, 44), foot_h = sc(a, 26);
    int margin = sc(a, 10);
    /* Rows as tall as the design wants, or as the window allows (the text
     * stops shrinking at 8 px; its ink is less than that). */
    int row_h = sc(a, 30), max_h = a->frame.lay.out_h - 2 * margin;
    if (pad * 2 + head_h + (int)n * row_h + foot_h > max_h && n > 0)
        row_h = (max_h - pad * 2 - head_h - foot_h) / (int)n;
    /* Too tight for 8 px text a row (the smallest windows): the title
     * goes and the padding shrinks, so every row keeps its line. */
    int tight = row_h < 12 && n > 0;
    if (tight) {
        pad = margin;
        head_h = 0;
        row_h = (max_h - pad * 2 - foot_h) / (int)n;
    }
    /* The help column in the body font, else (a window too narrow for its
     * longest line, the least font sizes rounding differently at each
     * display scale, or rows lower than the body font's line: a window
     * short for the key table's 30-odd rows) in the small one; the keys
     * likewise in bold, else small. */
    int key_w = 0, help_w = 0, help_font = GUI_FONT_BODY;
    int key_font = TTF_FontHeight(a->paint.font[GUI_FONT_BOLD]) <= row_h ? GUI_FONT_BOLD
                                                                         : GUI_FONT_SMALL;
    for (int pass = 0; pass < 2; pass++) {
        key_w = help_w = 0;
        for (size_t i = 0; i < n; i++) {
            int w = text_width(a, key_font, rows[i].keys);
            key_w = w > key_w ? w : key_w;
            w = text_width(a, help_font, rows[i].help);
            help_w = w > help_w ? w : help_w;
        }
        if (2 * pad + key_w + sc(a, 24) + help_w <= a->frame.lay.out_w - 2 * margin &&
            TTF_FontHeight(a->paint.font[help_font]) <= row_h)
            break;
        help_font = GUI_FONT_SMALL;
    }
    int w = sc(a, 620), h = pad * 2 + head_h + (int)n * row_h + foot_h;
    int need = 2 * pad + key_w + sc(a, 24) + help_w;
    if (w < need)
        w = need;
    if (w > a->frame.lay.out_w - 2 * margin)
        w = a->frame.lay.out_w - 2 * margin;
    SDL_Rect r = {(a->frame.lay.out_w - w) / 2, (a->frame.lay.out_h - h) / 2, w, h};
    card(a, r);
    part(a, r, "help");
    if (!tight)
        text(a, GUI_FONT_TITLE, COL_TEXT, "Controls", r.x + pad, r.y + pad, AL_LEFT, 0);
    int y = r.y + pad + head_h;
    for (size_t i = 0; i < n; i++) {
        int cy = y + (int)i * row_h + row_h / 2;
        text(a, key_font, COL_ACCENT, rows[i].keys, r.x + pad, cy, AL_LEFT, 1);
        text(a, help_font, COL_TEXT, rows[i].help, r.x + pad + key_w + sc(a, 24), cy, AL_LEFT, 1);
    }
    static const char *const foot[] = {"Press H or Esc, or tap, to close", "H or Esc closes"};
    text_fit(a, GUI_FONT_SMALL, COL_DIM, foot, 2, r.x + pad, r.y + r.h - pad, AL_LEFT, 1,
             w - 2 * pad);
}
