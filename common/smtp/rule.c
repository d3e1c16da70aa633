#include "rule.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_text.h"
#include "sw_macros.h"
#include "sw_utf8.h"
#include "sw_names.h"

static const char *const field_names[] = {SW_RULE_FIELD_MAP(SW_X_2)};

static const char *const field_labels[] = {SW_RULE_FIELD_MAP(SW_X_3)};

const char *sw_rule_field_name(enum sw_rule_field f)
{
  return SW_TABLE_AT(field_names, f, "unknown");
}

const char *sw_rule_field_label(enum sw_rule_field f)
{
  return SW_TABLE_AT(field_labels, f, "?");
}

bool sw_rule_field_from_name(const char *name, enum sw_rule_field *out)
{
  int i = sw_name_index(field_names, SW_COUNTOF(field_names), name);
  if (i >= 0)
    *out = (enum sw_rule_field)i;
  return i >= 0;
}

void sw_rule_init_defaults(struct sw_rule *r)
{
  *r = (struct sw_rule){.port = SW_RULE_DEFAULT_PORT,
                        .timeout_ms = SW_RULE_DEFAULT_TIMEOUT_MS,
                        .interval_s = SW_RULE_DEFAULT_INTERVAL_S,
                        .enabled = true,
                        .tls_mode = SW_TLS_NONE,
                        .cert_warn_days = SW_RULE_DEFAULT_CERT_WARN_DAYS,
                        .cert_crit_days = SW_RULE_DEFAULT_CERT_CRIT_DAYS,
                        .auth_mech = SW_AUTH_MECH_AUTO,
                        .ip_family = SW_IP_ANY,
                        .drift = true,
                        .round_trip = SW_ROUND_TRIP_NONE,
                        .mailbox_tls = SW_MAILBOX_TLS_MODE_IMPLICIT,
                        .deliver_within_s = SW_RULE_DEFAULT_DELIVER_WITHIN_S,
                        .mta_sts = true};
}

/* The i-th string a rule owns, or NULL when field i holds no string:
 * walking every field, freeing and copying miss none. */
static char **string_member(struct sw_rule *r, int i)
{
  return sw_rule_field_text_slot(r, (enum sw_rule_field)i);
}

void sw_rule_free(struct sw_rule *r)
{
  for (int i = 0; i < SW_RULE_FIELD_COUNT; i++) {
    char **s = string_member(r, i);
    if (s)
      free(*s);
  }
  sw_rule_init_defaults(r);
}

static char *dup_string(const char *s)
{
  size_t len = strlen(s) + 1;
  char *p = malloc(len);
  if (p)
    memcpy(p, s, len);
  return p;
}

size_t sw_rule_heap_bytes(const struct sw_rule *r, size_t *blocks)
{
  size_t bytes = 0, n = 0;
  for (int i = 0; i < SW_RULE_FIELD_COUNT; i++) {
    char **slot = string_member((struct sw_rule *)r, i);
    const char *s = slot ? *slot : NULL;
    if (s) {
      bytes += strlen(s) + 1;
      n++;
    }
  }
  if (blocks)
    *blocks = n;
  return bytes;
}

enum sw_error sw_rule_set_string(char **slot, const char *value)
{
  char *copy = NULL;
  if (value) {
    copy = dup_string(value); /* before freeing: value may be *slot itself */
    if (!copy)
      return SW_E_NOMEM;
  }
  free(*slot);
  *slot = copy;
  return SW_E_OK;
}

enum sw_error sw_rule_copy(struct sw_rule *to, const struct sw_rule *from)
{
  *to = *from;
  for (int i = 0; i < SW_RULE_FIELD_COUNT; i++) {
    char **s = string_member(to, i);
    if (s)
      *s = NULL;
  }
  for (int i = 0; i < SW_RULE_FIELD_COUNT; i++) {
    char **s = string_member(to, i);
    if (s && sw_rule_set_string(s, *string_member((struct sw_rule *)from, i))) {
      sw_rule_free(to);
      return SW_E_NOMEM;
    }
  }
  return SW_E_OK;
}

/* ---- validation ---------------------------------------------------------- */

