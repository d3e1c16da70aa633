/* The round trip's part of a rule (issue 17, docs/round-trip.md): its
 * names, the mailbox port it connects to, and the validator's part for its
 * fields. Same rules as rule.c: one problem per field, in field order,
 * each a whole sentence that says how to fix it. */
#include <stdio.h>
#include <string.h>

#include "mail_address.h"
#include "rule.h"
#include "sw_names.h"
#include "sw_utf8.h"

static const char *const round_trip_names[] = {SW_ROUND_TRIP_MAP(SW_X_2)};
static const char *const mailbox_tls_names[] = {SW_MAILBOX_TLS_MODE_MAP(SW_X_2)};

const char *sw_round_trip_name(enum sw_round_trip m)
{
  return SW_TABLE_AT(round_trip_names, m, "unknown");
}

bool sw_round_trip_from_name(const char *name, enum sw_round_trip *out)
{
  int i = sw_name_index(round_trip_names, SW_COUNTOF(round_trip_names), name);
  if (i >= 0)
    *out = (enum sw_round_trip)i;
  return i >= 0;
}

const char *sw_mailbox_tls_mode_name(enum sw_mailbox_tls_mode m)
{
  return SW_TABLE_AT(mailbox_tls_names, m, "unknown");
}

bool sw_mailbox_tls_mode_from_name(const char *name, enum sw_mailbox_tls_mode *out)
{
  int i = sw_name_index(mailbox_tls_names, SW_COUNTOF(mailbox_tls_names), name);
  if (i >= 0)
    *out = (enum sw_mailbox_tls_mode)i;
  return i >= 0;
}

uint16_t sw_rule_mailbox_port(const struct sw_rule *r)
{
  if (r->mailbox_port >= 1 && r->mailbox_port <= UINT16_MAX)
    return (uint16_t)r->mailbox_port;
  bool implicit = r->mailbox_tls == SW_MAILBOX_TLS_MODE_IMPLICIT;
  if (r->round_trip == SW_ROUND_TRIP_POP3)
    return implicit ? 995 : 110;
  return implicit ? 993 : 143;
}

static const char *str(const char *s)
{
  return s ? s : "";
}

const char *sw_rule_probe_from(const struct sw_rule *r)
{
  return *str(r->probe_from) ? r->probe_from : str(r->probe_to);
}

/* One line of UTF-8 without control characters, 1 to `max` octets. */
static void check_text(const char *text, enum sw_rule_field f, size_t max,
                       struct sw_rule_problems *out)
{
  size_t len = strlen(text);
  const char *label = sw_rule_field_label(f);
  if (len == 0)
    sw_rule_problems_add(out, f, "%s is required with a round trip.", label);
  else if (sw_utf8_line_check(text, len, NULL) != SW_LINE_OK)
    sw_rule_problems_add(out, f,
                         "%s must be one line of UTF-8 text without control "
                         "characters.",
                         label);
  else if (len > max)
    sw_rule_problems_add(out, f, "%s must be at most %u bytes long; it has %u.", label,
                         (unsigned)max, (unsigned)len);
}

static void check_probe_address(const char *address, enum sw_rule_field f,
                                struct sw_rule_problems *out)
{
  char why[SW_RULE_MESSAGE_MAX - 64];
  if (!sw_mail_address_check(address, why, sizeof why))
    sw_rule_problems_add(out, f, "%s: %s", sw_rule_field_label(f), why);
}

/* What a round trip cannot be combined with: it sends its own envelope and
 * one probe to one address. */
static void check_combination(const struct sw_rule *r, struct sw_rule_problems *out)
{
  const char *with = *str(r->command)     ? "a command"
                     : *str(r->mail_from) ? "MAIL FROM"
                     : *str(r->rcpt_to)   ? "RCPT TO"
                     : r->relay_test      ? "the open relay test"
                     : r->all_addresses   ? "checking every address"
                     : *str(r->domain)    ? "a mail domain's MX hosts"
                                          : NULL;
  if (with)
    sw_rule_problems_add(out, SW_RULE_FIELD_ROUND_TRIP,
                         "Round trip cannot be combined with %s: it sends its own "
                         "probe, from the probe sender to the probe recipient, to one "
                         "address of the host.",
                         with);
}

