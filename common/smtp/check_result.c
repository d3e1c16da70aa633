/* The result of one check: name tables made from the X-macros, the one
 * sentence a user reads, and the escaping that keeps whatever a server says
 * printable before it reaches a log, a database or a window. */
#include "check_result.h"
#include "round_trip_result.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_report.h"
#include "sw_macros.h"
#include "sw_names.h"

static const char *const outcome_names[] = {SW_OUTCOME_MAP(SW_X_2)};

static const char *const outcome_texts[] = {SW_OUTCOME_MAP(SW_X_3)};

static const char *const step_names[] = {SW_STEP_MAP(SW_X_2)};

static const char *const step_labels[] = {SW_STEP_MAP(SW_X_3)};

/* The start of the one-line description. Designated initialisers keep this
 * right if the X-macro is reordered; the static assert catches a new outcome
 * without a title. */
static const char *const outcome_titles[] = {
    [SW_OUTCOME_OK] = "OK",
    [SW_OUTCOME_MISMATCH] = "Response mismatch",
    [SW_OUTCOME_TEMP_REJECT] = "Temporary rejection",
    [SW_OUTCOME_PERM_REJECT] = "Permanent rejection",
    [SW_OUTCOME_NOT_SMTP] = "Not an SMTP server",
    [SW_OUTCOME_REFUSED] = "Connection refused",
    [SW_OUTCOME_CLOSED] = "Connection closed",
    [SW_OUTCOME_RESOLVE_FAILED] = "Name resolution failed",
    [SW_OUTCOME_TIMEOUT] = "Timed out",
    [SW_OUTCOME_PROTOCOL_ERROR] = "Protocol error",
    [SW_OUTCOME_NETWORK_ERROR] = "Network error",
    [SW_OUTCOME_STARTTLS_NOT_OFFERED] = "STARTTLS not offered",
    [SW_OUTCOME_STARTTLS_REFUSED] = "STARTTLS refused",
    [SW_OUTCOME_TLS_HANDSHAKE_FAILED] = "TLS handshake failed",
    [SW_OUTCOME_CERT_UNTRUSTED] = "Certificate not trusted",
    [SW_OUTCOME_CERT_NAME_MISMATCH] = "Certificate name mismatch",
    [SW_OUTCOME_CERT_EXPIRED] = "Certificate expired",
    [SW_OUTCOME_CERT_EXPIRING] = "Certificate expiring soon",
    [SW_OUTCOME_CERT_CHAIN_INCOMPLETE] = "Certificate chain incomplete",
    [SW_OUTCOME_AUTH_FAILED] = "Authentication failed",
    [SW_OUTCOME_AUTH_UNAVAILABLE] = "Authentication unavailable",
    [SW_OUTCOME_AUTH_NOT_OFFERED] = "AUTH not offered",
    [SW_OUTCOME_AUTH_NOT_ENCRYPTED] = "AUTH refused without TLS",
    [SW_OUTCOME_SENDER_REJECTED] = "Sender rejected",
    [SW_OUTCOME_RECIPIENT_REJECTED] = "Recipient rejected",
    [SW_OUTCOME_MESSAGE_REJECTED] = "Message rejected",
    [SW_OUTCOME_OPEN_RELAY] = "Open relay",
    [SW_OUTCOME_BANNER_MISMATCH] = "Reverse DNS mismatch",
    [SW_OUTCOME_OAUTH_TOKEN_FAILED] = "No OAuth token",
    [SW_OUTCOME_CAPABILITIES_CHANGED] = "Server changed",
    [SW_OUTCOME_CANCELLED] = "Cancelled",
    [SW_OUTCOME_INTERNAL_ERROR] = "Internal error",
    [SW_OUTCOME_DELIVERED] = "Delivered",
    [SW_OUTCOME_NOT_DELIVERED] = "Not delivered",
    [SW_OUTCOME_MAILBOX_LOGIN_FAILED] = "Mailbox login failed",
    [SW_OUTCOME_MAILBOX_UNREACHABLE] = "Mailbox unreachable",
    [SW_OUTCOME_MAILBOX_PROTOCOL_ERROR] = "Mailbox protocol error",
    [SW_OUTCOME_MX_UNREACHABLE] = "MX unreachable",
    [SW_OUTCOME_MX_PARTLY_UNREACHABLE] = "MX partly unreachable",
    [SW_OUTCOME_MTA_STS_VIOLATION] = "MTA-STS violation",
    [SW_OUTCOME_DANE_MISMATCH] = "DANE mismatch",
    [SW_OUTCOME_DANE_UNAUTHENTICATED] = "DANE unauthenticated",
    [SW_OUTCOME_NULL_MX] = "Null MX",
    [SW_OUTCOME_NO_MAIL_HOST] = "No mail host",
};
_Static_assert(SW_COUNTOF(outcome_titles) == SW_OUTCOME_COUNT,
               "every outcome needs a title");

