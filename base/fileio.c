/* fileio.c — the POSIX file layer nn/ and ink/ share (see fileio.h): open a
 * regular file only, atomic saves (temp file, fsync, rename, directory
 * fsync), and the thread-local hook tests use to fail one step of a save. */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one formatter of this tier: a printf-style line into err. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *fileio_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return "regular file";
    if (S_ISDIR(mode))
        return "directory";
    if (S_ISFIFO(mode))
        return "FIFO";
    if (S_ISCHR(mode))
        return "character device";
    if (S_ISBLK(mode))
        return "block device";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISLNK(mode))
        return "symbolic link";
    return "special file";
}

/* ---------------------------------------------------------- test hook */

static _Thread_local fileio_step fail_step;

void fileio_set_fail_step(fileio_step step)
{
    fail_step = step;
}

int fileio_inject(fileio_step step)
{
    if (fail_step != step)
        return 0;
    errno = EIO;
    return 1;
}

long fileio_write(int fd, const void *buf, size_t len, int first)
{
    if (fail_step == FILEIO_STEP_WRITE || fail_step == FILEIO_STEP_SHORT_WRITE) {
        int e = fail_step == FILEIO_STEP_WRITE ? EIO : ENOSPC;
        if (!first) {
            errno = e;
            return -1;
        }
        /* half the bytes really reach the file, so the caller's clean-up
         * of a partial write is what the test exercises */
        ssize_t n = write(fd, buf, len / 2);
        if (n < 0 || fail_step == FILEIO_STEP_SHORT_WRITE)
            return (long)n;
        errno = e;
        return -1;
    }
    return (long)write(fd, buf, len);
}

/* ------------------------------------------------------------ reading */

int fileio_open_regular(const char *path, const char *what, uint64_t *size, char *err,
                        size_t errlen)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer before fstat could tell what it is. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            set_err(err, errlen, "%s: no such file", path);
        else
            set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: is a %s, not %s", path, fileio_kind(st.st_mode), what);
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (size)
        *size = (uint64_t)st.st_size;
    return fd;
}

/* ------------------------------------------------------------ writing */

