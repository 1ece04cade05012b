/* gui.c — the digitpad window: start-up and the event loop.  Events become
 * calls into the app state (appstate.h: strokes, edits, model loading) via
 * the key table (keys.h) and the layout's coordinate mappings (layout.h)
 * in gui_events.c; gui_draw.c paints, gui_train.c runs background training,
 * gui_script.c replays test scripts. */
#define _POSIX_C_SOURCE 200809L

#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "gui.h"
#include "gui_draw.h"
#include "gui_events.h"
#include "gui_fetch.h"
#include "gui_internal.h"
#include "gui_paint.h"
#include "gui_script.h"
#include "gui_stats.h"
#include "gui_train.h"
#include "gui_views.h"
#include "modelcard.h"
#include "uiscale.h"

#define NO_DISPLAY_MSG "no display: set DISPLAY or WAYLAND_DISPLAY, or use --predict / --train"

/* -------------------------------------------------------------- models */

/* The model the window starts with when --model named none: the model
 * card's choice (dp_card_load_start, the command line's too), in the
 * window's words.  An install failure of the user's model (no memory for a
 * workspace) falls back to the shipped one as a load failure does. */
static void load_initial_model(gui_app *a)
{
    char why[APP_MSG_LEN] = "";
    dp_card_start c;
    if (a->st.model) {
        /* --model, loaded before the window opened */
        app_message(&a->st, 0, "Draw a digit \xC2\xB7 H shows the controls");
        return;
    }
    int ok = dp_card_load_start(NULL, a->opt->shipped_model, &c) == 0;
    if (ok && c.origin == DP_CARD_USER) {
        if (app_install_model(&a->st, c.model, "your model") == 0) {
            /* keep this message: the person should know which model this is */
            app_message(&a->st, 0,
                        "your model (fine-tuned): %s \xC2\xB7 --shipped-model for the original",
                        c.path);
            return;
        }
        snprintf(why, sizeof why, "%s", a->st.message);
        ok = dp_card_load_start(NULL, 1, &c) == 0;
    } else if (c.user_error[0]) {
        snprintf(why, sizeof why, "%s", c.user_error);
    }
    if (!c.path[0]) {
        app_message(&a->st, 1, "No model found: drawing works, but predictions need one "
                               "(train with digitpad --train, or drop a .safetensors file here)");
        return;
    }
    if (!ok)
        app_message(&a->st, 1, "Could not load model: %s", c.err.msg);
    else if (app_install_model_file(&a->st, c.model, c.path) == 0 && why[0]) {
        app_message(&a->st, 1, "Your saved model did not load (%s); using the shipped one",
                    why);
        return;
    }
    if (a->st.model)
        app_message(&a->st, 0, "Draw a digit \xC2\xB7 H shows the controls");
}

/* ------------------------------------------------------------ frames */

static void update_title(gui_app *a)
{
    char t[sizeof a->loop.title];
    app_title(&a->st, t, sizeof t);
    if (strcmp(t, a->loop.title) != 0) {
        memcpy(a->loop.title, t, sizeof t);
        SDL_SetWindowTitle(a->win, a->loop.title);
    }
}

