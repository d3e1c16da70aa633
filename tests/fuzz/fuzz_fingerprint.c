/* libFuzzer target for the drift fingerprint's text form, which the
 * service reads back from its database. Invariants: no crash, no leak, no
 * read outside the input (ASan); what parses, written out and parsed again,
 * gives the same fingerprint and the same text; a fingerprint compared
 * with itself has no difference, and with an empty one every sentence
 * fits the diff's text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "sw_buf.h"

/* Checked whatever NDEBUG says: the fuzz build is RelWithDebInfo. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct sw_fingerprint fp, again, none;
  if (sw_fingerprint_parse((const char *)data, size, &fp) != SW_E_OK)
    return 0;
  struct sw_buf text, text2;
  sw_buf_init(&text, 0);
  sw_buf_init(&text2, 0);
  CHECK(sw_fingerprint_format(&fp, &text) == SW_E_OK);
  CHECK(sw_fingerprint_parse(text.data, text.len, &again) == SW_E_OK);
  CHECK(memcmp(&fp, &again, sizeof fp) == 0);
  CHECK(sw_fingerprint_format(&again, &text2) == SW_E_OK);
  CHECK(text.len == text2.len && memcmp(text.data, text2.data, text.len) == 0);
  struct sw_fp_diff d;
  sw_fingerprint_diff(&fp, &again, SW_TLS_STARTTLS, &d);
  CHECK(d.count == 0 && d.text[0] == '\0' && !d.critical);
  memset(&none, 0, sizeof none);
  sw_fingerprint_diff(&fp, &none, SW_TLS_STARTTLS, &d);
  CHECK(strlen(d.text) < sizeof d.text);
  char joined[256];
  sw_fp_diff_join(&d, joined, sizeof joined);
  CHECK(strlen(joined) < sizeof joined);
  sw_buf_free(&text);
  sw_buf_free(&text2);
  return 0;
}
