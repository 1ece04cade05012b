/* gui.c — the digitpad window: SDL start-up, the event loop, the drawing
 * (strokes in ink.h's 1000-unit box), live predictions, model loading and
 * saving drawings.  Layout and pixels are in gui_draw.c, background
 * training in gui_train.c, the scripted test mode in gui_script.c. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "gui_internal.h"
#include "nn_file.h"
#include "paths.h"

/* ------------------------------------------------------------ messages */

void gui_message(gui_app *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->dirty = 1;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* -------------------------------------------------------------- models */

int gui_install_model(gui_app *a, nn_model *m, const char *name)
{
    nn_error err;
    nn_workspace *ws = nn_workspace_create(m, 1, &err);
    if (!ws) {
        gui_message(a, 1, "%s: %s", name, err.msg);
        nn_model_free(m);
        return -1;
    }
    nn_workspace_free(a->ws);
    nn_model_free(a->model);
    a->model = m;
    a->ws = ws;
    snprintf(a->model_name, sizeof a->model_name, "%s", name);

    /* The command line's parser: both read a model's threshold alike. */
    double th;
    a->threshold = dp_parse_threshold(nn_model_meta_get(m, "threshold"), &th) == 0
                       ? (float)th : (float)DP_DEFAULT_THRESHOLD;
    a->model_acc[0] = '\0';
    /* A trainer's snapshot (or a model saved from one) still carries the
     * test accuracy of the model it started from; what it has earned is
     * the held-out accuracy measured after its last epoch. */
    const char *acc = nn_model_meta_get(m, "test_accuracy");
    const char *held = nn_model_meta_get(m, "heldout_accuracy");
    if (nn_model_meta_get(m, "bg_version")) {
        char *end;
        double v = held ? strtod(held, &end) : -1.0;
        if (held && end != held && v >= 0.0 && v <= 1.0)
            snprintf(a->model_acc, sizeof a->model_acc, "held-out accuracy %.2f%%", v * 100.0);
        acc = NULL;
    }
    if (acc) {
        char *end;
        double v = strtod(acc, &end);
        if (end != acc && v >= 0.0) {
            /* Written either as a fraction or as a percentage. */
            if (v <= 1.0)
                v *= 100.0;
            snprintf(a->model_acc, sizeof a->model_acc, "test accuracy %.2f%%", v);
        }
    }
    a->drawing_changed = 1;
    a->dirty = 1;
    return 0;
}

static void load_model_file(gui_app *a, const char *path)
{
    nn_error err;
    nn_model *m = nn_model_load(path, &err);
    if (!m) {
        gui_message(a, 1, "Could not load model: %s", err.msg);
        return;
    }
    if (gui_install_model(a, m, base_name(path)) == 0)
        gui_message(a, 0, "Loaded %s", path);
}

/* The user's fine-tuned model (Ctrl+S) when there is one; 1 if it was
 * loaded, 0 if there is none, -1 with the reason in why if it would not
 * load (the caller then uses the shipped model and says why). */
static int load_user_model(gui_app *a, char *why, size_t whylen)
{
    char dir[1024], err[512], path[1200];
    if (a->opt->shipped_model || dp_user_data_dir(dir, sizeof dir, err, sizeof err) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/%s", dir, BG_USER_MODEL_NAME);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fclose(f);
    nn_error e;
    nn_model *m = nn_model_load(path, &e);
    if (!m) {
        snprintf(why, whylen, "%s", e.msg);
        return -1;
    }
    if (gui_install_model(a, m, "your model") != 0) {
        snprintf(why, whylen, "%s", a->message);
        return -1;
    }
    gui_message(a, 0, "your model (fine-tuned): %s \xC2\xB7 --shipped-model for the original",
                path);
    return 1;
}

static void load_initial_model(gui_app *a)
{
    char path[1024], why[GUI_MSG_LEN];
    int user = 0;
    if (a->opt->model_path) {
        load_model_file(a, a->opt->model_path);
    } else if ((user = load_user_model(a, why, sizeof why)) == 1) {
        return; /* keep its message: the person should know which model this is */
    } else if (dp_find_data_file("models/" DP_DEFAULT_MODEL_NAME, path, sizeof path) == 0) {
        load_model_file(a, path);
        if (user < 0 && a->model) {
            gui_message(a, 1, "Your saved model did not load (%s); using the shipped one", why);
            return;
        }
    } else {
        gui_message(a, 1, "No model found: drawing works, but predictions need one "
                          "(train with digitpad --train, or drop a .safetensors file here)");
        return;
    }
    if (a->model)
        gui_message(a, 0, "Draw a digit \xC2\xB7 H shows the controls");
}

/* --------------------------------------------------------- predictions */

static void predict(gui_app *a, const float *x, gui_prediction *p)
{
    nn_error err;
    p->valid = 0;
    if (!a->model || !a->ws)
        return;
    if (nn_forward(a->model, a->ws, x, 1, p->y, &err) != NN_OK) {
        gui_message(a, 1, "Prediction failed: %s", err.msg);
        return;
    }
    int top = 0;
    for (int i = 1; i < 10; i++)
        if (p->y[i] > p->y[top])
            top = i;
    p->top = top;
    p->conf = p->y[top];
    p->unsure = p->conf < a->threshold;
    p->valid = 1;
}

static void update_title(gui_app *a)
{
    char t[sizeof a->title];
    const gui_prediction *p = &a->pred;
    if (!p->valid)
        snprintf(t, sizeof t, "digitpad");
    else if (p->unsure)
        snprintf(t, sizeof t, "digitpad \xE2\x80\x94 unsure");
    else
        snprintf(t, sizeof t, "digitpad \xE2\x80\x94 %d (%d%%)", p->top,
                 (int)lroundf(p->conf * 100.0f));
    if (strcmp(t, a->title) != 0) {
        memcpy(a->title, t, sizeof t);
        SDL_SetWindowTitle(a->win, a->title);
    }
}

/* Brings the canvas pixels, the network input and the predictions up to
 * date with the strokes.  Runs once per frame, after all queued events, so
 * a burst of motion events costs one forward pass. */
static void update_drawing(gui_app *a)
{
    int side = a->lay.canvas.w;
    if (side != a->canvas_side) {
        size_t need = (size_t)side * (size_t)side;
        if (need > a->canvas_cap) {
            float *p = realloc(a->canvas_pix, need * sizeof *p);
            if (!p) {
                gui_message(a, 1, "Out of memory for a %dx%d canvas", side, side);
                return;
            }
            a->canvas_pix = p;
            a->canvas_cap = need;
        }
        a->canvas_side = side;
        a->canvas_changed = 1;
        /* The raw view depends on the on-screen canvas size. */
        a->drawing_changed = 1;
    }
    if (a->canvas_changed) {
        ink_render(&a->drawing, a->canvas_pix, side, side, ink_default_brush());
        a->canvas_changed = 0;
        a->canvas_tex_stale = 1;
        a->dirty = 1;
    }
    if (!a->drawing_changed)
        return;
    a->drawing_changed = 0;
    a->dirty = 1;
    a->input_tex_stale = 1;
    /* ink_preprocess renders at INK_CANVAS_PX with ink_brush_for(drawing)
     * and normalises; when that is the canvas's own size and brush, the
     * pixels are already here, so the same function of the same pixels
     * skips a second render. */
    int r = side == INK_CANVAS_PX && ink_brush_for(&a->drawing) == ink_default_brush()
                ? ink_normalize(a->canvas_pix, side, side, a->input)
                : ink_preprocess(&a->drawing, a->input);
    if (r < 0) {
        gui_message(a, 1, "Out of memory while preprocessing");
        r = 0;
    }
    /* The raw view costs a second resampling and forward pass: only while
     * it is shown. */
    if (a->compare)
        ink_downsample(a->canvas_pix, side, side, a->raw);
    if (r > 0) {
        predict(a, a->input, &a->pred);
        if (a->compare)
            predict(a, a->raw, &a->raw_pred);
        else
            a->raw_pred.valid = 0;
    } else {
        memset(a->input, 0, sizeof a->input);
        a->pred.valid = 0;
        a->raw_pred.valid = 0;
    }
    update_title(a);
}

static void drawing_edited(gui_app *a)
{
    a->correction_label = -1;
    a->canvas_changed = 1;
    a->drawing_changed = 1;
    a->dirty = 1;
}

/* ------------------------------------------------------------- drawing */

/* Drawable pixels → ink box, clamped so a stroke leaving the canvas keeps
 * running along its edge instead of ending. */
static void px_to_box(const gui_app *a, float px, float py, float *bx, float *by)
{
    const SDL_Rect *c = &a->lay.canvas;
    float x = (px - (float)c->x) / (float)c->w * INK_BOX;
    float y = (py - (float)c->y) / (float)c->h * INK_BOX;
    const float hi = INK_BOX - 0.01f;
    *bx = x < 0.0f ? 0.0f : x > hi ? hi : x;
    *by = y < 0.0f ? 0.0f : y > hi ? hi : y;
}

static int in_canvas(const gui_app *a, float px, float py)
{
    const SDL_Rect *c = &a->lay.canvas;
    return px >= (float)c->x && py >= (float)c->y && px < (float)(c->x + c->w) &&
           py < (float)(c->y + c->h);
}

void gui_box_to_window(const gui_app *a, float bx, float by, int *wx, int *wy)
{
    const SDL_Rect *c = &a->lay.canvas;
    float px = (float)c->x + bx / INK_BOX * (float)c->w;
    float py = (float)c->y + by / INK_BOX * (float)c->h;
    *wx = (int)lroundf(px / a->lay.px_per_win);
    *wy = (int)lroundf(py / a->lay.px_per_win);
}

static void stroke_point(gui_app *a, float px, float py)
{
    float bx, by;
    px_to_box(a, px, py, &bx, &by);
    if (ink_stroke_add(&a->drawing, bx, by) != 0) {
        gui_message(a, 1, "Out of memory: stroke not recorded");
        return;
    }
    drawing_edited(a);
}

static void stroke_start(gui_app *a, float px, float py)
{
    if (ink_stroke_begin(&a->drawing) != 0) {
        gui_message(a, 1, "Out of memory: stroke not recorded");
        return;
    }
    stroke_point(a, px, py);
}

/* Squared distance from (x,y) to the segment p–q. */
static float seg_dist2(float x, float y, ink_point p, ink_point q)
{
    float dx = q.x - p.x, dy = q.y - p.y;
    float len2 = dx * dx + dy * dy;
    float t = len2 > 0.0f ? ((x - p.x) * dx + (y - p.y) * dy) / len2 : 0.0f;
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    float ex = p.x + t * dx - x, ey = p.y + t * dy - y;
    return ex * ex + ey * ey;
}

static int stroke_near(const ink_stroke *s, float x, float y, float r)
{
    for (size_t i = 0; i < s->n; i++) {
        ink_point q = s->pts[i + 1 < s->n ? i + 1 : i];
        if (seg_dist2(x, y, s->pts[i], q) <= r * r)
            return 1;
    }
    return 0;
}

/* The eraser removes whole strokes, so the drawing stays a list of strokes
 * that undo, saving and replay understand.  It rebuilds the drawing through
 * ink.h's API rather than editing its arrays. */
static void erase_at(gui_app *a, float px, float py)
{
    float bx, by;
    if (!in_canvas(a, px, py))
        return;
    px_to_box(a, px, py, &bx, &by);
    float r = ink_default_brush() * 0.5f + 25.0f;
    int hit = 0;
    for (size_t i = 0; i < a->drawing.n && !hit; i++)
        hit = stroke_near(&a->drawing.strokes[i], bx, by, r);
    if (!hit)
        return;
    ink_drawing kept;
    ink_drawing_init(&kept);
    size_t removed = 0;
    for (size_t i = 0; i < a->drawing.n; i++) {
        const ink_stroke *s = &a->drawing.strokes[i];
        if (stroke_near(s, bx, by, r)) {
            removed++;
            continue;
        }
        if (ink_stroke_begin(&kept) != 0)
            goto oom;
        for (size_t j = 0; j < s->n; j++)
            if (ink_stroke_add(&kept, s->pts[j].x, s->pts[j].y) != 0)
                goto oom;
    }
    ink_drawing_free(&a->drawing);
    a->drawing = kept;
    gui_message(a, 0, "Erased %zu stroke%s", removed, removed == 1 ? "" : "s");
    drawing_edited(a);
    return;
oom:
    ink_drawing_free(&kept);
    gui_message(a, 1, "Out of memory: nothing erased");
}

/* ------------------------------------------------------------- saving */

static void save_drawing(gui_app *a)
{
    char dir[1024], err[512], path[1200], pgm[1200];
    if (a->drawing.n == 0) {
        gui_message(a, 0, "Nothing to save: the canvas is empty");
        return;
    }
    if (dp_user_data_dir(dir, sizeof dir, err, sizeof err) != 0) {
        gui_message(a, 1, "Not saved: %s", err);
        return;
    }
    ink_sample s;
    memset(&s, 0, sizeof s);
    time_t now = time(NULL);
    struct tm tmv;
    char stamp[32];
    if (!localtime_r(&now, &tmv) || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)now);
    snprintf(s.id, sizeof s.id, "%s-%03u", stamp, (unsigned)(SDL_GetTicks() % 1000u));
    s.label = a->label;
    /* A shallow view: ink_append_sample only reads the strokes. */
    s.drawing = a->drawing;
    snprintf(path, sizeof path, "%s/drawings.strokes", dir);
    snprintf(pgm, sizeof pgm, "%s/drawing-%s.pgm", dir, s.id);
    if (ink_append_sample(path, &s, err, sizeof err) != 0) {
        gui_message(a, 1, "Not saved: %s", err);
        return;
    }
    if (ink_write_pgm(pgm, a->input, err, sizeof err) != 0) {
        gui_message(a, 1, "Strokes saved to %s, but the PGM failed: %s", path, err);
        return;
    }
    if (a->label >= 0)
        gui_message(a, 0, "Saved as a %d to %s (+ %s)", a->label, path, base_name(pgm));
    else
        gui_message(a, 0, "Saved to %s (+ %s)", path, base_name(pgm));
}

/* ------------------------------------------------------------- events */

static void on_key(gui_app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode sym = k->keysym.sym;
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0;
    int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    a->dirty = 1;
    switch (sym) {
    case SDLK_ESCAPE:
        if (a->help) {
            a->help = 0;
        } else {
            a->quit = 1;
            a->quit_t =
                (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
        }
        return;
    case SDLK_h:
    case SDLK_F1:
        if (!k->repeat)
            a->help = !a->help;
        return;
    case SDLK_z:
        if (!ctrl)
            return;
        /* fall through */
    case SDLK_u:
        if (ink_undo(&a->drawing)) {
            drawing_edited(a);
            gui_message(a, 0, "Undid the last stroke");
        } else {
            gui_message(a, 0, "Nothing to undo");
        }
        a->ptr_mode = GUI_PTR_NONE;
        return;
    case SDLK_c:
        if (ctrl)
            return;
        /* fall through */
    case SDLK_DELETE:
    case SDLK_BACKSPACE:
        ink_drawing_clear(&a->drawing);
        a->ptr_mode = GUI_PTR_NONE;
        drawing_edited(a);
        gui_message(a, 0, "Cleared");
        return;
    case SDLK_p:
        if (!k->repeat) {
            a->compare = !a->compare;
            a->drawing_changed = 1;
            gui_message(a, 0, a->compare ? "Comparison: raw canvas vs. normalised input"
                                         : "Comparison off");
        }
        return;
    case SDLK_s:
        if (k->repeat)
            return;
        if (ctrl)
            gui_train_save_model(a);
        else
            save_drawing(a);
        return;
    case SDLK_t:
        if (!ctrl && !k->repeat)
            gui_train_toggle(a, shift);
        return;
    case SDLK_g:
        if (!ctrl && !k->repeat) {
            a->show_train = !a->show_train;
            if (a->show_train && a->bg)
                bg_status_get(a->bg, &a->train);
        }
        return;
    default:
        break;
    }
    int digit = -1;
    if (sym >= SDLK_0 && sym <= SDLK_9)
        digit = (int)(sym - SDLK_0);
    else if (sym == SDLK_KP_0)
        digit = 0;
    else if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9)
        digit = (int)(sym - SDLK_KP_1) + 1;
    /* A held key would store the same drawing again and again. */
    if (digit >= 0 && !k->repeat) {
        a->label = digit;
        gui_train_correction(a, digit);
    }
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
    a->dirty = 1;
    if (b->type == SDL_MOUSEBUTTONUP) {
        if ((b->button == SDL_BUTTON_LEFT && a->ptr_mode == GUI_PTR_DRAW) ||
            (b->button == SDL_BUTTON_RIGHT && a->ptr_mode == GUI_PTR_ERASE)) {
            if (a->ptr_mode == GUI_PTR_DRAW)
                stroke_point(a, px, py);
            a->ptr_mode = GUI_PTR_NONE;
        }
        return;
    }
    if (a->help) {
        a->help = 0;
        return;
    }
    if (a->ptr_mode != GUI_PTR_NONE || a->finger_down || !in_canvas(a, px, py))
        return;
    if (b->button == SDL_BUTTON_LEFT) {
        a->ptr_mode = GUI_PTR_DRAW;
        stroke_start(a, px, py);
    } else if (b->button == SDL_BUTTON_RIGHT) {
        a->ptr_mode = GUI_PTR_ERASE;
        erase_at(a, px, py);
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
        stroke_point(a, px, py);
    } else if (a->ptr_mode == GUI_PTR_ERASE) {
        erase_at(a, px, py);
        a->dirty = 1; /* the eraser ring follows the cursor */
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
            a->dirty = 1;
            return;
        }
        if (a->finger_down || a->ptr_mode != GUI_PTR_NONE || !in_canvas(a, px, py))
            return;
        a->finger_down = 1;
        a->finger = f->fingerId;
        stroke_start(a, px, py);
        break;
    case SDL_FINGERMOTION:
        if (a->finger_down && f->fingerId == a->finger)
            stroke_point(a, px, py);
        break;
    case SDL_FINGERUP:
        if (a->finger_down && f->fingerId == a->finger) {
            stroke_point(a, px, py);
            a->finger_down = 0;
        }
        break;
    default:
        break;
    }
}

