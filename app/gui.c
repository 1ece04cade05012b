/* gui.c — the digitpad window: start-up and the event loop.  Events become
 * calls into the app state (appstate.h: strokes, edits, model loading) via
 * the key table (keys.h) and the layout's coordinate mappings (layout.h);
 * gui_draw.c paints, gui_train.c runs background training, gui_script.c
 * replays test scripts. */
#define _POSIX_C_SOURCE 200809L

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "gui_internal.h"
#include "keys.h"
#include "nn_file.h"
#include "paths.h"

#define NO_DISPLAY_MSG "no display: set DISPLAY or WAYLAND_DISPLAY, or use --predict / --train"

static double now_s(void)
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

static void hook_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &g_old_term);
    sigaction(SIGINT, &sa, &g_old_int);
}

static void unhook_signals(void)
{
    sigaction(SIGTERM, &g_old_term, NULL);
    sigaction(SIGINT, &g_old_int, NULL);
}

/* -------------------------------------------------------------- models */

/* The user's fine-tuned model (Ctrl+S) when there is one; 1 if it was
 * loaded, 0 if there is none, -1 with the reason in why if it would not
 * load (the caller then uses the shipped model and says why). */
static int load_user_model(gui_app *a, char *why, size_t whylen)
{
    char path[4200]; /* the command line's rule too (cli.h: dp_load_model_as_window) */
    if (a->opt->shipped_model || !dp_user_model_path(path, sizeof path))
        return 0;
    nn_error e;
    nn_model *m = nn_model_load(path, &e);
    if (!m) {
        snprintf(why, whylen, "%s", e.msg);
        return -1;
    }
    if (app_install_model(&a->st, m, "your model") != 0) {
        snprintf(why, whylen, "%s", a->st.message);
        return -1;
    }
    app_message(&a->st, 0, "your model (fine-tuned): %s \xC2\xB7 --shipped-model for the original",
                path);
    return 1;
}

static void load_initial_model(gui_app *a)
{
    char path[1024], why[APP_MSG_LEN];
    int user = 0;
    if (a->st.model) {
        /* --model, loaded before the window opened */
    } else if ((user = load_user_model(a, why, sizeof why)) == 1) {
        return; /* keep its message: the person should know which model this is */
    } else if (dp_find_data_file("models/" DP_DEFAULT_MODEL_NAME, path, sizeof path) == 0) {
        app_load_model_file(&a->st, path);
        if (user < 0 && a->st.model) {
            app_message(&a->st, 1, "Your saved model did not load (%s); using the shipped one",
                        why);
            return;
        }
    } else {
        app_message(&a->st, 1, "No model found: drawing works, but predictions need one "
                               "(train with digitpad --train, or drop a .safetensors file here)");
        return;
    }
    if (a->st.model)
        app_message(&a->st, 0, "Draw a digit \xC2\xB7 H shows the controls");
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
    default: return sym >= 32 && sym < 127 ? (int)sym : -1;
    }
}

/* Esc or the close button: quits unless a trained model is unsaved, which
 * asks first (a second request within APP_CONFIRM_SECONDS quits). */
static void request_quit(gui_app *a, int forced)
{
    if (!forced && !app_quit_request(&a->st))
        return;
    a->quit = 1;
    a->quit_t = now_s();
}

/* What a key (keys.h) or an on-screen button (buttons.h) does; digit is
 * the label of DP_ACT_CORRECTION, key the key pressed (0 for a button: the
 * views read it, e.g. '[' or ']' for DP_ACT_CHOOSE_OUTPUT, 0 = next). */
