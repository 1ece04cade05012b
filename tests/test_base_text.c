/* test_base_text.c — base/text.c: the one cleaning function for strings
 * that reach a terminal, and UTF-8 validation (issue 18, rows 6 and 7). */
#include "text.h"
#include "testutil.h"

#include <string.h>

static void clean_is(const char *in, const char *want)
{
    char buf[256];
    text_clean_copy(in, buf, sizeof buf);
    CHECK(strcmp(buf, want) == 0);
}

int main(void)
{
    clean_is("plain text 7", "plain text 7");
    clean_is("caf\xc3\xa9 \xe2\x80\x94 ok", "caf\xc3\xa9 \xe2\x80\x94 ok"); /* é and an em dash */
    clean_is("\x1b[2J\r\nx", "?[2J??x");
    clean_is("a\x07" "b\x7f", "a?b?");
    clean_is("\xc2\x9b" "1m", "?1m");          /* C1 CSI as UTF-8 */
    clean_is("\x9b" "1m", "?1m");              /* a raw 8-bit CSI: not UTF-8 */
    clean_is("\xff\xfe", "??");
    clean_is("\xc0\xaf", "??");                /* overlong '/' */
    clean_is("\xed\xa0\x80", "???");           /* a UTF-8-encoded surrogate */
    clean_is("\xe2\x80", "??");                /* cut sequence */
    clean_is(NULL, "");
    /* truncation never leaves half a character */
    char small[5];
    text_clean_copy("ab\xe2\x80\x94z", small, sizeof small);
    CHECK(strcmp(small, "ab") == 0);

    size_t bad = 99;
    CHECK(text_utf8_valid("abc", 3, &bad));
    CHECK(text_utf8_valid("a\0b", 3, NULL));
    CHECK(!text_utf8_valid("ab\xff", 3, &bad) && bad == 2);
    CHECK(!text_utf8_valid("\xf4\x90\x80\x80", 4, &bad) && bad == 0); /* above U+10FFFF */
    CHECK(text_utf8_valid("\xf0\x9f\x98\x80", 4, NULL));             /* U+1F600 */
    unsigned long cp = 0;
    CHECK(text_utf8_char((const unsigned char *)"\xe2\x82\xac", 3, &cp) == 3 && cp == 0x20ac);
    return test_finish("test_base_text");
}
