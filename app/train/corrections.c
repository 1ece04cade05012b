/* corrections.c — the person's labelled drawings on disk and in memory (see
 * corrections.h): unique ids, image before strokes line, the set the
 * trainer copies each epoch.  No SDL here. */
#define _POSIX_C_SOURCE 200809L
#include "corrections.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "fileio.h"
#include "mix64.h"

#include <sys/file.h>
#include <sys/stat.h>

/* Ids tried before giving up when every candidate image name is taken. */
#define ID_TRIES 16

struct dp_corrections {
    char *path;               /* strokes file, NULL: memory only */
    char *pgm_prefix;         /* "<path without .strokes>-" */
    pthread_mutex_t mu;       /* guards everything below */
    uint8_t *img;             /* n × INK_INPUT_SIZE */
    uint8_t *lab;
    char (*ids)[DP_CORR_ID_LEN]; /* each drawing's id (what a retraction names) */
    unsigned long mem_ids;    /* ids handed out to memory-only drawings */
    size_t n, cap;
    size_t count[10];
    size_t skipped;
    char why[300];
    /* Background load (dp_corrections_open_background). */
    pthread_t loader;
    int loader_live;          /* a thread to join (owner's thread only) */
    int hold_fd;              /* dp_corrections_test_hold_loader's, -1: none */
    pthread_cond_t loaded;    /* signalled when loading becomes 0 */
    int loading;              /* guarded by mu, as are the fields below */
    int stop;                 /* asks the loader to give up */
    int orphan;               /* freed by the loader (free gave up waiting) */
    int memory_only;          /* the file did not load: keep it untouched */
    int had_dir;              /* the file's directory existed at open */
    char gone[1100];          /* set: the file's directory vanished (memory only) */
    size_t too_big, too_many; /* drawings left out by the caps */
    int reported;
    char load_err[400];
};

void dp_input_to_u8(const float *x, uint8_t *out)
{
    for (size_t i = 0; i < INK_INPUT_SIZE; i++) {
        float v = x[i] < 0 ? 0 : x[i] > 1 ? 1 : x[i];
        out[i] = (uint8_t)lrintf(v * 255.0f);
    }
}

/* ---------------------------------------------------------- unique ids */

/* A random-looking 32-bit value: the clock's nanoseconds, the process id
 * and the attempt number through a 64-bit mixer (splitmix64's finaliser),
 * so two processes storing in the same second still differ.  A collision
 * is caught by O_EXCL anyway; this only makes retries rare. */
static uint32_t id_salt(int attempt)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t z = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                 ((uint64_t)getpid() << 42) ^ (uint64_t)(attempt + 1) * MIX64_GOLDEN;
    return (uint32_t)mix64_fmix(z);
}

int dp_store_labelled(const char *strokes_path, const char *pgm_prefix, const char *id_prefix,
                      const ink_drawing *d, const float input[INK_INPUT_SIZE], int label,
                      char *id, size_t idlen, char *err, size_t errlen)
{
    ink_sample s;
    memset(&s, 0, sizeof s);
    s.label = label;
    char pgm[4096];
    time_t now = time(NULL);
    struct tm tmv;
    char stamp[32];
    if (!localtime_r(&now, &tmv) || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)now);
    /* Reserve the image's name: O_EXCL fails if another process (or an
     * earlier drawing) has it, and then a new random part is tried.
     * ink_write_pgm later replaces the empty file by rename. */
    int fd = -1;
    for (int t = 0; t < ID_TRIES && fd < 0; t++) {
        int w = snprintf(s.id, sizeof s.id, "%s%s-%ld-%08x", id_prefix, stamp, (long)getpid(),
                         (unsigned)id_salt(t));
        if (w < 0 || (size_t)w >= sizeof s.id)
            return dp_set_err(err, errlen, "id prefix too long");
        w = snprintf(pgm, sizeof pgm, "%s%s.pgm", pgm_prefix, s.id);
        if (w < 0 || (size_t)w >= sizeof pgm)
            return dp_set_err(err, errlen, "%s: path too long for the 28x28 image", pgm_prefix);
        fd = open(pgm, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            return dp_set_err(err, errlen, "%s: %s", pgm, strerror(errno));
    }
    if (fd < 0)
        return dp_set_err(err, errlen, "%s: no free name for the image after %d tries", pgm_prefix,
                       ID_TRIES);
    close(fd);
    /* The image first: if it cannot be written, nothing is recorded, so the
     * strokes file never names a drawing whose image is missing. */
    if (ink_write_pgm(pgm, input, err, errlen) != 0) {
        remove(pgm);
        return -1;
    }
    s.drawing = *d; /* a shallow view: ink_append_sample only reads it */
    if (ink_append_sample(strokes_path, &s, err, errlen) != 0) {
        remove(pgm);
        return -1;
    }
    if (id)
        snprintf(id, idlen, "%s", s.id);
    return 0;
}

