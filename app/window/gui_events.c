/* gui_events.c — the window's input: keys (through the key table,
 * keys.h), on-screen buttons, mouse, touch and pen strokes, dropped files
 * and window events become calls into the app state (appstate.h), the
 * trainer (gui_train.c) and the views (gui_views.c); SIGTERM and SIGINT
 * become a quit that does not ask.  Separate from gui.c, which starts the
 * window and runs the loop that calls gui_on_event. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gui_draw.h"
#include "gui_events.h"
#include "gui_fetch.h"
#include "gui_image.h"
#include "gui_internal.h"
#include "gui_train.h"
#include "gui_views.h"
#include "keys.h"
#include "nn_file.h"


double gui_now_s(void)
{
    return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
}

/* ------------------------------------------------------------- signals */

/* SDL turns SIGTERM and SIGINT into SDL_QUIT, which the window answers
 * like a click on its close button: with an unsaved model that only asks.
 * A signal (a logout, `kill`, a service manager) must end us at once, so
 * this handler, installed over SDL's, notes it and hands on to SDL's,
 * which wakes the event loop.  (SDL's handler re-installs itself; the note
 * stays set.) */
static volatile sig_atomic_t g_term;
static struct sigaction g_old_term, g_old_int;

static void on_term_signal(int sig)
{
    g_term = 1;
    const struct sigaction *o = sig == SIGTERM ? &g_old_term : &g_old_int;
    if (o->sa_handler != SIG_DFL && o->sa_handler != SIG_IGN)
        o->sa_handler(sig);
}

void gui_hook_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &g_old_term);
    sigaction(SIGINT, &sa, &g_old_int);
}

void gui_unhook_signals(void)
{
    sigaction(SIGTERM, &g_old_term, NULL);
    sigaction(SIGINT, &g_old_int, NULL);
}

/* ------------------------------------------------------------- events */

/* SDL's key codes are the lowercase ASCII of printable keys, as keys.h
 * expects; the rest are mapped here.  *digit gets a digit key's value. */
static int map_key(SDL_Keycode sym, int *digit)
{
    *digit = -1;
    if (sym >= SDLK_0 && sym <= SDLK_9)
        *digit = (int)(sym - SDLK_0);
    else if (sym == SDLK_KP_0)
        *digit = 0;
    else if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9)
        *digit = (int)(sym - SDLK_KP_1) + 1;
    if (*digit >= 0)
        return DP_KEY_DIGIT;
    switch (sym) {
    case SDLK_ESCAPE: return DP_KEY_ESCAPE;
    case SDLK_BACKSPACE: return DP_KEY_BACKSPACE;
    case SDLK_DELETE: return DP_KEY_DELETE;
    case SDLK_F1: return DP_KEY_F1;
    case SDLK_LEFT: return DP_KEY_LEFT;
    case SDLK_RIGHT: return DP_KEY_RIGHT;
    case SDLK_UP: return DP_KEY_UP;
    case SDLK_DOWN: return DP_KEY_DOWN;
    /* The brush keys on the keypad, and '+' where a layout has it alone. */
    case SDLK_KP_MINUS: return '-';
    case SDLK_KP_PLUS: case SDLK_PLUS: return '=';
    default: return sym >= 32 && sym < 127 ? (int)sym : -1;
    }
}

void gui_events_init(gui_app *a)
{
    memset(&a->input, 0, sizeof a->input);
    a->input.pressed = -1;
}

void gui_events_force_quit(gui_app *a)
{
    a->input.quit = 1;
}

/* Esc or the close button: quits unless a trained model is unsaved, which
 * asks first (a second request within APP_CONFIRM_SECONDS quits). */
static void request_quit(gui_app *a, int forced)
{
    if (!forced && !app_quit_request(&a->st))
        return;
    a->input.quit = 1;
    a->input.quit_t = gui_now_s();
}

/* The history card and its buttons: open / close, a drawing brought back
 * (or deleted in delete mode), a page, delete mode, clear all (asks for a
 * second press). */