static void on_event(gui_app *a, SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        a->quit = 1;
        a->quit_t = (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
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
            /* The run's next snapshot would replace the dropped model. */
            if (a->training)
                gui_train_stop(a, 1);
            load_model_file(a, e->drop.file);
            SDL_free(e->drop.file);
        }
        break;
    case SDL_DROPTEXT:
        /* Dropped text is not a model; SDL still hands us the string. */
        SDL_free(e->drop.file);
        gui_message(a, 0, "Drop a model file (.safetensors) to load it");
        break;
    case SDL_WINDOWEVENT:
        /* Any window change (size, exposure, focus) may need a redraw. */
        a->dirty = 1;
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            gui_layout_update(a);
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        /* Streaming textures lost their content: upload them again. */
        a->canvas_tex_stale = a->input_tex_stale = 1;
        a->dirty = 1;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------ frames */

static void push_ms(double **arr, size_t *n, size_t *cap, double ms)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        double *p = realloc(*arr, c * sizeof *p);
        if (!p)
            return;
        *arr = p;
        *cap = c;
    }
    (*arr)[(*n)++] = ms;
}

static void record_frame(gui_app *a, double ms)
{
    /* The first frame pays for start-up (fonts, textures, the GL context):
     * reported on its own, not mixed into the steady-state statistics. */
    if (a->frames++ == 0) {
        a->first_frame_ms = ms;
        return;
    }
    if (ms > a->max_frame_ms)
        a->max_frame_ms = ms;
    if (a->training && ms > a->train_max_frame_ms)
        a->train_max_frame_ms = ms;
    if (!a->script)
        return;
    push_ms(&a->frame_ms, &a->n_frame_ms, &a->cap_frame_ms, ms);
    if (a->training)
        push_ms(&a->train_frame_ms, &a->n_train_frame_ms, &a->cap_train_frame_ms, ms);
}