static void do_action(gui_app *a, dp_action action, int digit, int key)
{
    a->st.dirty = 1;
    app_user_action(&a->st);
    switch (action) {
    case DP_ACT_ESCAPE:
        if (a->help)
            a->help = 0;
        else if (a->picker)
            a->picker = 0;
        else
            request_quit(a, 0);
        break;
    case DP_ACT_LABEL:
        a->picker = !a->picker;
        break;
    case DP_ACT_HELP:
        a->help = !a->help;
        break;
    case DP_ACT_UNDO:
    case DP_ACT_REDO:
        (action == DP_ACT_UNDO ? app_undo : app_redo)(&a->st, a->corr);
        a->ptr_mode = GUI_PTR_NONE;
        break;
    case DP_ACT_SHIPPED:
        gui_train_shipped(a);
        break;
    case DP_ACT_CLEAR:
        app_clear(&a->st);
        a->ptr_mode = GUI_PTR_NONE;
        break;
    case DP_ACT_COMPARE:
        app_toggle_compare(&a->st);
        break;
    case DP_ACT_CORRECTION:
        a->picker = 0;
        a->st.label = digit;
        app_store_correction(&a->st, a->corr, digit, a->training, a->corr_why);
        break;
    case DP_ACT_SAVE_DRAWING:
        app_save_drawing(&a->st, a->user_dir[0] ? a->user_dir : NULL, a->user_dir_err);
        break;
    case DP_ACT_TRAIN:
    case DP_ACT_TRAIN_SCRATCH:
        gui_train_toggle(a, action == DP_ACT_TRAIN_SCRATCH);
        break;
    case DP_ACT_PANEL:
        a->show_train = !a->show_train;
        if (a->show_train && a->bg)
            bg_status_get(a->bg, &a->train);
        break;
    case DP_ACT_SAVE_MODEL:
        gui_train_save_model(a);
        break;
    case DP_ACT_LAYERS:
    case DP_ACT_WEIGHTS:
    case DP_ACT_SALIENCY:
    case DP_ACT_CHOOSE_OUTPUT:
        gui_views_action(a, action, key);
        break;
    case DP_ACT_NONE:
    case DP_ACT_POINTER:
        break;
    }
}

static void on_key(gui_app *a, const SDL_KeyboardEvent *k)
{
    int digit;
    int key = map_key(k->keysym.sym, &digit);
    const dp_binding *b = dp_key_lookup(key, (k->keysym.mod & KMOD_CTRL) != 0,
                                        (k->keysym.mod & KMOD_SHIFT) != 0, k->repeat);
    a->st.dirty = 1;
    if (b)
        do_action(a, b->action, digit, key);
}

/* The id of the on-screen button at drawable pixel (px, py), -1 if none;
 * *out gets it. */
static int button_at(gui_app *a, float px, float py, gui_button *out)
{
    gui_button b[DP_TOOLS_MAX + DP_PICKER_N];
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
    a->pressed = button_at(a, px, py, &b);
    if (a->pressed >= 0)
        a->st.dirty = 1;
    return a->pressed >= 0;
}

static void button_release(gui_app *a, float px, float py)
{
    gui_button b;
    int id = button_at(a, px, py, &b);
    int was = a->pressed;
    a->pressed = -1;
    a->st.dirty = 1;
    if (id < 0 || id != was)
        return;
    if (b.b->action == DP_ACT_NONE) /* the picker's Cancel */
        a->picker = 0;
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
    dp_layout_to_box_raw(&a->lay, px, py, &bx, &by);
    if (begin) {
        a->pen_in = 0;
        a->pen_bx = bx;
        a->pen_by = by;
    }
    float x0 = a->pen_bx, y0 = a->pen_by, x1 = bx, y1 = by;
    a->pen_bx = bx;
    a->pen_by = by;
    if (!dp_clip_segment(&x0, &y0, &x1, &y1)) {
        a->pen_in = 0;
        return;
    }
    if (!a->pen_in) {
        app_stroke_begin(&a->st, x0, y0);
        a->pen_in = 1;
    }
    if (x1 != x0 || y1 != y0)
        app_stroke_point(&a->st, x1, y1);
    /* Cut at the far end: the pen left the canvas there. */
    a->pen_in = dp_layout_in_canvas(&a->lay, px, py);
}

static void erase_px(gui_app *a, float px, float py)
{
    float bx, by;
    if (!dp_layout_in_canvas(&a->lay, px, py))
        return;
    dp_layout_to_box(&a->lay, px, py, &bx, &by);
    app_erase_at(&a->st, bx, by);
}

/* Mouse events synthesised from touches are ignored: the finger events
 * themselves draw, and handling both would draw every touch twice. */