/* ------------------------------------------------- orphans of crashes */

/* The directory part of file ("." for a bare name) in dir.  0, or -1 if
 * it does not fit. */
static int dir_of(const char *file, char *dir, size_t len)
{
    const char *slash = strrchr(file, '/');
    int w = !slash ? snprintf(dir, len, ".")
            : slash == file ? snprintf(dir, len, "/")
                            : snprintf(dir, len, "%.*s", (int)(slash - file), file);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* The writer's pid in an id dp_store_labelled made,
 * "<id_prefix>YYYYMMDD-HHMMSS-<pid>-<8 hex>" (ids before issue 18 carry
 * none), or 0 when there is none. */
static long id_owner(const char *id, size_t n)
{
    if (n < 26 || id[n - 9] != '-') /* 15 of stamp, a pid digit, 2 dashes, 8 hex */
        return 0;
    for (size_t i = n - 8; i < n; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return 0;
    size_t d = n - 9;
    while (d > 0 && id[d - 1] >= '0' && id[d - 1] <= '9')
        d--;
    /* the pid's digits, then "-HHMMSS" of the stamp before them */
    if (d == n - 9 || n - 9 - d > 10 || d < 16 || id[d - 1] != '-' || id[d - 8] != '-')
        return 0;
    return strtol(id + d, NULL, 10);
}

/* Looks for each of the n names in the file and sets found[i] where name
 * i occurs anywhere in it: in a strokes line, a retraction, even a damaged
 * line, any of which means the image is not an orphan.  Read in blocks
 * with an overlap of the longest name, so a name across two blocks is
 * seen.  An absent file names nothing.  0, or -1 with err set. */
static int find_in_file(const char *path, char **names, size_t n, int *found, char *err,
                        size_t errlen)
{
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    int fd = fileio_open_regular(path, "a strokes file", NULL, err, errlen);
    if (fd < 0)
        return -1;
    size_t keep = 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) > keep)
            keep = strlen(names[i]);
    enum { BLOCK = 1 << 16 };
    char buf[BLOCK + DP_CORR_ID_LEN];
    size_t have = 0;
    int rc = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, BLOCK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = dp_set_err(err, errlen, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        have += (size_t)r;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(names[i]);
            for (size_t at = 0; !found[i] && at + len <= have; at++) {
                const char *p = memchr(buf + at, names[i][0], have - len + 1 - at);
                if (!p)
                    break;
                at = (size_t)(p - buf);
                found[i] = memcmp(p, names[i], len) == 0;
            }
        }
        /* the last keep-1 bytes start the next block's search */
        size_t tail = have < keep ? have : keep - 1;
        memmove(buf, buf + have - tail, tail);
        have = tail;
    }
    close(fd);
    return rc;
}