static void history_action(gui_app *a, dp_action action, int digit)
{
    char err[512];
    dp_history *h = a->train.history;
    size_t first, per = gui_history_page(a, &first);
    size_t count = dp_history_count(h);
    switch (action) {
    case DP_ACT_HISTORY:
        a->input.history = !a->input.history;
        a->input.history_delete = 0;
        a->input.picker = 0;
        if (a->input.history && count == 0)
            app_message(&a->st, 0, "No drawings in the history yet: C (clear) keeps one there");
        break;
    case DP_ACT_HISTORY_PAGE: {
        long page = (long)(per ? first / per : 0) + (digit > 0 ? 1 : -1);
        if (page < 0 || per == 0 || (size_t)page * per >= count) {
            app_message(&a->st, 0, digit > 0 ? "No older drawings" : "These are the newest");
            break;
        }
        a->input.history_page = (int)page;
        break;
    }
    case DP_ACT_HISTORY_DELETE:
        a->input.history_delete = !a->input.history_delete;
        break;
    case DP_ACT_HISTORY_CLEAR:
        if (count == 0) {
            app_message(&a->st, 0, "The history is empty");
            break;
        }
        if (!app_confirm(&a->st, DP_ACT_HISTORY_CLEAR, "Delete the whole history? Clear all "
                                                       "again to confirm"))
            break;
        if (dp_history_clear(h, err, sizeof err) != 0)
            app_message(&a->st, 1, "History not cleared: %s", err);
        else
            app_message(&a->st, 0, "History cleared (%zu drawing%s)", count,
                        count == 1 ? "" : "s");
        a->input.history_page = 0;
        break;
    default: { /* DP_ACT_HISTORY_PICK */
        const dp_history_entry *e = dp_history_get(h, first + (size_t)digit);
        if (!e)
            break;
        if (a->input.history_delete) {
            char id[DP_HISTORY_ID_LEN];
            snprintf(id, sizeof id, "%s", e->id);
            if (dp_history_delete(h, id, err, sizeof err) != 0)
                app_message(&a->st, 1, "Not deleted: %s", err);
            else
                app_message(&a->st, 0, "Deleted from the history (%zu left)",
                            dp_history_count(h));
            break;
        }
        app_history_restore(&a->st, h, first + (size_t)digit);
        a->input.ptr_mode = GUI_PTR_NONE;
        break;
    }
    }
}

/* Ctrl+E: the picture goes to the data directory; the status line names
 * it.  The open layers or weights view goes in too. */
static void export_png(gui_app *a)
{
    char name[1400], err[1600];
    if (!a->train.user_dir[0]) {
        app_message(&a->st, 1, "Not exported: no data directory (%s)", a->train.user_dir_err);
        return;
    }
    if (gui_export_png(a, a->train.user_dir, gui_views_open(a) ? gui_views_export : NULL, name,
                       sizeof name, err, sizeof err) != 0)
        app_message(&a->st, 1, "Not exported: %s", err);
    else
        app_message(&a->st, 0, "Exported %s", name);
}

/* What a key (keys.h) or an on-screen button (buttons.h) does; digit is
 * the label of DP_ACT_CORRECTION, key the key pressed (0 for a button: the
 * views read it, e.g. '[' or ']' for DP_ACT_CHOOSE_OUTPUT, 0 = next). */