/* "Permanent rejection at the greeting" (a reply decided it) versus "Timed
 * out in the greeting" (time or the connection ran out while in it). */
static const char *const step_at[] = {
    [SW_STEP_RESOLVE] = "during name resolution",
    [SW_STEP_CONNECT] = "while connecting",
    [SW_STEP_TLS] = "at STARTTLS",
    [SW_STEP_GREETING] = "at the greeting",
    [SW_STEP_EHLO] = "at EHLO",
    [SW_STEP_AUTH] = "at AUTH",
    [SW_STEP_MAIL] = "at MAIL FROM",
    [SW_STEP_RCPT] = "at RCPT TO",
    [SW_STEP_DATA] = "at DATA",
    [SW_STEP_COMMAND] = "at the command",
    [SW_STEP_QUIT] = "at QUIT",
};
static const char *const step_in[] = {
    [SW_STEP_RESOLVE] = "during name resolution",
    [SW_STEP_CONNECT] = "while connecting",
    [SW_STEP_TLS] = "in the TLS step",
    [SW_STEP_GREETING] = "in the greeting",
    [SW_STEP_EHLO] = "in the EHLO step",
    [SW_STEP_AUTH] = "in the AUTH step",
    [SW_STEP_MAIL] = "in the MAIL FROM step",
    [SW_STEP_RCPT] = "in the RCPT TO step",
    [SW_STEP_DATA] = "in the DATA step",
    [SW_STEP_COMMAND] = "in the command step",
    [SW_STEP_QUIT] = "in the QUIT step",
};
_Static_assert(SW_COUNTOF(step_at) == SW_STEP_COUNT, "step phrases");
_Static_assert(SW_COUNTOF(step_in) == SW_STEP_COUNT, "step phrases");

void sw_check_result_init(struct sw_check_result *r)
{
  memset(r, 0, sizeof *r);
  r->outcome = SW_OUTCOME_INTERNAL_ERROR;
  r->step = SW_STEP_RESOLVE;
  for (int i = 0; i < SW_STEP_COUNT; i++)
    r->step_us[i] = -1;
  /* The limit is enforced line by line in sw__transcript_line, which leaves
   * room for its note; this one is only the backstop. */
  sw_buf_init(&r->transcript, SW_TRANSCRIPT_MAX + 256);
}

void sw_check_result_free(struct sw_check_result *r)
{
  free(r->ehlo_keywords);
  free(r->ehlo_keywords_plain);
  free(r->tls.sans);
  free(r->addresses);
  sw_domain_report_free(r->domain);
  sw_cert_chain_free(r->chain);
  sw_round_trip_result_free(r->round_trip);
  sw_buf_free(&r->transcript);
  sw_check_result_init(r);
}

void sw_check_result_move(struct sw_check_result *to, struct sw_check_result *from)
{
  *to = *from;
  sw_check_result_init(from);
}

const char *sw_outcome_name(enum sw_outcome o)
{
  return SW_TABLE_AT(outcome_names, o, "unknown");
}

const char *sw_outcome_text(enum sw_outcome o)
{
  return SW_TABLE_AT(outcome_texts, o, "The outcome is unknown.");
}

const char *sw_step_name(enum sw_step s)
{
  return SW_TABLE_AT(step_names, s, "unknown");
}

const char *sw_cap_name(enum sw_cap_bit bit)
{
  static const char *const cap_names[] = {SW_CAP_MAP(SW_X_NAME_1)};
  /* "STARTTLS", without the enum's prefix */
  return SW_TABLE_AT(cap_names, bit, "SW_CAP_BIT_?") + sizeof "SW_CAP_BIT_" - 1;
}

const char *sw_step_label(enum sw_step s)
{
  return SW_TABLE_AT(step_labels, s, "unknown step");
}

bool sw_outcome_is_certificate(enum sw_outcome o)
{
  return o == SW_OUTCOME_CERT_UNTRUSTED || o == SW_OUTCOME_CERT_NAME_MISMATCH ||
         o == SW_OUTCOME_CERT_EXPIRED || sw_outcome_is_certificate_warning(o);
}

bool sw_outcome_is_round_trip(enum sw_outcome o)
{
  return o >= SW_OUTCOME_DELIVERED && o <= SW_OUTCOME_MAILBOX_PROTOCOL_ERROR;
}

bool sw_outcome_answered(enum sw_outcome o)
{
  return o == SW_OUTCOME_OK || o == SW_OUTCOME_DELIVERED ||
         sw_outcome_is_certificate_warning(o) || o == SW_OUTCOME_BANNER_MISMATCH ||
         o == SW_OUTCOME_CAPABILITIES_CHANGED;
}

