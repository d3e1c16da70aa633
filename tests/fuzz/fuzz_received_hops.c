/* libFuzzer target for the Received: hops of a delivered message
 * (common/mailbox/received_hops.c, header_block.c, header_date.c): what a
 * mailbox hands back is written by every MTA on the way, the sender too.
 * Invariants: no crash, no leak, no read outside the input (ASan); at most
 * SW_RECEIVED_HOPS_MAX hops, their texts terminated and printable ASCII; a
 * delay only where both times are known, never negative, never with
 * "clock skew"; a date that parses, written again in its own zone, parses
 * to the same instant and zone. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "header_date.h"
#include "received_hops.h"

/* Checked whatever NDEBUG says: the fuzz build is RelWithDebInfo. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static void check_text(const char *text)
{
  CHECK(memchr(text, '\0', SW_RECEIVED_TEXT_MAX) != NULL); /* terminated inside */
  size_t n = strlen(text);
  for (size_t i = 0; i < n; i++)
    CHECK(text[i] >= 0x20 && text[i] < 0x7f);
}

static void check_date(const char *s, size_t len)
{
  int64_t t;
  int off;
  if (!sw_header_date_parse(s, len, &t, &off))
    return;
  CHECK(off > -24 * 60 && off < 24 * 60);
  char again[64];
  sw_rfc5322_date_format(t, off, again, sizeof again);
  if (strcmp(again, "?") == 0)
    return; /* a local year past 9999: the writer's limit, not the reader's */
  int64_t t2;
  int off2;
  CHECK(sw_header_date_parse(again, strlen(again), &t2, &off2));
  CHECK(t2 == t && off2 == off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct sw_received_hops hops;
  const char *s = (const char *)data;
  check_date(s, size);
  if (sw_received_hops_parse(s, size, &hops) != SW_E_OK)
    return 0;
  CHECK(hops.count <= SW_RECEIVED_HOPS_MAX);
  CHECK(!hops.truncated || hops.count == SW_RECEIVED_HOPS_MAX);
  for (size_t i = 0; i < hops.count; i++) {
    const struct sw_received_hop *h = &hops.hop[i];
    check_text(h->from);
    check_text(h->by);
    check_text(h->with);
    CHECK(!(h->has_delay && h->clock_skew));
    CHECK(!h->has_delay || (h->has_time && h->delay_s >= 0));
    CHECK(!h->clock_skew || h->has_time);
    char delay[32];
    sw_received_hop_delay_text(h, delay, sizeof delay);
    CHECK(strlen(delay) > 0);
  }
  return 0;
}