static void do_action(gui_app *a, dp_action action, int digit, int key)
{
    app_request_redraw(&a->st);
    app_user_action(&a->st);
    switch (action) {
    case DP_ACT_ESCAPE:
        if (a->input.help)
            a->input.help = 0;
        else if (a->input.picker)
            a->input.picker = 0;
        else if (a->input.history)
            a->input.history = 0;
        else
            request_quit(a, 0);
        break;
    case DP_ACT_LABEL:
        a->input.picker = !a->input.picker;
        if (a->input.picker)
            a->input.history = 0;
        break;
    case DP_ACT_HELP:
        a->input.help = !a->input.help;
        break;
    case DP_ACT_UNDO:
    case DP_ACT_REDO:
        (action == DP_ACT_UNDO ? app_undo : app_redo)(&a->st, a->train.corr);
        a->input.ptr_mode = GUI_PTR_NONE;
        break;
    case DP_ACT_SHIPPED:
        gui_train_shipped(a);
        break;
    case DP_ACT_CLEAR:
        app_clear_to_history(&a->st, a->train.history);
        a->input.ptr_mode = GUI_PTR_NONE;
        break;
    case DP_ACT_HISTORY:
    case DP_ACT_HISTORY_PICK:
    case DP_ACT_HISTORY_PAGE:
    case DP_ACT_HISTORY_DELETE:
    case DP_ACT_HISTORY_CLEAR:
        history_action(a, action, digit);
        break;
    case DP_ACT_ERASER:
        a->input.eraser = !a->input.eraser;
        app_message(&a->st, 0, a->input.eraser ? "Eraser on: the left button and touch erase "
                                                 "\xC2\xB7 E draws again"
                                               : "Eraser off: drawing");
        break;
    case DP_ACT_PEN:
        if (a->input.eraser || a->st.brush_level < APP_BRUSH_LEVELS - 1) {
            a->input.eraser = 0;
            do_action(a, DP_ACT_BRUSH, -1, 0);
        } else {
            do_action(a, DP_ACT_ERASER, -1, 0);
        }
        break;
    case DP_ACT_BRUSH: {
        char err[512];
        app_brush_step(&a->st, key == '-' ? -1 : key == '=' ? 1 : 0);
        if (a->train.user_dir[0] && app_brush_save(&a->st, a->train.user_dir, err, sizeof err) != 0)
            app_message(&a->st, 1, "Brush not remembered: %s", err);
        break;
    }
    case DP_ACT_EXPORT:
        export_png(a);
        break;
    case DP_ACT_COMPARE:
        app_toggle_compare(&a->st);
        break;
    case DP_ACT_CORRECTION:
        a->input.picker = 0;
        app_store_correction(&a->st, a->train.corr, digit, a->train.running, a->train.corr_why);
        break;
    case DP_ACT_SAVE_DRAWING:
        app_save_drawing(&a->st, a->train.user_dir[0] ? a->train.user_dir : NULL, a->train.user_dir_err);
        break;
    case DP_ACT_TRAIN:
    case DP_ACT_TRAIN_SCRATCH:
        gui_train_toggle(a, action == DP_ACT_TRAIN_SCRATCH);
        break;
    case DP_ACT_PANEL:
        gui_train_panel(a);
        break;
    case DP_ACT_FETCH:
        gui_fetch_toggle(a);
        break;
    case DP_ACT_SAVE_MODEL:
        gui_train_save_model(a);
        break;
    case DP_ACT_LAYERS:
    case DP_ACT_WEIGHTS:
    case DP_ACT_SALIENCY:
    case DP_ACT_SAL_METHOD:
    case DP_ACT_CHOOSE_OUTPUT:
        gui_views_action(a, action, key);
        break;
    case DP_ACT_STEP: /* the arrow keys: on_key, which knows Shift */
    case DP_ACT_NONE:
    case DP_ACT_POINTER:
    case DP_CONFIRM_QUIT: /* confirmation ids, never a key's action */
    case DP_CONFIRM_DROP:
        break;
    }
}

static void on_key(gui_app *a, const SDL_KeyboardEvent *k)
{
    int digit;
    int key = map_key(k->keysym.sym, &digit);
    const dp_binding *b = dp_key_lookup(key, (k->keysym.mod & KMOD_CTRL) != 0,
                                        (k->keysym.mod & KMOD_SHIFT) != 0, k->repeat);
    app_request_redraw(&a->st);
    if (b && b->action == DP_ACT_STEP)
        gui_views_step(a, key == DP_KEY_LEFT ? -1 : key == DP_KEY_RIGHT ? 1 : 0,
                       key == DP_KEY_UP ? -1 : key == DP_KEY_DOWN ? 1 : 0,
                       (k->keysym.mod & KMOD_SHIFT) != 0);
    else if (b)
        do_action(a, b->action, digit, key);
}

