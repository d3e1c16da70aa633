#include "tls_rpt.h"

#include <string.h>

#include "sw_error.h"

static bool is_wsp(char c)
{
  return c == ' ' || c == '\t';
}

static bool starts_with_nocase(const char *s, size_t len, const char *prefix)
{
  size_t n = strlen(prefix);
  if (len < n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i])
      return false;
  }
  return true;
}

/* One URI of rua: mailto: or https:, something after the scheme, no
 * space, control, ";" or "," inside (those must be percent-encoded). */
static bool read_uri(struct sw_tls_rpt *out, const char *u, size_t len, char *why,
                     size_t why_size)
{
  char q[SW_TXT_QUOTE_MAX + 8];
  sw_txt_quote(q, sizeof q, u, len);
  size_t scheme = starts_with_nocase(u, len, "mailto:")  ? 7
                  : starts_with_nocase(u, len, "https:") ? 6
                                                         : 0;
  if (scheme == 0)
    return sw_error_say(why, why_size,
                        "the TLS-RPT address \"%s\" is neither mailto: nor https:", q);
  if (len == scheme)
    return sw_error_say(why, why_size, "the TLS-RPT address \"%s\" is empty", q);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)u[i];
    if (c <= 0x20 || c >= 0x7f)
      return sw_error_say(why, why_size,
                          "the TLS-RPT address \"%s\" contains a space or a control", q);
  }
  if (len > SW_TLS_RPT_URI_MAX)
    return sw_error_say(why, why_size,
                        "the TLS-RPT address \"%s\" is longer than %d octets", q,
                        SW_TLS_RPT_URI_MAX);
  if (out->rua_count == SW_TLS_RPT_RUA_MAX)
    return sw_error_say(why, why_size, "the TLS-RPT record lists more than %d addresses",
                        SW_TLS_RPT_RUA_MAX);
  memcpy(out->rua[out->rua_count], u, len);
  out->rua[out->rua_count++][len] = '\0';
  return true;
}

/* rua's value: tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri), into the struct
 * sw_tls_rpt at ctx. */
static bool read_rua(void *ctx, const char *v, size_t len, char *why, size_t why_size)
{
  struct sw_tls_rpt *out = ctx;
  const char *p = v, *end = v + len;
  for (;;) {
    const char *comma = memchr(p, ',', (size_t)(end - p));
    const char *u_end = comma ? comma : end;
    const char *u = p;
    while (u < u_end && is_wsp(*u))
      u++;
    while (u_end > u && is_wsp(u_end[-1]))
      u_end--;
    if (u == u_end)
      return sw_error_say(why, why_size, "the TLS-RPT record's rua has an empty address");
    if (!read_uri(out, u, (size_t)(u_end - u), why, why_size))
      return false;
    if (!comma)
      return true;
    p = comma + 1;
  }
}

enum sw_txt_status sw_tls_rpt_read(const struct sw_txt_record *records, size_t count,
                                   struct sw_tls_rpt *out, char *why, size_t why_size)
{
  struct sw_tls_rpt got;
  memset(&got, 0, sizeof got);
  enum sw_txt_status st = sw_txt_read(records, count, "v=TLSRPTv1", "TLS-RPT", "rua",
                                      read_rua, &got, why, why_size);
  if (st == SW_TXT_OK)
    *out = got;
  return st;
}
