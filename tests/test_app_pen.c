/* test_app_pen.c — pen drawings as training data (app/train/pen.c): the
 * writer of an id, the fixed pen test set over the committed files, folds
 * of whole writers, the drop list and its errors, list loading, and the
 * rendering of copies (copy 1 exactly the window's input, the others with
 * wider or thinner pens, the same for the same seed). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corrections.h" /* dp_input_to_u8 */
#include "pen.h"
#include "testutil.h"

static const char *pen_files(void)
{
    return DIGITPAD_SOURCE_DIR "/datasets/pen-digits/pendigits.txt.gz," DIGITPAD_SOURCE_DIR
                               "/datasets/pen-digits/uji.txt.gz";
}

static void test_writer_rule(void)
{
    char w[64];
    dp_pen_writer("pendigits/tra-w01-12", w, sizeof w);
    CHECK(strcmp(w, "pendigits/tra-w01") == 0);
    dp_pen_writer("uji2/w05-1", w, sizeof w);
    CHECK(strcmp(w, "uji2/w05") == 0);
    dp_pen_writer("nodash", w, sizeof w);
    CHECK(strcmp(w, "nodash") == 0);
    dp_pen_writer("pendigits/tra-w01-12", w, 6);
    CHECK(strcmp(w, "pendi") == 0);

    CHECK(dp_pen_test_writer("pendigits/tes-w01-1"));
    CHECK(dp_pen_test_writer("pendigits/tes-w14-249"));
    CHECK(!dp_pen_test_writer("pendigits/tra-w01-1"));
    CHECK(dp_pen_test_writer("uji2/w05-1"));
    CHECK(dp_pen_test_writer("uji2/w60-2"));
    CHECK(dp_pen_test_writer("uji2/w10"));
    CHECK(!dp_pen_test_writer("uji2/w01-1"));
    CHECK(!dp_pen_test_writer("uji2/w59-2"));
    CHECK(!dp_pen_test_writer("uji2/w00-1"));
    CHECK(!dp_pen_test_writer("uji2/w5x-1"));
    CHECK(!dp_pen_test_writer("uji2/w-1"));
    CHECK(!dp_pen_test_writer("apa/app0032#0"));
    CHECK(!dp_pen_test_writer(""));

    CHECK(dp_pen_source_credit("pendigits/tra-w01-1") &&
          strstr(dp_pen_source_credit("pendigits/tra-w01-1"), "10.24432/C5MG6K"));
    CHECK(dp_pen_source_credit("uji2/w01-1") &&
          strstr(dp_pen_source_credit("uji2/w01-1"), "10.24432/C5FG8S"));
    CHECK(dp_pen_source_credit("apa/app0032#0") == NULL);
}

/* The committed files split as the issue fixes it: 26 test writers
 * (3,738 drawings), 78 others (8,454), and three folds of whole writers. */