int dp_sweep_store(const char *strokes_path, const char *pgm_prefix, fileio_swept *temps,
                   fileio_swept *orphans, char *err, size_t errlen)
{
    orphans->files = 0;
    orphans->bytes = 0;
    char dir[4096];
    const char *slash = strrchr(pgm_prefix, '/');
    const char *base = slash ? slash + 1 : pgm_prefix;
    if (dir_of(pgm_prefix, dir, sizeof dir) != 0)
        return dp_set_err(err, errlen, "%s: path too long", pgm_prefix);
    /* the strokes file's name and the images' both start with the stem */
    size_t stem = strlen(base);
    if (stem > 0 && base[stem - 1] == '-')
        stem--;
    char tprefix[256];
    snprintf(tprefix, sizeof tprefix, "%.*s", (int)(stem < 255 ? stem : 255), base);
    if (fileio_sweep_temps(dir, tprefix, temps, err, errlen) != 0)
        return -1;
    DIR *dp = opendir(dir);
    if (!dp)
        return errno == ENOENT ? 0 : dp_set_err(err, errlen, "%s: cannot list: %s", dir,
                                                 strerror(errno));
    /* First the images whose writer is gone, then the file: a writer that
     * is gone can append nothing more, so a line the file lacks now is
     * never coming, and an image whose writer lives (another window that
     * just wrote it, before its line) is never touched. */
    char **cand = NULL;
    size_t n = 0, cap = 0, blen = strlen(base);
    int rc = 0, last_gone = 0;
    long last_pid = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= blen + 4 || strncmp(e->d_name, base, blen) != 0 ||
            strcmp(e->d_name + l - 4, ".pgm") != 0 || l - blen - 4 >= DP_CORR_ID_LEN)
            continue;
        /* a session's images share its pid: ask the kernel once per run */
        long pid = id_owner(e->d_name + blen, l - blen - 4);
        if (pid != last_pid) {
            last_pid = pid;
            last_gone = fileio_process_gone(pid);
        }
        if (!last_gone)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nv = realloc(cand, nc * sizeof *nv);
            if (!nv) {
                rc = dp_set_err(err, errlen, "out of memory");
                break;
            }
            cand = nv;
            cap = nc;
        }
        if (!(cand[n] = malloc(l - blen - 3))) {
            rc = dp_set_err(err, errlen, "out of memory");
            break;
        }
        snprintf(cand[n], l - blen - 3, "%.*s", (int)(l - blen - 4), e->d_name + blen);
        n++;
    }
    closedir(dp);
    int *found = rc == 0 && n ? calloc(n, sizeof *found) : NULL;
    if (rc == 0 && n && !found)
        rc = dp_set_err(err, errlen, "out of memory");
    if (rc == 0 && n)
        rc = find_in_file(strokes_path, cand, n, found, err, errlen);
    for (size_t i = 0; i < n; i++) {
        char pgm[4400];
        struct stat st;
        if (rc == 0 && !found[i] &&
            snprintf(pgm, sizeof pgm, "%s%s.pgm", pgm_prefix, cand[i]) < (int)sizeof pgm &&
            lstat(pgm, &st) == 0 && S_ISREG(st.st_mode)) {
            if (unlink(pgm) == 0) {
                orphans->files++;
                orphans->bytes += (uint64_t)st.st_size;
            } else if (errno != ENOENT) {
                rc = dp_set_err(err, errlen, "%s: cannot remove: %s", pgm, strerror(errno));
            }
        }
        free(cand[i]);
    }
    free(cand);
    free(found);
    return rc;
}

/* -------------------------------------------------------------- memory */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Called with mu held; the caller has checked the label. */
static int grow(dp_corrections *c)
{
    if (c->n < c->cap)
        return 0;
    size_t cap = c->cap ? c->cap * 2 : 64;
    uint8_t *im = realloc(c->img, cap * INK_INPUT_SIZE);
    if (!im)
        return -1;
    c->img = im;
    uint8_t *lb = realloc(c->lab, cap);
    if (!lb)
        return -1;
    c->lab = lb;
    char (*ids)[DP_CORR_ID_LEN] = realloc(c->ids, cap * sizeof *ids);
    if (!ids)
        return -1;
    c->ids = ids;
    c->cap = cap;
    return 0;
}

