/* status.c — the window's status line: messages and how long they stay,
 * second-press confirmations, and wrapping the text to the panel's width.
 * Separate from appstate.c so the drawing's edits and their undo history
 * (undo.c) can both report here without calling each other.  No SDL. */
#define _POSIX_C_SOURCE 200809L
#include "appstate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "keys.h" /* dp_action: the confirmations' ids */
#include "text.h"

void app_message(app_state *s, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dp_vformat(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->message_error = error;
    s->message_t = s->now;
    s->dirty = 1;
}

void app_tick(app_state *s, double now)
{
    /* Messages set before the first tick (start-up) count from it. */
    if (s->now == 0.0)
        s->message_t = now;
    s->now = now;
    /* A long message stays until it can be read (a slow reader's pace). */
    double keep = (double)strlen(s->message) / APP_MSG_READ_CHARS;
    keep = keep > APP_MSG_SECONDS ? keep : APP_MSG_SECONDS;
    if (s->message[0] && !s->message_error && now - s->message_t > keep) {
        s->message[0] = '\0';
        s->dirty = 1;
    }
}

void app_user_action(app_state *s)
{
    if (s->message[0] && s->message_error) {
        s->message[0] = '\0';
        s->message_error = 0;
        s->dirty = 1;
    }
}

int app_confirm(app_state *s, int what, const char *question)
{
    if (s->confirm_what == what && s->now <= s->confirm_until) {
        s->confirm_what = 0;
        return 1;
    }
    s->confirm_what = what;
    s->confirm_until = s->now + APP_CONFIRM_SECONDS;
    app_message(s, 1, "%s", question);
    return 0;
}

int app_discard_request(app_state *s, int what, const char *again)
{
    if (!s->model_unsaved)
        return 1;
    char q[200];
    snprintf(q, sizeof q, "Unsaved model: Ctrl+S saves it, %s to discard", again);
    return app_confirm(s, what, q);
}

int app_quit_request(app_state *s)
{
    /* Any value apart from the GUI's action numbers (keys.h) will do. */
    return app_discard_request(s, DP_CONFIRM_QUIT, "quit again");
}

/* ----------------------------------------------------------- wrapping */

/* Bytes of the UTF-8 character starting at p (1 for a byte that starts
 * none), by base's decoder.  At most 4 bytes are looked at, and a NUL is no
 * continuation byte, so the decoder never reads past the string's end. */
static size_t utf8_len(const char *p)
{
    size_t n = text_utf8_char((const unsigned char *)p, 4, NULL);
    return n ? n : 1;
}

int app_wrap_text(const char *text, int max_w, int max_lines,
                  int (*width)(void *ctx, const char *s, size_t n), void *ctx, char *out,
                  size_t outlen)
{
    static const char ELL[] = "\xE2\x80\xA6";
    size_t o = 0;
    int lines = 0;
    const char *p = text;
    if (outlen == 0)
        return 0;
    out[0] = '\0';
    while (*p == ' ')
        p++;
    while (*p && lines < max_lines) {
        int last = lines == max_lines - 1;
        /* The longest run of whole words from p that fits. */
        size_t fit = 0, i = 0;
        while (p[i]) {
            size_t j = i;
            while (p[j] == ' ')
                j++;
            size_t ws = j;
            while (p[j] && p[j] != ' ')
                j += utf8_len(p + j);
            if (width(ctx, p, j) <= max_w) {
                fit = i = j;
                continue;
            }
            /* A word wider than a whole line (a long path) is broken: one
             * that starts a line after its last '/' that fits, else after
             * its last character that fits (leaving room for the ellipsis
             * on the last line; at least one character goes on a line);
             * one after other words only at a '/', else it starts the
             * next line. */
            if (width(ctx, p + ws, j - ws) > max_w) {
                int ell = last ? width(ctx, ELL, sizeof ELL - 1) : 0;
                size_t k = ws, slash = 0;
                while (k < j) {
                    size_t n = k + utf8_len(p + k);
                    if (width(ctx, p, n) + ell > max_w && (k > ws || fit > 0))
                        break;
                    k = n;
                    if (p[k - 1] == '/' && k > ws + 1 && k < j)
                        slash = k;
                }
                if (slash)
                    fit = slash;
                else if (fit == 0)
                    fit = k;
            }
            break;
        }
        int more = p[fit] != '\0';
        if (last && more) {
            /* Make room for the ellipsis, dropping whole words. */
            while (fit > 0) {
                char tmp[APP_MSG_LEN + 8];
                size_t n = fit < APP_MSG_LEN ? fit : APP_MSG_LEN;
                memcpy(tmp, p, n);
                memcpy(tmp + n, ELL, sizeof ELL);
                if (width(ctx, tmp, n + sizeof ELL - 1) <= max_w)
                    break;
                size_t k = fit;
                while (k > 0 && p[k - 1] == ' ')
                    k--;
                while (k > 0 && p[k - 1] != ' ')
                    k--;
                while (k > 0 && p[k - 1] == ' ')
                    k--;
                if (k == 0)
                    break; /* one word: keep it, the clip cuts it */
                fit = k;
            }
        }
        size_t n = fit;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (lines > 0 && o + 1 < outlen)
            out[o++] = '\n';
        if (o + n >= outlen)
            n = outlen - o - 1;
        memcpy(out + o, p, n);
        o += n;
        lines++;
        p += fit;
        while (*p == ' ')
            p++;
        if (last && *p && o + sizeof ELL <= outlen) {
            memcpy(out + o, ELL, sizeof ELL - 1);
            o += sizeof ELL - 1;
        }
        out[o] = '\0';
    }
    return lines;
}
