/* What a round trip (issue 17, docs/round-trip.md) found, hung off the
 * check's result (struct sw_check_result.round_trip; NULL for every other
 * check): the timings of the submission and of the delivery, the path the
 * probe took (its Received: hops, oldest first) and what the receiving
 * side concluded about SPF, DKIM and DMARC. One flat allocation, so that
 * the result frees, moves and copies it whole. The engine fills it from
 * the mailbox session (common/mailbox), which this folder does not see:
 * here are only plain values and their texts (JSON, a sentence, perfdata,
 * the store's and the pipe's hop lines). */
#ifndef SW_ROUND_TRIP_RESULT_H
#define SW_ROUND_TRIP_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rule.h"
#include "sw_buf.h"
#include "sw_error.h"

#define SW_RT_HOPS_MAX 32      /* as SW_RECEIVED_HOPS_MAX */
#define SW_RT_HOP_TEXT_MAX 128 /* as SW_RECEIVED_TEXT_MAX */
#define SW_RT_VERDICT_MAX 16   /* "pass", "temperror", "absent" */

/* One Received: field, as common/mailbox/received_hops.h reads it. Texts
 * are printable ASCII (the reader replaced the rest by '?'). */
struct sw_rt_hop {
  char from[SW_RT_HOP_TEXT_MAX];
  char by[SW_RT_HOP_TEXT_MAX];
  char with[SW_RT_HOP_TEXT_MAX];
  int64_t time;    /* Unix seconds; 0 when the date could not be read */
  bool has_delay;  /* delay_s is known */
  int64_t delay_s; /* since the hop before (the first: since the probe's Date:) */
  bool clock_skew; /* this hop's clock is behind the one before it */
};

struct sw_round_trip_result {
  enum sw_round_trip protocol;
  char probe[140];          /* the X-SmtpWatch-Probe value, "RULE/NONCE" */
  bool found;               /* the probe was in the mailbox */
  int64_t submit_us;        /* the SMTP submission, connect to the end of DATA; -1 */
  int64_t delivery_us;      /* the end of the submission to the probe found; -1 */
  int64_t total_us;         /* the whole round trip; -1 */
  unsigned looks;           /* mailbox sessions run (polls) */
  char mailbox_peer[64];    /* "127.0.0.1:993" */
  char mailbox_detail[256]; /* the mailbox's words when it failed; "" */
  bool probe_deleted;
  unsigned stale_deleted; /* stale probes of the rule deleted on the way */
  /* The service's runs of the rule that fell due while this probe was in
   * flight and were skipped (one probe per rule at a time); 0 elsewhere. */
  unsigned skipped_runs;
  size_t nhops;
  bool hops_truncated;
  struct sw_rt_hop hops[SW_RT_HOPS_MAX]; /* oldest first */
  /* The receiving side's Authentication-Results: "" for each when the
   * probe had no such field (has_auth false). */
  bool has_auth;
  char authserv_id[128];
  char spf[SW_RT_VERDICT_MAX], dkim[SW_RT_VERDICT_MAX], dmarc[SW_RT_VERDICT_MAX];
};

/* A new result: nothing found, every time -1. NULL if memory ran out. */
struct sw_round_trip_result *sw_round_trip_result_new(enum sw_round_trip protocol);
/* Frees it; NULL is fine. */
void sw_round_trip_result_free(struct sw_round_trip_result *rt);
/* A copy; NULL if memory ran out. */
struct sw_round_trip_result *
sw_round_trip_result_copy(const struct sw_round_trip_result *rt);

/* The time the delivery thresholds judge: the delivery time, or, when the
 * probe was not found, the time waited (the total). */
int64_t sw_round_trip_judged_us(const struct sw_round_trip_result *rt);

/* Its sentence (sw_check_result_describe), performance data (sw_nagios_
 * format: "delivery=1.234000s;W;C;0; submit=... round_trip=...") and JSON
 * (sw_result_to_json: "round_trip":{"protocol","found","probe",
 * "timings_us":{"submit","delivery","total"},"looks","mailbox_peer",
 * "mailbox_detail","probe_deleted","stale_deleted","hops":[{"from","by",
 * "with","time","delay_s","clock_skew"}],"hops_truncated","auth_results":
 * null|{"authserv_id","spf","dkim","dmarc"}}) are written with the check's
 * own, in check_result.c, nagios_report.c and result_json.c. */

/* The hops as text, for the store and the pipe: one line a hop, "from TAB
 * by TAB with TAB time TAB delay" (delay "?" unknown, "skew" for clock
 * skew), lines separated by '\n'. */
enum sw_error sw_round_trip_hops_text(const struct sw_round_trip_result *rt,
                                      struct sw_buf *out);
/* Reads such text back into rt->hops (at most SW_RT_HOPS_MAX; a line that
 * does not parse is skipped). */
void sw_round_trip_hops_parse(struct sw_round_trip_result *rt, const char *text,
                              size_t len);

#endif