static void on_mouse_button(gui_app *a, const SDL_MouseButtonEvent *b)
{
    if (b->which == SDL_TOUCH_MOUSEID)
        return;
    float px = (float)b->x * a->lay.px_per_win, py = (float)b->y * a->lay.px_per_win;
    a->cursor_x = px;
    a->cursor_y = py;
    a->st.dirty = 1;
    if (b->type == SDL_MOUSEBUTTONUP) {
        if (b->button == SDL_BUTTON_LEFT && a->pressed >= 0) {
            button_release(a, px, py);
            return;
        }
        if ((b->button == SDL_BUTTON_LEFT && a->ptr_mode == GUI_PTR_DRAW) ||
            (b->button == SDL_BUTTON_RIGHT && a->ptr_mode == GUI_PTR_ERASE)) {
            if (a->ptr_mode == GUI_PTR_DRAW)
                stroke_px(a, px, py, 0);
            a->ptr_mode = GUI_PTR_NONE;
        }
        return;
    }
    if (a->help) {
        a->help = 0;
        return;
    }
    app_user_action(&a->st);
    if (a->ptr_mode == GUI_PTR_NONE && !a->finger_down && b->button == SDL_BUTTON_LEFT &&
        gui_views_click(a, px, py))
        return;
    if (a->ptr_mode != GUI_PTR_NONE || a->finger_down)
        return;
    if (b->button == SDL_BUTTON_LEFT && button_press(a, px, py))
        return;
    /* Drawing may start off the canvas (the stroke begins where the pen
     * enters it); erasing only on it. */
    if (b->button == SDL_BUTTON_LEFT) {
        a->ptr_mode = GUI_PTR_DRAW;
        stroke_px(a, px, py, 1);
    } else if (b->button == SDL_BUTTON_RIGHT && dp_layout_in_canvas(&a->lay, px, py)) {
        a->ptr_mode = GUI_PTR_ERASE;
        erase_px(a, px, py);
    }
}

static void on_mouse_motion(gui_app *a, const SDL_MouseMotionEvent *m)
{
    if (m->which == SDL_TOUCH_MOUSEID)
        return;
    float px = (float)m->x * a->lay.px_per_win, py = (float)m->y * a->lay.px_per_win;
    a->cursor_x = px;
    a->cursor_y = py;
    if (a->ptr_mode == GUI_PTR_DRAW) {
        stroke_px(a, px, py, 0);
    } else if (a->ptr_mode == GUI_PTR_ERASE) {
        erase_px(a, px, py);
        a->st.dirty = 1; /* the eraser ring follows the cursor */
    }
}

/* Finger coordinates are normalised to the window, so they map onto the
 * drawable without the HiDPI factor. */
static void on_finger(gui_app *a, const SDL_TouchFingerEvent *f)
{
    float px = f->x * (float)a->lay.out_w, py = f->y * (float)a->lay.out_h;
    switch (f->type) {
    case SDL_FINGERDOWN:
        if (a->help) {
            a->help = 0;
            a->st.dirty = 1;
            return;
        }
        /* A tap on a view's button or a bar, as a click would. */
        if (!a->finger_down && a->ptr_mode == GUI_PTR_NONE && gui_views_click(a, px, py))
            return;
        if (a->finger_down || a->ptr_mode != GUI_PTR_NONE)
            return;
        a->finger_down = 1;
        a->finger = f->fingerId;
        /* A tap on a button, else the finger draws (from wherever it
         * lands, as the mouse does). */
        a->finger_button = button_press(a, px, py);
        if (!a->finger_button)
            stroke_px(a, px, py, 1);
        break;
    case SDL_FINGERMOTION:
        if (a->finger_down && f->fingerId == a->finger && !a->finger_button)
            stroke_px(a, px, py, 0);
        break;
    case SDL_FINGERUP:
        if (a->finger_down && f->fingerId == a->finger) {
            if (a->finger_button)
                button_release(a, px, py);
            else
                stroke_px(a, px, py, 0);
            a->finger_down = 0;
            a->finger_button = 0;
        }
        break;
    default:
        break;
    }
}

/* A PNG, JPEG or other image SDL_image reads, as w×h grey floats with ink
 * high (the polarity rule of ink_image_load, which reads PGM and BMP for
 * --predict).  Transparent pixels count as paper.  NULL if it is no image
 * SDL_image knows. */
