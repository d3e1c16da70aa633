#include "result_json.h"

#include <string.h>

#include "cert_expiry.h"
#include "domain_report.h"
#include "json_writer.h"
#include "round_trip_result.h"

/* A member whose value is a string, or null when it is empty (nothing
 * known). */
static void text_member(struct sw_json *j, const char *key, const char *s)
{
  sw_json_key(j, key);
  if (s && *s)
    sw_json_string(j, s);
  else
    sw_json_null(j);
}

/* A member whose value is a number, or null when it is not `known`. */
static void number_member(struct sw_json *j, const char *key, int64_t v, bool known)
{
  sw_json_key(j, key);
  if (known)
    sw_json_int(j, v);
  else
    sw_json_null(j);
}

/* Writes the '\n'-separated lines of text[0..len) as an array of strings,
 * without line endings; empty lines (a final newline) are left out. */
static void lines_array(struct sw_json *j, const char *text, size_t len)
{
  sw_json_begin_array(j);
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && text[i] != '\n')
      continue;
    size_t end = i;
    if (end > start && text[end - 1] == '\r')
      end--;
    if (end > start)
      sw_json_string_n(j, text + start, end - start);
    start = i + 1;
  }
  sw_json_end_array(j);
}

/* A time in microseconds; null for a step that was not reached. */
static void timing(struct sw_json *j, const char *key, int64_t us)
{
  number_member(j, key, us, us >= 0);
}

/* The "tls" member: null without a TLS session. */
static void tls_object(struct sw_json *j, const struct sw_tls_info *t)
{
  if (!t->used) {
    sw_json_null(j);
    return;
  }
  sw_json_begin_object(j);
  text_member(j, "version", t->version);
  text_member(j, "cipher", t->cipher);
  sw_json_member_bool(j, "verified", t->verified);
  text_member(j, "subject", t->subject);
  text_member(j, "issuer", t->issuer);
  text_member(j, "key_sha256", t->key_sha256);
  text_member(j, "key_type", t->key_type);
  sw_json_key(j, "sans");
  lines_array(j, t->sans ? t->sans : "", t->sans ? strlen(t->sans) : 0);
  bool expiry = t->not_after != 0;
  number_member(j, "not_after", t->not_after, expiry);
  /* ISO 8601 beside the Unix time: "2026-01-31T12:00:00Z". */
  char text[40] = "";
  if (expiry) {
    sw_utc_format(t->not_after, text, sizeof text);
    if (strlen(text) == 23) {
      text[10] = 'T';
      memcpy(text + 19, "Z", 2);
    }
  }
  text_member(j, "not_after_utc", text);
  number_member(j, "days_left", t->days_left, expiry);
  sw_json_member_int(j, "warn_days", t->warn_days);
  sw_json_member_int(j, "crit_days", t->crit_days);
  sw_json_end_object(j);
}

/* The "addresses" member: null unless every address was checked. */
static void addresses_array(struct sw_json *j, const struct sw_check_result *r)
{
  if (r->naddresses == 0) {
    sw_json_null(j);
    return;
  }
  sw_json_begin_array(j);
  for (size_t i = 0; i < r->naddresses; i++) {
    const struct sw_address_result *a = &r->addresses[i];
    sw_json_begin_object(j);
    text_member(j, "peer", a->peer);
    sw_json_member_string(j, "outcome", sw_outcome_name(a->outcome));
    sw_json_member_string(j, "step", sw_step_name(a->step));
    number_member(j, "reply_code", a->reply_code, a->reply_code > 0);
    text_member(j, "detail", a->detail);
    timing(j, "total_us", a->total_us);
    text_member(j, "ptr_name", a->ptr_name);
    sw_json_end_object(j);
  }
  sw_json_end_array(j);
}

static void hops_array(struct sw_json *j, const struct sw_round_trip_result *rt)
{
  sw_json_key(j, "hops");
  sw_json_begin_array(j);
  for (size_t i = 0; i < rt->nhops; i++) {
    const struct sw_rt_hop *h = &rt->hops[i];
    sw_json_begin_object(j);
    text_member(j, "from", h->from);
    text_member(j, "by", h->by);
    text_member(j, "with", h->with);
    number_member(j, "time", h->time, h->time != 0);
    number_member(j, "delay_s", h->delay_s, h->has_delay);
    sw_json_member_bool(j, "clock_skew", h->clock_skew);
    sw_json_end_object(j);
  }
  sw_json_end_array(j);
  sw_json_member_bool(j, "hops_truncated", rt->hops_truncated);
}

/* The "round_trip" member: null for any other check. */
static void round_trip_object(struct sw_json *j, const struct sw_round_trip_result *rt)
{
  if (!rt) {
    sw_json_null(j);
    return;
  }
  sw_json_begin_object(j);
  sw_json_member_string(j, "protocol", sw_round_trip_name(rt->protocol));
  sw_json_member_bool(j, "found", rt->found);
  text_member(j, "probe", rt->probe);
  sw_json_key(j, "timings_us");
  sw_json_begin_object(j);
  number_member(j, "submit", rt->submit_us, rt->submit_us >= 0);
  number_member(j, "delivery", rt->delivery_us, rt->delivery_us >= 0);
  number_member(j, "total", rt->total_us, rt->total_us >= 0);
  sw_json_end_object(j);
  sw_json_member_int(j, "looks", rt->looks);
  text_member(j, "mailbox_peer", rt->mailbox_peer);
  text_member(j, "mailbox_detail", rt->mailbox_detail);
  sw_json_member_bool(j, "probe_deleted", rt->probe_deleted);
  sw_json_member_int(j, "stale_deleted", rt->stale_deleted);
  sw_json_member_int(j, "skipped_runs", rt->skipped_runs);
  hops_array(j, rt);
  sw_json_key(j, "auth_results");
  if (rt->has_auth) {
    sw_json_begin_object(j);
    text_member(j, "authserv_id", rt->authserv_id);
    sw_json_member_string(j, "spf", rt->spf);
    sw_json_member_string(j, "dkim", rt->dkim);
    sw_json_member_string(j, "dmarc", rt->dmarc);
    sw_json_end_object(j);
  } else {
    sw_json_null(j);
  }
  sw_json_end_object(j);
}

