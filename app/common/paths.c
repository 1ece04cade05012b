/* paths.c — where digitpad finds its shipped files (next to the executable,
 * in the build tree, in the install prefix) and the user's data directory.
 * The executable's directory comes from /proc/self/exe (Linux). */
#define _POSIX_C_SOURCE 200809L
#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory holding the running executable, or -1. */
static int exe_dir(char *buf, size_t len)
{
    if (len < 2)
        return -1;
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0 || (size_t)n >= len - 1)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    if (slash == buf)
        slash[1] = '\0'; /* the executable is in "/" */
    else
        *slash = '\0';
    return 0;
}

/* 1 if path names a readable regular file. */
static int readable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

static int try_path(const char *dir, const char *mid, const char *rel, char *buf, size_t len)
{
    if (!dir || !*dir)
        return -1;
    int w = snprintf(buf, len, "%s/%s%s", dir, mid, rel);
    if (w < 0 || (size_t)w >= len)
        return -1;
    return readable_file(buf) ? 0 : -1;
}

int dp_find_data_file(const char *rel, char *buf, size_t len)
{
    if (!rel || !*rel || !buf || len == 0)
        return -1;
    char exe[4096];
    const char *ed = exe_dir(exe, sizeof exe) == 0 ? exe : NULL;
    /* An installed copy looks in its own prefix before the source tree it
     * was built from, so that it never picks up a stale or edited model
     * from a checkout that happens to still exist. */
    if (try_path(ed, "", rel, buf, len) == 0 ||
        try_path(ed, "../share/digitpad/", rel, buf, len) == 0 ||
        try_path(ed, "../", rel, buf, len) == 0)
        return 0;
#ifdef DIGITPAD_SOURCE_DIR
    if (try_path(DIGITPAD_SOURCE_DIR, "", rel, buf, len) == 0)
        return 0;
#endif
#ifdef DIGITPAD_DATADIR
    if (try_path(DIGITPAD_DATADIR, "", rel, buf, len) == 0)
        return 0;
#endif
    buf[0] = '\0';
    return -1;
}

/* mkdir -p: creates each missing component of path. */
static int make_dirs(char *path, char *err, size_t errlen)
{
    size_t n = strlen(path);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: cannot create directory: %s", path, strerror(errno));
            path[i] = saved;
            return -1;
        }
        path[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", path);
        return -1;
    }
    return 0;
}

/* dp_user_data_dir without creating anything. */
static int user_data_path(char *buf, size_t len, char *err, size_t errlen)
{
    const char *home = getenv("DIGITPAD_HOME");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *user = getenv("HOME");
    int w;
    if (home && *home)
        w = snprintf(buf, len, "%s", home);
    else if (xdg && xdg[0] == '/') /* the XDG spec ignores relative paths */
        w = snprintf(buf, len, "%s/digitpad", xdg);
    else if (user && *user)
        w = snprintf(buf, len, "%s/.local/share/digitpad", user);
    else {
        snprintf(err, errlen, "no data directory: set DIGITPAD_HOME or HOME");
        return -1;
    }
    if (w < 0 || (size_t)w >= len) {
        snprintf(err, errlen, "data directory path is too long");
        return -1;
    }
    /* Drop trailing slashes so messages show one clean path. */
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    return 0;
}

int dp_user_data_dir(char *buf, size_t len, char *err, size_t errlen)
{
    if (user_data_path(buf, len, err, errlen) != 0)
        return -1;
    return make_dirs(buf, err, errlen);
}

int dp_mnist_present(const char *dir)
{
    /* Training needs both files: the images alone (a fetch cut short after
     * its first file) must not read as MNIST being there. */
    static const char *const need[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"};
    char p[4200];
    struct stat st;
    if (!dir || !*dir)
        return 0;
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s.gz", dir, need[i]);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, need[i]);
        if (!(stat(p, &st) == 0 && S_ISREG(st.st_mode)))
            return 0;
    }
    return 1;
}

int dp_abs_path(const char *path, char *buf, size_t len)
{
    int w;
    if (path[0] == '/') {
        w = snprintf(buf, len, "%s", path);
    } else {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            return -1;
        /* "./x" and "x" read the same in a message. */
        while (path[0] == '.' && path[1] == '/')
            path += 2;
        w = snprintf(buf, len, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", path);
    }
    if (w < 0 || (size_t)w >= len)
        return -1;
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    return 0;
}

/* buf = <dir><mid>; 1 if that holds MNIST. */
static int mnist_at(const char *dir, const char *mid, char *buf, size_t len)
{
    if (!dir || !*dir)
        return 0;
    int w = snprintf(buf, len, "%s%s", dir, mid);
    return w > 0 && (size_t)w < len && dp_mnist_present(buf);
}

int dp_mnist_default_dir(char *buf, size_t len)
{
    char dir[4096], err[256];
    if (user_data_path(dir, sizeof dir, err, sizeof err) != 0)
        return -1;
    int w = snprintf(buf, len, "%s/mnist", dir);
    return w > 0 && (size_t)w < len ? 0 : -1;
}

const char *dp_mnist_dir(const char *explicit_dir, char *buf, size_t len)
{
    const char *env = getenv("DIGITPAD_DATA");
    char found[4200], exe[4096];
    const char *pick = NULL;
    /* A named directory wins even when empty: it is where the person wants
     * MNIST (and where the window's F fetches it to). */
    if (explicit_dir && *explicit_dir)
        pick = explicit_dir;
    else if (env && *env)
        pick = env;
    else if (dp_mnist_default_dir(found, sizeof found) == 0 && dp_mnist_present(found))
        pick = found; /* the user's data directory (digitpad-fetch-mnist, F) */
    else if (exe_dir(exe, sizeof exe) == 0 &&
             (mnist_at(exe, "/../share/digitpad/mnist", found, sizeof found) ||
              mnist_at(exe, "/../data/mnist", found, sizeof found)))
        pick = found; /* beside the installed program, or a build in a source tree */
#ifdef DIGITPAD_SOURCE_DIR
    else if (mnist_at(DIGITPAD_SOURCE_DIR, "/data/mnist", found, sizeof found))
        pick = found; /* the source tree it was built from (scripts/fetch-mnist.sh) */
#endif
    else if (dp_mnist_present("data/mnist"))
        pick = "data/mnist";
    else if (dp_mnist_default_dir(found, sizeof found) == 0)
        pick = found; /* none: where F and digitpad-fetch-mnist would put it */
    else
        pick = "data/mnist";
    /* Absolute, so a message names the same place wherever the program
     * was started; but --data as the person typed it (the command line's
     * messages quote their own argument back). */
    if (pick == explicit_dir || dp_abs_path(pick, buf, len) != 0)
        snprintf(buf, len, "%s", pick);
    return buf;
}

int dp_user_model_path(char *buf, size_t len)
{
    char dir[4096], err[256];
    struct stat st;
    if (user_data_path(dir, sizeof dir, err, sizeof err) != 0)
        return 0;
    int w = snprintf(buf, len, "%s/%s", dir, DP_USER_MODEL_NAME);
    return w > 0 && (size_t)w < len && stat(buf, &st) == 0 && S_ISREG(st.st_mode);
}