int fileio_open_append(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: is a %s, not a regular file; refusing to append to it", path,
                fileio_kind(st.st_mode));
        return -1;
    }
    /* O_NOFOLLOW and O_NONBLOCK hold the line if the node changes after
     * the lstat: a link fails to open, a FIFO cannot block, and fstat
     * refuses what is not a regular file. */
    int fd = fileio_inject(FILEIO_STEP_OPEN)
                 ? -1
                 : open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                        0644);
    if (fd < 0) {
        if (errno == ELOOP)
            set_err(err, errlen, "%s: is a symbolic link, not a regular file; refusing to "
                    "append to it", path);
        else
            set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int fl;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: is a %s, not a regular file; refusing to append to it", path,
                fileio_kind(st.st_mode));
    } else if ((fl = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

/* ------------------------------------------------------------- saving */

int fileio_check_target(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
        return 0; /* absent (or unreachable: the save itself will say why) */
    set_err(err, errlen, "%s: is a %s, not a regular file; refusing to replace it", path,
            fileio_kind(st.st_mode));
    return -1;
}

/* fsync of the directory makes the rename itself durable; some file
 * systems refuse it, which costs durability only, so it is best effort. */
static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int fileio_save(const char *path, const void *data, size_t len, int flags,
                fileio_check_fn check, void *user, char *err, size_t errlen)
{
    if (fileio_check_target(path, err, errlen) != 0)
        return -1;
    size_t pl = strlen(path);
    /* PATH.tmp.<pid>.XXXXXX: the pid says whose save it is, so a later
     * start can remove it once that process is gone (fileio_sweep_temps)
     * and never while it may still rename it. */
    size_t tl = pl + 40;
    char *tmp = malloc(tl);
    if (!tmp) {
        set_err(err, errlen, "%s: out of memory", path);
        return -1;
    }
    snprintf(tmp, tl, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
    int fd = fileio_inject(FILEIO_STEP_OPEN) ? -1 : mkstemp(tmp);
    if (fd < 0) {
        set_err(err, errlen, "%s: cannot create a temporary file beside it: %s "
                "(any previous file is unchanged)", path, strerror(errno));
        free(tmp);
        return -1;
    }
    /* Every failure from here removes the temporary file; the target is
     * only ever replaced whole, by the rename. */
    const char *what = NULL;
    int e = 0;
    const unsigned char *p = data;
    size_t done = 0;
    while (done < len) {
        long n = fileio_write(fd, p + done, len - done, done == 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n == 0 ? ENOSPC : errno;
            what = "cannot write";
            break;
        }
        done += (size_t)n;
    }
    if (!what && (fileio_inject(FILEIO_STEP_FSYNC) || fsync(fd) != 0)) {
        what = "cannot flush to disk";
        e = errno;
    }
    /* mkstemp makes the file 0600; a model or a picture is not secret, so
     * it gets the previous file's mode, or the usual 0644. */
    struct stat old;
    mode_t mode = lstat(path, &old) == 0 ? (old.st_mode & 07777) : 0644;
    if (!what && (fileio_inject(FILEIO_STEP_CHMOD) || fchmod(fd, mode) != 0)) {
        what = "cannot set permissions";
        e = errno;
    }
    if (fileio_inject(FILEIO_STEP_CLOSE) | (close(fd) != 0)) {
        if (!what) {
            what = "cannot close";
            e = errno;
        }
    }
    char why[512];
    if (!what && check && check(tmp, user, why, sizeof why) != 0) {
        set_err(err, errlen, "%s: %s (any previous file is unchanged)", path, why);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    /* Checked again just before the rename: whatever appeared at path in
     * the meantime, a device, a FIFO or a link is never replaced. */
    if (!what && fileio_check_target(path, err, errlen) != 0) {
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (!what && flags == FILEIO_NO_REPLACE) {
        /* link fails if path exists, where rename would replace it */
        if (fileio_inject(FILEIO_STEP_RENAME) || link(tmp, path) != 0) {
            e = errno;
            unlink(tmp);
            free(tmp);
            if (e == EEXIST)
                set_err(err, errlen, "%s: already exists; not overwritten", path);
            else
                set_err(err, errlen, "%s: cannot link the temporary file to it: %s "
                        "(nothing was written)", path, strerror(e));
            return -1;
        }
        unlink(tmp);
        free(tmp);
        sync_dir(path);
        return 0;
    }
    if (!what && (fileio_inject(FILEIO_STEP_RENAME) || rename(tmp, path) != 0)) {
        what = "cannot rename the temporary file over it";
        e = errno;
    }
    if (what) {
        set_err(err, errlen, "%s: %s: %s (any previous file is unchanged)", path, what,
                strerror(e));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    sync_dir(path);
    return 0;
}

/* ------------------------------------------------------------ sweeping */

int fileio_process_gone(long pid)
{
    if (pid <= 0 || (pid_t)pid != pid || (pid_t)pid == getpid())
        return 0;
    /* EPERM: it exists but belongs to someone else, so it is alive. */
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* The pid in a temporary file's name "<final>.tmp.<pid>.XXXXXX" (mkstemp's
 * six characters are letters and digits), 0 for the older
 * "<final>.tmp.XXXXXX", -1 for any other name. */
static long temp_owner(const char *name)
{
    size_t n = strlen(name);
    if (n < 12 || name[n - 7] != '.')
        return -1;
    for (size_t i = n - 6; i < n; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= 'A' && name[i] <= 'Z')))
            return -1;
    size_t q = n - 7; /* the dot before the six */
    if (strncmp(name + q - 4, ".tmp", 4) == 0)
        return 0;
    size_t d = q;
    while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
        d--;
    if (d == q || q - d > 10 || d < 6 || strncmp(name + d - 5, ".tmp.", 5) != 0)
        return -1;
    long pid = strtol(name + d, NULL, 10);
    return pid > 0 ? pid : -1;
}

int fileio_sweep_temps(const char *dir, const char *prefix, fileio_swept *out, char *err,
                       size_t errlen)
{
    out->files = 0;
    out->bytes = 0;
    DIR *dp = opendir(dir);
    if (!dp) {
        if (errno == ENOENT)
            return 0;
        set_err(err, errlen, "%s: cannot list: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    size_t plen = strlen(prefix);
    time_t now = time(NULL);
    struct dirent *e;
    char path[4096];
    while ((e = readdir(dp)) != NULL) {
        if (strncmp(e->d_name, prefix, plen) != 0)
            continue;
        long pid = temp_owner(e->d_name);
        if (pid < 0)
            continue;
        int w = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (w < 0 || (size_t)w >= sizeof path || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        /* A name without a pid was made by a digitpad before pids were in
         * the names, which may be saving right now; but a save takes
         * seconds (write, fsync, rename), so one untouched for an hour is
         * no save in progress. */
        if (pid == 0 ? now - st.st_mtime < FILEIO_OLD_TEMP_AGE : !fileio_process_gone(pid))
            continue;
        if (unlink(path) != 0) {
            if (errno != ENOENT && rc == 0) { /* ENOENT: another start took it */
                set_err(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
                rc = -1;
            }
            continue;
        }
        out->files++;
        out->bytes += (uint64_t)st.st_size;
    }
    closedir(dp);
    return rc;
}
