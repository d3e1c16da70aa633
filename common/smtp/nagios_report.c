#include "nagios_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cert_expiry.h"
#include "domain_report.h"
#include "host_text.h"
#include "round_trip_result.h"
#include "sw_macros.h"
#include "sw_utf8.h"
#include "sw_names.h"

static const char *const status_names[] = {SW_NAGIOS_STATUS_MAP(SW_X_2)};

const char *sw_nagios_status_name(enum sw_nagios_status s)
{
  return SW_TABLE_AT(status_names, s, "UNKNOWN");
}

bool sw_nagios_status_from_text(const char *s, size_t len, enum sw_nagios_status *out)
{
  int i = sw_name_index_n(status_names, SW_COUNTOF(status_names), s, len);
  if (i >= 0)
    *out = (enum sw_nagios_status)i;
  return i >= 0;
}

static bool reached(int64_t total_us, int threshold_ms)
{
  return threshold_ms >= 0 && total_us >= (int64_t)threshold_ms * 1000;
}

/* The time judged: a round trip's delivery time, else the check's. */
static enum sw_nagios_status time_status(const struct sw_check_result *r, int warn_ms,
                                         int crit_ms)
{
  int64_t us = r->round_trip ? sw_round_trip_judged_us(r->round_trip) : r->total_us;
  if (reached(us, crit_ms))
    return SW_NAGIOS_CRITICAL;
  if (reached(us, warn_ms))
    return SW_NAGIOS_WARNING;
  return SW_NAGIOS_OK;
}

enum sw_nagios_status sw_nagios_status(const struct sw_check_result *r, int warn_ms,
                                       int crit_ms)
{
  enum sw_nagios_status s;
  int domain_status;
  if (sw_domain_outcome_status(r, &domain_status))
    return (enum sw_nagios_status)domain_status;
  switch (r->outcome) {
  case SW_OUTCOME_OK:
    return time_status(r, warn_ms, crit_ms);
  case SW_OUTCOME_CERT_EXPIRING:
  case SW_OUTCOME_CERT_CHAIN_INCOMPLETE:
  case SW_OUTCOME_BANNER_MISMATCH:
    /* The server answered: a slow answer may make it worse still. */
    s = r->outcome == SW_OUTCOME_CERT_EXPIRING && sw_cert_expiry_is_critical(&r->tls)
            ? SW_NAGIOS_CRITICAL
            : SW_NAGIOS_WARNING;
    return time_status(r, warn_ms, crit_ms) > s ? time_status(r, warn_ms, crit_ms) : s;
  case SW_OUTCOME_CAPABILITIES_CHANGED:
    /* The server answered as before, but is not the same server. */
    s = r->drift_critical ? SW_NAGIOS_CRITICAL : SW_NAGIOS_WARNING;
    return time_status(r, warn_ms, crit_ms) > s ? time_status(r, warn_ms, crit_ms) : s;
  case SW_OUTCOME_TEMP_REJECT:
    return SW_NAGIOS_WARNING;
  case SW_OUTCOME_AUTH_UNAVAILABLE:
    return SW_NAGIOS_WARNING;
  case SW_OUTCOME_STARTTLS_REFUSED:
  case SW_OUTCOME_SENDER_REJECTED:
  case SW_OUTCOME_RECIPIENT_REJECTED:
  case SW_OUTCOME_MESSAGE_REJECTED:
    /* 454 is "not now" (RFC 3207), like any 4xx (450 greylisting). */
    return r->reply_code / 100 == 4 ? SW_NAGIOS_WARNING : SW_NAGIOS_CRITICAL;
  case SW_OUTCOME_OPEN_RELAY:
  case SW_OUTCOME_AUTH_FAILED:
  case SW_OUTCOME_AUTH_NOT_OFFERED:
  case SW_OUTCOME_AUTH_NOT_ENCRYPTED:
  case SW_OUTCOME_OAUTH_TOKEN_FAILED:
  case SW_OUTCOME_STARTTLS_NOT_OFFERED:
  case SW_OUTCOME_TLS_HANDSHAKE_FAILED:
  case SW_OUTCOME_CERT_UNTRUSTED:
  case SW_OUTCOME_CERT_NAME_MISMATCH:
  case SW_OUTCOME_CERT_EXPIRED:
  case SW_OUTCOME_MISMATCH:
  case SW_OUTCOME_PERM_REJECT:
  case SW_OUTCOME_NOT_SMTP:
  case SW_OUTCOME_REFUSED:
  case SW_OUTCOME_CLOSED:
  case SW_OUTCOME_RESOLVE_FAILED:
  case SW_OUTCOME_TIMEOUT:
  case SW_OUTCOME_PROTOCOL_ERROR:
  case SW_OUTCOME_NETWORK_ERROR:
    return SW_NAGIOS_CRITICAL;
  case SW_OUTCOME_DELIVERED:
    return time_status(r, warn_ms, crit_ms);
  case SW_OUTCOME_NOT_DELIVERED:
  case SW_OUTCOME_MAILBOX_LOGIN_FAILED:
  case SW_OUTCOME_MAILBOX_UNREACHABLE:
  case SW_OUTCOME_MAILBOX_PROTOCOL_ERROR:
    return SW_NAGIOS_CRITICAL;
  case SW_OUTCOME_CANCELLED:
  case SW_OUTCOME_INTERNAL_ERROR:
  case SW_OUTCOME_COUNT:
    break;
  default: /* the domain outcomes: judged above */
    break;
  }
  return SW_NAGIOS_UNKNOWN;
}