static float *load_sdl_image(const char *path, int *w, int *h)
{
    SDL_Surface *img = IMG_Load(path);
    if (!img)
        return NULL;
    SDL_Surface *rgba = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(img);
    if (!rgba)
        return NULL;
    float *pix = NULL;
    size_t n = (size_t)rgba->w * (size_t)rgba->h;
    if (rgba->w > 0 && rgba->h > 0 && n <= ((size_t)64 << 20) && SDL_LockSurface(rgba) == 0) {
        pix = malloc(n * sizeof *pix);
        for (int y = 0; pix && y < rgba->h; y++) {
            const Uint8 *row = (const Uint8 *)rgba->pixels + (size_t)y * (size_t)rgba->pitch;
            for (int x = 0; x < rgba->w; x++) {
                const Uint8 *p = row + 4 * x;
                float luma = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
                float alpha = p[3] / 255.0f;
                pix[(size_t)y * rgba->w + x] = alpha * luma + (1.0f - alpha);
            }
        }
        SDL_UnlockSurface(rgba);
    }
    *w = rgba->w;
    *h = rgba->h;
    SDL_FreeSurface(rgba);
    if (pix)
        ink_image_polarity(pix, *w, *h);
    return pix;
}

/* A model file: named .safetensors, or its header (8-byte length, then
 * JSON) starts like one. */
static int looks_like_model(const char *path)
{
    size_t n = strlen(path);
    if (n >= 12 && strcmp(path + n - 12, ".safetensors") == 0)
        return 1;
    unsigned char head[9];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    return got == (ssize_t)sizeof head && head[8] == '{';
}

/* A dropped file: a model is loaded, an image (PGM and BMP as --predict
 * reads them, PNG, JPEG and the rest through SDL_image) is classified,
 * anything else is named as neither.  Folders, FIFOs and devices go to the
 * model loader, which says what they are without opening them. */
static void on_drop(gui_app *a, const char *path)
{
    struct stat st;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int regular = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    if (!regular || looks_like_model(path)) {
        /* Any value apart from keys.h's actions and appstate.c's quit. */
        enum { CONFIRM_DROP = 1001 };
        /* Only a file that looks like a model asks: anything else fails to
         * load and leaves the current model as it is. */
        if (regular && looks_like_model(path) &&
            !app_discard_request(&a->st, CONFIRM_DROP, "drop a model again"))
            return;
        /* The run's next snapshot would replace the dropped model. */
        if (a->training)
            gui_train_stop(a, 1);
        app_load_model_file(&a->st, path);
        return;
    }
    char err[512];
    float *pix = NULL;
    int w = 0, h = 0;
    if (ink_image_load(path, &pix, &w, &h, err, sizeof err) != 0)
        pix = load_sdl_image(path, &w, &h);
    if (!pix) {
        app_message(&a->st, 1, "Not a model or image: %s", base);
        return;
    }
    app_show_image(&a->st, pix, w, h, base);
    free(pix);
    a->ptr_mode = GUI_PTR_NONE;
}

static void on_event(gui_app *a, SDL_Event *e)
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
        a->st.dirty = 1;
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            gui_layout_update(a);
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        /* Streaming textures lost their content: upload them again. */
        a->canvas_tex_stale = a->input_tex_stale = 1;
        a->st.dirty = 1;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------ frames */

static void update_title(gui_app *a)
{
    char t[sizeof a->title];
    app_title(&a->st, t, sizeof t);
    if (strcmp(t, a->title) != 0) {
        memcpy(a->title, t, sizeof t);
        SDL_SetWindowTitle(a->win, a->title);
    }
}