bool sw_outcome_is_certificate_warning(enum sw_outcome o)
{
  return o == SW_OUTCOME_CERT_EXPIRING || o == SW_OUTCOME_CERT_CHAIN_INCOMPLETE;
}

bool sw_step_is_transaction(enum sw_step s)
{
  return s == SW_STEP_AUTH || s == SW_STEP_MAIL || s == SW_STEP_RCPT || s == SW_STEP_DATA;
}

bool sw_outcome_from_name(const char *name, enum sw_outcome *out)
{
  int i = sw_name_index(outcome_names, SW_COUNTOF(outcome_names), name);
  if (i >= 0)
    *out = (enum sw_outcome)i;
  return i >= 0;
}

bool sw_step_from_name(const char *name, size_t len, enum sw_step *out)
{
  int i = sw_name_index_n(step_names, SW_COUNTOF(step_names), name, len);
  if (i >= 0)
    *out = (enum sw_step)i;
  return i >= 0;
}

void sw__transcript_line(struct sw_check_result *r, int64_t rel_us, const char *tag,
                         const char *data, size_t len)
{
  sw_transcript_line(&r->transcript, rel_us, tag, data, len);
}

/* Appends to out[size] at *pos, cutting (and always NUL-terminating) when
 * full; like snprintf, but chainable. */