static void test_committed_split(void)
{
    ink_sample *s = NULL;
    size_t n = 0;
    char err[512];
    int r = dp_pen_load(pen_files(), &s, &n, err, sizeof err);
    CHECK(r == 0);
    if (r != 0) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK(n == 10992 + 1200);
    int *fold = malloc(n * sizeof *fold);
    int *fold2 = malloc(n * sizeof *fold2);
    ink_sample *rev = malloc(n * sizeof *rev);
    CHECK(fold && fold2 && rev);
    if (!fold || !fold2 || !rev)
        goto done;
    CHECK(dp_pen_folds(s, n, 3, fold) == 0);
    size_t test = 0, per_fold[3] = {0};
    for (size_t i = 0; i < n; i++) {
        CHECK((fold[i] < 0) == dp_pen_test_writer(s[i].id));
        if (fold[i] < 0)
            test++;
        else
            per_fold[fold[i]]++;
    }
    CHECK(test == 3738);
    CHECK(per_fold[0] + per_fold[1] + per_fold[2] == 8454);
    for (int k = 0; k < 3; k++)
        CHECK(per_fold[k] > 2500 && per_fold[k] < 3200);
    /* a writer is in one fold only */
    int whole = 1;
    for (size_t i = 0; i < n; i += 7)
        for (size_t j = 0; j < n; j += 13) {
            char a[64], b[64];
            dp_pen_writer(s[i].id, a, sizeof a);
            dp_pen_writer(s[j].id, b, sizeof b);
            if (strcmp(a, b) == 0 && fold[i] != fold[j])
                whole = 0;
        }
    CHECK(whole);
    /* the folds do not depend on the files' order */
    for (size_t i = 0; i < n; i++)
        rev[i] = s[n - 1 - i];
    CHECK(dp_pen_folds(rev, n, 3, fold2) == 0);
    int same = 1;
    for (size_t i = 0; i < n; i++)
        same &= fold2[n - 1 - i] == fold[i];
    CHECK(same);
    CHECK(dp_pen_folds(s, n, 0, fold) == -1);
    CHECK(dp_pen_folds(s, n, DP_PEN_MAX_FOLDS + 1, fold) == -1);
    CHECK(dp_pen_folds(s, n, 1, fold) == 0);
    size_t all = 0;
    for (size_t i = 0; i < n; i++)
        all += fold[i] == 0;
    CHECK(all == 8454);
done:
    free(fold);
    free(fold2);
    free(rev);
    ink_samples_free(s, n);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void test_lists(void)
{
    const char *dir = test_tmpdir();
    char a[4096], b[4096], list[8300], drop[4096], err[512];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    snprintf(drop, sizeof drop, "%s/drop.txt", dir);
    CHECK(write_text(a, "1 x/tra-w01-1 | 500,100 500,900\n"
                        "7 x/tra-w01-2 | 100,100 900,100 ; 900,100 400,900\n") == 0);
    CHECK(write_text(b, "0 uji2/w05-1 | 500,100 100,500 500,900 900,500 500,100\n"
                        "4 uji2/w01-1 | 300,100 100,600 900,600 ; 700,300 700,900\n") == 0);
    snprintf(list, sizeof list, "%s,%s", a, b);
    ink_sample *s = NULL;
    size_t n = 0;
    CHECK(dp_pen_load(list, &s, &n, err, sizeof err) == 0 && n == 4);
    CHECK(n == 4 && strcmp(s[2].id, "uji2/w05-1") == 0 && s[3].label == 4);

    unsigned char dropped[4];
    CHECK(write_text(drop, "# label suspects\n7 x/tra-w01-2 looks like a 1\n\n  4 uji2/w01-1\n") == 0);
    CHECK(dp_pen_read_drop(drop, s, n, dropped, err, sizeof err) == 0);
    CHECK(!dropped[0] && dropped[1] && !dropped[2] && dropped[3]);
    CHECK(write_text(drop, "1 x/tra-w01-1\n1 x/tra-w09-1\n") == 0);
    CHECK(dp_pen_read_drop(drop, s, n, dropped, err, sizeof err) == -1);
    CHECK(strstr(err, "drop.txt:2: no drawing '1 x/tra-w09-1'") != NULL);
    /* the label is part of the key: UJI's ids repeat across digits */
    CHECK(write_text(drop, "3 uji2/w01-1\n") == 0);
    CHECK(dp_pen_read_drop(drop, s, n, dropped, err, sizeof err) == -1);
    CHECK(write_text(drop, "x/tra-w01-1\n") == 0);
    CHECK(dp_pen_read_drop(drop, s, n, dropped, err, sizeof err) == -1);
    CHECK(strstr(err, "drop.txt:1: not '<label> <id>'") != NULL);
    CHECK(write_text(drop, "0 uji2/w05-1\n") == 0);
    CHECK(dp_pen_read_drop(drop, s, n, dropped, err, sizeof err) == -1);
    CHECK(strstr(err, "pen test set") != NULL);
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/none.txt", dir);
    CHECK(dp_pen_read_drop(missing, s, n, dropped, err, sizeof err) == -1);
    CHECK(strstr(err, "none.txt") != NULL);
    ink_samples_free(s, n);

    ink_sample *t = NULL;
    size_t k = 7;
    snprintf(list, sizeof list, "%s,%s", a, missing);
    CHECK(dp_pen_load(list, &t, &k, err, sizeof err) == -1 && t == NULL && k == 0);
    CHECK(strstr(err, "none.txt") != NULL);
    snprintf(list, sizeof list, "%s,", a);
    CHECK(dp_pen_load(list, &t, &k, err, sizeof err) == -1);
    CHECK(strstr(err, "empty file name") != NULL);
}

/* Copy 1 of each drawing is exactly what the window feeds the network;
 * the others are the same digit in a wider or thinner pen, from the seed. */
static void test_extend(void)
{
    char err[512];
    const char *dir = test_tmpdir();
    char a[4096];
    snprintf(a, sizeof a, "%s/c.txt", dir);
    CHECK(write_text(a, "7 x/tra-w01-2 | 100,100 900,100 ; 900,100 400,900\n"
                        "0 x/tra-w02-1 | 500,100 100,500 500,900 900,500 500,100\n") == 0);
    ink_sample *s = NULL;
    size_t n = 0;
    CHECK(dp_pen_load(a, &s, &n, err, sizeof err) == 0 && n == 2);
    if (n != 2)
        return;
    const size_t idx[2] = {1, 0};
    nn_dataset ds = {0}, ds2 = {0};
    nn_error e;
    CHECK(nn_dataset_alloc(&ds, 1, INK_SIDE, INK_SIDE, &e) == NN_OK);
    CHECK(nn_dataset_alloc(&ds2, 1, INK_SIDE, INK_SIDE, &e) == NN_OK);
    CHECK(dp_pen_extend(&ds, s, idx, 2, 3, 0.0f, 42, &e) == NN_OK);
    CHECK(dp_pen_extend(&ds2, s, idx, 2, 3, 0.0f, 42, &e) == NN_OK);
    CHECK(ds.n == 7 && ds2.n == 7);
    if (ds.n == 7) {
        CHECK(ds.labels[1] == 0 && ds.labels[2] == 0 && ds.labels[3] == 0);
        CHECK(ds.labels[4] == 7 && ds.labels[6] == 7);
        float x[INK_INPUT_SIZE];
        uint8_t want[INK_INPUT_SIZE];
        CHECK(ink_preprocess(&s[1].drawing, x) == 1);
        dp_input_to_u8(x, want);
        CHECK(memcmp(ds.images + 1 * INK_INPUT_SIZE, want, INK_INPUT_SIZE) == 0);
        CHECK(memcmp(ds.images + 2 * INK_INPUT_SIZE, want, INK_INPUT_SIZE) != 0);
        CHECK(memcmp(ds.images, ds2.images, 7 * INK_INPUT_SIZE) == 0);
        /* another seed: other pens for copies 2 and 3 */
        nn_dataset ds3 = {0};
        CHECK(nn_dataset_alloc(&ds3, 1, INK_SIDE, INK_SIDE, &e) == NN_OK);
        CHECK(dp_pen_extend(&ds3, s, idx, 2, 3, 0.0f, 43, &e) == NN_OK);
        CHECK(ds3.n == 7 && memcmp(ds3.images + 1 * INK_INPUT_SIZE, want, INK_INPUT_SIZE) == 0);
        CHECK(ds3.n == 7 &&
              memcmp(ds3.images + 2 * INK_INPUT_SIZE, ds.images + 2 * INK_INPUT_SIZE,
                     INK_INPUT_SIZE) != 0);
        nn_dataset_free(&ds3);
    }
    /* --pen-warp: copy 0 stays the window's image, the others change, the
     * same seed gives the same images, and only 0..1 is taken */
    {
        nn_dataset w1 = {0}, w2 = {0};
        CHECK(nn_dataset_alloc(&w1, 1, INK_SIDE, INK_SIDE, &e) == NN_OK);
        CHECK(nn_dataset_alloc(&w2, 1, INK_SIDE, INK_SIDE, &e) == NN_OK);
        CHECK(dp_pen_extend(&w1, s, idx, 2, 3, 1.0f, 42, &e) == NN_OK);
        CHECK(dp_pen_extend(&w2, s, idx, 2, 3, 1.0f, 42, &e) == NN_OK);
        CHECK(w1.n == 7 && w2.n == 7);
        if (w1.n == 7 && w2.n == 7 && ds.n == 7) {
            CHECK(memcmp(w1.images, w2.images, 7 * INK_INPUT_SIZE) == 0);
            for (int i = 1; i < 7; i++) {
                int same = memcmp(w1.images + (size_t)i * INK_INPUT_SIZE,
                                  ds.images + (size_t)i * INK_INPUT_SIZE, INK_INPUT_SIZE) == 0;
                CHECK(same == (i == 1 || i == 4)); /* copy 0 of each drawing */
                CHECK(w1.labels[i] == ds.labels[i]);
                int ink = 0;
                for (int p = 0; p < INK_INPUT_SIZE; p++)
                    ink += w1.images[(size_t)i * INK_INPUT_SIZE + (size_t)p] > 127;
                CHECK(ink > 20); /* still a drawing, not an empty or lost image */
            }
        }
        CHECK(dp_pen_extend(&w1, s, idx, 2, 2, 1.5f, 42, &e) == NN_EINVAL);
        CHECK(dp_pen_extend(&w1, s, idx, 2, 2, -0.1f, 42, &e) == NN_EINVAL);
        nn_dataset_free(&w1);
        nn_dataset_free(&w2);
    }
    CHECK(dp_pen_extend(&ds, s, idx, 2, 0, 0.0f, 42, &e) == NN_EINVAL);
    CHECK(dp_pen_extend(&ds, s, idx, 2, 17, 0.0f, 42, &e) == NN_EINVAL);
    CHECK(ds.n == 7);
    nn_dataset_free(&ds);
    nn_dataset_free(&ds2);
    ink_samples_free(s, n);
}

int main(void)
{
    test_writer_rule();
    test_committed_split();
    test_lists();
    test_extend();
    return test_finish("test_app_pen");
}