static int push(dp_corrections *c, const uint8_t *img, int label, const char *id)
{
    if (grow(c) != 0)
        return -1;
    memcpy(c->img + c->n * INK_INPUT_SIZE, img, INK_INPUT_SIZE);
    snprintf(c->ids[c->n], DP_CORR_ID_LEN, "%s", id);
    c->lab[c->n++] = (uint8_t)label;
    return (int)++c->count[label];
}

/* ---------------------------------------------------------- retractions */

/* Taking a correction back (undo) appends a retraction record, a comment
 * line "# retract <id>", rather than rewriting the file: two windows on one
 * data directory both append under flock (as ink_append_sample does), so
 * neither can lose the other's lines, which a read-modify-rename could
 * (the other window may append to the old inode between our read and our
 * rename).  Readers that do not know retractions (an older digitpad, the
 * --predict-strokes reader) see a comment and keep the drawing; this store
 * leaves every retracted id out when it loads. */
#define RETRACT_TAG "# retract "

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids the file retracts, sorted (*out malloc'd, each string too).  The
 * file is opened as a regular file only (a FIFO would block the open, a
 * link to /dev/zero would never end) and read a capped line at a time, a
 * longer line skipped, as ink_read_file_skipping reads it.  0, or -1 with
 * the reason in err. */
static int read_retractions(const char *path, char ***out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    int fd = fileio_open_regular(path, "a strokes file", NULL, err, errlen);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return dp_set_err(err, errlen, "%s: %s", path, strerror(errno));
    }
    char *line = NULL, **v = NULL;
    size_t cap = 0, vn = 0, vcap = 0;
    int r, rc = 0;
    const char *why = NULL;
    while ((r = ink_read_line(f, &line, &cap, 1, &why)) != 0) {
        if (r == -1) {
            rc = dp_set_err(err, errlen, "%s: %s", path, why);
            break;
        }
        if (r == -2 || strncmp(line, RETRACT_TAG, sizeof RETRACT_TAG - 1) != 0)
            continue;
        char *id = line + sizeof RETRACT_TAG - 1;
        id[strcspn(id, "\r\n")] = '\0';
        if (vn == vcap) {
            size_t nc = vcap ? vcap * 2 : 16;
            char **nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                rc = dp_set_err(err, errlen, "%s: out of memory reading retractions", path);
                break;
            }
            v = nv;
            vcap = nc;
        }
        if (!(v[vn] = dup_str(id))) {
            rc = dp_set_err(err, errlen, "%s: out of memory reading retractions", path);
            break;
        }
        vn++;
    }
    free(line);
    fclose(f);
    if (rc != 0) {
        for (size_t i = 0; i < vn; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    if (vn)
        qsort(v, vn, sizeof *v, cmp_id);
    *out = v;
    *n = vn;
    return 0;
}

static int append_retraction(const char *path, const char *id, char *err, size_t errlen)
{
    char line[DP_CORR_ID_LEN + 16];
    int len = snprintf(line, sizeof line, "%s%s\n", RETRACT_TAG, id);
    int fd = fileio_open_append(path, err, errlen);
    if (fd < 0)
        return -1;
    int r;
    do
        r = flock(fd, LOCK_EX);
    while (r != 0 && errno == EINTR);
    /* A file whose last line lacks its newline gets one first. */
    struct stat st;
    char last = '\n';
    if (r == 0 && fstat(fd, &st) == 0 && st.st_size > 0 &&
        pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
        (void)fileio_write(fd, "\n", 1, 1);
    long w = r == 0 ? fileio_write(fd, line, (size_t)len, 1) : -1;
    int bad = w != len || fsync(fd) != 0;
    int e = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad)
        return dp_set_err(err, errlen, "%s: cannot record the retraction: %s", path,
                          strerror(e ? e : EIO));
    return 0;
}

/* Reads the file and adds its drawings; the caps leave out drawings with
 * more than DP_CORR_MAX_POINTS points and any past DP_CORR_MAX_DRAWINGS.
 * Runs on the caller's thread or the loader's; takes mu per drawing. */
static int load(dp_corrections *c, char *err, size_t errlen)
{
    if (access(c->path, F_OK) != 0)
        return 0; /* no corrections yet */
    ink_sample *s = NULL;
    size_t n = 0, skipped = 0;
    char first_bad[300] = "";
    /* The file is ours and only ever appended to: a damaged line (a write
     * cut short by a crash) costs that drawing, not all the others. */
    char **gone = NULL;
    size_t n_gone = 0;
    if (read_retractions(c->path, &gone, &n_gone, err, errlen) != 0)
        return -1;
    if (ink_read_file_skipping(c->path, &s, &n, &skipped, first_bad, sizeof first_bad) != 0) {
        for (size_t i = 0; i < n_gone; i++)
            free(gone[i]);
        free(gone);
        return dp_set_err(err, errlen, "%s", first_bad);
    }
    pthread_mutex_lock(&c->mu);
    c->skipped = skipped;
    if (skipped)
        snprintf(c->why, sizeof c->why, "%s", first_bad);
    pthread_mutex_unlock(&c->mu);
    float x[INK_INPUT_SIZE];
    uint8_t u[INK_INPUT_SIZE];
    int rc = 0;
    size_t kept = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (s[i].label < 0 || s[i].label > 9)
            continue;
        const char *key = s[i].id;
        if (n_gone && bsearch(&key, gone, n_gone, sizeof *gone, cmp_id))
            continue; /* taken back (undo) */
        size_t pts = 0;
        for (size_t k = 0; k < s[i].drawing.n; k++)
            pts += s[i].drawing.strokes[k].n;
        pthread_mutex_lock(&c->mu);
        int stop = c->stop;
        if (pts > DP_CORR_MAX_POINTS)
            c->too_big++;
        else if (kept >= DP_CORR_MAX_DRAWINGS)
            c->too_many++;
        pthread_mutex_unlock(&c->mu);
        if (stop)
            break;
        if (pts > DP_CORR_MAX_POINTS || kept >= DP_CORR_MAX_DRAWINGS)
            continue;
        int r = ink_preprocess(&s[i].drawing, x);
        if (r < 0) {
            rc = dp_set_err(err, errlen, "%s: out of memory rendering drawings", c->path);
        } else if (r == 1) {
            dp_input_to_u8(x, u);
            pthread_mutex_lock(&c->mu);
            int ok = push(c, u, s[i].label, s[i].id);
            pthread_mutex_unlock(&c->mu);
            if (ok < 0)
                rc = dp_set_err(err, errlen, "%s: out of memory", c->path);
            kept++;
        }
    }
    ink_samples_free(s, n);
    for (size_t i = 0; i < n_gone; i++)
        free(gone[i]);
    free(gone);
    return rc;
}

