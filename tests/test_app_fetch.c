/* test_app_fetch.c — the fetch script as a child process (app/train/fetch.h)
 * with stand-in scripts: progress lines counted, success, a script that
 * says "no network", a failure with its reason, a cancel that ends the
 * whole process group, and freeing a fetch still running.  Every wait
 * bounds a stall (30 s), never a speed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "testutil.h"

static char dir[64];

/* Writes a stand-in script; returns its path (static). */
static const char *script(const char *name, const char *body)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return path;
    fputs(body, f);
    CHECK(fclose(f) == 0);
    return path;
}

/* Polls until the fetch ends (at most 30 s). */
static dp_fetch_state wait_end(dp_fetch *f)
{
    dp_fetch_state s = DP_FETCH_RUNNING;
    for (int i = 0; i < 3000 && (s = dp_fetch_poll(f)) == DP_FETCH_RUNNING; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    return s;
}

int main(void)
{
    char err[256];
    snprintf(dir, sizeof dir, "/tmp/dp-fetch-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);

    /* Success: every ": ok" line counts a file; the destination is the
     * last argument, --from passed before it. */
    const char *ok = script("ok.sh", "echo \"MNIST: copying from $2\"\n"
                                     "for f in a b c d; do echo \"  $f: ok\"; done\n"
                                     "echo \"dest $3\"\n");
    dp_fetch *f = dp_fetch_start(ok, "/dest/x", "/src/y", err, sizeof err);
    CHECK(f != NULL);
    CHECK(wait_end(f) == DP_FETCH_DONE);
    CHECK(dp_fetch_files(f) == DP_FETCH_FILES);
    CHECK(strcmp(dp_fetch_line(f), "dest /dest/x") == 0);
    dp_fetch_free(f);

    /* No network: the script's line says so. */
    const char *off = script("off.sh", "echo '  a: not available here'\n"
                                       "echo 'fetch-mnist: no network: no MNIST mirror' >&2\n"
                                       "exit 1\n");
    f = dp_fetch_start(off, "/d", NULL, err, sizeof err);
    CHECK(f != NULL && wait_end(f) == DP_FETCH_OFFLINE);
    dp_fetch_free(f);

    /* A failure keeps the script's first error line as the reason. */
    const char *bad = script("bad.sh", "echo '  a: ok'\n"
                                       "echo 'fetch-mnist: /x lacks verified copies of: b' >&2\n"
                                       "echo 'fetch-mnist: second line' >&2\nexit 1\n");
    f = dp_fetch_start(bad, "/d", NULL, err, sizeof err);
    CHECK(f != NULL && wait_end(f) == DP_FETCH_FAILED);
    CHECK(strcmp(dp_fetch_reason(f), "/x lacks verified copies of: b") == 0);
    CHECK(dp_fetch_files(f) == 1);
    dp_fetch_free(f);

    /* Cancel: SIGTERM reaches the script and the sleep it waits on. */
    const char *slow = script("slow.sh", "echo started\nsleep 60\necho never\n");
    f = dp_fetch_start(slow, "/d", NULL, err, sizeof err);
    CHECK(f != NULL);
    for (int i = 0; i < 3000 && strcmp(dp_fetch_line(f), "started") != 0; i++) {
        dp_fetch_poll(f);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    time_t t0 = time(NULL);
    dp_fetch_cancel(f);
    CHECK(wait_end(f) == DP_FETCH_CANCELLED);
    CHECK(time(NULL) - t0 < 30); /* the sleep was ended, not waited for */
    dp_fetch_free(f);

    /* Freeing a running fetch ends it. */
    f = dp_fetch_start(slow, "/d", NULL, err, sizeof err);
    CHECK(f != NULL);
    dp_fetch_free(f);
    dp_fetch_free(NULL);

    /* The project's own script is found. */
    char path[4096];
    CHECK(dp_fetch_script(path, sizeof path) == 0);
    CHECK(strstr(path, "fetch-mnist") != NULL);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return test_finish("test_app_fetch");
}
