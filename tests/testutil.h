/* testutil.h — a tiny test helper (after sds's): CHECK records a failure and
 * goes on; test_finish() prints "N passed, N failed" and gives the exit code
 * ctest reads (0 pass, 1 fail).  test_skip() exits 77, which ctest shows as
 * skipped, for tests whose data (../shared) is absent. */
#ifndef DIGITPAD_TESTUTIL_H
#define DIGITPAD_TESTUTIL_H

#include <stddef.h>

extern int test_passed, test_failed;

void test_check(int ok, const char *expr, const char *file, int line);
#define CHECK(expr) test_check(!!(expr), #expr, __FILE__, __LINE__)
/* |a - b| <= tol, printing both values when it fails. */
void test_check_near(double a, double b, double tol, const char *expr, const char *file, int line);
#define CHECK_NEAR(a, b, tol) test_check_near((a), (b), (tol), #a " ~ " #b, __FILE__, __LINE__)

/* 1 in a build with AddressSanitizer or ThreadSanitizer (GCC's macros),
 * where each check runs many times slower: a test may then check a smaller
 * sample, still spread over its data, to keep its time; the Release build
 * checks the whole. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TEST_SANITIZED 1
#else
#define TEST_SANITIZED 0
#endif

/* Prints the summary line and returns the process exit code. */
int test_finish(const char *suite);

/* Prints why and exits 77 (ctest: skipped). */
void test_skip(const char *why);

/* The directory holding full MNIST (the four IDX files, raw or .gz): the
 * developers' $DIGITPAD_SHARED/mnist (../shared/mnist), else the copy
 * scripts/fetch-mnist.sh puts in $DIGITPAD_SRC/data/mnist (scripts/check.sh
 * fetches it when ../shared is absent).  A test that needs MNIST must not
 * pass without it, so when neither exists this prints why and exits 1
 * instead of skipping.  The string is static. */
const char *test_mnist_dir(void);

/* For tests with a part that needs the pen-drawn digits, which only the
 * developers' ../shared holds (they are not ours to redistribute): prints
 * "SKIPPED-PART: why" so a run shows what it did not check, and the rest of
 * the test goes on. */
void test_skip_part(const char *why);

/* Path of a file under the shared data directory ($DIGITPAD_SHARED, else
 * ../shared from the source tree), or NULL if it does not exist.  The string
 * is static: copy it before the next call. */
const char *test_shared_path(const char *rel);

/* A fresh temporary directory for this test (removed by the OS's tmp
 * cleaning, not by us: failed runs leave evidence behind). */
const char *test_tmpdir(void);

/* The whole file in a new buffer of *len bytes (the caller frees it), with
 * a NUL after the end so text can be read as a string; NULL if it cannot
 * be read. */
char *test_read_file(const char *path, size_t *len);

/* How many entries dir holds besides ".", ".." and `keep` (leftover
 * temporary files after a failed save), naming each on stderr; -1 if dir
 * cannot be read. */
int test_stray_files(const char *dir, const char *keep);

/* A process id that is certainly gone: a child that exited at once and
 * was reaped (a pid is only reused after the kernel wraps around). */
long test_dead_pid(void);

#endif