/* The id of the on-screen button at drawable pixel (px, py), -1 if none;
 * *out gets it. */
static int button_at(gui_app *a, float px, float py, gui_button *out)
{
    gui_button b[GUI_BUTTONS_MAX];
    size_t n = gui_buttons(a, b, sizeof b / sizeof b[0]);
    /* The picker lies over the bars: its buttons first. */
    for (size_t i = n; i-- > 0;)
        if (dp_rect_contains(b[i].r, px, py)) {
            *out = b[i];
            return b[i].id;
        }
    return -1;
}

/* A press on a button arms it; the release on the same button runs it,
 * as buttons do everywhere (sliding off cancels).  1 if the press was on
 * a button. */
static int button_press(gui_app *a, float px, float py)
{
    gui_button b;
    a->input.pressed = button_at(a, px, py, &b);
    if (a->input.pressed >= 0)
        app_request_redraw(&a->st);
    return a->input.pressed >= 0;
}

static void button_release(gui_app *a, float px, float py)
{
    gui_button b;
    int id = button_at(a, px, py, &b);
    int was = a->input.pressed;
    a->input.pressed = -1;
    app_request_redraw(&a->st);
    if (id < 0 || id != was)
        return;
    if (b.b->action == DP_ACT_NONE) /* the picker's Cancel */
        a->input.picker = 0;
    else
        do_action(a, b.b->action, b.b->digit, 0);
}

/* The pen at drawable pixel (px, py): begin starts a drawing gesture
 * (anywhere: a pen entering from the margin counts), later calls move it.
 * Only what lies on the canvas is drawn: the segment from the last point
 * is clipped to the canvas, a stroke ends where the pen leaves and a new
 * one starts where it comes back, at the edge. */
static void stroke_px(gui_app *a, float px, float py, int begin)
{
    float bx, by;
    dp_layout_to_box_raw(&a->frame.lay, px, py, &bx, &by);
    if (begin) {
        a->input.pen_in = 0;
        a->input.pen_bx = bx;
        a->input.pen_by = by;
    }
    float x0 = a->input.pen_bx, y0 = a->input.pen_by, x1 = bx, y1 = by;
    a->input.pen_bx = bx;
    a->input.pen_by = by;
    if (!dp_clip_segment(&x0, &y0, &x1, &y1)) {
        a->input.pen_in = 0;
        return;
    }
    if (!a->input.pen_in) {
        app_stroke_begin(&a->st, x0, y0);
        a->input.pen_in = 1;
    }
    if (x1 != x0 || y1 != y0)
        app_stroke_point(&a->st, x1, y1);
    /* Cut at the far end: the pen left the canvas there. */
    a->input.pen_in = dp_layout_in_canvas(&a->frame.lay, px, py);
}

/* The eraser at drawable pixel (px, py): begin starts a gesture (on the
 * canvas only), later calls move it along (clamped to the canvas), end
 * finishes it (one undo step, the message says what it cut). */
static void erase_px(gui_app *a, float px, float py, int begin)
{
    float bx, by;
    dp_layout_to_box(&a->frame.lay, px, py, &bx, &by);
    a->input.cursor_x = px;
    a->input.cursor_y = py;
    if (begin)
        app_erase_begin(&a->st, bx, by);
    else
        app_erase_to(&a->st, bx, by);
}

/* The mouse at window point (x, y): drawable pixels in *px, *py, and the
 * cursor (the eraser ring, a tooltip) follows it. */
static void mouse_at(gui_app *a, int x, int y, float *px, float *py)
{
    *px = (float)x * a->frame.lay.px_per_win;
    *py = (float)y * a->frame.lay.px_per_win;
    a->input.cursor_x = *px;
    a->input.cursor_y = *py;
}

/* Mouse events synthesised from touches are ignored: the finger events
 * themselves draw, and handling both would draw every touch twice. */
