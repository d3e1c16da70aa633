/* The mail address check (mail_address.h): what RFC 5321 lets through
 * MAIL FROM:<...> and RCPT TO:<...>, as far as SMTP Watch sends it. */
#include "mail_address.h"

#include <ctype.h>
#include <string.h>

#include "host_text.h"
#include "sw_error.h"
#include "sw_utf8.h"

/* RFC 5322 atext: the characters of a dot-atom's parts. */
static bool is_atext(char c)
{
  return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool dot_atom(const char *s, size_t len)
{
  if (len == 0 || s[0] == '.' || s[len - 1] == '.')
    return false;
  for (size_t i = 0; i < len; i++)
    if (!(is_atext(s[i]) || (s[i] == '.' && s[i + 1] != '.')))
      return false;
  return true;
}

/* [192.0.2.1] or [IPv6:2001:db8::1] (RFC 5321 4.1.3). */
static bool address_literal(const char *s, size_t len)
{
  if (len < 3 || s[0] != '[' || s[len - 1] != ']')
    return false;
  if (len > 7 && strncmp(s + 1, "IPv6:", 5) == 0)
    return sw_host_is_ipv6(s + 6, len - 7);
  return sw_host_is_ipv4(s + 1, len - 2);
}

bool sw_mail_address_check(const char *a, char *why, size_t size)
{
  size_t len = strlen(a);
  const char *at = strrchr(a, '@');
  if (len == 0)
    return sw_error_say(why, size, "An e-mail address is empty.");
  if (sw_utf8_line_check(a, len, NULL) != SW_LINE_OK)
    return sw_error_say(why, size, "\"%s\" is not one line of text.", a);
  for (const char *p = a; *p; p++)
    if ((unsigned char)*p >= 0x80)
      return sw_error_say(
          why, size,
          "\"%s\" has non-ASCII characters; SMTP Watch sends to ASCII addresses "
          "(write the domain in its xn-- form).",
          a);
  if (len > SW_MAIL_ADDRESS_MAX)
    return sw_error_say(why, size, "\"%s\" is longer than %d characters.", a,
                        SW_MAIL_ADDRESS_MAX);
  if (!at || at == a || at[1] == '\0')
    return sw_error_say(
        why, size, "\"%s\" is not an e-mail address: write it as name@example.com.", a);
  size_t local = (size_t)(at - a), domain = len - local - 1;
  if (local > 64 || !dot_atom(a, local))
    return sw_error_say(
        why, size,
        "\"%s\": the part before @ must be 1 to 64 letters, digits, dots (not two in "
        "a row, not at either end) and !#$%%&'*+-/=?^_`{|}~.",
        a);
  if (!address_literal(at + 1, domain) &&
      (sw_host_check_dns(at + 1, domain) != SW_DNS_OK || sw_host_is_ipv4(at + 1, domain)))
    return sw_error_say(
        why, size,
        "\"%s\": the part after @ must be a domain name, or an address in brackets "
        "([192.0.2.1], [IPv6:2001:db8::1]).",
        a);
  return true;
}
