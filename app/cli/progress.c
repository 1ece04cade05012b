/* progress.c — training progress on stderr: a live bar on a terminal
 * (about ten redraws a second), or a plain line every five seconds and at
 * the end of each epoch otherwise. */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TTY_INTERVAL_S 0.1
#define LOG_INTERVAL_S 5.0
#define BAR_WIDTH 24

double dp_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void dp_progress_init(dp_progress *p, FILE *out)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    const char *env = getenv("DIGITPAD_PROGRESS");
    p->tty = isatty(fileno(out)) && !(env && strcmp(env, "plain") == 0);
    p->interval_s = p->tty ? TTY_INTERVAL_S : LOG_INTERVAL_S;
    p->columns = 80;
#ifdef TIOCGWINSZ
    struct winsize ws;
    if (p->tty && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        p->columns = ws.ws_col;
#endif
    p->last_s = -1.0;
}

int dp_digits(long n)
{
    int d = 1;
    for (; n >= 10; n /= 10)
        d++;
    return d;
}

void dp_format_duration(double s, char *buf, size_t len)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    unsigned long t = (unsigned long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else if (t >= 60)
        snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
    else
        snprintf(buf, len, "%lus", t);
}

void dp_progress_clear(dp_progress *p)
{
    if (p->tty && p->bar_shown) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->bar_shown = 0;
}

int dp_progress_cb(const nn_progress *np, void *user)
{
    dp_progress *p = user;
    double now = dp_now();
    int epoch_end = np->total > 0 && np->done >= np->total;
    /* The first call starts the clock, so a log's first line comes after
     * one interval, not at zero samples. */
    if (p->last_s < 0)
        p->last_s = now;
    if (!epoch_end && now - p->last_s < p->interval_s)
        return 0;
    if (epoch_end && p->tty)
        return 0; /* the epoch summary line replaces the bar */
    p->last_s = now;

    double frac = np->total ? (double)np->done / (double)np->total : 0.0;
    double rate = np->samples_per_s > 0 ? np->samples_per_s
                  : np->elapsed_s > 0   ? (double)np->done / np->elapsed_s
                                        : 0.0;
    double left_samples = (double)(np->total - np->done) +
                          (double)(np->epochs - np->epoch - 1) * (double)np->total;
    char eta[32];
    if (rate > 0)
        dp_format_duration(left_samples / rate, eta, sizeof eta);
    else
        snprintf(eta, sizeof eta, "?");

    if (p->tty) {
        /* A line longer than the terminal would wrap and \r could no longer
         * redraw it, so the bar shrinks (or goes) to fit. */
        char line[256];
        int len = snprintf(line, sizeof line, "%5.1f%%  %7.0f samples/s  loss %.4f  ETA %s",
                           100.0 * frac, rate, (double)np->loss, eta);
        char head[32];
        int hlen = snprintf(head, sizeof head, "epoch %d/%d ", np->epoch + 1, np->epochs);
        int room = p->columns - 1 - hlen - len - 3;
        int width = room > BAR_WIDTH ? BAR_WIDTH : room;
        char bar[BAR_WIDTH + 4] = "";
        if (width >= 8) {
            int fill = (int)(frac * width + 0.5);
            bar[0] = '[';
            for (int i = 0; i < width; i++)
                bar[1 + i] = i < fill ? '#' : '.';
            bar[width + 1] = ']';
            bar[width + 2] = ' ';
            bar[width + 3] = '\0';
        }
        fprintf(p->out, "\r\033[K%s%s%.*s", head, bar,
                p->columns - 1 - hlen > 0 ? p->columns - 1 - hlen : 0, line);
        p->bar_shown = 1;
    } else {
        fprintf(p->out, "epoch %*d/%d  %5.1f%%  %7.0f samples/s  loss %.4f  ETA %s\n",
                dp_digits(np->epochs), np->epoch + 1, np->epochs, 100.0 * frac, rate,
                (double)np->loss, eta);
    }
    fflush(p->out);
    return 0;
}
