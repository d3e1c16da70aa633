/* Notifiers and their validation (notifier.h). */
#include "notifier.h"

#include "sw_macros.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_text.h"
#include "sw_error.h"
#include "sw_utf8.h"
#include "sw_names.h"

static const char *const kind_names[] = {SW_NOTIFIER_KIND_MAP(SW_X_2)};

const char *sw_notifier_kind_name(enum sw_notifier_kind k)
{
  return SW_TABLE_AT(kind_names, k, "unknown");
}

bool sw_notifier_kind_from_name(const char *name, enum sw_notifier_kind *out)
{
  int i = sw_name_index(kind_names, SW_COUNTOF(kind_names), name);
  if (i >= 0)
    *out = (enum sw_notifier_kind)i;
  return i >= 0;
}

/* ---- relays ---- */

static bool parse_port(const char *s, size_t len, uint16_t *port)
{
  unsigned long v = 0;
  if (len == 0 || len > 5)
    return false;
  for (size_t i = 0; i < len; i++) {
    if (!isdigit((unsigned char)s[i]))
      return false;
    v = v * 10 + (unsigned long)(s[i] - '0');
  }
  *port = (uint16_t)v;
  return v >= 1 && v <= 65535;
}

/* One "host[:port]" or "[v6]:port" of a relay list. */
static bool parse_relay(const char *s, size_t len, struct sw_relay *r, char *why,
                        size_t size)
{
  const char *host = s, *colon = NULL;
  size_t host_len = len;
  if (len > 0 && s[0] == '[') {
    const char *close = memchr(s, ']', len);
    if (!close)
      return sw_error_say(why, size, "Relay \"%.*s\" opens a [ it does not close.",
                          (int)len, s);
    host = s + 1;
    host_len = (size_t)(close - s - 1);
    colon = close + 1 < s + len ? close + 1 : NULL;
    if (colon && *colon != ':')
      return sw_error_say(why, size, "Relay \"%.*s\": after ] comes :port or nothing.",
                          (int)len, s);
  } else if ((colon = memchr(s, ':', len)) != NULL) {
    if (memchr(colon + 1, ':', len - (size_t)(colon - s) - 1))
      return sw_error_say(
          why, size,
          "Relay \"%.*s\": write an IPv6 address in brackets, [2001:db8::25]:25.",
          (int)len, s);
    host_len = (size_t)(colon - s);
  }
  r->port = 25;
  if (colon && !parse_port(colon + 1, len - (size_t)(colon - s) - 1, &r->port))
    return sw_error_say(why, size,
                        "Relay \"%.*s\": the port must be a number from 1 to 65535.",
                        (int)len, s);
  bool v6 = s[0] == '[';
  bool ok = host_len > 0 && host_len < sizeof r->host &&
            (v6 ? sw_host_is_ipv6(host, host_len)
                : sw_host_is_ipv4(host, host_len) ||
                      sw_host_check_dns(host, host_len) == SW_DNS_OK);
  if (!ok)
    return sw_error_say(why, size, "Relay \"%.*s\" is not a host name or IP address.",
                        (int)len, s);
  memcpy(r->host, host, host_len);
  r->host[host_len] = '\0';
  return true;
}

bool sw_relay_list_parse(const char *text, struct sw_relay *out, size_t max,
                         size_t *count, char *why, size_t size)
{
  *count = 0;
  for (const char *s = text;;) {
    size_t len = strcspn(s, ",");
    while (len > 0 && s[0] == ' ')
      s++, len--;
    while (len > 0 && s[len - 1] == ' ')
      len--;
    if (len == 0)
      return sw_error_say(why, size,
                          "Give each relay as host or host:port, separated by commas.");
    if (*count == max)
      return sw_error_say(why, size, "At most %u relays can be given.", (unsigned)max);
    if (!parse_relay(s, len, &out[*count], why, size))
      return false;
    (*count)++;
    s += strcspn(s, ",");
    if (*s == '\0')
      return true;
    s++;
  }
}

/* ---- webhooks ---- */

/* The host part of an https URL: its start and length; false if the URL
 * does not start with https://. */
static bool url_host(const char *url, const char **host, size_t *len)
{
  static const char scheme[] = "https://";
  size_t n = strlen(scheme);
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)url[i]) != scheme[i])
      return false;
  *host = url + n;
  *len = strcspn(*host, "/?#");
  return true;
}

bool sw_webhook_url_check(const char *url, char *why, size_t size)
{
  const char *host;
  size_t len;
  if (!url_host(url, &host, &len))
    return sw_error_say(why, size, "A webhook URL must begin with https://.");
  if (strlen(url) > SW_WEBHOOK_URL_MAX)
    return sw_error_say(why, size, "The webhook URL is longer than %d characters.",
                        SW_WEBHOOK_URL_MAX);
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
      return sw_error_say(
          why, size,
          "The webhook URL contains a space, a control or a non-ASCII character: "
          "paste it as the receiver gave it (percent-encoded).");
  if (memchr(host, '@', len))
    return sw_error_say(why, size,
                        "The webhook URL must not carry a user name or password before "
                        "its host.");
  struct sw_relay r;
  char ignored[SW_NOTIFIER_PROBLEM_MAX];
  if (!parse_relay(host, len, &r, ignored, sizeof ignored))
    return sw_error_say(
        why, size, "The webhook URL's host \"%.*s\" is not a host name or IP address.",
        (int)len, host);
  return true;
}

