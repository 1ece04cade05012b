/* paths.h — where digitpad finds its files: the shipped model and font, and
 * the user's data directory (saved drawings, fine-tuned models). */
#ifndef DIGITPAD_PATHS_H
#define DIGITPAD_PATHS_H

#include <stddef.h>

#define DP_DEFAULT_MODEL_NAME "default.safetensors"
#define DP_FONT_NAME "DejaVuSans.ttf"
/* The user's own model in their data directory: the window saves it with
 * Ctrl+S and starts with it; the command line uses it too. */
#define DP_USER_MODEL_NAME "model.safetensors"

/* Finds a shipped data file ("models/default.safetensors",
 * "fonts/DejaVuSans.ttf") by looking, in order: next to the executable
 * (<exe dir>/<rel>), in the install prefix it runs from
 * (<exe dir>/../share/digitpad/<rel>), in the source tree around a build
 * directory (<exe dir>/../<rel>), in the source tree it was built from
 * (DIGITPAD_SOURCE_DIR/<rel>), and in the configured install prefix
 * (DIGITPAD_DATADIR/<rel>).
 * Writes the first readable path into buf and returns 0, or -1 if none. */
int dp_find_data_file(const char *rel, char *buf, size_t len);

/* The user's data directory: $DIGITPAD_HOME if set, else
 * $XDG_DATA_HOME/digitpad, else ~/.local/share/digitpad.  Created (with
 * parents) if missing.  0, or -1 with a reason in err. */
int dp_user_data_dir(char *buf, size_t len, char *err, size_t errlen);

/* Where MNIST is, in buf (returned): explicit_dir as given (--data), else,
 * as an absolute path, $DIGITPAD_DATA, else the first that holds MNIST
 * of <data dir>/mnist (where digitpad-fetch-mnist and the window's F put
 * it), beside the program (<exe dir>/../share/digitpad/mnist, a build's
 * <exe dir>/../data/mnist), the source tree's data/mnist and ./data/mnist;
 * else <data dir>/mnist, where a fetch would put it.  Cheap: callers look
 * again each time instead of remembering a miss. */
const char *dp_mnist_dir(const char *explicit_dir, char *buf, size_t len);

/* <data dir>/mnist (nothing is created) in buf: 0, or -1 when there is
 * no data directory (no HOME) or the path is too long. */
int dp_mnist_default_dir(char *buf, size_t len);

/* 1 if dir holds the MNIST training images and labels (raw or .gz), else 0. */
int dp_mnist_present(const char *dir);

/* path made absolute against the working directory (a leading "./"
 * dropped, trailing slashes too) in buf: 0, or -1 when it does not fit or
 * the working directory cannot be read. */
int dp_abs_path(const char *path, char *buf, size_t len);

/* The path of the user's saved model (<data dir>/DP_USER_MODEL_NAME) in
 * buf: 1 if that is a regular file, 0 if there is none (nothing is
 * created). */
int dp_user_model_path(char *buf, size_t len);

#endif
