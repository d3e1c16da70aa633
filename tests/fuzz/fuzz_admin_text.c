/* libFuzzer target for the text an administrator types (and a server's
 * AUTH challenge): weekly maintenance windows, relay lists, mail
 * addresses, webhook URLs and base64. The first byte picks the parser, the
 * rest is its input. Invariants: no crash, no leak, no read outside the
 * input (ASan); what a parser accepts, written out again, parses to the
 * same thing; a webhook URL is never shown back with its path; base64 that
 * decodes encodes back to the same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "maintenance.h"
#include "notifier.h"

/* Checked whatever NDEBUG says: the fuzz build is RelWithDebInfo. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static void weekly(const char *text)
{
  struct sw_maint_window w, again;
  char why[SW_NOTIFIER_PROBLEM_MAX], shown[SW_MAINT_WEEKLY_TEXT_MAX];
  if (!sw_maint_weekly_parse(text, &w, why, sizeof why)) {
    CHECK(why[0] != '\0');
    return;
  }
  sw_maint_weekly_text(&w, shown, sizeof shown);
  CHECK(sw_maint_weekly_parse(shown, &again, why, sizeof why));
  CHECK(again.days == w.days && again.start_min == w.start_min &&
        again.end_min == w.end_min);
}

static void relays(const char *text)
{
  struct sw_relay r[SW_NOTIFIER_RELAYS_MAX];
  size_t n;
  char why[SW_NOTIFIER_PROBLEM_MAX];
  if (!sw_relay_list_parse(text, r, SW_NOTIFIER_RELAYS_MAX, &n, why, sizeof why)) {
    CHECK(why[0] != '\0');
    return;
  }
  CHECK(n >= 1 && n <= SW_NOTIFIER_RELAYS_MAX);
  for (size_t i = 0; i < n; i++)
    CHECK(r[i].host[0] != '\0' && r[i].port != 0);
}

static void url(const char *text)
{
  char why[SW_NOTIFIER_PROBLEM_MAX], shown[SW_WEBHOOK_URL_MAX + 16],
      want[SW_WEBHOOK_URL_MAX + 16];
  if (!sw_webhook_url_check(text, why, sizeof why))
    return;
  /* Shown: the scheme and host, then "/..." for whatever follows. */
  const char *host = text + strlen("https://");
  snprintf(want, sizeof want, "https://%.*s/...", (int)strcspn(host, "/?#"), host);
  sw_webhook_url_shown(text, shown, sizeof shown);
  CHECK(strcmp(shown, want) == 0);
}

static void base64(const char *text, size_t len)
{
  struct sw_buf dec, enc;
  sw_buf_init(&dec, 0);
  sw_buf_init(&enc, 0);
  if (sw_base64_decode(text, len, &dec)) {
    CHECK(sw_base64_encode(dec.data, dec.len, &enc) == SW_E_OK);
    CHECK(enc.len == len && (len == 0 || memcmp(enc.data, text, len) == 0));
  }
  sw_buf_free(&dec);
  sw_buf_free(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > 4096)
    return 0;
  char *text = malloc(size);
  if (!text)
    return 0;
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  char why[SW_NOTIFIER_PROBLEM_MAX];
  switch (data[0] % 5) {
  case 0:
    weekly(text);
    break;
  case 1:
    relays(text);
    break;
  case 2:
    (void)sw_mail_address_check(text, why, sizeof why);
    break;
  case 3:
    url(text);
    break;
  default:
    base64((const char *)data + 1, size - 1);
    break;
  }
  free(text);
  return 0;
}
