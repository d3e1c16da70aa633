/* The round trip's probe message (probe_message.h). */
#include "probe_message.h"

#include <string.h>

#include "calendar.h"
#include "mail_address.h"

#define MAX_OFFSET_MIN (24 * 60 - 1) /* RFC 5322 zone: +-hhmm, mm < 60 */

static bool is_alnum(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool is_rule_char(char ch)
{
  return is_alnum(ch) || ch == '.' || ch == '_' || ch == '-';
}

/* s[0..len) has min..max characters, all of one kind. */
static bool all_of(const char *s, size_t len, size_t min, size_t max, bool (*kind)(char))
{
  if (len < min || len > max)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!kind(s[i]))
      return false;
  return true;
}

/* The Message-ID's right side may be what an address's domain may be: a
 * DNS name or an address literal (RFC 5322 3.6.4 id-right: dot-atom-text
 * or no-fold-literal), so the address check decides. */
static bool id_domain_ok(const char *domain)
{
  char address[SW_MAIL_ADDRESS_MAX + 2], why[8];
  size_t n = strlen(domain);
  if (n == 0 || n + 2 > SW_MAIL_ADDRESS_MAX)
    return false;
  memcpy(address, "x@", 2);
  memcpy(address + 2, domain, n + 1);
  return sw_mail_address_check(address, why, sizeof why);
}

bool sw_probe_message_check(const struct sw_probe_message *p, char *why, size_t size)
{
  char reason[160];
  if (!p->rule || !all_of(p->rule, strlen(p->rule), 1, SW_PROBE_RULE_MAX, is_rule_char))
    return sw_error_say(why, size,
                        "The probe's rule tag must be 1 to %d letters, digits, dots, "
                        "underscores or hyphens.",
                        SW_PROBE_RULE_MAX);
  if (!p->nonce || !all_of(p->nonce, strlen(p->nonce), SW_PROBE_NONCE_MIN,
                           SW_PROBE_NONCE_MAX, is_alnum))
    return sw_error_say(why, size,
                        "The probe's nonce must be %d to %d letters or digits.",
                        SW_PROBE_NONCE_MIN, SW_PROBE_NONCE_MAX);
  if (!p->from || !sw_mail_address_check(p->from, reason, sizeof reason))
    return sw_error_say(why, size, "The probe's sender: %s",
                        p->from ? reason : "none given.");
  if (!p->to || !sw_mail_address_check(p->to, reason, sizeof reason))
    return sw_error_say(why, size, "The probe's recipient: %s",
                        p->to ? reason : "none given.");
  if (!p->id_domain || !id_domain_ok(p->id_domain))
    return sw_error_say(why, size,
                        "The probe's Message-ID domain must be a domain name or an "
                        "address literal.");
  if (p->utc_offset_min < -MAX_OFFSET_MIN || p->utc_offset_min > MAX_OFFSET_MIN)
    return sw_error_say(why, size, "The probe's UTC offset must be within 24 hours.");
  char date[64];
  sw_rfc5322_date_format(p->date, p->utc_offset_min, date, sizeof date);
  if (strcmp(date, "?") == 0)
    return sw_error_say(why, size,
                        "The probe's date must fall within the years 1 to 9999.");
  return true;
}

enum sw_error sw_probe_message_write(const struct sw_probe_message *p, struct sw_buf *out,
                                     char *why, size_t size)
{
  if (!sw_probe_message_check(p, why, size))
    return SW_E_INVALID_ARGUMENT;
  char date[64];
  sw_rfc5322_date_format(p->date, p->utc_offset_min, date, sizeof date);
  enum sw_error err = SW_E_OK;
  sw_buf_printf_sticky(
      out, &err,
      "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\n"
      "Subject: SMTP Watch round-trip probe %s\r\n"
      "Message-ID: <%s@%s>\r\n" SW_PROBE_HEADER ": %s/%s\r\n"
      "Auto-Submitted: auto-generated\r\n" /* RFC 3834: no auto-replies */
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\n"
      "Content-Transfer-Encoding: 7bit\r\n\r\n",
      date, p->from, p->to, p->rule, p->nonce, p->id_domain, p->rule, p->nonce);
  sw_buf_printf_sticky(
      out, &err,
      "SMTP Watch sent this message to check that mail reaches this\r\n"
      "mailbox. It deletes the message when it finds it, and any probe\r\n"
      "of the same rule older than a day.\r\n\r\n"
      "Rule: %s\r\nProbe: %s\r\nSent: %s\r\n",
      p->rule, p->nonce, date);
  return err;
}

bool sw_probe_tag_parse(const char *value, size_t len, char *rule, size_t rule_size,
                        char *nonce, size_t nonce_size)
{
  if (!value)
    return false;
  while (len > 0 && (value[0] == ' ' || value[0] == '\t'))
    value++, len--;
  while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
    len--;
  const char *slash = memchr(value, '/', len);
  if (!slash)
    return false;
  size_t rlen = (size_t)(slash - value), nlen = len - rlen - 1;
  if (!all_of(value, rlen, 1, SW_PROBE_RULE_MAX, is_rule_char) ||
      !all_of(slash + 1, nlen, SW_PROBE_NONCE_MIN, SW_PROBE_NONCE_MAX, is_alnum) ||
      rlen >= rule_size || nlen >= nonce_size)
    return false;
  memcpy(rule, value, rlen);
  rule[rlen] = '\0';
  memcpy(nonce, slash + 1, nlen);
  nonce[nlen] = '\0';
  return true;
}
