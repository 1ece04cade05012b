/* gui_fetch.c — F: the window gets MNIST itself.  T or Shift+T without
 * MNIST offers it (status line, and a button in the training panel); F
 * runs the project's fetch script as a child process (fetch.h) into the
 * directory the trainer looks in, shows its progress in the training
 * panel, cancels it on a second F, and hands the training that was asked
 * for back to gui_train_poll once the data is there.  Owns a->fetch. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "gui.h"
#include "gui_fetch.h"
#include "gui_internal.h"
#include "paths.h"

struct gui_fetching {
    dp_fetch *job;      /* NULL: no download running */
    int offered;        /* T or Shift+T found no MNIST: the panel shows F */
    int want;           /* training to start when done: 0 none, 1 T, 2 Shift+T */
    char dest[4200];    /* where the running download goes */
};

static const dp_button GET = {"Get MNIST (F)", "Get MNIST", DP_ACT_FETCH, -1, "F"};
static const dp_button CANCEL = {"Cancel download (F)", "Cancel", DP_ACT_FETCH, -1,
                                 "\xE2\x9C\x95"};

/* a->fetch, made on first use; NULL (with a message) when out of memory. */
static struct gui_fetching *state(gui_app *a)
{
    if (!a->fetch && !(a->fetch = calloc(1, sizeof *a->fetch)))
        app_message(&a->st, 1, "Out of memory: cannot download MNIST");
    return a->fetch;
}

void gui_fetch_offer(gui_app *a, int from_scratch)
{
    struct gui_fetching *f = state(a);
    if (!f)
        return;
    f->offered = 1;
    f->want = from_scratch ? 2 : 1;
    a->train.show = 1; /* where the F button and the progress are */
    app_request_redraw(&a->st);
}

void gui_fetch_toggle(gui_app *a)
{
    struct gui_fetching *f = state(a);
    char script[4096], err[512];
    if (!f)
        return;
    if (f->job) {
        dp_fetch_cancel(f->job); /* the poll says when it has ended */
        app_message(&a->st, 0, "Cancelling the MNIST download\xE2\x80\xA6");
        return;
    }
    /* Where the trainer looks (absolute), so the next T finds it there. */
    char found[4200];
    const char *dest = f->dest;
    if (a->train.bg)
        bg_has_mnist(a->train.bg, f->dest, sizeof f->dest);
    else if (dp_abs_path(dp_mnist_dir(a->opt->data_dir, found, sizeof found), f->dest,
                         sizeof f->dest) != 0)
        snprintf(f->dest, sizeof f->dest, "%s", found);
    if (dp_mnist_present(dest)) {
        f->offered = 0;
        app_message(&a->st, 0, "MNIST is already in %s \xC2\xB7 T fine-tunes, Shift+T trains "
                    "from scratch", dest);
        return;
    }
    if (dp_fetch_script(script, sizeof script) != 0) {
        app_message(&a->st, 1, "Cannot download MNIST: the fetch script (digitpad-fetch-mnist) "
                    "is not installed beside digitpad \xC2\xB7 put the four MNIST files in %s",
                    dest);
        return;
    }
    const char *from = getenv("DIGITPAD_FETCH_FROM");
    f->job = dp_fetch_start(script, dest, from, err, sizeof err);
    if (!f->job) {
        app_message(&a->st, 1, "Cannot download MNIST: %s", err);
        return;
    }
    a->train.show = 1;
    app_message(&a->st, 0, "Downloading MNIST into %s \xC2\xB7 F cancels", dest);
    app_request_redraw(&a->st);
}

int gui_fetch_poll(gui_app *a)
{
    struct gui_fetching *f = a->fetch;
    if (!f || !f->job)
        return 0;
    dp_fetch_state s = dp_fetch_poll(f->job);
    app_request_redraw(&a->st); /* the progress, or how it ended */
    if (s == DP_FETCH_RUNNING)
        return 0;
    int want = 0;
    switch (s) {
    case DP_FETCH_DONE:
        want = f->want;
        f->offered = 0;
        app_message(&a->st, 0, "MNIST is ready in %s%s", f->dest,
                    want == 2   ? " \xC2\xB7 training from scratch"
                    : want == 1 ? " \xC2\xB7 fine-tuning"
                                : " \xC2\xB7 T fine-tunes, Shift+T trains from scratch");
        f->want = 0;
        break;
    case DP_FETCH_OFFLINE:
        app_message(&a->st, 1, "No network: MNIST could not be downloaded \xC2\xB7 F tries "
                    "again; or copy the four MNIST files into %s", f->dest);
        break;
    case DP_FETCH_CANCELLED:
        app_message(&a->st, 0, "MNIST download cancelled: nothing was kept in %s \xC2\xB7 F "
                    "starts it again", f->dest);
        break;
    case DP_FETCH_FAILED:
    case DP_FETCH_RUNNING:
        app_message(&a->st, 1, "MNIST not downloaded: %s \xC2\xB7 F tries again",
                    dp_fetch_reason(f->job));
        break;
    }
    dp_fetch_free(f->job);
    f->job = NULL;
    return want;
}

int gui_fetch_progress(const gui_app *a, int *files, const char **line)
{
    const struct gui_fetching *f = a->fetch;
    if (!f || !f->job)
        return 0;
    *files = dp_fetch_files(f->job);
    *line = dp_fetch_line(f->job);
    return 1;
}

int gui_fetch_button(const gui_app *a, dp_rect r, gui_button *out)
{
    const struct gui_fetching *f = a->fetch;
    if (!f || (!f->job && !f->offered))
        return 0;
    int pad = dp_layout_px(&a->frame.lay, 14), h = dp_layout_px(&a->frame.lay, 30);
    if (h < 16)
        h = 16; /* the smallest text, with room */
    if (r.h < 2 * pad + 2 * h)
        return 0; /* no room: the status line and F say it */
    *out = (gui_button){f->job ? &CANCEL : &GET,
                        {r.x + pad, r.y + r.h - pad - h, r.w - 2 * pad, h},
                        DP_TOOLS_MAX + DP_PICKER_N};
    return 1;
}

void gui_fetch_free(gui_app *a)
{
    if (!a->fetch)
        return;
    dp_fetch_free(a->fetch->job); /* cancels a download still running */
    free(a->fetch);
    a->fetch = NULL;
}
