/* gui.h — the SDL window: canvas, 28×28 preview, live sigmoid bar chart.
 * The only part of digitpad that talks to SDL (app/window/). */
#ifndef DIGITPAD_GUI_H
#define DIGITPAD_GUI_H

typedef struct gui_options {
    const char *model_path;  /* NULL: the default model (paths.h search) */
    const char *script_path; /* test mode: replay a script of input events
                                through the real event loop, print what the
                                window shows, then quit (see gui_script.c) */
    int width, height;       /* initial window size; 0 for the default */
    const char *data_dir;    /* MNIST for background training (NULL:
                                dp_mnist_dir(NULL) in paths.h) */
    int shipped_model;       /* 1: ignore the user's fine-tuned model */
    const char *note;        /* NULL, or a line for the status line at start
                                (e.g. fewer threads than asked: threads.h) */
} gui_options;

/* Runs the window until the user quits; returns the process exit code
 * (0, or 1 if SDL or the font could not be started, with a message on
 * stderr). */
int gui_run(const gui_options *opt);

#endif
