/* fetch.c — the fetch script as a child process (see fetch.h): spawned in
 * its own process group so a cancel reaches its downloads too, polled
 * with WNOHANG and a non-blocking pipe. */
#define _POSIX_C_SOURCE 200809L
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "paths.h"

extern char **environ;

struct dp_fetch {
    pid_t pid;              /* 0 once reaped */
    int fd;                 /* the pipe's read end, -1 once closed */
    int status;             /* waitpid's, once reaped */
    int cancelled, files, offline;
    dp_fetch_state state;
    char part[512];         /* a line not yet ended */
    size_t n_part;
    char line[512];         /* the last whole line */
    char reason[512];       /* the first error line */
};

int dp_fetch_script(char *buf, size_t len)
{
    /* dp_find_data_file looks beside the executable first: an install's
     * bin/digitpad-fetch-mnist; then a source tree's script. */
    if (dp_find_data_file("digitpad-fetch-mnist", buf, len) == 0)
        return 0;
    return dp_find_data_file("scripts/fetch-mnist.sh", buf, len);
}

dp_fetch *dp_fetch_start(const char *script, const char *dest, const char *from, char *err,
                         size_t errlen)
{
    dp_fetch *f = calloc(1, sizeof *f);
    if (!f) {
        dp_set_err(err, errlen, "out of memory");
        return NULL;
    }
    f->fd = -1;
    int p[2];
    if (pipe(p) != 0) {
        dp_set_err(err, errlen, "cannot make a pipe: %s", strerror(errno));
        free(f);
        return NULL;
    }
    /* The window keeps its end without blocking and out of other children. */
    (void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0 && (rc = posix_spawnattr_init(&at)) != 0)
        posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        dp_set_err(err, errlen, "cannot start the fetch: %s", strerror(rc));
        close(p[0]);
        close(p[1]);
        free(f);
        return NULL;
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    /* A group of its own (cancel signals it whole: bash, curl, gzip), with
     * SIGTERM and SIGINT at their defaults whatever the window set. */
    sigset_t def, none;
    sigemptyset(&def);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGPIPE);
    sigemptyset(&none);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
    char *argv[6];
    int k = 0;
    argv[k++] = (char *)"bash"; /* the x bit may be lost in a copy: not needed */
    argv[k++] = (char *)script;
    if (from && *from) {
        argv[k++] = (char *)"--from";
        argv[k++] = (char *)from;
    }
    argv[k++] = (char *)dest;
    argv[k] = NULL;
    rc = posix_spawnp(&f->pid, "bash", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(p[1]);
    if (rc != 0) {
        dp_set_err(err, errlen, "cannot run bash %s: %s", script, strerror(rc));
        close(p[0]);
        free(f);
        return NULL;
    }
    f->fd = p[0];
    f->state = DP_FETCH_RUNNING;
    return f;
}

/* One whole line of the script's output. */
static void take_line(dp_fetch *f, const char *s)
{
    while (*s == ' ')
        s++;
    if (!*s)
        return;
    snprintf(f->line, sizeof f->line, "%s", s);
    size_t n = strlen(s);
    if (n > 4 && strcmp(s + n - 4, ": ok") == 0 && f->files < DP_FETCH_FILES)
        f->files++;
    if (strncmp(s, "fetch-mnist: no network", 23) == 0)
        f->offline = 1;
    if (strncmp(s, "fetch-mnist: ", 13) == 0 && !f->reason[0])
        snprintf(f->reason, sizeof f->reason, "%s", s + 13);
}

static void drain(dp_fetch *f)
{
    char buf[1024];
    for (;;) {
        ssize_t n = read(f->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EAGAIN: nothing more now; 0: the script closed it */
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || f->n_part + 1 >= sizeof f->part) {
                f->part[f->n_part] = '\0';
                take_line(f, f->part);
                f->n_part = 0;
                if (buf[i] == '\n')
                    continue;
            }
            f->part[f->n_part++] = buf[i];
        }
    }
}

dp_fetch_state dp_fetch_poll(dp_fetch *f)
{
    if (!f || f->state != DP_FETCH_RUNNING)
        return f ? f->state : DP_FETCH_FAILED;
    drain(f);
    pid_t r = waitpid(f->pid, &f->status, WNOHANG);
    if (r == 0)
        return DP_FETCH_RUNNING;
    if (r < 0 && errno == EINTR)
        return DP_FETCH_RUNNING;
    f->pid = 0;
    drain(f); /* what it wrote just before it ended */
    close(f->fd);
    f->fd = -1;
    if (r < 0) {
        snprintf(f->reason, sizeof f->reason, "lost the fetch process: %s", strerror(errno));
        f->state = DP_FETCH_FAILED;
    } else if (WIFEXITED(f->status) && WEXITSTATUS(f->status) == 0) {
        f->state = DP_FETCH_DONE;
        f->files = DP_FETCH_FILES;
    } else if (f->cancelled || (WIFSIGNALED(f->status)) ||
               (WIFEXITED(f->status) && WEXITSTATUS(f->status) >= 128)) {
        f->state = DP_FETCH_CANCELLED;
    } else if (f->offline) {
        f->state = DP_FETCH_OFFLINE;
    } else {
        if (!f->reason[0])
            snprintf(f->reason, sizeof f->reason, "the fetch script failed (exit %d): %.400s",
                     WEXITSTATUS(f->status), f->line[0] ? f->line : "no output");
        f->state = DP_FETCH_FAILED;
    }
    return f->state;
}

const char *dp_fetch_line(const dp_fetch *f)
{
    return f ? f->line : "";
}

int dp_fetch_files(const dp_fetch *f)
{
    return f ? f->files : 0;
}

const char *dp_fetch_reason(const dp_fetch *f)
{
    return f ? f->reason : "";
}

void dp_fetch_cancel(dp_fetch *f)
{
    if (!f || f->state != DP_FETCH_RUNNING || !f->pid)
        return;
    f->cancelled = 1;
    (void)kill(-f->pid, SIGTERM);
}

void dp_fetch_free(dp_fetch *f)
{
    if (!f)
        return;
    if (f->pid) {
        dp_fetch_cancel(f);
        /* The script exits at once on SIGTERM; 2 s bounds a child that
         * ignores it, which then gets SIGKILL. */
        for (int i = 0; i < 200 && f->pid; i++) {
            if (waitpid(f->pid, &f->status, WNOHANG) != 0) {
                f->pid = 0;
                break;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (f->pid) {
            (void)kill(-f->pid, SIGKILL);
            (void)waitpid(f->pid, &f->status, 0);
        }
    }
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}
