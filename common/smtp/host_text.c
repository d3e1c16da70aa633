#include "host_text.h"

#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

/* Our own character classes: <ctype.h> depends on the locale and is undefined
 * for negative chars, and these decide what is a valid address. */
static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool sw_host_is_ipv4(const char *s, size_t len)
{
  size_t i = 0;
  for (int part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= len || s[i] != '.')
        return false;
      i++;
    }
    size_t start = i;
    unsigned value = 0;
    while (i < len && is_digit(s[i]) && i - start < 3) {
      value = value * 10 + (unsigned)(s[i] - '0');
      i++;
    }
    size_t digits = i - start;
    if (digits == 0 || value > 255)
      return false;
    /* "010" is octal to inet_addr: refuse rather than guess. */
    if (digits > 1 && s[start] == '0')
      return false;
  }
  return i == len;
}

bool sw_host_is_ipv6(const char *s, size_t len)
{
  size_t i = 0;
  int groups = 0;
  bool compressed = false;
  if (len >= 2 && s[0] == ':' && s[1] == ':') {
    compressed = true;
    i = 2;
  } else if (len > 0 && s[0] == ':') {
    return false; /* a single leading colon */
  }
  while (i < len) {
    size_t start = i;
    while (i < len && is_hex(s[i]) && i - start < 5)
      i++;
    if (i < len && s[i] == '.') {
      /* An embedded IPv4 address must be the rest of the text and counts as
       * two groups. */
      if (!sw_host_is_ipv4(s + start, len - start))
        return false;
      groups += 2;
      i = len;
      break;
    }
    size_t digits = i - start;
    if (digits == 0 || digits > 4)
      return false;
    groups++;
    if (i == len)
      break;
    if (s[i] != ':')
      return false;
    i++;
    if (i < len && s[i] == ':') {
      if (compressed)
        return false; /* a second "::" would make the address ambiguous */
      compressed = true;
      i++;
    } else if (i == len) {
      return false; /* a single trailing colon */
    }
  }
  /* "::" stands for at least one group of zeros (RFC 4291 2.2). */
  return compressed ? groups <= 7 : groups == 8;
}

enum sw_dns_problem sw_host_check_dns(const char *s, size_t len)
{
  if (len == 0)
    return SW_DNS_EMPTY;
  if (s[len - 1] == '.' && len > 1)
    len--; /* the root label: "mail.example.com." is absolute, and fine */
  if (len > SW_DNS_NAME_MAX)
    return SW_DNS_TOO_LONG;
  size_t label_start = 0;
  bool label_numeric = true;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == '.') {
      size_t label_len = i - label_start;
      if (label_len == 0)
        return SW_DNS_EMPTY_LABEL;
      if (label_len > 63)
        return SW_DNS_LABEL_TOO_LONG;
      if (s[label_start] == '-' || s[i - 1] == '-')
        return SW_DNS_HYPHEN_EDGE;
      if (i == len && label_numeric)
        return SW_DNS_NUMERIC_END;
      label_start = i + 1;
      label_numeric = true;
      continue;
    }
    char c = s[i];
    if ((unsigned char)c >= 0x80)
      return SW_DNS_NON_ASCII;
    if (!is_alpha(c) && !is_digit(c) && c != '-')
      return SW_DNS_BAD_CHAR;
    if (!is_digit(c))
      label_numeric = false;
  }
  return SW_DNS_OK;
}

static const char *const dns_problem_texts[] = {SW_DNS_PROBLEM_MAP(SW_X_2)};

const char *sw_dns_problem_text(enum sw_dns_problem p)
{
  return SW_TABLE_AT(dns_problem_texts, p, "is not valid");
}

/* If `host` is "[...]", points *inner at the text between the brackets. */
static bool bracketed(const char *host, const char **inner, size_t *inner_len)
{
  size_t len = strlen(host);
  if (len < 2 || host[0] != '[' || host[len - 1] != ']')
    return false;
  *inner = host + 1;
  *inner_len = len - 2;
  return true;
}

enum sw_host_kind sw_host_classify(const char *host)
{
  const char *inner;
  size_t inner_len;
  if (bracketed(host, &inner, &inner_len))
    return sw_host_is_ipv6(inner, inner_len) ? SW_HOST_IPV6 : SW_HOST_INVALID;
  size_t len = strlen(host);
  if (sw_host_is_ipv4(host, len))
    return SW_HOST_IPV4;
  if (sw_host_is_ipv6(host, len))
    return SW_HOST_IPV6;
  if (sw_host_check_dns(host, len) == SW_DNS_OK)
    return SW_HOST_DNS;
  return SW_HOST_INVALID;
}

bool sw_host_normalize(const char *host, char *out, size_t size)
{
  const char *src = host;
  size_t len = strlen(host);
  const char *inner;
  size_t inner_len;
  if (bracketed(host, &inner, &inner_len) && sw_host_is_ipv6(inner, inner_len)) {
    src = inner;
    len = inner_len;
  }
  if (len >= size) {
    if (size > 0)
      out[0] = '\0';
    return false;
  }
  memcpy(out, src, len);
  out[len] = '\0';
  return true;
}

bool sw_host_format_endpoint(const char *host, uint16_t port, char *out, size_t size)
{
  const char *inner;
  size_t inner_len;
  int n;
  if (bracketed(host, &inner, &inner_len) && sw_host_is_ipv6(inner, inner_len))
    n = snprintf(out, size, "[%.*s]:%u", (int)inner_len, inner, (unsigned)port);
  else if (sw_host_is_ipv6(host, strlen(host)))
    n = snprintf(out, size, "[%s]:%u", host, (unsigned)port);
  else
    n = snprintf(out, size, "%s:%u", host, (unsigned)port);
  return n >= 0 && (size_t)n < size;
}