static void run_loop(gui_app *a)
{
    while (!a->quit) {
        SDL_Event e;
        int got;
        app_tick(&a->st, now_s());
        /* An information message expires, a confirmation lapses: wake for
         * it then, and otherwise sleep until an event. */
        int wake_ms = -1;
        if (a->st.message[0] && !a->st.message_error)
            wake_ms = (int)((a->st.message_t + APP_MSG_SECONDS - a->st.now) * 1000.0) + 20;
        if (!a->script && !a->st.dirty && wake_ms >= 0 && !a->animating) {
            got = SDL_WaitEventTimeout(&e, wake_ms > 0 ? wake_ms : 1);
            a->st.dirty |= !got;
        } else if (!a->script && !a->st.dirty && a->animating) {
            /* Something changes without input: wake for it now and then. */
            got = SDL_WaitEventTimeout(&e, 50);
            a->st.dirty = 1;
        } else if (!a->script && !a->st.dirty) {
            /* Idle: sleep in the event queue, costing no CPU. */
            got = SDL_WaitEvent(&e);
            if (!got) {
                app_message(&a->st, 1, "SDL_WaitEvent: %s", SDL_GetError());
                SDL_Delay(10);
            }
        } else {
            got = SDL_PollEvent(&e);
        }
        uint64_t t0 = SDL_GetPerformanceCounter();
        while (got) {
            on_event(a, &e);
            got = SDL_PollEvent(&e);
        }
        if (a->quit)
            break;
        gui_train_poll(a);
        if (gui_layout_update(a) == 0 && gui_fonts_update(&a->paint) != 0) {
            a->exit_code = 1;
            break;
        }
        int changed = app_update(&a->st, a->lay.canvas.w);
        if (changed)
            gui_views_changed(a);
        if (changed & 1)
            a->canvas_tex_stale = 1;
        if (changed & 2) {
            a->input_tex_stale = 1;
            update_title(a);
        }
        if (a->st.dirty || a->script) {
            gui_render(a);
            if (a->screenshot_path)
                gui_stats_screenshot(a);
            SDL_RenderPresent(a->paint.ren);
            uint64_t t1 = SDL_GetPerformanceCounter();
            double ms = (double)(t1 - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
            if (a->script)
                gui_stats_frame(&a->stats, ms, a->training);
            a->st.dirty = 0;
        }
        if (a->script)
            gui_script_step(a);
    }
}

/* ------------------------------------------------------------ start-up */

/* SDL falls back to its offscreen or dummy driver when there is no
 * display, and the window would then run invisibly: those count as no
 * display unless SDL_VIDEODRIVER asked for them (as the tests do). */
static int headless_driver(void)
{
    const char *drv = SDL_GetCurrentVideoDriver();
    const char *want = getenv("SDL_VIDEODRIVER");
    if (!drv || (strcmp(drv, "dummy") != 0 && strcmp(drv, "offscreen") != 0))
        return 0;
    return !want || SDL_strcasecmp(want, drv) != 0;
}

static int open_window(gui_app *a)
{
    /* The dummy and offscreen drivers have no GPU context; the software
     * renderer draws into their window surface instead. */
    const char *drv = SDL_GetCurrentVideoDriver();
    if (drv && (strcmp(drv, "dummy") == 0 || strcmp(drv, "offscreen") == 0))
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    int w = a->opt->width > 0 ? a->opt->width : DP_DEFAULT_W;
    int h = a->opt->height > 0 ? a->opt->height : DP_DEFAULT_H;
    a->win = SDL_CreateWindow("digitpad", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!a->win) {
        fprintf(stderr, "digitpad: cannot open a window: %s\n", SDL_GetError());
        return -1;
    }
    a->paint.ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (!a->paint.ren) {
        fprintf(stderr, "digitpad: no accelerated renderer (%s); using software\n",
                SDL_GetError());
        a->paint.ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!a->paint.ren) {
        fprintf(stderr, "digitpad: cannot create a renderer: %s\n", SDL_GetError());
        return -1;
    }
    SDL_SetWindowMinimumSize(a->win, 480, 320);
    /* Keys are read as key presses; text input would only invite an IME. */
    SDL_StopTextInput();
    snprintf(a->title, sizeof a->title, "digitpad");
    if (SDL_SetRenderDrawBlendMode(a->paint.ren, SDL_BLENDMODE_BLEND) != 0) {
        fprintf(stderr, "digitpad: blending: %s\n", SDL_GetError());
        return -1;
    }
    return gui_layout_update(a);
}

/* --model FILE that does not load: a line on stderr and, where a person
 * may have started us from a desktop with no terminal, a message box too
 * (never in script mode or without a real display, so tests never block). */
static int model_failed(gui_app *a, int sdl_up, const char *msg)
{
    fprintf(stderr, "digitpad: %s\n", msg);
    if (sdl_up && !a->script && !headless_driver()) {
        char box[700];
        snprintf(box, sizeof box, "The model could not be loaded:\n\n%s", msg);
        SDL_ShowSimpleMessageBox(SDL_MESSAGEBOX_ERROR, "digitpad", box, NULL);
    }
    return DP_EXIT_USAGE;
}

static void app_free(gui_app *a)
{
    gui_fonts_free(&a->paint); /* and the text textures made with them */
    gui_rec_free(&a->paint);
    if (a->canvas_tex)
        SDL_DestroyTexture(a->canvas_tex);
    if (a->input_tex)
        SDL_DestroyTexture(a->input_tex);
    if (a->raw_tex)
        SDL_DestroyTexture(a->raw_tex);
    if (a->paint.ren)
        SDL_DestroyRenderer(a->paint.ren);
    if (a->win)
        SDL_DestroyWindow(a->win);
    gui_train_free(a);
    gui_views_free(a);
    app_state_free(&a->st);
    free(a->screenshot_path);
    gui_stats_free(&a->stats);
    gui_script_free(a->script);
}

/* Everything before the loop; 0, or the exit code to return. */
static int start(gui_app *a, int *sdl_up, int *ttf_up)
{
    nn_error e;
    nn_model *m = NULL;
    if (a->opt->script_path && !(a->script = gui_script_load(a->opt->script_path)))
        return 1;
    /* Scripts may check the layout of what was drawn (gui_rec_check). */
    a->paint.recording = a->script != NULL;
    /* --model is read before anything opens, so a bad file never leaves
     * an empty window behind. */
    if (a->opt->model_path && !(m = nn_model_load(a->opt->model_path, &e))) {
        *sdl_up = SDL_Init(SDL_INIT_VIDEO) == 0;
        return model_failed(a, *sdl_up, e.msg);
    }
    if (m) {
        const char *slash = strrchr(a->opt->model_path, '/');
        if (app_install_model(&a->st, m, slash ? slash + 1 : a->opt->model_path) != 0)
            return model_failed(a, 0, a->st.message);
        app_message(&a->st, 0, "Draw a digit \xC2\xB7 H shows the controls");
    }
    if (gui_fonts_find(&a->paint) != 0)
        return DP_EXIT_USAGE;
    /* SDL hands the window title to X11 through Xlib's locale-dependent
     * text conversion: without the person's locale (the C locale, ASCII)
     * the em dash in the title is mangled in WM_NAME and _NET_WM_NAME is
     * never updated.  Only the character type matters, so numbers keep the
     * C locale (a decimal comma would break every figure we read or
     * print); a non-UTF-8 locale falls back to C.UTF-8 for the same reason. */
    if (!setlocale(LC_ALL, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    setlocale(LC_NUMERIC, "C");
    /* Touches draw through finger events; pen/mouse duplicates are dropped
     * in the handlers, so SDL need not turn mice into touches. */
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    /* A drawing app is no reason to switch the desktop compositor off. */
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER")) {
            fprintf(stderr, "digitpad: " NO_DISPLAY_MSG "\n");
            return DP_EXIT_USAGE;
        }
        fprintf(stderr, "digitpad: cannot start SDL: %s\n", SDL_GetError());
        return 1;
    }
    *sdl_up = 1;
    hook_signals();
    if (headless_driver()) {
        fprintf(stderr, "digitpad: " NO_DISPLAY_MSG "\n");
        return DP_EXIT_USAGE;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "digitpad: cannot start SDL_ttf: %s\n", TTF_GetError());
        return 1;
    }
    *ttf_up = 1;
    if (open_window(a) != 0 || gui_fonts_update(&a->paint) != 0)
        return 1;
    SDL_EventState(SDL_DROPFILE, SDL_ENABLE);
    load_initial_model(a);
    gui_train_setup(a);
    gui_views_create(a);
    app_drawing_edited(&a->st);
    return 0;
}

int gui_run(const gui_options *opt)
{
    gui_app *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "digitpad: out of memory\n");
        return 1;
    }
    a->opt = opt;
    a->pressed = -1;
    app_state_init(&a->st);
    int sdl_up = 0, ttf_up = 0;
    int code = start(a, &sdl_up, &ttf_up);
    if (code == 0) {
        run_loop(a);
        code = a->exit_code;
        /* Closing the window mid-epoch: stop and join the worker now, and
         * (in script mode) report how long that took. */
        int was_training = a->training;
        gui_train_free(a);
        double stop_ms = a->quit_t > 0.0 ? (now_s() - a->quit_t) * 1000.0 : 0.0;
        if (a->script) {
            gui_stats_report(&a->stats, a->paint.ren, was_training, stop_ms);
            if (gui_script_failed(a->script) || a->screenshot_failed)
                code = 1;
        }
    }
    app_free(a);
    if (ttf_up)
        TTF_Quit();
    if (sdl_up) {
        unhook_signals();
        SDL_Quit();
    }
    free(a);
    return code;
}