static void check_thresholds(const struct sw_rule *r, struct sw_rule_problems *out)
{
  uint64_t within_ms = (uint64_t)r->deliver_within_s * 1000u;
  if (r->delivery_warn_ms > within_ms)
    sw_rule_problems_add(out, SW_RULE_FIELD_DELIVERY_WARN_MS,
                         "Delivery warning (%u ms) must not be longer than Deliver "
                         "within (%u s): a probe later than that is not delivered.",
                         r->delivery_warn_ms, r->deliver_within_s);
  if (r->delivery_crit_ms > within_ms)
    sw_rule_problems_add(out, SW_RULE_FIELD_DELIVERY_CRIT_MS,
                         "Delivery critical (%u ms) must not be longer than Deliver "
                         "within (%u s): a probe later than that is not delivered.",
                         r->delivery_crit_ms, r->deliver_within_s);
  else if (r->delivery_warn_ms && r->delivery_crit_ms &&
           r->delivery_crit_ms < r->delivery_warn_ms)
    sw_rule_problems_add(out, SW_RULE_FIELD_DELIVERY_CRIT_MS,
                         "Delivery critical (%u ms) must not be less than the warning "
                         "(%u ms): a slow delivery turns WARNING before it turns "
                         "CRITICAL.",
                         r->delivery_crit_ms, r->delivery_warn_ms);
}

void sw__rule_validate_round_trip(const struct sw_rule *r, struct sw_rule_problems *out)
{
  if ((unsigned)r->round_trip >= SW_ROUND_TRIP_COUNT) {
    sw_rule_problems_add(out, SW_RULE_FIELD_ROUND_TRIP,
                         "Round trip must be one of none, imap or pop3.");
    return;
  }
  if (r->round_trip == SW_ROUND_TRIP_NONE)
    return; /* the other fields wait, unused, for a round trip to be turned on */
  check_combination(r, out);
  sw__rule_check_host(str(r->mailbox_host), SW_RULE_FIELD_MAILBOX_HOST, out);
  if (r->mailbox_port > UINT16_MAX)
    sw_rule_problems_add(out, SW_RULE_FIELD_MAILBOX_PORT,
                         "Mailbox port must be between 1 and 65535, or 0 for the "
                         "protocol's own (IMAP 993 or 143, POP3 995 or 110).");
  if ((unsigned)r->mailbox_tls >= SW_MAILBOX_TLS_MODE_COUNT)
    sw_rule_problems_add(out, SW_RULE_FIELD_MAILBOX_TLS,
                         "Mailbox TLS must be one of implicit, starttls or none.");
  check_text(str(r->mailbox_user), SW_RULE_FIELD_MAILBOX_USER, SW_RULE_MAILBOX_TEXT_MAX,
             out);
  if (!r->mailbox_password_set)
    sw_rule_problems_add(out, SW_RULE_FIELD_MAILBOX_PASSWORD,
                         "Mailbox password is required with a round trip (it is kept "
                         "encrypted and never shown back).");
  const char *folder = str(r->folder);
  if (*folder && r->round_trip == SW_ROUND_TRIP_POP3)
    sw_rule_problems_add(out, SW_RULE_FIELD_FOLDER,
                         "Folder is for IMAP only: POP3 reads the inbox alone. Leave "
                         "it empty.");
  else if (*folder)
    check_text(folder, SW_RULE_FIELD_FOLDER, SW_RULE_MAILBOX_TEXT_MAX, out);
  if (!*str(r->probe_to))
    sw_rule_problems_add(out, SW_RULE_FIELD_PROBE_TO,
                         "Probe recipient is required with a round trip: the address "
                         "of the mailbox that is read.");
  else
    check_probe_address(r->probe_to, SW_RULE_FIELD_PROBE_TO, out);
  if (*str(r->probe_from))
    check_probe_address(r->probe_from, SW_RULE_FIELD_PROBE_FROM, out);
  if (r->deliver_within_s < SW_RULE_DELIVER_WITHIN_MIN_S ||
      r->deliver_within_s > SW_RULE_DELIVER_WITHIN_MAX_S)
    sw_rule_problems_add(out, SW_RULE_FIELD_DELIVER_WITHIN_S,
                         "Deliver within must be between %u and %u seconds; %u is the "
                         "default.",
                         SW_RULE_DELIVER_WITHIN_MIN_S, SW_RULE_DELIVER_WITHIN_MAX_S,
                         SW_RULE_DEFAULT_DELIVER_WITHIN_S);
  else
    check_thresholds(r, out);
}
