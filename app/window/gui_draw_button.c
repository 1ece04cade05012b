/* gui_draw_button.c — one on-screen button: its card and its label, whole
 * (one line or two), else its short form, else its icon, so it is never
 * blank.  Apart from gui_draw_panel.c, which lays the buttons out, because
 * the training panel and the history card draw buttons too and the panel
 * draws the history card: here, below all three, no file calls back up. */
#include "gui_draw_private.h"
#include "buttons.h"

#include <stdio.h>
#include <string.h>

/* 1 when b is Undo or Redo and either of the pair's full labels does not
 * fit room: then both show their arrows, never one word and one arrow. */
static int pair_short(gui_app *a, const dp_button *b, int font, int room)
{
    if (b->action != DP_ACT_UNDO && b->action != DP_ACT_REDO)
        return 0;
    size_t n;
    const dp_button *t = dp_tool_buttons(&n);
    for (size_t i = 0; i < n; i++)
        if ((t[i].action == DP_ACT_UNDO || t[i].action == DP_ACT_REDO) &&
            text_width(a, font, t[i].label) > room)
            return 1;
    return 0;
}

/* s on two lines, broken at its last space, centred in r when both fit
 * room and r is tall enough: 1 if drawn. */
static int two_lines(gui_app *a, int font, SDL_Color c, const char *s, SDL_Rect r, int room)
{
    char top[64];
    const char *sp = strrchr(s, ' ');
    int lh = TTF_FontLineSkip(a->paint.font[font]);
    if (!sp || (size_t)(sp - s) >= sizeof top || 2 * lh > r.h - sc(a, 2))
        return 0;
    snprintf(top, sizeof top, "%.*s", (int)(sp - s), s);
    if (text_width(a, font, top) > room || text_width(a, font, sp + 1) > room)
        return 0;
    int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
    text(a, font, c, top, cx, cy - lh / 2, AL_CENTER, 1);
    text(a, font, c, sp + 1, cx, cy + lh / 2, AL_CENTER, 1);
    return 1;
}

/* 1 when b's whole label shows in font (one line or two). */
int gui_button_shows_label(gui_app *a, const gui_button *b, int font)
{
    SDL_Rect r = gui_rect(b->r);
    int room = r.w - 2 * sc(a, 4);
    if (pair_short(a, b->b, font, room))
        return 0;
    if (text_width(a, font, b->b->label) <= room)
        return 1;
    const char *sp = strrchr(b->b->label, ' ');
    int lh = TTF_FontLineSkip(a->paint.font[font]);
    char top[64];
    if (!sp || (size_t)(sp - b->b->label) >= sizeof top || 2 * lh > r.h - sc(a, 2))
        return 0;
    snprintf(top, sizeof top, "%.*s", (int)(sp - b->b->label), b->b->label);
    return text_width(a, font, top) <= room && text_width(a, font, sp + 1) <= room;
}

void gui_draw_button(gui_app *a, const gui_button *b, int font, int active)
{
    SDL_Rect r = gui_rect(b->r);
    int pressed = a->input.pressed == b->id;
    SDL_Color fill = pressed ? COL_BAR : active ? (SDL_Color){44, 72, 60, 255} : COL_TRACK;
    gui_card(&a->paint, r, active ? COL_ACCENT : COL_BORDER, fill);
    int owner = a->paint.rec_owner;
    /* "button ...": the layout check requires ink inside such a part. */
    char name[64];
    snprintf(name, sizeof name, "button %s", b->b->label);
    part(a, r, name);
    int room = r.w - 2 * sc(a, 4), cx = r.x + r.w / 2, cy = r.y + r.h / 2;
    int first = pair_short(a, b->b, font, room);
    const char *label[1] = {b->b->label}, *brief[1] = {b->b->short_label};
    const char *icon[1] = {b->b->icon ? b->b->icon : b->b->short_label};
    SDL_Color c = active ? COL_ACCENT : COL_TEXT;
    /* The whole label (on one line, else two), else the short form, each
     * in the button's font and then the small one, else the icon: a
     * button never goes blank, and says what it does while it can. */
    int done = 0;
    for (int f = 0; f < 2 && !done; f++) {
        int ft = f ? GUI_FONT_SMALL : font;
        done = (!first && (text_fit(a, ft, c, label, 1, cx, cy, AL_CENTER, 1, room) ||
                           two_lines(a, ft, c, b->b->label, r, room))) ||
               text_fit(a, ft, c, brief, 1, cx, cy, AL_CENTER, 1, room);
    }
    if (!done && !text_fit(a, font, c, icon, 1, cx, cy, AL_CENTER, 1, room))
        text_fit(a, GUI_FONT_SMALL, c, icon, 1, cx, cy, AL_CENTER, 1, room);
    gui_rec_owner(&a->paint, owner);
}