static void on_mouse_button(gui_app *a, const SDL_MouseButtonEvent *b)
{
    if (b->which == SDL_TOUCH_MOUSEID)
        return;
    float px, py;
    mouse_at(a, b->x, b->y, &px, &py);
    app_request_redraw(&a->st);
    if (b->type == SDL_MOUSEBUTTONUP) {
        if (b->button == SDL_BUTTON_LEFT && a->input.pressed >= 0) {
            button_release(a, px, py);
            return;
        }
        if (b->button == a->input.ptr_button &&
            (a->input.ptr_mode == GUI_PTR_DRAW || a->input.ptr_mode == GUI_PTR_ERASE)) {
            if (a->input.ptr_mode == GUI_PTR_DRAW) {
                stroke_px(a, px, py, 0);
            } else {
                erase_px(a, px, py, 0);
                app_erase_end(&a->st);
            }
            a->input.ptr_mode = GUI_PTR_NONE;
        }
        return;
    }
    if (a->input.help) {
        a->input.help = 0;
        return;
    }
    app_user_action(&a->st);
    if (a->input.ptr_mode == GUI_PTR_NONE && !a->input.finger_down && b->button == SDL_BUTTON_LEFT &&
        gui_views_click(a, px, py))
        return;
    if (a->input.ptr_mode != GUI_PTR_NONE || a->input.finger_down)
        return;
    if (b->button == SDL_BUTTON_LEFT && button_press(a, px, py))
        return;
    /* Drawing may start off the canvas (the stroke begins where the pen
     * enters it); erasing only on it. */
    int erase = b->button == SDL_BUTTON_RIGHT || (b->button == SDL_BUTTON_LEFT && a->input.eraser);
    if (erase && dp_layout_in_canvas(&a->frame.lay, px, py)) {
        a->input.ptr_mode = GUI_PTR_ERASE;
        a->input.ptr_button = b->button;
        erase_px(a, px, py, 1);
    } else if (b->button == SDL_BUTTON_LEFT && !a->input.eraser) {
        a->input.ptr_mode = GUI_PTR_DRAW;
        a->input.ptr_button = b->button;
        stroke_px(a, px, py, 1);
    }
}

static void on_mouse_motion(gui_app *a, const SDL_MouseMotionEvent *m)
{
    if (m->which == SDL_TOUCH_MOUSEID)
        return;
    float px, py;
    mouse_at(a, m->x, m->y, &px, &py);
    if (a->input.ptr_mode == GUI_PTR_DRAW) {
        stroke_px(a, px, py, 0);
    } else if (a->input.ptr_mode == GUI_PTR_ERASE) {
        erase_px(a, px, py, 0);
        app_request_redraw(&a->st); /* the eraser ring follows the cursor */
    } else {
        gui_views_motion(a, px, py); /* the explorer's unit under the pointer */
    }
}

/* Finger coordinates are normalised to the window, so they map onto the
 * drawable without the HiDPI factor. */