void sw_rule_problems_add(struct sw_rule_problems *out, enum sw_rule_field field,
                          const char *fmt, ...)
{
  /* One problem per field: each check stops at its first. */
  if (NEVER(out->count >= SW_RULE_FIELD_COUNT))
    return; /* there are no more checks than fields */
  struct sw_rule_problem *p = &out->items[out->count++];
  p->field = field;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->message, sizeof p->message, fmt, ap);
  va_end(ap);
}

static const char *str(const char *s)
{
  return s ? s : "";
}

static void check_name(const char *name, struct sw_rule_problems *out)
{
  size_t len = strlen(name), chars;
  enum sw_line_problem tp = sw_utf8_line_check(name, len, &chars);
  if (len == 0)
    sw_rule_problems_add(out, SW_RULE_FIELD_NAME,
                         "Name is required: give the rule a name of 1 to %d "
                         "characters.",
                         SW_RULE_NAME_MAX_CHARS);
  else if (tp == SW_LINE_BAD_UTF8)
    sw_rule_problems_add(out, SW_RULE_FIELD_NAME,
                         "Name contains bytes that are not valid UTF-8 text.");
  else if (tp != SW_LINE_OK)
    sw_rule_problems_add(out, SW_RULE_FIELD_NAME,
                         "Name must be one line without control characters "
                         "(such as tabs or line breaks).");
  else if (chars > SW_RULE_NAME_MAX_CHARS)
    sw_rule_problems_add(out, SW_RULE_FIELD_NAME,
                         "Name must be at most %d characters long; it has %u.",
                         SW_RULE_NAME_MAX_CHARS, (unsigned)chars);
}

/* True if s is made of digits and dots only: the user meant an IPv4 address,
 * and should hear about the address rules rather than the DNS ones. */
static bool looks_numeric(const char *s)
{
  for (; *s; s++)
    if (!(*s >= '0' && *s <= '9') && *s != '.')
      return false;
  return true;
}

/* "mail.example.com:25": a port typed into the host field. */
static bool has_port_suffix(const char *s)
{
  const char *colon = strchr(s, ':');
  if (!colon || strchr(colon + 1, ':') || colon[1] == '\0')
    return false;
  for (const char *p = colon + 1; *p; p++)
    if (!(*p >= '0' && *p <= '9'))
      return false;
  return true;
}

static const char ipv4_rules[] =
    "four numbers from 0 to 255 separated by dots, without leading zeros, such as "
    "192.0.2.1";

void sw__rule_check_host(const char *host, enum sw_rule_field f,
                         struct sw_rule_problems *out)
{
  size_t len = strlen(host);
  const char *label = sw_rule_field_label(f);
  if (len == 0) {
    sw_rule_problems_add(
        out, f, "%s is required: enter the server's DNS name or IP address%s.", label,
        f == SW_RULE_FIELD_HOST ? " (or, for every MX host of a mail domain, the domain)"
                                : "");
  } else if (host[0] == '[') {
    if (sw_host_classify(host) != SW_HOST_IPV6)
      sw_rule_problems_add(
          out, f, "%s in brackets must be an IPv6 address, such as [2001:db8::1].",
          label);
  } else if (strchr(host, ':')) {
    if (sw_host_is_ipv6(host, len))
      return;
    if (has_port_suffix(host))
      sw_rule_problems_add(
          out, f, "%s must not include a port number; set the port separately.", label);
    else
      sw_rule_problems_add(
          out, f, "%s is not a valid IPv6 address (such as 2001:db8::1).", label);
  } else if (looks_numeric(host)) {
    if (!sw_host_is_ipv4(host, len))
      sw_rule_problems_add(out, f, "%s is not a valid IPv4 address: use %s.", label,
                           ipv4_rules);
  } else {
    enum sw_dns_problem dp = sw_host_check_dns(host, len);
    if (dp != SW_DNS_OK)
      sw_rule_problems_add(out, f, "%s is not a valid DNS name: the name %s.", label,
                           sw_dns_problem_text(dp));
  }
}