static void run_loop(gui_app *a)
{
    while (!a->input.quit) {
        SDL_Event e;
        int got;
        app_tick(&a->st, gui_now_s());
        /* An information message expires, a confirmation lapses: wake for
         * it then, and otherwise sleep until an event. */
        int wake_ms = -1;
        if (a->st.message[0] && !a->st.message_error)
            wake_ms = (int)((a->st.message_t + APP_MSG_SECONDS - a->st.now) * 1000.0) + 20;
        if (!a->script.run && !a->st.dirty && wake_ms >= 0 && !a->train.animating) {
            got = SDL_WaitEventTimeout(&e, wake_ms > 0 ? wake_ms : 1);
            if (!got)
                app_request_redraw(&a->st);
        } else if (!a->script.run && !a->st.dirty && a->train.animating) {
            /* Something changes without input: wake for it now and then. */
            got = SDL_WaitEventTimeout(&e, 50);
            app_request_redraw(&a->st);
        } else if (!a->script.run && !a->st.dirty) {
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
        double cpu0 = a->script.run ? gui_stats_cpu_ms() : 0.0;
        while (got) {
            gui_on_event(a, &e);
            got = SDL_PollEvent(&e);
        }
        if (a->input.quit)
            break;
        gui_train_poll(a);
        gui_views_poll(a);
        if (gui_layout_update(a) == 0 && gui_fonts_update(&a->paint) != 0) {
            a->loop.exit_code = 1;
            break;
        }
        int changed = app_update(&a->st, a->frame.lay.canvas.w);
        if (changed)
            gui_views_changed(a);
        if (changed & 1)
            gui_frame_stale(a, 1, 0);
        if (changed & 2) {
            gui_frame_stale(a, 0, 1);
            update_title(a);
        }
        if (a->st.dirty || a->script.run) {
            gui_render(a);
            if (a->script.screenshot_path)
                gui_stats_screenshot(a);
            if (a->script.run)
                gui_script_frame_drawn(a);
            SDL_RenderPresent(a->paint.ren);
            uint64_t t1 = SDL_GetPerformanceCounter();
            double ms = (double)(t1 - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
            if (a->script.run)
                gui_stats_frame(&a->script.stats, ms, gui_stats_cpu_ms() - cpu0,
                                a->train.running);
            app_redraw_done(&a->st);
        }
        if (a->script.run)
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

/* HiDPI: the display's factor (uiscale.h) from the environment, SDL's DPI
 * and the window's drawable/window ratio; the least window and, without
 * --size, the first one grow by it (within the screen). */
static void display_scale(gui_app *a)
{
    int ww = 1, wh = 1, ow = 1, oh = 1;
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (SDL_GetRendererOutputSize(a->paint.ren, &ow, &oh) != 0 || ww < 1)
        ow = ww;
    float ddpi = 0.0f;
    int disp = SDL_GetWindowDisplayIndex(a->win);
    if (disp < 0 || SDL_GetDisplayDPI(disp, &ddpi, NULL, NULL) != 0)
        ddpi = 0.0f;
    dp_ui_scale_in in = {getenv("DIGITPAD_SCALE"), getenv("GDK_SCALE"),
                         getenv("QT_SCALE_FACTOR"), ddpi, (float)ow / (float)ww};
    char warn[200];
    a->ui = dp_ui_scale_choose(&in, warn, sizeof warn, NULL);
    if (warn[0])
        fprintf(stderr, "%s\n", warn);
    gui_paint_set_ui(&a->paint, a->ui);
    int min_w = (int)lroundf(DP_MIN_W * a->ui), min_h = (int)lroundf(DP_MIN_H * a->ui);
    SDL_SetWindowMinimumSize(a->win, min_w, min_h);
    if (a->ui == 1.0f || a->opt->width > 0)
        return;
    int w = (int)lroundf(DP_DEFAULT_W * a->ui), h = (int)lroundf(DP_DEFAULT_H * a->ui);
    SDL_Rect b;
    if (disp >= 0 && SDL_GetDisplayUsableBounds(disp, &b) == 0) {
        w = w > b.w ? b.w : w;
        h = h > b.h ? b.h : h;
    }
    SDL_SetWindowSize(a->win, w < min_w ? min_w : w, h < min_h ? min_h : h);
    SDL_SetWindowPosition(a->win, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED);
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
    SDL_Renderer *ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (!ren) {
        fprintf(stderr, "digitpad: no accelerated renderer (%s); using software\n",
                SDL_GetError());
        ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    }
    gui_paint_set_renderer(&a->paint, ren);
    if (!a->paint.ren) {
        fprintf(stderr, "digitpad: cannot create a renderer: %s\n", SDL_GetError());
        return -1;
    }
    display_scale(a);
    /* Keys are read as key presses; text input would only invite an IME. */
    SDL_StopTextInput();
    snprintf(a->loop.title, sizeof a->loop.title, "digitpad");
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
    if (sdl_up && !a->script.run && !headless_driver()) {
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
    gui_frame_free(a);
    /* Every texture before its renderer: SDL_DestroyRenderer frees the
     * textures it made, so a texture destroyed after it would be read
     * after being freed. */
    gui_views_free(a);
    if (a->paint.ren)
        SDL_DestroyRenderer(a->paint.ren);
    if (a->win)
        SDL_DestroyWindow(a->win);
    gui_fetch_free(a);
    gui_train_free(a);
    app_state_free(&a->st);
    gui_script_close(a);
}

/* Everything before the loop; 0, or the exit code to return. */
static int start(gui_app *a, int *sdl_up, int *ttf_up)
{
    if (gui_script_open(a) != 0)
        return 1;
    /* Scripts may check the layout of what was drawn (gui_rec_check). */
    gui_paint_set_recording(&a->paint, a->script.run != NULL);
    /* --model is read before anything opens, so a bad file never leaves
     * an empty window behind. */
    if (a->opt->model_path) {
        dp_card_start c;
        if (dp_card_load_start(a->opt->model_path, 1, &c) != 0) {
            *sdl_up = SDL_Init(SDL_INIT_VIDEO) == 0;
            return model_failed(a, *sdl_up, c.err.msg);
        }
        if (app_install_model_file(&a->st, c.model, c.path) != 0)
            return model_failed(a, 0, a->st.message);
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
    gui_hook_signals();
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
    if (a->opt->note && a->opt->note[0])
        app_message(&a->st, 1, "%s", a->opt->note);
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
    gui_events_init(a);
    app_state_init(&a->st);
    int sdl_up = 0, ttf_up = 0;
    int code = start(a, &sdl_up, &ttf_up);
    if (code == 0) {
        run_loop(a);
        code = a->loop.exit_code;
        /* Closing the window mid-epoch: stop and join the worker now, and
         * (in script mode) report how long that took. */
        int was_training = a->train.running;
        gui_train_free(a);
        double stop_ms = a->input.quit_t > 0.0 ? (gui_now_s() - a->input.quit_t) * 1000.0 : 0.0;
        if (a->script.run) {
            gui_stats_report(&a->script.stats, a->paint.ren, was_training, stop_ms);
            if (gui_script_failed(a->script.run) || a->script.screenshot_failed)
                code = 1;
        }
    }
    app_free(a);
    if (ttf_up)
        TTF_Quit();
    if (sdl_up) {
        gui_unhook_signals();
        SDL_Quit();
    }
    free(a);
    return code;
}