static void on_finger(gui_app *a, const SDL_TouchFingerEvent *f)
{
    float px = f->x * (float)a->frame.lay.out_w, py = f->y * (float)a->frame.lay.out_h;
    switch (f->type) {
    case SDL_FINGERDOWN:
        if (a->input.help) {
            a->input.help = 0;
            app_request_redraw(&a->st);
            return;
        }
        /* A tap on a view's button or a bar, as a click would. */
        if (!a->input.finger_down && a->input.ptr_mode == GUI_PTR_NONE && gui_views_click(a, px, py))
            return;
        if (a->input.finger_down || a->input.ptr_mode != GUI_PTR_NONE)
            return;
        a->input.finger_down = 1;
        a->input.finger = f->fingerId;
        /* A tap on a button, else the finger draws (from wherever it
         * lands, as the mouse does). */
        a->input.finger_button = button_press(a, px, py);
        a->input.finger_erase = 0;
        if (a->input.finger_button) {
            /* The pointer is there: a button showing only its icon names
             * itself above the finger while it rests (gui_draw_tooltip). */
            a->input.cursor_x = px;
            a->input.cursor_y = py;
        } else if (a->input.eraser) {
            /* The eraser tool: a finger erases, from the canvas on. */
            if (dp_layout_in_canvas(&a->frame.lay, px, py)) {
                a->input.finger_erase = 1;
                erase_px(a, px, py, 1);
            }
        } else {
            stroke_px(a, px, py, 1);
        }
        break;
    case SDL_FINGERMOTION:
        if (a->input.finger_down && f->fingerId == a->input.finger && !a->input.finger_button) {
            if (a->input.finger_erase) {
                erase_px(a, px, py, 0);
                app_request_redraw(&a->st);
            } else if (!a->input.eraser) {
                stroke_px(a, px, py, 0);
            }
        }
        break;
    case SDL_FINGERUP:
        if (a->input.finger_down && f->fingerId == a->input.finger) {
            if (a->input.finger_button) {
                button_release(a, px, py);
            } else if (a->input.finger_erase) {
                erase_px(a, px, py, 0);
                app_erase_end(&a->st);
            } else if (!a->input.eraser) {
                stroke_px(a, px, py, 0);
            }
            a->input.finger_down = 0;
            a->input.finger_button = 0;
            a->input.finger_erase = 0;
        }
        break;
    default:
        break;
    }
}

/* A model file: named .safetensors, or its first bytes start like one
 * (nn_model_sniff: the format's rule lives with its reader). */
static int looks_like_model(const char *path)
{
    size_t n = strlen(path);
    if (n >= 12 && strcmp(path + n - 12, ".safetensors") == 0)
        return 1;
    unsigned char head[NN_FILE_SNIFF_BYTES];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    return got > 0 && nn_model_sniff(head, (size_t)got);
}

/* A dropped file: a model is loaded, an image (gui_drop_image: PNG, JPEG,
 * BMP and PGM, as --predict reads them) is classified, anything else is
 * named as neither.  Folders, FIFOs and devices go to the
 * model loader, which says what they are without opening them. */
static void on_drop(gui_app *a, const char *path)
{
    struct stat st;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int regular = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    if (!regular || looks_like_model(path)) {
        /* Only a file that looks like a model asks: anything else fails to
         * load and leaves the current model as it is. */
        if (regular && looks_like_model(path) &&
            !app_discard_request(&a->st, DP_CONFIRM_DROP, "drop a model again"))
            return;
        /* The run's next snapshot would replace the dropped model. */
        if (a->train.running)
            gui_train_stop(a, 1);
        app_load_model_file(&a->st, path);
        return;
    }
    char err[512];
    float *pix = NULL;
    int w = 0, h = 0;
    if (gui_drop_image(path, base, &pix, &w, &h, err, sizeof err) != 0) {
        app_message(&a->st, 1, "%s", err);
        return;
    }
    app_show_image(&a->st, pix, w, h, base);
    free(pix);
    a->input.ptr_mode = GUI_PTR_NONE;
}

void gui_on_event(gui_app *a, SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        request_quit(a, g_term != 0);
        break;
    case SDL_KEYDOWN:
        on_key(a, &e->key);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        on_mouse_button(a, &e->button);
        break;
    case SDL_MOUSEMOTION:
        on_mouse_motion(a, &e->motion);
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP:
        on_finger(a, &e->tfinger);
        break;
    case SDL_DROPFILE:
        if (e->drop.file) {
            app_user_action(&a->st);
            on_drop(a, e->drop.file);
            SDL_free(e->drop.file);
        }
        break;
    case SDL_DROPTEXT:
        /* Dropped text is not a model; SDL still hands us the string. */
        SDL_free(e->drop.file);
        app_message(&a->st, 0, "Drop a model (.safetensors) or an image file here");
        break;
    case SDL_WINDOWEVENT:
        /* Any window change (size, exposure, focus) may need a redraw. */
        app_request_redraw(&a->st);
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            gui_layout_update(a);
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        /* Streaming textures lost their content: upload them again. */
        gui_frame_lost(a);
        app_request_redraw(&a->st);
        break;
    default:
        break;
    }
}