static void check_command(const char *cmd, struct sw_rule_problems *out)
{
  size_t len = strlen(cmd);
  const enum sw_rule_field f = SW_RULE_FIELD_COMMAND;
  switch (sw_utf8_line_check(cmd, len, NULL)) {
  case SW_LINE_BREAK:
    sw_rule_problems_add(
        out, f,
        "Command must be a single line: it contains a line break (CR or LF). "
        "Enter one SMTP command; the line ending is added when it is sent.");
    return;
  case SW_LINE_CONTROL:
    sw_rule_problems_add(
        out, f,
        "Command contains a control character (such as a tab); an SMTP command "
        "is plain text on one line.");
    return;
  case SW_LINE_BAD_UTF8:
    sw_rule_problems_add(out, f, "Command contains bytes that are not valid UTF-8 text.");
    return;
  case SW_LINE_OK:
    break;
  }
  if (len > SW_RULE_COMMAND_MAX)
    sw_rule_problems_add(
        out, f,
        "Command must be at most %d bytes long (SMTP allows 512 per line, "
        "line ending included); it has %u.",
        SW_RULE_COMMAND_MAX, (unsigned)len);
}

static void check_expect(const char *expect, struct sw_rule_problems *out)
{
  size_t len = strlen(expect);
  const enum sw_rule_field f = SW_RULE_FIELD_EXPECT;
  enum sw_line_problem tp = sw_utf8_line_check(expect, len, NULL);
  if (tp == SW_LINE_BREAK)
    sw_rule_problems_add(
        out, f,
        "Expected text must be on one line: it must not contain a line break "
        "(CR or LF).");
  else if (tp == SW_LINE_BAD_UTF8)
    sw_rule_problems_add(out, f,
                         "Expected text contains bytes that are not valid UTF-8 text.");
  else if (len > SW_RULE_EXPECT_MAX)
    sw_rule_problems_add(out, f,
                         "Expected text must be at most %d bytes long; it has %u.",
                         SW_RULE_EXPECT_MAX, (unsigned)len);
}

/* RFC 5321 4.1.3: "[192.0.2.1]" or "[IPv6:2001:db8::1]" (the tag is an ABNF
 * string, so its case does not matter). */
static bool is_address_literal(const char *s, size_t len)
{
  if (len < 2 || s[0] != '[' || s[len - 1] != ']')
    return false;
  const char *in = s + 1;
  size_t in_len = len - 2;
  if (in_len > 5 && (in[0] == 'I' || in[0] == 'i') && (in[1] == 'P' || in[1] == 'p') &&
      (in[2] == 'V' || in[2] == 'v') && in[3] == '6' && in[4] == ':')
    return sw_host_is_ipv6(in + 5, in_len - 5);
  return sw_host_is_ipv4(in, in_len);
}

static void check_ehlo(const char *name, struct sw_rule_problems *out)
{
  size_t len = strlen(name);
  const enum sw_rule_field f = SW_RULE_FIELD_EHLO_NAME;
  if (len == 0)
    return; /* this machine's name, chosen when the check runs */
  if (name[0] == '[') {
    if (!is_address_literal(name, len))
      sw_rule_problems_add(
          out, f,
          "EHLO name is not a valid address literal: write [192.0.2.1] for IPv4 "
          "or [IPv6:2001:db8::1] for IPv6.");
  } else if (sw_host_is_ipv4(name, len)) {
    sw_rule_problems_add(
        out, f,
        "EHLO name: an IPv4 address must be written in brackets, as an address "
        "literal such as [%s].",
        name);
  } else if (sw_host_is_ipv6(name, len)) {
    sw_rule_problems_add(
        out, f,
        "EHLO name: an IPv6 address must be written as an address literal such "
        "as [IPv6:2001:db8::1].");
  } else {
    enum sw_dns_problem dp = sw_host_check_dns(name, len);
    if (dp != SW_DNS_OK)
      sw_rule_problems_add(out, f, "EHLO name is not a valid DNS name: the name %s.",
                           sw_dns_problem_text(dp));
    else if (!memchr(name, '.', len - (name[len - 1] == '.')))
      sw_rule_problems_add(
          out, f,
          "EHLO name must be a fully qualified domain name such as "
          "mail.example.com: servers that check it reject single names like "
          "'localhost'. Leave it empty to use this machine's name.");
  }
}