static int cmp_double(const void *x, const void *y)
{
    double u = *(const double *)x, v = *(const double *)y;
    return (u > v) - (u < v);
}

static double p99(double *ms, size_t n)
{
    if (n == 0)
        return 0.0;
    qsort(ms, n, sizeof *ms, cmp_double);
    size_t i = (size_t)ceil(0.99 * (double)n) - 1;
    return ms[i < n ? i : n - 1];
}

static void save_screenshot(gui_app *a)
{
    int w = a->lay.out_w, h = a->lay.out_h;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        fprintf(stderr, "digitpad: screenshot: %s\n", SDL_GetError());
        a->screenshot_failed = 1;
        return;
    }
    if (SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0 ||
        SDL_SaveBMP(s, a->screenshot_path) != 0) {
        fprintf(stderr, "digitpad: screenshot %s: %s\n", a->screenshot_path, SDL_GetError());
        a->screenshot_failed = 1;
    }
    SDL_FreeSurface(s);
}

static void run_loop(gui_app *a)
{
    while (!a->quit) {
        SDL_Event e;
        int got;
        if (!a->script && !a->dirty && a->animating) {
            /* Something changes without input: wake for it now and then. */
            got = SDL_WaitEventTimeout(&e, 50);
            a->dirty = 1;
        } else if (!a->script && !a->dirty) {
            /* Idle: sleep in the event queue, costing no CPU. */
            got = SDL_WaitEvent(&e);
            if (!got) {
                gui_message(a, 1, "SDL_WaitEvent: %s", SDL_GetError());
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
        if (gui_layout_update(a) == 0 && gui_fonts_update(a) != 0) {
            a->exit_code = 1;
            break;
        }
        update_drawing(a);
        if (a->dirty || a->script) {
            gui_render(a);
            if (a->screenshot_path) {
                save_screenshot(a);
                free(a->screenshot_path);
                a->screenshot_path = NULL;
            }
            SDL_RenderPresent(a->ren);
            uint64_t t1 = SDL_GetPerformanceCounter();
            record_frame(a, (double)(t1 - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency());
            a->dirty = 0;
        }
        if (a->script)
            gui_script_step(a);
    }
}

/* ------------------------------------------------------------ start-up */

static int create_window(gui_app *a, int w, int h)
{
    a->win = SDL_CreateWindow("digitpad", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!a->win) {
        fprintf(stderr, "digitpad: cannot open a window: %s\n", SDL_GetError());
        return -1;
    }
    a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (!a->ren) {
        fprintf(stderr, "digitpad: no accelerated renderer (%s); using software\n",
                SDL_GetError());
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!a->ren) {
        fprintf(stderr, "digitpad: cannot create a renderer: %s\n", SDL_GetError());
        return -1;
    }
    return 0;
}

static int open_window(gui_app *a)
{
    /* The dummy and offscreen drivers have no GPU context; the software
     * renderer draws into their window surface instead. */
    const char *drv = SDL_GetCurrentVideoDriver();
    if (drv && (strcmp(drv, "dummy") == 0 || strcmp(drv, "offscreen") == 0))
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    int w = a->opt->width > 0 ? a->opt->width : GUI_DEFAULT_W;
    int h = a->opt->height > 0 ? a->opt->height : GUI_DEFAULT_H;
    if (create_window(a, w, h) != 0)
        return -1;
    SDL_SetWindowMinimumSize(a->win, 480, 320);
    /* Keys are read as key presses; text input would only invite an IME. */
    SDL_StopTextInput();
    snprintf(a->title, sizeof a->title, "digitpad");
    if (SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND) != 0) {
        fprintf(stderr, "digitpad: blending: %s\n", SDL_GetError());
        return -1;
    }
    if (gui_layout_update(a) != 0)
        return -1;
    return 0;
}

static int find_fonts(gui_app *a)
{
    if (dp_find_data_file("fonts/" DP_FONT_NAME, a->font_path, sizeof a->font_path) != 0) {
        fprintf(stderr, "digitpad: cannot find fonts/" DP_FONT_NAME
                        " (next to the executable, in the source tree or the install prefix)\n");
        return -1;
    }
    /* The bold face is optional: headings fall back to the regular one. */
    if (dp_find_data_file("fonts/DejaVuSans-Bold.ttf", a->bold_path, sizeof a->bold_path) != 0)
        snprintf(a->bold_path, sizeof a->bold_path, "%s", a->font_path);
    return 0;
}

static void app_free(gui_app *a)
{
    gui_fonts_free(a); /* and the text textures made with them */
    if (a->canvas_tex)
        SDL_DestroyTexture(a->canvas_tex);
    if (a->input_tex)
        SDL_DestroyTexture(a->input_tex);
    if (a->raw_tex)
        SDL_DestroyTexture(a->raw_tex);
    if (a->ren)
        SDL_DestroyRenderer(a->ren);
    if (a->win)
        SDL_DestroyWindow(a->win);
    gui_train_free(a);
    nn_workspace_free(a->ws);
    nn_model_free(a->model);
    ink_drawing_free(&a->drawing);
    free(a->canvas_pix);
    free(a->frame_ms);
    free(a->train_frame_ms);
    free(a->screenshot_path);
    gui_script_free(a->script);
}

int gui_run(const gui_options *opt)
{
    gui_app *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "digitpad: out of memory\n");
        return 1;
    }
    a->opt = opt;
    a->label = -1;
    a->correction_label = -1;
    a->threshold = 0.5f;
    ink_drawing_init(&a->drawing);
    int code = 1;
    if (opt->script_path) {
        a->script = gui_script_load(opt->script_path);
        if (!a->script) {
            app_free(a);
            free(a);
            return 1;
        }
    }
    if (find_fonts(a) != 0) {
        app_free(a);
        free(a);
        return 1;
    }
    /* Touches draw through finger events; pen/mouse duplicates are dropped
     * in the handlers, so SDL need not turn mice into touches. */
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    /* A drawing app is no reason to switch the desktop compositor off. */
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "digitpad: cannot start SDL: %s\n", SDL_GetError());
        app_free(a);
        free(a);
        return 1;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "digitpad: cannot start SDL_ttf: %s\n", TTF_GetError());
        app_free(a);
        SDL_Quit();
        free(a);
        return 1;
    }
    if (open_window(a) != 0 || gui_fonts_update(a) != 0)
        goto done;
    SDL_EventState(SDL_DROPFILE, SDL_ENABLE);
    load_initial_model(a);
    gui_train_setup(a);
    drawing_edited(a);
    run_loop(a);
    code = a->exit_code;
    /* Closing the window mid-epoch: stop and join the worker now, and
     * (in script mode) report how long that took. */
    int was_training = a->training;
    gui_train_free(a);
    double stop_ms = 0.0;
    if (a->quit_t > 0.0)
        stop_ms = ((double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency() -
                   a->quit_t) * 1000.0;
    if (a->script) {
        SDL_RendererInfo info;
        const char *rname = SDL_GetRendererInfo(a->ren, &info) == 0 ? info.name : "?";
        printf("frames=%llu max_frame_ms=%.2f p99_frame_ms=%.2f first_frame_ms=%.2f "
               "renderer=%s\n",
               (unsigned long long)a->frames, a->max_frame_ms, p99(a->frame_ms, a->n_frame_ms),
               a->first_frame_ms, rname);
        printf("train_frames=%zu train_max_frame_ms=%.2f train_p99_frame_ms=%.2f "
               "quit_while_training=%d quit_to_joined_ms=%.1f\n",
               a->n_train_frame_ms, a->train_max_frame_ms,
               p99(a->train_frame_ms, a->n_train_frame_ms), was_training, stop_ms);
        fflush(stdout);
        if (gui_script_failed(a->script) || a->screenshot_failed)
            code = 1;
    }
done:
    app_free(a);
    TTF_Quit();
    SDL_Quit();
    free(a);
    return code;
}
