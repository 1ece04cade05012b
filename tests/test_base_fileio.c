/* test_base_fileio.c — base/fileio.c's sweep of temporary files that saves
 * killed mid-way left behind (issue 26): a save whose process is killed
 * leaves PATH.tmp.<pid>.XXXXXX, which the sweep keeps while that process
 * lives and removes once it is gone; temporary files of live processes
 * (this one, init) and names that are no temporary file stay. */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A fileio_save check that never returns: it says "the temporary file is
 * written" on the pipe, then waits to be killed, as a window killed
 * during Ctrl+S. */
static int hang_in_save(const char *tmp_path, void *user, char *err, size_t errlen)
{
    (void)tmp_path;
    (void)err;
    (void)errlen;
    int fd = *(int *)user;
    if (write(fd, "x", 1) != 1)
        _exit(3);
    for (;;)
        pause();
}

/* The name of the first entry of dir starting with prefix in buf; 0 if
 * none. */
static int find_entry(const char *dir, const char *prefix, char *buf, size_t len)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(dp)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(buf, len, "%s", e->d_name);
            found = 1;
        }
    closedir(dp);
    return found;
}

static void touch(const char *dir, const char *name, size_t bytes)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    for (size_t i = 0; i < bytes; i++)
        fputc('m', f);
    CHECK(fclose(f) == 0);
}

static int exists(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void test_killed_save(const char *dir)
{
    char path[1100], name[300], want[300], err[512];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t kid = fork();
    CHECK(kid >= 0);
    if (kid == 0) {
        close(fds[0]);
        static const char data[3000] = {1};
        fileio_save(path, data, sizeof data, FILEIO_REPLACE, hang_in_save, &fds[1], err,
                    sizeof err);
        _exit(4); /* never reached: the check hangs */
    }
    close(fds[1]);
    char c;
    CHECK(read(fds[0], &c, 1) == 1); /* EOF instead if the child died early */
    close(fds[0]);
    snprintf(want, sizeof want, "model.safetensors.tmp.%ld.", (long)kid);
    CHECK(find_entry(dir, want, name, sizeof name)); /* the pid is in the name */
    CHECK(strlen(name) == strlen(want) + 6);

    /* While the saving process lives its temporary file stays. */
    fileio_swept s = {99, 99};
    CHECK(fileio_sweep_temps(dir, "model.safetensors", &s, err, sizeof err) == 0);
    CHECK(s.files == 0 && s.bytes == 0);
    CHECK(exists(dir, name));
    CHECK(fileio_process_gone(kid) == 0);

    CHECK(kill(kid, SIGKILL) == 0);
    int st;
    CHECK(waitpid(kid, &st, 0) == kid && WIFSIGNALED(st));
    CHECK(fileio_process_gone(kid) == 1);
    CHECK(exists(dir, name)); /* what a SIGKILL during Ctrl+S leaves */

    /* Temporary files that must stay: this process's, init's (alive:
     * EPERM, or 0 as root), a fresh one without a pid, names that only
     * look alike, another file's, and a directory. */
    char mine[100], init[100], other[100], dirname[100], dead[100];
    snprintf(mine, sizeof mine, "model.safetensors.tmp.%ld.aB3dE9", (long)getpid());
    snprintf(init, sizeof init, "model.safetensors.tmp.1.zzzzzz");
    touch(dir, mine, 10);
    touch(dir, init, 10);
    touch(dir, "model.safetensors.tmp.Q1w2E3", 10);   /* fresh, no pid */
    touch(dir, "model.safetensors.tmp.12.abc", 10);   /* not mkstemp's six */
    touch(dir, "model.safetensors.tmp.x.abcdef", 10); /* no pid */
    touch(dir, "model.safetensors.bak", 10);
    long gone = test_dead_pid();
    snprintf(other, sizeof other, "notes.txt.tmp.%ld.abcdef", (long)gone);
    touch(dir, other, 10);
    snprintf(dirname, sizeof dirname, "%s/model.safetensors.tmp.%ld.dirdir", dir, (long)gone);
    CHECK(mkdir(dirname, 0755) == 0);
    /* and one more of a dead process, besides the killed save's */
    snprintf(dead, sizeof dead, "model.safetensors.tmp.%ld.k1LLed", (long)gone);
    touch(dir, dead, 500);
    /* an old temporary file without a pid, untouched for two hours */
    touch(dir, "model.safetensors.tmp.0ld0ne", 7);
    char old[1200];
    snprintf(old, sizeof old, "%s/model.safetensors.tmp.0ld0ne", dir);
    struct timespec ago[2];
    clock_gettime(CLOCK_REALTIME, &ago[0]);
    ago[0].tv_sec -= 2 * FILEIO_OLD_TEMP_AGE;
    ago[1] = ago[0];
    CHECK(utimensat(AT_FDCWD, old, ago, 0) == 0);

    CHECK(fileio_sweep_temps(dir, "model.safetensors", &s, err, sizeof err) == 0);
    CHECK(s.files == 3 && s.bytes == 3000 + 500 + 7);
    CHECK(!exists(dir, name) && !exists(dir, dead) && access(old, F_OK) != 0);
    CHECK(access(path, F_OK) != 0); /* the save never reached its target */
    CHECK(exists(dir, mine) && exists(dir, init) && exists(dir, other));
    CHECK(exists(dir, "model.safetensors.tmp.Q1w2E3"));
    CHECK(exists(dir, "model.safetensors.tmp.12.abc"));
    CHECK(exists(dir, "model.safetensors.tmp.x.abcdef"));
    CHECK(exists(dir, "model.safetensors.bak"));
    CHECK(access(dirname, F_OK) == 0);
    /* nothing left to do the second time */
    CHECK(fileio_sweep_temps(dir, "model.safetensors", &s, err, sizeof err) == 0);
    CHECK(s.files == 0 && s.bytes == 0);
}

static void test_edges(const char *dir)
{
    char err[512] = "", missing[1100];
    fileio_swept s = {5, 5};
    snprintf(missing, sizeof missing, "%s/no-such-dir", dir);
    CHECK(fileio_sweep_temps(missing, "x", &s, err, sizeof err) == 0 && s.files == 0);
    CHECK(fileio_process_gone(0) == 0 && fileio_process_gone(-3) == 0);
    CHECK(fileio_process_gone(getpid()) == 0);
    CHECK(fileio_process_gone(1) == 0);
    /* a save that succeeds leaves no temporary file */
    char sub[1100], path[1200];
    snprintf(sub, sizeof sub, "%s/ok", dir);
    CHECK(mkdir(sub, 0755) == 0);
    snprintf(path, sizeof path, "%s/a.bin", sub);
    CHECK(fileio_save(path, "abc", 3, FILEIO_REPLACE, NULL, NULL, err, sizeof err) == 0);
    CHECK(test_stray_files(sub, "a.bin") == 0);
}

int main(void)
{
    const char *dir = test_tmpdir();
    test_killed_save(dir);
    test_edges(dir);
    return test_finish("base_fileio");
}