/* The "domain" member: null unless a mail domain was checked; its facts
 * and the MX x address matrix (domain_report.h). */
static void domain_object(struct sw_json *j, const struct sw_domain_report *d)
{
  if (!d) {
    sw_json_null(j);
    return;
  }
  sw_json_begin_object(j);
  sw_json_member_string(j, "domain", d->domain);
  sw_json_member_string(j, "source", sw_domain_source_name(d->source));
  sw_json_member_int(j, "min_ok", d->min_ok);
  sw_json_member_int(j, "answered", (int64_t)sw_domain_report_answered(d));
  sw_json_member_bool(j, "mx_authenticated", d->mx_authenticated);
  text_member(j, "dns_server", d->dns_server);
  sw_json_key(j, "mta_sts");
  if (d->sts_mode[0] || d->sts_note[0]) {
    sw_json_begin_object(j);
    text_member(j, "mode", d->sts_mode);
    text_member(j, "id", d->sts_id);
    text_member(j, "note", d->sts_note);
    sw_json_end_object(j);
  } else {
    sw_json_null(j);
  }
  text_member(j, "tls_rpt", d->tls_rpt);
  text_member(j, "dane_note", d->dane_note);
  sw_json_key(j, "matrix");
  sw_json_begin_array(j);
  for (size_t i = 0; i < d->count; i++) {
    const struct sw_domain_address *a = &d->items[i];
    sw_json_begin_object(j);
    sw_json_member_string(j, "mx", a->mx);
    sw_json_member_int(j, "preference", a->preference);
    text_member(j, "peer", a->peer);
    sw_json_member_string(j, "outcome", sw_outcome_name(a->outcome));
    text_member(j, "detail", a->detail);
    timing(j, "total_us", a->total_us);
    sw_json_member_bool(j, "starttls", a->starttls);
    sw_json_member_bool(j, "certificate_valid", a->cert_valid);
    sw_json_key(j, "mta_sts");
    if (a->sts_checked)
      sw_json_string(j, a->sts_level == 0   ? "ok"
                        : a->sts_level == 1 ? "violation_testing"
                                            : "violation_enforce");
    else
      sw_json_null(j);
    sw_json_member_string(j, "dane", sw_dane_state_name(a->dane));
    sw_json_end_object(j);
  }
  sw_json_end_array(j);
  sw_json_end_object(j);
}

enum sw_error sw_result_to_json(const struct sw_check_result *r, const char *host,
                                uint16_t port, enum sw_nagios_status status,
                                struct sw_buf *out)
{
  char message[SW_REPLY_TEXT_MAX + SW_DETAIL_MAX + 256];
  sw_check_result_describe(r, message, sizeof message);

  struct sw_json j;
  sw_json_init(&j, out);
  sw_json_begin_object(&j);
  sw_json_member_string(&j, "host", host);
  sw_json_member_int(&j, "port", port);
  text_member(&j, "peer", r->peer);
  text_member(&j, "greeting_host", r->greeting_host);
  text_member(&j, "ptr_name", r->ptr_name);
  sw_json_member_string(&j, "status", sw_nagios_status_name(status));
  sw_json_member_int(&j, "exit_code", (int64_t)status);
  sw_json_member_string(&j, "outcome", sw_outcome_name(r->outcome));
  sw_json_member_string(&j, "step", sw_step_name(r->step));
  sw_json_member_string(&j, "message", message);
  number_member(&j, "reply_code", r->reply_code, r->reply_code > 0);
  text_member(&j, "enhanced_code", r->enhanced_code);
  text_member(&j, "reply", r->reply);
  sw_json_member_bool(&j, "used_helo", r->used_helo);

  sw_json_key(&j, "capabilities");
  sw_json_begin_array(&j);
  for (unsigned bit = 0; bit < SW_CAP_COUNT; bit++)
    if (r->caps & (1u << bit))
      sw_json_string(&j, sw_cap_name(bit));
  sw_json_end_array(&j);

  sw_json_key(&j, "ehlo_keywords");
  const char *kw = r->ehlo_keywords ? r->ehlo_keywords : "";
  lines_array(&j, kw, strlen(kw));

  sw_json_key(&j, "tls");
  tls_object(&j, &r->tls);

  sw_json_key(&j, "timings_us");
  sw_json_begin_object(&j);
  for (int s = 0; s < SW_STEP_COUNT; s++)
    if (r->step_us[s] >= 0 || !sw_step_is_transaction((enum sw_step)s))
      timing(&j, sw_step_name((enum sw_step)s), r->step_us[s]);
  timing(&j, "total", r->total_us);
  sw_json_end_object(&j);

  sw_json_key(&j, "transcript");
  lines_array(&j, r->transcript.data ? r->transcript.data : "", r->transcript.len);
  sw_json_member_bool(&j, "transcript_truncated", r->transcript.truncated);
  sw_json_key(&j, "addresses");
  addresses_array(&j, r);
  sw_json_key(&j, "round_trip");
  round_trip_object(&j, r->round_trip);
  sw_json_key(&j, "domain");
  domain_object(&j, r->domain);
  sw_json_end_object(&j);
  return sw_json_finish(&j);
}