int dp_corrections_pgm_prefix(const char *path, char *buf, size_t len)
{
    size_t stem = strlen(path);
    if (stem > 8 && strcmp(path + stem - 8, ".strokes") == 0)
        stem -= 8;
    int w = snprintf(buf, len, "%.*s-", (int)stem, path);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* Where c keeps its drawings: path, with the images beside it as
 * "<path without .strokes>-<id>.pgm".  0, or -1 (out of memory). */
static int set_path(dp_corrections *c, const char *path, char *err, size_t errlen)
{
    size_t need = strlen(path) + 2;
    c->path = dup_str(path);
    c->pgm_prefix = malloc(need);
    if (!c->path || !c->pgm_prefix || dp_corrections_pgm_prefix(path, c->pgm_prefix, need) != 0) {
        dp_set_err(err, errlen, "out of memory");
        return -1;
    }
    /* A directory there now and gone at a later store was deleted while
     * we ran (dp_corrections_add_id keeps the drawing in memory then). */
    char dir[sizeof c->gone];
    struct stat st;
    c->had_dir = dir_of(path, dir, sizeof dir) == 0 && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    return 0;
}

dp_corrections *dp_corrections_open(const char *path, char *err, size_t errlen)
{
    dp_corrections *c = calloc(1, sizeof *c);
    if (!c) {
        dp_set_err(err, errlen, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        dp_set_err(err, errlen, "cannot create a mutex");
        return NULL;
    }
    if (pthread_cond_init(&c->loaded, NULL) != 0) {
        pthread_mutex_destroy(&c->mu);
        free(c);
        dp_set_err(err, errlen, "cannot create a condition variable");
        return NULL;
    }
    c->hold_fd = -1;
    if (path) {
        if (set_path(c, path, err, errlen) != 0 || load(c, err, errlen) != 0) {
            dp_corrections_free(c);
            return NULL;
        }
    }
    return c;
}

static void free_store(dp_corrections *c);

static void *loader_main(void *arg)
{
    dp_corrections *c = arg;
    char err[400] = "";
    if (c->hold_fd >= 0) {
        char byte;
        while (read(c->hold_fd, &byte, 1) < 0 && errno == EINTR)
            ;
        close(c->hold_fd); /* ours (dp_corrections_test_hold_loader) */
        c->hold_fd = -1;
    }
    int rc = load(c, err, sizeof err);
    pthread_mutex_lock(&c->mu);
    if (rc != 0 && !c->stop) {
        c->memory_only = 1;
        snprintf(c->load_err, sizeof c->load_err, "%s", err);
    }
    c->loading = 0;
    int orphan = c->orphan;
    pthread_cond_broadcast(&c->loaded);
    pthread_mutex_unlock(&c->mu);
    if (orphan)
        free_store(c); /* dp_corrections_free gave up waiting: ours now */
    return NULL;
}

static _Thread_local int g_hold_fd = -1; /* this thread's next loader's */

void dp_corrections_test_hold_loader(int fd)
{
    g_hold_fd = fd;
}

dp_corrections *dp_corrections_open_background(const char *path, char *err, size_t errlen)
{
    dp_corrections *c = dp_corrections_open(NULL, err, errlen);
    if (!c || !path)
        return c;
    if (set_path(c, path, err, errlen) != 0) {
        dp_corrections_free(c);
        return NULL;
    }
    if (access(path, F_OK) != 0)
        return c; /* no corrections yet: nothing to load */
    c->loading = 1;
    c->hold_fd = g_hold_fd;
    g_hold_fd = -1;
    int e = pthread_create(&c->loader, NULL, loader_main, c);
    if (e != 0) {
        dp_set_err(err, errlen, "cannot start loading %s: %s", path, strerror(e));
        c->loading = 0;
        dp_corrections_free(c);
        return NULL;
    }
    c->loader_live = 1;
    return c;
}

int dp_corrections_loading(dp_corrections *c)
{
    pthread_mutex_lock(&c->mu);
    int l = c->loading;
    pthread_mutex_unlock(&c->mu);
    return l;
}

int dp_corrections_report(dp_corrections *c, char *buf, size_t len, int *error)
{
    int news = 0;
    *error = 0;
    pthread_mutex_lock(&c->mu);
    if (!c->loading && !c->reported) {
        c->reported = 1;
        char extra[160] = "";
        if (c->too_big || c->too_many)
            snprintf(extra, sizeof extra, "; %zu drawing%s over %d points and %zu past the "
                     "first %d left out", c->too_big, c->too_big == 1 ? "" : "s",
                     DP_CORR_MAX_POINTS, c->too_many, DP_CORR_MAX_DRAWINGS);
        if (c->memory_only) {
            dp_set_err(buf, len, "Corrections not loaded: %s", c->load_err);
            *error = news = 1;
        } else if (c->skipped) {
            dp_set_err(buf, len, "%zu labelled drawings of yours; %zu damaged line%s left out (%s)%s",
                    c->n, c->skipped, c->skipped == 1 ? "" : "s", c->why, extra);
            *error = news = 1;
        } else if (extra[0]) {
            dp_set_err(buf, len, "%zu labelled drawings of yours%s", c->n, extra);
            news = 1;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return news;
}

/* Waits up to DP_CORR_STOP_MS for the loader, which stops at its next
 * drawing.  1 if it finished (joined), 0 if it is stuck in a read: it is
 * then detached and frees the store when its read returns. */
static int stop_loader(dp_corrections *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    long ns = until.tv_nsec + (long)DP_CORR_STOP_MS * 1000000L;
    until.tv_sec += ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    int r = 0;
    while (c->loading && r != ETIMEDOUT)
        r = pthread_cond_timedwait(&c->loaded, &c->mu, &until);
    int done = !c->loading;
    if (!done)
        c->orphan = 1;
    /* Once orphan is set and the lock is let go, the loader may free c at
     * any moment: its thread id is read while c is still ours (ThreadSanitizer
     * caught the read of c->loader after the unlock). */
    pthread_t loader = c->loader;
    pthread_mutex_unlock(&c->mu);
    if (done)
        pthread_join(loader, NULL);
    else
        pthread_detach(loader);
    return done;
}

void dp_corrections_free(dp_corrections *c)
{
    if (!c)
        return;
    if (c->loader_live && !stop_loader(c))
        return;
    free_store(c);
}

static void free_store(dp_corrections *c)
{
    free(c->img);
    free(c->lab);
    free(c->ids);
    free(c->path);
    free(c->pgm_prefix);
    pthread_cond_destroy(&c->loaded);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int dp_corrections_add(dp_corrections *c, const ink_drawing *d, int label, char *err,
                       size_t errlen)
{
    return dp_corrections_add_id(c, d, label, NULL, 0, err, errlen);
}

int dp_corrections_add_id(dp_corrections *c, const ink_drawing *d, int label, char *id,
                          size_t idlen, char *err, size_t errlen)
{
    if (label < 0 || label > 9)
        return dp_set_err(err, errlen, "label %d is not a digit", label);
    float x[INK_INPUT_SIZE];
    int r = ink_preprocess(d, x);
    if (r <= 0)
        return dp_set_err(err, errlen, r == 0 ? "nothing drawn" : "out of memory");
    uint8_t u[INK_INPUT_SIZE];
    dp_input_to_u8(x, u);
    /* Make room first, so that once the files are written the drawing
     * cannot fail to reach the in-memory set. */
    pthread_mutex_lock(&c->mu);
    if (c->loading) {
        size_t have = c->n;
        pthread_mutex_unlock(&c->mu);
        /* The loader is still reading the file this would append to. */
        return dp_set_err(err, errlen, "still loading your corrections (%zu so far): try again in "
                       "a moment", have);
    }
    const char *file = c->memory_only || c->gone[0] ? NULL : c->path;
    int room = grow(c);
    char mine[DP_CORR_ID_LEN];
    snprintf(mine, sizeof mine, "mem-%lu", ++c->mem_ids);
    pthread_mutex_unlock(&c->mu);
    if (room != 0)
        return dp_set_err(err, errlen, "out of memory");
    if (file && dp_store_labelled(file, c->pgm_prefix, "user-", d, x, label, mine, sizeof mine,
                                  err, errlen) != 0) {
        /* The data directory deleted while the window runs: the store
         * goes on in memory, as with no data directory at all, so the
         * drawing still counts for this session's training; nothing is
         * written from now on (dp_corrections_why_memory says why).  Any
         * other failure (a full disk, no permission, a directory that was
         * never there: a wrong path) is the caller's to report, and
         * nothing is added. */
        char dir[sizeof c->gone - 32];
        struct stat st;
        if (!c->had_dir || dir_of(file, dir, sizeof dir) != 0 || stat(dir, &st) == 0 ||
            (errno != ENOENT && errno != ENOTDIR))
            return -1;
        pthread_mutex_lock(&c->mu);
        snprintf(c->gone, sizeof c->gone, "%s no longer exists", dir);
        pthread_mutex_unlock(&c->mu);
    }
    pthread_mutex_lock(&c->mu);
    int count = push(c, u, label, mine);
    pthread_mutex_unlock(&c->mu);
    if (id)
        snprintf(id, idlen, "%s", mine);
    return count;
}

int dp_corrections_retract(dp_corrections *c, const char *id, char *err, size_t errlen)
{
    pthread_mutex_lock(&c->mu);
    size_t i = 0;
    while (i < c->n && strcmp(c->ids[i], id) != 0)
        i++;
    if (c->loading || i == c->n) {
        int loading = c->loading;
        pthread_mutex_unlock(&c->mu);
        return dp_set_err(err, errlen, loading ? "still loading your corrections"
                                               : "%s is not among your corrections", id);
    }
    const char *file = c->memory_only || c->gone[0] ? NULL : c->path;
    pthread_mutex_unlock(&c->mu);
    /* The record first: if it cannot be written the drawing stays in both
     * places, and the caller says so. */
    if (file) {
        if (append_retraction(file, id, err, errlen) != 0)
            return -1;
        char pgm[4200];
        if (snprintf(pgm, sizeof pgm, "%s%s.pgm", c->pgm_prefix, id) < (int)sizeof pgm)
            (void)remove(pgm); /* only ours: ids are unique */
    }
    pthread_mutex_lock(&c->mu);
    /* Only the UI thread adds or retracts, so i still names it; the order
     * is kept (the trainer's epochs do not care, the tests read it). */
    c->count[c->lab[i]]--;
    memmove(c->img + i * INK_INPUT_SIZE, c->img + (i + 1) * INK_INPUT_SIZE,
            (c->n - i - 1) * INK_INPUT_SIZE);
    memmove(c->lab + i, c->lab + i + 1, c->n - i - 1);
    memmove(c->ids + i, c->ids + i + 1, (c->n - i - 1) * sizeof *c->ids);
    c->n--;
    pthread_mutex_unlock(&c->mu);
    return 0;
}

int dp_corrections_snapshot(dp_corrections *c, uint8_t **img, uint8_t **lab, size_t *n)
{
    pthread_mutex_lock(&c->mu);
    size_t k = c->n;
    uint8_t *i = malloc(k * INK_INPUT_SIZE + 1), *l = malloc(k + 1);
    if (i && l && k) {
        memcpy(i, c->img, k * INK_INPUT_SIZE);
        memcpy(l, c->lab, k);
    }
    pthread_mutex_unlock(&c->mu);
    if (!i || !l) {
        free(i);
        free(l);
        return -1;
    }
    *img = i;
    *lab = l;
    *n = k;
    return 0;
}

void dp_corrections_counts(dp_corrections *c, size_t *total, size_t count[10], size_t *skipped,
                           char *why, size_t whylen)
{
    pthread_mutex_lock(&c->mu);
    if (total)
        *total = c->n;
    if (count)
        memcpy(count, c->count, sizeof c->count);
    if (skipped)
        *skipped = c->skipped;
    if (why && whylen)
        snprintf(why, whylen, "%s", c->why);
    pthread_mutex_unlock(&c->mu);
}

const char *dp_corrections_path(dp_corrections *c)
{
    pthread_mutex_lock(&c->mu);
    const char *p = c->memory_only || c->gone[0] ? NULL : c->path;
    pthread_mutex_unlock(&c->mu);
    return p;
}

int dp_corrections_why_memory(dp_corrections *c, char *buf, size_t len)
{
    pthread_mutex_lock(&c->mu);
    const char *why = c->gone[0] ? c->gone : c->memory_only ? c->load_err : "";
    int have = why[0] != '\0';
    if (have)
        snprintf(buf, len, "%s", why);
    pthread_mutex_unlock(&c->mu);
    return have;
}