static void put(char *out, size_t size, size_t *pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void put(char *out, size_t size, size_t *pos, const char *fmt, ...)
{
  if (*pos + 1 >= size)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out + *pos, size - *pos, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  *pos += (size_t)n < size - *pos ? (size_t)n : size - *pos - 1;
}

/* "connection refused" of "Connection refused", but "STARTTLS not offered"
 * as it is: the outcome's title inside a sentence. */
static void put_title_lower(char *out, size_t size, size_t *pos, enum sw_outcome o)
{
  const char *t = SW_TABLE_AT(outcome_titles, o, "Unknown outcome");
  bool word = t[0] >= 'A' && t[0] <= 'Z' && t[1] >= 'a' && t[1] <= 'z';
  put(out, size, pos, "%c%s", word ? t[0] - 'A' + 'a' : t[0], t + 1);
}

/* "2 of 3 addresses OK; [::1]:25 connection refused; 192.0.2.1:25 timed
 * out. ": the addresses that were not OK, in the resolver's order. */
size_t sw_check_result_addresses_ok(const struct sw_check_result *r)
{
  size_t ok = 0;
  for (size_t i = 0; i < r->naddresses; i++)
    ok += r->addresses[i].outcome == SW_OUTCOME_OK;
  return ok;
}

static void describe_addresses(const struct sw_check_result *r, char *out, size_t size,
                               size_t *pos)
{
  size_t ok = sw_check_result_addresses_ok(r);
  put(out, size, pos, "%u of %u address%s OK", (unsigned)ok, (unsigned)r->naddresses,
      r->naddresses == 1 ? "" : "es");
  for (size_t i = 0; i < r->naddresses; i++) {
    const struct sw_address_result *a = &r->addresses[i];
    if (a->outcome == SW_OUTCOME_OK)
      continue;
    put(out, size, pos, "; %s ", a->peer[0] ? a->peer : "(no address)");
    put_title_lower(out, size, pos, a->outcome);
  }
  put(out, size, pos, ". ");
}

/* Microseconds as whole milliseconds, rounded; 0 for unknown (-1). */
static int64_t rt_ms(int64_t us)
{
  return us < 0 ? 0 : (us + 500) / 1000;
}

/* A round trip's own outcome: the mailbox's side of the story, after the
 * outcome's title ("Delivered in 1234 ms (submitted in 56 ms, 3 hops)"). */
static void describe_round_trip(const struct sw_round_trip_result *rt, const char *title,
                                char *out, size_t size)
{
  size_t pos = 0;
  const char *proto = rt->protocol == SW_ROUND_TRIP_POP3 ? "POP3" : "IMAP";
  put(out, size, &pos, "%s", title);
  if (rt->found)
    put(out, size, &pos, " in %" PRId64 " ms (submitted in %" PRId64 " ms, %u hop%s)",
        rt_ms(rt->delivery_us), rt_ms(rt->submit_us), (unsigned)rt->nhops,
        rt->nhops == 1 ? "" : "s");
  else if (rt->mailbox_detail[0])
    put(out, size, &pos,
        ": the probe was submitted in %" PRId64 " ms; the %s server%s%s: %s",
        rt_ms(rt->submit_us), proto, rt->mailbox_peer[0] ? " " : "", rt->mailbox_peer,
        rt->mailbox_detail);
  else
    put(out, size, &pos,
        ": the probe was submitted in %" PRId64 " ms, but it was not in the mailbox "
        "after %" PRId64 " ms (%u look%s)",
        rt_ms(rt->submit_us), rt_ms(rt->total_us), rt->looks, rt->looks == 1 ? "" : "s");
  if (rt->has_auth)
    put(out, size, &pos, "; SPF %s, DKIM %s, DMARC %s", rt->spf, rt->dkim, rt->dmarc);
  if (rt->skipped_runs)
    put(out, size, &pos, "; %u run%s skipped while it was in flight", rt->skipped_runs,
        rt->skipped_runs == 1 ? "" : "s");
}

void sw_check_result_describe(const struct sw_check_result *r, char *out, size_t size)
{
  if (size == 0)
    return;
  out[0] = '\0';
  size_t pos = 0;
  enum sw_outcome o =
      (unsigned)r->outcome < SW_OUTCOME_COUNT ? r->outcome : SW_OUTCOME_INTERNAL_ERROR;
  enum sw_step s = (unsigned)r->step < SW_STEP_COUNT ? r->step : SW_STEP_RESOLVE;
  int64_t ms = (r->total_us + 500) / 1000;

  if (r->naddresses > 0)
    describe_addresses(r, out, size, &pos);
  if (r->round_trip && sw_outcome_is_round_trip(o)) {
    describe_round_trip(r->round_trip, outcome_titles[o], out, size);
    return;
  }
  if (r->domain) { /* "example.test: 4 of 5 MX addresses OK (...); ... " */
    sw_domain_report_summary(r->domain, out + pos, size - pos);
    pos += strlen(out + pos);
    put(out, size, &pos, ". ");
  }
  put(out, size, &pos, "%s", outcome_titles[o]);
  switch (o) {
  case SW_OUTCOME_OK:
    put(out, size, &pos, " in %" PRId64 " ms", ms);
    break;
  case SW_OUTCOME_REFUSED:
  case SW_OUTCOME_RESOLVE_FAILED:
  case SW_OUTCOME_STARTTLS_NOT_OFFERED:
  case SW_OUTCOME_STARTTLS_REFUSED:
  case SW_OUTCOME_TLS_HANDSHAKE_FAILED:
  case SW_OUTCOME_CERT_UNTRUSTED:
  case SW_OUTCOME_CERT_NAME_MISMATCH:
  case SW_OUTCOME_CERT_EXPIRED:
  case SW_OUTCOME_CERT_EXPIRING:
  case SW_OUTCOME_CERT_CHAIN_INCOMPLETE:
  case SW_OUTCOME_BANNER_MISMATCH:
  case SW_OUTCOME_MX_UNREACHABLE:
  case SW_OUTCOME_MX_PARTLY_UNREACHABLE:
  case SW_OUTCOME_MTA_STS_VIOLATION:
  case SW_OUTCOME_DANE_MISMATCH:
  case SW_OUTCOME_DANE_UNAUTHENTICATED:
  case SW_OUTCOME_NULL_MX:
  case SW_OUTCOME_NO_MAIL_HOST:
    break;                              /* the title already says where */
  case SW_OUTCOME_CAPABILITIES_CHANGED: /* the detail says what changed */
    break;                              /* the title already says where */
  case SW_OUTCOME_TIMEOUT:
  case SW_OUTCOME_CLOSED:
    put(out, size, &pos, " %s after %" PRId64 " ms", step_in[s], ms);
    break;
  case SW_OUTCOME_NETWORK_ERROR:
  case SW_OUTCOME_CANCELLED:
  case SW_OUTCOME_INTERNAL_ERROR:
    put(out, size, &pos, " %s", step_in[s]);
    break;
  default:
    put(out, size, &pos, " %s", step_at[s]);
    break;
  }

  /* The server's words: only when a reply decided the outcome. A timeout or
   * a closed connection has none, whatever was said before; nor has a
   * verdict on the certificate (the greeting recorded before it is beside
   * the point). */
  bool show_reply = r->reply[0] != '\0' && o != SW_OUTCOME_TIMEOUT &&
                    o != SW_OUTCOME_CLOSED && o != SW_OUTCOME_CANCELLED &&
                    o != SW_OUTCOME_CAPABILITIES_CHANGED &&
                    !sw_outcome_is_certificate(o) && o != SW_OUTCOME_TLS_HANDSHAKE_FAILED;
  if (r->detail[0])
    put(out, size, &pos, ": %s", r->detail);
  if (show_reply) {
    put(out, size, &pos, "%s", r->detail[0] ? "; the server said: " : ": ");
    for (const char *p = r->reply; *p && pos + 1 < size; p++) {
      if (*p == '\n')
        put(out, size, &pos, " / ");
      else
        put(out, size, &pos, "%c", *p);
    }
  } else if (pos + 1 < size && out[pos - 1] != '.') {
    put(out, size, &pos, ".");
  }
}