void sw_webhook_url_shown(const char *url, char *out, size_t size)
{
  const char *host;
  size_t len;
  if (!url_host(url, &host, &len)) {
    snprintf(out, size, "(set)");
    return;
  }
  snprintf(out, size, "https://%.*s/...", (int)len, host);
}

static char *trim_spaces(char *s)
{
  while (*s == ' ')
    s++;
  size_t len = strlen(s);
  while (len && s[len - 1] == ' ')
    s[--len] = '\0';
  return s;
}

bool sw_mail_to_list_split(char *text, const char **out, size_t max, size_t *count,
                           char *why, size_t size)
{
  *count = 0;
  for (char *p = text;;) {
    char *comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    if (*count == max)
      return sw_error_say(why, size, "An e-mail notifier sends to at most %u addresses.",
                          (unsigned)max);
    out[(*count)++] = trim_spaces(p);
    if (!comma)
      return true;
    p = comma + 1;
  }
}

/* ---- the notifier ---- */

static bool check_email(const struct sw_notifier *n, char *why, size_t size)
{
  if (n->to_count == 0)
    return sw_error_say(why, size,
                        "An e-mail notifier needs at least one address to send to.");
  if (n->to_count > SW_NOTIFIER_TO_MAX)
    return sw_error_say(why, size, "An e-mail notifier sends to at most %d addresses.",
                        SW_NOTIFIER_TO_MAX);
  for (size_t i = 0; i < n->to_count; i++)
    if (!sw_mail_address_check(n->to[i], why, size))
      return false;
  if (n->from[0] && !sw_mail_address_check(n->from, why, size))
    return false;
  if (n->relay_count == 0 || n->relay_count > SW_NOTIFIER_RELAYS_MAX)
    return sw_error_say(why, size,
                        "An e-mail notifier needs 1 to %d relays to send through.",
                        SW_NOTIFIER_RELAYS_MAX);
  if (n->auth_user[0] && sw_utf8_line_check(n->auth_user, strlen(n->auth_user), NULL))
    return sw_error_say(why, size, "The AUTH user name must be one line of text.");
  if (n->auth_user[0] && !n->has_auth_password)
    return sw_error_say(why, size, "AUTH needs a password as well as the user name.");
  return true;
}

static bool check_kind(const struct sw_notifier *n, char *why, size_t size)
{
  switch (n->kind) {
  case SW_NOTIFIER_EMAIL:
    return check_email(n, why, size);
  case SW_NOTIFIER_WEBHOOK:
    return sw_webhook_url_check(n->url, why, size);
  case SW_NOTIFIER_PROGRAM:
    if (!n->command_line[0] || strlen(n->command_line) > SW_PROGRAM_LINE_MAX ||
        sw_utf8_line_check(n->command_line, strlen(n->command_line), NULL))
      return sw_error_say(why, size,
                          "The program's command line must be one line of 1 to %d "
                          "characters.",
                          SW_PROGRAM_LINE_MAX);
    if (n->timeout_s < 1 || n->timeout_s > SW_PROGRAM_TIMEOUT_MAX_S)
      return sw_error_say(why, size, "The program's timeout must be 1 to %u seconds.",
                          SW_PROGRAM_TIMEOUT_MAX_S);
    return true;
  case SW_NOTIFIER_RESTART_SERVICE:
    if (!n->service_name[0] || strlen(n->service_name) > SW_SERVICE_NAME_MAX ||
        strpbrk(n->service_name, "/\\") ||
        sw_utf8_line_check(n->service_name, strlen(n->service_name), NULL))
      return sw_error_say(why, size,
                          "The service name must be 1 to %d characters, without / or \\ "
                          "(the name sc.exe shows, such as SMTPSVC).",
                          SW_SERVICE_NAME_MAX);
    return true;
  default:
    return sw_error_say(why, size, "Unknown notifier kind.");
  }
}

bool sw_notifier_validate(const struct sw_notifier *n, char *why, size_t size)
{
  size_t chars;
  size_t len = strlen(n->name);
  if (len == 0 || sw_utf8_line_check(n->name, len, &chars) != SW_LINE_OK ||
      chars > SW_NOTIFIER_NAME_MAX_CHARS)
    return sw_error_say(why, size,
                        "A notifier's name must be one line of 1 to %d characters.",
                        SW_NOTIFIER_NAME_MAX_CHARS);
  return check_kind(n, why, size);
}
