/* libFuzzer target for Authentication-Results: (common/mailbox/
 * auth_results.c over header_block.c): a field anyone on the way may have
 * written. The input is read both as one field's value and as a header
 * block. Invariants: no crash, no leak, no read outside the input (ASan);
 * the authserv-id terminated within its array and free of line breaks;
 * every verdict one of the map's, with a name; an unfolded value holds no
 * CR or LF and is no longer than what it came from. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_results.h"
#include "header_block.h"

/* Checked whatever NDEBUG says: the fuzz build is RelWithDebInfo. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static void check_results(const struct sw_auth_results *ar)
{
  CHECK(memchr(ar->authserv_id, '\0', sizeof ar->authserv_id) != NULL);
  size_t n = strlen(ar->authserv_id);
  CHECK(!memchr(ar->authserv_id, '\r', n) && !memchr(ar->authserv_id, '\n', n));
  const enum sw_auth_verdict v[] = {ar->spf, ar->dkim, ar->dmarc};
  for (size_t i = 0; i < 3; i++) {
    CHECK((unsigned)v[i] < SW_AUTH_VERDICT_COUNT);
    CHECK(strcmp(sw_auth_verdict_name(v[i]), "?") != 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *s = (const char *)data;
  struct sw_auth_results ar;
  sw_auth_results_parse(s, size, &ar);
  check_results(&ar);

  enum sw_error err = SW_E_OK;
  sw_auth_results_find(s, size, NULL, &ar, &err);
  check_results(&ar);
  sw_auth_results_find(s, size, "mx.example.org", &ar, &err);
  check_results(&ar);
  CHECK(err == SW_E_OK);

  struct sw_header_cursor c;
  struct sw_name_value f;
  sw_header_cursor_init(&c, s, size);
  while (sw_header_next(&c, NULL, &f)) {
    CHECK(f.name >= s && f.value >= s && f.value + f.value_len <= s + size);
    struct sw_buf b;
    sw_buf_init(&b, 0);
    CHECK(sw_header_unfold(f.value, f.value_len, &b) == SW_E_OK);
    CHECK(b.len <= f.value_len);
    CHECK(!memchr(sw_buf_str(&b), '\r', b.len) && !memchr(sw_buf_str(&b), '\n', b.len));
    sw_buf_free(&b);
  }
  return 0;
}
