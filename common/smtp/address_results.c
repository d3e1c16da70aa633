#include "address_results.h"

#include <stdlib.h>
#include <string.h>

#include "nagios_report.h"

/* Rule 1 of sw_check_results_worst: the status, UNKNOWN between WARNING
 * and CRITICAL (monitoring-plugins' max_state_alt). */
static int severity(const struct sw_check_result *r)
{
  switch (sw_nagios_status(r, -1, -1)) {
  case SW_NAGIOS_OK:
    return 0;
  case SW_NAGIOS_WARNING:
    return 1;
  case SW_NAGIOS_UNKNOWN:
    return 2;
  case SW_NAGIOS_CRITICAL:
    return 3;
  default:
    return 2; /* NEVER: sw_nagios_status answers one of the four */
  }
}

size_t sw_check_results_worst(const struct sw_check_result *results, size_t n)
{
  size_t worst = 0;
  for (size_t i = 1; i < n; i++) {
    int a = severity(&results[i]), b = severity(&results[worst]);
    if (a > b || (a == b && results[i].total_us > results[worst].total_us))
      worst = i; /* strictly worse only: ties keep the earlier address */
  }
  return worst;
}

static void summarise(struct sw_address_result *a, const struct sw_check_result *r)
{
  memcpy(a->peer, r->peer, sizeof a->peer);
  a->outcome = r->outcome;
  a->step = r->step;
  a->reply_code = r->reply_code;
  memcpy(a->detail, r->detail, sizeof a->detail);
  a->total_us = r->total_us;
  memcpy(a->ptr_name, r->ptr_name, sizeof a->ptr_name);
}

/* Puts a note before the transcript saying whose it is. Out of memory keeps
 * the transcript without the note (a diagnostic, as sw__transcript_line). */
static void name_transcript(struct sw_check_result *r, size_t n)
{
  struct sw_buf t;
  sw_buf_init(&t, r->transcript.limit ? r->transcript.limit + 256 : 0);
  enum sw_error err = SW_E_OK;
  sw_buf_printf_sticky(&t, &err,
                       "-- %u addresses were checked; this is the transcript of %s, "
                       "the one that decided the outcome\n",
                       (unsigned)n,
                       r->peer[0] ? r->peer : "an address that was not reached");
  sw_buf_append_sticky(&t, &err, r->transcript.data ? r->transcript.data : "",
                       r->transcript.len);
  if (err) {
    sw_buf_free(&t);
    return;
  }
  t.truncated = r->transcript.truncated;
  sw_buf_free(&r->transcript);
  r->transcript = t;
}

enum sw_error sw_check_results_merge(struct sw_check_result *results, size_t n,
                                     struct sw_check_result *out)
{
  if (n == 0)
    return SW_E_INVALID_ARGUMENT;
  struct sw_address_result *list = calloc(n, sizeof *list);
  for (size_t i = 0; list && i < n; i++)
    summarise(&list[i], &results[i]);
  size_t w = sw_check_results_worst(results, n);
  sw_check_result_move(out, &results[w]);
  for (size_t i = 0; i < n; i++)
    sw_check_result_free(&results[i]);
  name_transcript(out, n);
  out->addresses = list;
  out->naddresses = list ? n : 0;
  return list ? SW_E_OK : SW_E_NOMEM;
}
