/* A round trip's result with every field set (issue 17), and the check
 * that one came back whole: for the pipe's and the store's tests. Include
 * after cmocka.h. */
#ifndef SW_TEST_ROUND_TRIP_FIXTURE_H
#define SW_TEST_ROUND_TRIP_FIXTURE_H

#include <string.h>

#include "round_trip_result.h"

static inline struct sw_round_trip_result *sw_test_round_trip_sample(void)
{
  struct sw_round_trip_result *rt = sw_round_trip_result_new(SW_ROUND_TRIP_POP3);
  assert_non_null(rt);
  strcpy(rt->probe, "12/9f86d081884c7d659a2feaa0c55ad015");
  rt->found = true;
  rt->submit_us = 56000;
  rt->delivery_us = 1234000;
  rt->total_us = 1400000;
  rt->looks = 3;
  strcpy(rt->mailbox_peer, "127.0.0.1:995");
  rt->probe_deleted = true;
  rt->stale_deleted = 2;
  rt->skipped_runs = 4;
  rt->nhops = 2;
  strcpy(rt->hops[0].from, "[127.0.0.1]");
  strcpy(rt->hops[0].by, "mx.example.com");
  strcpy(rt->hops[0].with, "ESMTPSA");
  rt->hops[0].time = 1795000001;
  rt->hops[0].has_delay = true;
  rt->hops[0].delay_s = 1;
  strcpy(rt->hops[1].by, "imap.example.com");
  strcpy(rt->hops[1].with, "LMTP");
  rt->hops[1].time = 1795000000;
  rt->hops[1].clock_skew = true;
  rt->has_auth = true;
  strcpy(rt->authserv_id, "mx.example.com");
  strcpy(rt->spf, "pass");
  strcpy(rt->dkim, "none");
  strcpy(rt->dmarc, "fail");
  return rt;
}

static inline void sw_test_assert_same_round_trip(const struct sw_round_trip_result *a,
                                                  const struct sw_round_trip_result *b)
{
  assert_non_null(b);
  assert_int_equal(a->protocol, b->protocol);
  assert_string_equal(a->probe, b->probe);
  assert_int_equal(a->found, b->found);
  assert_int_equal(a->submit_us, b->submit_us);
  assert_int_equal(a->delivery_us, b->delivery_us);
  assert_int_equal(a->total_us, b->total_us);
  assert_int_equal(a->looks, b->looks);
  assert_string_equal(a->mailbox_peer, b->mailbox_peer);
  assert_string_equal(a->mailbox_detail, b->mailbox_detail);
  assert_int_equal(a->probe_deleted, b->probe_deleted);
  assert_int_equal(a->stale_deleted, b->stale_deleted);
  assert_int_equal(a->skipped_runs, b->skipped_runs);
  assert_int_equal(a->nhops, b->nhops);
  for (size_t i = 0; i < a->nhops; i++) {
    assert_string_equal(a->hops[i].from, b->hops[i].from);
    assert_string_equal(a->hops[i].by, b->hops[i].by);
    assert_string_equal(a->hops[i].with, b->hops[i].with);
    assert_int_equal(a->hops[i].time, b->hops[i].time);
    assert_int_equal(a->hops[i].has_delay, b->hops[i].has_delay);
    assert_int_equal(a->hops[i].delay_s, b->hops[i].delay_s);
    assert_int_equal(a->hops[i].clock_skew, b->hops[i].clock_skew);
  }
  assert_int_equal(a->has_auth, b->has_auth);
  assert_string_equal(a->authserv_id, b->authserv_id);
  assert_string_equal(a->spf, b->spf);
  assert_string_equal(a->dkim, b->dkim);
  assert_string_equal(a->dmarc, b->dmarc);
}

#endif
