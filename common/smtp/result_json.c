#include "result_json.h"

#include <string.h>

#include "cert_expiry.h"
#include "json_writer.h"

/* A string, or null when it is empty (nothing known). */
static void string_or_null(struct sw_json *j, const char *s)
{
  if (s && *s)
    sw_json_string(j, s);
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

static void timing(struct sw_json *j, const char *key, int64_t us)
{
  sw_json_key(j, key);
  if (us >= 0)
    sw_json_int(j, us);
  else
    sw_json_null(j);
}

/* The "tls" member: null without a TLS session. */
static void tls_object(struct sw_json *j, const struct sw_tls_info *t)
{
  if (!t->used) {
    sw_json_null(j);
    return;
  }
  sw_json_begin_object(j);
  sw_json_key(j, "version");
  string_or_null(j, t->version);
  sw_json_key(j, "cipher");
  string_or_null(j, t->cipher);
  sw_json_key(j, "verified");
  sw_json_bool(j, t->verified);
  sw_json_key(j, "subject");
  string_or_null(j, t->subject);
  sw_json_key(j, "issuer");
  string_or_null(j, t->issuer);
  sw_json_key(j, "sans");
  lines_array(j, t->sans ? t->sans : "", t->sans ? strlen(t->sans) : 0);
  sw_json_key(j, "not_after");
  if (t->not_after) {
    sw_json_int(j, t->not_after);
    /* ISO 8601 beside the Unix time: "2026-01-31T12:00:00Z". */
    char text[40];
    sw_utc_format(t->not_after, text, sizeof text);
    if (strlen(text) == 23) {
      text[10] = 'T';
      memcpy(text + 19, "Z", 2);
    }
    sw_json_key(j, "not_after_utc");
    sw_json_string(j, text);
    sw_json_key(j, "days_left");
    sw_json_int(j, t->days_left);
  } else {
    sw_json_null(j);
    sw_json_key(j, "not_after_utc");
    sw_json_null(j);
    sw_json_key(j, "days_left");
    sw_json_null(j);
  }
  sw_json_key(j, "warn_days");
  sw_json_int(j, t->warn_days);
  sw_json_key(j, "crit_days");
  sw_json_int(j, t->crit_days);
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
    sw_json_key(j, "peer");
    string_or_null(j, a->peer);
    sw_json_key(j, "outcome");
    sw_json_string(j, sw_outcome_name(a->outcome));
    sw_json_key(j, "step");
    sw_json_string(j, sw_step_name(a->step));
    sw_json_key(j, "reply_code");
    if (a->reply_code > 0)
      sw_json_int(j, a->reply_code);
    else
      sw_json_null(j);
    sw_json_key(j, "detail");
    string_or_null(j, a->detail);
    timing(j, "total_us", a->total_us);
    sw_json_key(j, "ptr_name");
    string_or_null(j, a->ptr_name);
    sw_json_end_object(j);
  }
  sw_json_end_array(j);
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
  sw_json_key(&j, "host");
  sw_json_string(&j, host);
  sw_json_key(&j, "port");
  sw_json_int(&j, port);
  sw_json_key(&j, "peer");
  string_or_null(&j, r->peer);
  sw_json_key(&j, "greeting_host");
  string_or_null(&j, r->greeting_host);
  sw_json_key(&j, "ptr_name");
  string_or_null(&j, r->ptr_name);
  sw_json_key(&j, "status");
  sw_json_string(&j, sw_nagios_status_name(status));
  sw_json_key(&j, "exit_code");
  sw_json_int(&j, (int64_t)status);
  sw_json_key(&j, "outcome");
  sw_json_string(&j, sw_outcome_name(r->outcome));
  sw_json_key(&j, "step");
  sw_json_string(&j, sw_step_name(r->step));
  sw_json_key(&j, "message");
  sw_json_string(&j, message);
  sw_json_key(&j, "reply_code");
  if (r->reply_code > 0)
    sw_json_int(&j, r->reply_code);
  else
    sw_json_null(&j);
  sw_json_key(&j, "enhanced_code");
  string_or_null(&j, r->enhanced_code);
  sw_json_key(&j, "reply");
  string_or_null(&j, r->reply);
  sw_json_key(&j, "used_helo");
  sw_json_bool(&j, r->used_helo);

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
  sw_json_key(&j, "transcript_truncated");
  sw_json_bool(&j, r->transcript.truncated);
  sw_json_key(&j, "addresses");
  addresses_array(&j, r);
  sw_json_end_object(&j);
  return sw_json_finish(&j);
}