bool sw_rule_validate(const struct sw_rule *r, struct sw_rule_problems *out)
{
  out->count = 0;
  /* In the order of SW_RULE_FIELD_MAP, which is the order of the form. */
  check_name(str(r->name), out);
  if (!*str(r->domain)) /* a domain rule has none (rule_domain.c) */
    sw__rule_check_host(str(r->host), SW_RULE_FIELD_HOST, out);
  if (r->port == 0)
    sw_rule_problems_add(out, SW_RULE_FIELD_PORT, "Port must be between 1 and 65535.");
  check_command(str(r->command), out);
  check_expect(str(r->expect), out);
  if (r->timeout_ms < SW_RULE_TIMEOUT_MIN_MS || r->timeout_ms > SW_RULE_TIMEOUT_MAX_MS)
    sw_rule_problems_add(out, SW_RULE_FIELD_TIMEOUT_MS,
                         "Timeout must be between %u and %u ms; %u ms is "
                         "recommended.",
                         SW_RULE_TIMEOUT_MIN_MS, SW_RULE_TIMEOUT_MAX_MS,
                         SW_RULE_DEFAULT_TIMEOUT_MS);
  check_ehlo(str(r->ehlo_name), out);
  if (r->interval_s < SW_RULE_INTERVAL_MIN_S || r->interval_s > SW_RULE_INTERVAL_MAX_S)
    sw_rule_problems_add(out, SW_RULE_FIELD_INTERVAL_S,
                         "Interval must be between %u seconds and %u "
                         "seconds (one day).",
                         SW_RULE_INTERVAL_MIN_S, SW_RULE_INTERVAL_MAX_S);
  if ((unsigned)r->tls_mode >= SW_TLS_MODE_COUNT)
    sw_rule_problems_add(
        out, SW_RULE_FIELD_TLS_MODE,
        "TLS must be one of none, starttls, require-starttls or implicit.");
  if (r->cert_warn_days < 0 || r->cert_warn_days > SW_RULE_CERT_DAYS_MAX)
    sw_rule_problems_add(out, SW_RULE_FIELD_CERT_WARN_DAYS,
                         "Certificate warning must be between 0 and %d days.",
                         SW_RULE_CERT_DAYS_MAX);
  if (r->cert_crit_days < 0 || r->cert_crit_days > SW_RULE_CERT_DAYS_MAX)
    sw_rule_problems_add(out, SW_RULE_FIELD_CERT_CRIT_DAYS,
                         "Certificate critical must be between 0 and %d days.",
                         SW_RULE_CERT_DAYS_MAX);
  else if (r->cert_warn_days >= 0 && r->cert_warn_days < r->cert_crit_days)
    sw_rule_problems_add(
        out, SW_RULE_FIELD_CERT_CRIT_DAYS,
        "Certificate critical (%d days) must not be more than the warning (%d days): "
        "a certificate turns WARNING before it turns CRITICAL.",
        r->cert_crit_days, r->cert_warn_days);
  sw__rule_validate_past_handshake(r, out);
  sw__rule_validate_domain(r, out);
  sw__rule_validate_round_trip(r, out);
  return out->count == 0;
}

static const char *const tls_mode_names[] = {SW_TLS_MODE_MAP(SW_X_2)};

const char *sw_tls_mode_name(enum sw_tls_mode m)
{
  return SW_TABLE_AT(tls_mode_names, m, "unknown");
}

bool sw_tls_mode_from_name(const char *name, enum sw_tls_mode *out)
{
  int i = sw_name_index(tls_mode_names, SW_COUNTOF(tls_mode_names), name);
  if (i >= 0)
    *out = (enum sw_tls_mode)i;
  return i >= 0;
}

static const char *const ip_family_names[] = {SW_IP_FAMILY_MAP(SW_X_2)};

const char *sw_ip_family_name(enum sw_ip_family f)
{
  return SW_TABLE_AT(ip_family_names, f, "unknown");
}

bool sw_ip_family_from_name(const char *name, enum sw_ip_family *out)
{
  int i = sw_name_index(ip_family_names, SW_COUNTOF(ip_family_names), name);
  if (i >= 0)
    *out = (enum sw_ip_family)i;
  return i >= 0;
}

const char *sw_rule_problems_find(const struct sw_rule_problems *p,
                                  enum sw_rule_field field)
{
  for (size_t i = 0; i < p->count; i++)
    if (p->items[i].field == field)
      return p->items[i].message;
  return NULL;
}
