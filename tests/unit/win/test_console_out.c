/* console_out: what reaches a console (the UTF-16 text WriteConsoleW would
 * be given, through the seam: a test has no console) and what reaches a
 * redirected stream (the UTF-8 bytes, unchanged). The console's code page
 * is never touched. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console_out.h"

static wchar_t seen[65536];
static size_t seen_len;
static int writes;
static FILE *seen_stream;

static bool capture(FILE *f, const wchar_t *text, size_t len)
{
  assert_true(seen_len + len < sizeof seen / sizeof *seen);
  memcpy(seen + seen_len, text, len * sizeof *text);
  seen_len += len;
  seen[seen_len] = L'\0';
  seen_stream = f;
  writes++;
  return true;
}

static int as_console(void **state)
{
  (void)state;
  seen_len = 0;
  seen[0] = L'\0';
  writes = 0;
  seen_stream = NULL;
  sw__console_seam.write_console = capture;
  sw__console_seam.is_console = NULL;
  return 0;
}

static int no_seam(void **state)
{
  (void)state;
  sw__console_seam.write_console = NULL;
  sw__console_seam.is_console = NULL;
  return 0;
}

/* A rule name and a greeting as smtpwatch prints them, in one write each:
 * whole characters, not bytes. */
static void test_console_gets_utf16_in_one_write(void **state)
{
  (void)state;
  assert_true(sw_console_printf(stdout, "Name:  %s\n", "Relais Z\xc3\xbcrich"));
  assert_int_equal(writes, 1);
  assert_ptr_equal(seen_stream, stdout);
  assert_true(wcscmp(seen, L"Name:  Relais Z\u00fcrich\n") == 0);

  assert_true(sw_console_puts(stderr, "S: 220 relais.example Gr\xc3\xbc\xc3\x9f Gott "
                                      "\xe2\x9c\x89 \xf0\x9f\x93\xac\n"));
  assert_int_equal(writes, 2);
  assert_ptr_equal(seen_stream, stderr);
  /* U+1F4EC (outside the BMP) is a surrogate pair. */
  assert_true(wcscmp(seen, L"Name:  Relais Z\u00fcrich\n"
                           L"S: 220 relais.example Gr\u00fc\u00df Gott \u2709 "
                           L"\xd83d\xdcec\n") == 0);
}

/* A server's bytes that are not UTF-8 show as U+FFFD, never as a broken
 * write. (What follows a bad byte differs: Windows keeps the next
 * character, Wine 8 swallows it; so the bad byte comes last here.) */
static void test_invalid_utf8_shows_as_replacement(void **state)
{
  (void)state;
  assert_true(sw_console_write(stdout, "Acc\xe8", 4));
  assert_true(wcscmp(seen, L"Acc\xfffd") == 0);
}

/* A long table goes out whole, in chunks that keep pairs together. */
static void test_long_text_is_complete(void **state)
{
  (void)state;
  static char text[20001 * 4];
  size_t n = 0;
  for (int i = 0; i < 20000; i++) {
    memcpy(text + n, "\xf0\x9f\x93\xac", 4);
    n += 4;
  }
  assert_true(sw_console_write(stdout, text, n));
  assert_int_equal(seen_len, 40000);
  for (size_t i = 0; i < seen_len; i += 2)
    assert_true(seen[i] == 0xd83d && seen[i + 1] == 0xdcec);
}

/* Redirected: the UTF-8 bytes as they are (a file in binary mode here, so
 * no CRLF), nothing through the console path. */
static void test_redirected_gets_utf8_bytes(void **state)
{
  (void)state;
  char path[MAX_PATH], dir[MAX_PATH];
  assert_true(GetTempPathA(sizeof dir, dir) > 0);
  assert_true(GetTempFileNameA(dir, "sw", 0, path) != 0);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_true(sw_console_printf(f, "Name:  %s\n", "Relais Z\xc3\xbcrich"));
  assert_true(sw_console_write(f, "Acc\xe8s\n", 6));
  fclose(f);
  f = fopen(path, "rb");
  char got[64] = {0};
  size_t n = fread(got, 1, sizeof got - 1, f);
  fclose(f);
  DeleteFileA(path);
  static const char want[] = "Name:  Relais Z\xc3\xbcrich\nAcc\xe8s\n";
  assert_int_equal(n, sizeof want - 1);
  assert_memory_equal(got, want, n);
}

/* The console's code page is the caller's: writing changes neither. */
static void test_code_pages_left_alone(void **state)
{
  (void)state;
  UINT out_cp = GetConsoleOutputCP(), in_cp = GetConsoleCP();
  sw_console_puts(stdout, "Z\xc3\xbcrich\n");
  assert_int_equal(GetConsoleOutputCP(), out_cp);
  assert_int_equal(GetConsoleCP(), in_cp);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_console_gets_utf16_in_one_write, as_console,
                                      no_seam),
      cmocka_unit_test_setup_teardown(test_invalid_utf8_shows_as_replacement, as_console,
                                      no_seam),
      cmocka_unit_test_setup_teardown(test_long_text_is_complete, as_console, no_seam),
      cmocka_unit_test_setup_teardown(test_redirected_gets_utf8_bytes, no_seam, no_seam),
      cmocka_unit_test_setup_teardown(test_code_pages_left_alone, as_console, no_seam),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
