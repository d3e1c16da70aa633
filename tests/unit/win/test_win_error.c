/* sw_win_error_text: system messages reach our UTF-8 text as UTF-8.
 *
 * Wine's messages are English (ASCII), so the real FormatMessageW alone
 * cannot show the difference from FormatMessageA. The seam hands in what a
 * French Windows gives for ERROR_ACCESS_DENIED; the old FormatMessageA path
 * never consulted it and gave ANSI bytes ("Acc\xe8s refus\xe9") there. The
 * real path is checked against FormatMessageW's own text as well. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cert_trust.h"
#include "win_error.h"

/* What a French Windows 11 says for error 5, and for 10061. */
static const wchar_t french_access_denied[] = L"Acc\u00e8s refus\u00e9.\r\n";
static const wchar_t french_refused[] =
    L"Aucune connexion n\u2019a pu \u00eatre \u00e9tablie car l\u2019ordinateur cible "
    L"l\u2019a express\u00e9ment refus\u00e9e.\r\n";

static unsigned short asked_lang[4];
static int asked;

/* A French system: no US English messages installed, French for the
 * system's language (lang 0). */
static unsigned long french_format(unsigned long code, unsigned short lang, wchar_t *out,
                                   unsigned long cap)
{
  if (asked < 4)
    asked_lang[asked] = lang;
  asked++;
  if (lang != 0)
    return 0;
  const wchar_t *text = code == 5       ? french_access_denied
                        : code == 10061 ? french_refused
                                        : NULL;
  if (!text || wcslen(text) >= cap)
    return 0;
  wcscpy(out, text);
  return (unsigned long)wcslen(text);
}

static int setup_french(void **state)
{
  (void)state;
  asked = 0;
  sw__win_error_seam.format = french_format;
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  sw__win_error_seam.format = NULL;
  return 0;
}

static bool valid_utf8(const char *s)
{
  return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0) > 0;
}

static void test_french_text_is_utf8(void **state)
{
  (void)state;
  char out[256];
  sw_win_error_text(5, out, sizeof out);
  assert_string_equal(out, "Acc\xc3\xa8s refus\xc3\xa9 (5)");
  /* US English first (as before), then the system's own language. */
  assert_int_equal(asked, 2);
  assert_int_equal(asked_lang[0], MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US));
  assert_int_equal(asked_lang[1], 0);

  sw_win_error_text(10061, out, sizeof out);
  assert_string_equal(out, "Aucune connexion n\xe2\x80\x99"
                           "a pu \xc3\xaatre \xc3\xa9tablie "
                           "car l\xe2\x80\x99ordinateur cible l\xe2\x80\x99"
                           "a "
                           "express\xc3\xa9ment refus\xc3\xa9"
                           "e (10061)");
  assert_true(valid_utf8(out));
}

/* A text cut to fit ends on a whole character, and keeps the code. */
static void test_cut_on_a_whole_character(void **state)
{
  (void)state;
  /* "Acc" + "è" (2 bytes) + " (5)": 10 bytes with the NUL; 9 leaves room
   * for half the "è" only, which must go whole. */
  char out[9];
  sw_win_error_text(5, out, sizeof out);
  assert_string_equal(out, "Acc (5)");
  char text[5];
  assert_int_equal(sw_win_system_text(5, text, sizeof text), 3);
  assert_string_equal(text, "Acc");
}

/* The certificate errors' text comes from the same place. */
static unsigned long french_cert_format(unsigned long code, unsigned short lang,
                                        wchar_t *out, unsigned long cap)
{
  (void)lang;
  static const wchar_t text[] = L"Le certificat a expir\u00e9.\r\n";
  if (code != (unsigned long)CERT_E_EXPIRED || wcslen(text) >= cap)
    return 0;
  wcscpy(out, text);
  return (unsigned long)wcslen(text);
}

static void test_certificate_error_text_is_utf8(void **state)
{
  (void)state;
  sw__win_error_seam.format = french_cert_format;
  char out[128];
  sw_cert_error_text((unsigned long)CERT_E_EXPIRED, out, sizeof out);
  assert_string_equal(out, "Le certificat a expir\xc3\xa9 (0x800B0101)");
}

static void test_no_text_gives_the_number(void **state)
{
  (void)state;
  char out[64];
  sw_win_error_text(123456789, out, sizeof out);
  assert_string_equal(out, "error 123456789");
  assert_int_equal(sw_win_system_text(123456789, out, sizeof out), 0);
  assert_string_equal(out, "");
}

/* Without the seam: FormatMessageW's own text, converted, trailing ".\r\n"
 * gone. */
static void test_real_system_text_matches_the_wide_text(void **state)
{
  (void)state;
  static const unsigned long codes[] = {ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND,
                                        WSAECONNREFUSED, ERROR_SHARING_VIOLATION};
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
    wchar_t wide[512];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, codes[i], MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
                             wide, 512, NULL);
    if (n == 0)
      n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                         codes[i], 0, wide, 512, NULL);
    assert_true(n > 0);
    while (n > 0 && wcschr(L"\r\n .", wide[n - 1]))
      n--;
    char want[1600];
    int len = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, want, (int)sizeof want - 1,
                                  NULL, NULL);
    assert_true(len > 0);
    want[len] = '\0';
    char got[1600], expect[1700];
    sw_win_error_text(codes[i], got, sizeof got);
    snprintf(expect, sizeof expect, "%s (%lu)", want, codes[i]);
    assert_string_equal(got, expect);
    assert_true(valid_utf8(got));
  }
}

/* What a check's detail or a log line says for a failed call: what could
 * not be done, then the error in the system's words (UTF-8) and its code. */
static void test_sentence_says_what_failed_and_why(void **state)
{
  (void)state;
  char out[256];
  assert_ptr_equal(sw_win_error_sentence(out, sizeof out, 10061, "could not reach %s:%u",
                                         "mx.example.net", 25u),
                   out);
  assert_string_equal(out,
                      "could not reach mx.example.net:25: Aucune connexion n\u2019a pu "
                      "\u00eatre \u00e9tablie car l\u2019ordinateur cible l\u2019a "
                      "express\u00e9ment refus\u00e9e (10061)");
  /* No text for the code: its number. */
  sw_win_error_sentence(out, sizeof out, 123456789, "could not start");
  assert_string_equal(out, "could not start: error 123456789");
  /* Cut to the buffer: the text gives way to the code, on a whole
   * character; what failed is never cut for them. */
  char small[19];
  sw_win_error_sentence(small, sizeof small, 5, "denied");
  assert_string_equal(small, "denied: Acc\xc3\xa8s (5)");
  sw_win_error_sentence(small, sizeof small, 5, "the service could not %s", "stop");
  assert_string_equal(small, "the service could ");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_french_text_is_utf8, setup_french, teardown),
      cmocka_unit_test_setup_teardown(test_cut_on_a_whole_character, setup_french,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_certificate_error_text_is_utf8, NULL,
                                      teardown),
      cmocka_unit_test(test_no_text_gives_the_number),
      cmocka_unit_test(test_real_system_text_matches_the_wide_text),
      cmocka_unit_test_setup_teardown(test_sentence_says_what_failed_and_why,
                                      setup_french, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