/* Appends text fit for the part before '|': one line (the deciding reply may
 * have several), no '|' (it would start the performance data), and valid
 * UTF-8 so that web front ends show it. */
static enum sw_error append_plain(struct sw_buf *out, const char *s)
{
  size_t len = strlen(s);
  enum sw_error err = SW_E_OK;
  for (size_t i = 0; i < len && !err;) {
    uint32_t cp;
    size_t n = sw_utf8_next(s + i, len - i, &cp);
    if (cp == '|')
      err = sw_buf_append(out, "/", 1);
    else if (cp == SW_UTF8_INVALID)
      err = sw_buf_append(out, "?", 1);
    else if (sw_utf8_is_control(cp))
      err = sw_buf_append(out, " ", 1);
    else
      err = sw_buf_append(out, s + i, n);
    i += n;
  }
  return err;
}

/* Microseconds as seconds with six decimals, without floating point so the
 * text is exact and the same on every platform. */
static enum sw_error append_seconds(struct sw_buf *out, int64_t us)
{
  if (us < 0)
    us = 0;
  return sw_buf_printf(out, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

static enum sw_error append_threshold(struct sw_buf *out, int ms)
{
  return ms >= 0 ? append_seconds(out, (int64_t)ms * 1000) : SW_E_OK;
}

/* A round trip's performance data, after " | ": the delivery time with the
 * thresholds, the submission and the whole round trip; no trailing space. */
static enum sw_error append_round_trip(struct sw_buf *out,
                                       const struct sw_round_trip_result *rt, int warn_ms,
                                       int crit_ms)
{
  /* Without a delivery there is no delivery time to graph: the time waited
   * would read as a (long) delivery. */
  enum sw_error err = sw_buf_appends(out, " | ");
  if (!err && rt->found && rt->delivery_us >= 0) {
    if (!(err = sw_buf_appends(out, "delivery=")) &&
        !(err = append_seconds(out, rt->delivery_us)) &&
        !(err = sw_buf_appends(out, "s;")) && !(err = append_threshold(out, warn_ms)) &&
        !(err = sw_buf_appends(out, ";")) && !(err = append_threshold(out, crit_ms)))
      err = sw_buf_appends(out, ";0; ");
  }
  if (!err && rt->submit_us >= 0 && !(err = sw_buf_appends(out, "submit=")) &&
      !(err = append_seconds(out, rt->submit_us)))
    err = sw_buf_appends(out, "s;;;0; ");
  if (!err && rt->total_us >= 0 && !(err = sw_buf_appends(out, "round_trip=")) &&
      !(err = append_seconds(out, rt->total_us)))
    err = sw_buf_appends(out, "s;;;0;");
  /* "time=" and the steps follow, after one space the caller puts. */
  while (!err && out->len && out->data[out->len - 1] == ' ')
    out->len--;
  return err;
}

static enum sw_error append_perfdata(struct sw_buf *out, const struct sw_check_result *r,
                                     int warn_ms, int crit_ms)
{
  enum sw_error err = SW_E_OK;
  const char *sep = " | ";
  if (r->round_trip) {
    /* The thresholds are the delivery time's. */
    err = append_round_trip(out, r->round_trip, warn_ms, crit_ms);
    warn_ms = crit_ms = -1;
    sep = " ";
  }
  if (!err && r->total_us >= 0) {
    if (!(err = sw_buf_printf(out, "%stime=", sep)) &&
        !(err = append_seconds(out, r->total_us)) && !(err = sw_buf_appends(out, "s;")) &&
        !(err = append_threshold(out, warn_ms)) && !(err = sw_buf_appends(out, ";")) &&
        !(err = append_threshold(out, crit_ms)))
      err = sw_buf_appends(out, ";0;");
    sep = " ";
  }
  for (int s = 0; s < SW_STEP_COUNT && !err; s++) {
    if (r->step_us[s] < 0)
      continue; /* not reached: no data rather than a misleading zero */
    if (!(err = sw_buf_printf(out, "%s%s=", sep, sw_step_name((enum sw_step)s))) &&
        !(err = append_seconds(out, r->step_us[s])))
      err = sw_buf_appends(out, "s;;;0;");
    sep = " ";
  }
  /* Days the certificate has left; "21:" is the plugin range "alert below
   * 21" (guidelines 3.3), as the thresholds mean. */
  if (!err && r->tls.used && r->tls.not_after)
    err = sw_buf_printf(out, "%scert_days=%d;%d:;%d:;;", sep, r->tls.days_left,
                        r->tls.warn_days, r->tls.crit_days);
  /* Every address: how many answered OK, out of how many (min 0, max N). */
  if (!err && r->naddresses > 0)
    err =
        sw_buf_printf(out, "%saddresses_ok=%u;;;0;%u", sep,
                      (unsigned)sw_check_result_addresses_ok(r), (unsigned)r->naddresses);
  return err;
}

/* ", over TLS 1.2, certificate valid for 80 more days" for an OK check. */
static enum sw_error append_tls_summary(struct sw_buf *out, const struct sw_tls_info *t)
{
  enum sw_error err = sw_buf_appends(out, ", over ");
  if (!err)
    err = append_plain(out, t->version[0] ? t->version : "TLS");
  if (!err && t->not_after)
    err = sw_buf_printf(out, ", certificate valid for %d more day%s", t->days_left,
                        t->days_left == 1 ? "" : "s");
  if (!err && !t->verified)
    err = sw_buf_appends(out, " (not validated)");
  return err;
}

enum sw_error sw_nagios_format(const struct sw_check_result *r, const char *host,
                               uint16_t port, int warn_ms, int crit_ms,
                               struct sw_buf *out)
{
  enum sw_nagios_status status = sw_nagios_status(r, warn_ms, crit_ms);
  char endpoint[300];
  sw_host_format_endpoint(host, port, endpoint, sizeof endpoint);
  enum sw_error err = sw_buf_printf(out, "SMTP %s - ", sw_nagios_status_name(status));
  if (!err)
    err = append_plain(out, endpoint);
  /* The address that answered, when the endpoint does not already say it
   * (a host name, or an address written another way); a check of every
   * address names them in its sentence instead, unless all were OK. */
  if (!err && r->peer[0] && strcmp(r->peer, endpoint) != 0 &&
      (r->naddresses == 0 || r->outcome == SW_OUTCOME_OK)) {
    err = sw_buf_appends(out, " (");
    if (!err)
      err = append_plain(out, r->peer);
    if (!err)
      err = sw_buf_appends(out, ")");
  }
  if (err)
    return err;
  if (r->outcome == SW_OUTCOME_OK) {
    int64_t ms = (r->total_us + 500) / 1000;
    err = sw_buf_printf(out, " answered in %" PRId64 " ms", ms);
    if (!err && status == SW_NAGIOS_CRITICAL)
      err = sw_buf_printf(out, ", at or above the critical threshold of %d ms", crit_ms);
    else if (!err && status == SW_NAGIOS_WARNING)
      err = sw_buf_printf(out, ", at or above the warning threshold of %d ms", warn_ms);
    if (!err && r->tls.used)
      err = append_tls_summary(out, &r->tls);
    if (!err && r->naddresses > 0)
      err = sw_buf_printf(out, ", %u of %u address%s OK", (unsigned)r->naddresses,
                          (unsigned)r->naddresses, r->naddresses == 1 ? "" : "es");
  } else if (r->outcome == SW_OUTCOME_DELIVERED && r->round_trip) {
    char text[SW_REPLY_TEXT_MAX + SW_DETAIL_MAX + 256];
    sw_check_result_describe(r, text, sizeof text);
    err = sw_buf_appends(out, ": ");
    if (!err)
      err = append_plain(out, text);
    if (!err && status == SW_NAGIOS_CRITICAL)
      err = sw_buf_printf(out, ", at or above the critical delivery time of %d ms",
                          crit_ms);
    else if (!err && status == SW_NAGIOS_WARNING)
      err =
          sw_buf_printf(out, ", at or above the warning delivery time of %d ms", warn_ms);
  } else {
    char text[SW_REPLY_TEXT_MAX + SW_DETAIL_MAX + 256];
    sw_check_result_describe(r, text, sizeof text);
    err = sw_buf_appends(out, ": ");
    if (!err)
      err = append_plain(out, text);
  }
  if (!err)
    err = append_perfdata(out, r, warn_ms, crit_ms);
  return err;
}
