#include "mta_sts.h"

#include <stdio.h>
#include <string.h>

#include "sw_error.h"

static const char *const mode_names[] = {SW_MTA_STS_MODE_MAP(SW_X_2)};

const char *sw_mta_sts_mode_name(enum sw_mta_sts_mode mode)
{
  return SW_TABLE_AT(mode_names, mode, "?");
}

static bool is_alnum(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_wsp(char c)
{
  return c == ' ' || c == '\t';
}

static char ascii_lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- The TXT record (3.1) ---- */

static bool id_ok(const char *v, size_t len)
{
  if (len == 0 || len > SW_MTA_STS_ID_MAX)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!is_alnum(v[i]))
      return false;
  return true;
}

static bool read_id(void *ctx, const char *v, size_t len, char *why, size_t why_size)
{
  struct sw_mta_sts_txt *out = ctx;
  if (!id_ok(v, len)) {
    char q[SW_TXT_QUOTE_MAX + 8];
    sw_txt_quote(q, sizeof q, v, len);
    return sw_error_say(
        why, why_size, "the MTA-STS record's id \"%s\" is not 1 to 32 letters and digits",
        q);
  }
  memcpy(out->id, v, len);
  out->id[len] = '\0';
  return true;
}

enum sw_txt_status sw_mta_sts_txt_read(const struct sw_txt_record *records, size_t count,
                                       struct sw_mta_sts_txt *out, char *why,
                                       size_t why_size)
{
  struct sw_mta_sts_txt got = {{0}};
  enum sw_txt_status st = sw_txt_read(records, count, "v=STSv1", "MTA-STS", "id", read_id,
                                      &got, why, why_size);
  if (st == SW_TXT_OK)
    *out = got;
  return st;
}

/* ---- Host names and patterns (3.2, 4.1) ---- */

/* Whether name[0..len) is a Domain of RFC 5321 (labels of letters, digits
 * and inner hyphens, separated by dots), at most SW_DOMAIN_NAME_MAX long. */
static bool domain_ok(const char *name, size_t len)
{
  if (len == 0 || len > SW_DOMAIN_NAME_MAX)
    return false;
  size_t label = 0;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (c == '.') {
      if (label == 0 || name[i - 1] == '-')
        return false;
      label = 0;
    } else if (is_alnum(c) || (c == '-' && label > 0)) {
      if (++label > 63)
        return false;
    } else {
      return false;
    }
  }
  return label > 0 && name[len - 1] != '-';
}

/* name without one trailing dot: its length. */
static size_t bare_len(const char *name, size_t len)
{
  return len > 0 && name[len - 1] == '.' ? len - 1 : len;
}

static bool equal_nocase(const char *a, const char *b, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

bool sw_mta_sts_mx_matches(const char *pattern, const char *host)
{
  if (!pattern || !host)
    return false;
  size_t plen = bare_len(pattern, strlen(pattern));
  size_t hlen = bare_len(host, strlen(host));
  if (plen == 0 || hlen == 0)
    return false;
  if (plen >= 2 && pattern[0] == '*' && pattern[1] == '.') {
    /* "*.example.com": one label, then ".example.com" exactly. */
    size_t suffix = plen - 1; /* ".example.com" */
    if (hlen <= suffix || suffix < 2)
      return false;
    size_t label = hlen - suffix;
    if (memchr(host, '.', label))
      return false;
    return equal_nocase(host + label, pattern + 1, suffix);
  }
  return plen == hlen && equal_nocase(pattern, host, plen);
}

int sw_mta_sts_policy_match(const struct sw_mta_sts_policy *policy, const char *host)
{
  for (size_t i = 0; i < policy->mx_count && i < SW_MTA_STS_MX_MAX; i++)
    if (sw_mta_sts_mx_matches(policy->mx[i], host))
      return (int)i;
  return -1;
}

/* ---- The policy file (3.2) ---- */

enum { SEEN_VERSION = 1, SEEN_MODE = 2, SEEN_MAX_AGE = 4 };

struct policy_reader {
  struct sw_mta_sts_policy *out;
  unsigned seen;
  size_t line_no;
  char *why;
  size_t why_size;
};

static bool say_line(struct policy_reader *r, const char *what, const char *v, size_t len)
{
  char q[SW_TXT_QUOTE_MAX + 8];
  sw_txt_quote(q, sizeof q, v, len);
  return sw_error_say(r->why, r->why_size, "line %u of the MTA-STS policy: %s \"%s\"",
                      (unsigned)r->line_no, what, q);
}

static bool read_mode(struct policy_reader *r, const char *v, size_t len)
{
  for (size_t m = 0; m < SW_MTA_STS_MODE_COUNT; m++)
    if (strlen(mode_names[m]) == len && memcmp(mode_names[m], v, len) == 0) {
      r->out->mode = (enum sw_mta_sts_mode)m;
      return true;
    }
  return say_line(r, "the mode is not enforce, testing or none:", v, len);
}

static bool read_max_age(struct policy_reader *r, const char *v, size_t len)
{
  uint64_t n = 0;
  if (len == 0 || len > 10)
    return say_line(r, "max_age is not 1 to 10 digits:", v, len);
  for (size_t i = 0; i < len; i++) {
    if (v[i] < '0' || v[i] > '9')
      return say_line(r, "max_age is not a number of seconds:", v, len);
    n = n * 10 + (uint64_t)(v[i] - '0');
  }
  if (n > SW_MTA_STS_MAX_AGE_LIMIT)
    return say_line(r, "max_age is above RFC 8461's limit of 31557600 seconds:", v, len);
  r->out->max_age = (uint32_t)n;
  return true;
}

static bool read_mx(struct policy_reader *r, const char *v, size_t len)
{
  size_t bare = bare_len(v, len);
  bool wild = bare >= 2 && v[0] == '*' && v[1] == '.';
  if (!domain_ok(wild ? v + 2 : v, wild ? bare - 2 : bare))
    return say_line(r, "the mx pattern is not a host name or \"*.\" and one:", v, len);
  if (r->out->mx_count == SW_MTA_STS_MX_MAX)
    return say_line(r, "more than 32 mx patterns; the 33rd is", v, len);
  char *dst = r->out->mx[r->out->mx_count++];
  for (size_t i = 0; i < bare; i++)
    dst[i] = ascii_lower(v[i]);
  dst[bare] = '\0';
  return true;
}

/* One "key: value" line, without its line end. */
static bool read_line(struct policy_reader *r, const char *line, size_t len)
{
  const char *colon = memchr(line, ':', len);
  if (!colon)
    return say_line(r, "a line that is not \"key: value\":", line, len);
  size_t klen = (size_t)(colon - line);
  const char *v = colon + 1, *end = line + len;
  while (v < end && is_wsp(*v))
    v++;
  while (end > v && is_wsp(end[-1]))
    end--;
  size_t vlen = (size_t)(end - v);
  for (size_t i = 0; i < klen; i++)
    if (!is_alnum(line[i]) &&
        (i == 0 || (line[i] != '_' && line[i] != '-' && line[i] != '.')))
      return say_line(r, "a key that is not a field name:", line, klen);
  if (klen == 0 || klen > 32)
    return say_line(r, "a key that is not a field name:", line, klen);
#define KEY_IS(k) (klen == sizeof k - 1 && memcmp(line, k, klen) == 0)
  if (KEY_IS("mx"))
    return read_mx(r, v, vlen);
  unsigned bit = KEY_IS("version")   ? SEEN_VERSION
                 : KEY_IS("mode")    ? SEEN_MODE
                 : KEY_IS("max_age") ? SEEN_MAX_AGE
                                     : 0;
#undef KEY_IS
  if (bit == 0 || (r->seen & bit))
    return true; /* unknown keys are ignored; of a repeated key the first counts */
  r->seen |= bit;
  if (bit == SEEN_MODE)
    return read_mode(r, v, vlen);
  if (bit == SEEN_MAX_AGE)
    return read_max_age(r, v, vlen);
  if (vlen != 5 || memcmp(v, "STSv1", 5) != 0)
    return say_line(r, "the version is not STSv1:", v, vlen);
  return true;
}

static bool check_complete(struct policy_reader *r)
{
  const char *missing = !(r->seen & SEEN_VERSION)   ? "version"
                        : !(r->seen & SEEN_MODE)    ? "mode"
                        : !(r->seen & SEEN_MAX_AGE) ? "max_age"
                                                    : NULL;
  if (missing)
    return sw_error_say(r->why, r->why_size, "the MTA-STS policy has no %s line",
                        missing);
  if (r->out->mx_count == 0 && r->out->mode != SW_MTA_STS_NONE)
    return sw_error_say(r->why, r->why_size,
                        "the MTA-STS policy (mode %s) lists no mx pattern",
                        sw_mta_sts_mode_name(r->out->mode));
  return true;
}

bool sw_mta_sts_policy_read(const char *body, size_t len, struct sw_mta_sts_policy *out,
                            char *why, size_t why_size)
{
  if (!body || len == 0)
    return sw_error_say(why, why_size, "the MTA-STS policy is empty");
  if (len > SW_MTA_STS_POLICY_MAX_BYTES) {
    char size[24]; /* sw_error_say's format check knows no %zu on Windows */
    snprintf(size, sizeof size, "%zu", len);
    return sw_error_say(why, why_size,
                        "the MTA-STS policy is %s octets, more than the %u read", size,
                        SW_MTA_STS_POLICY_MAX_BYTES);
  }
  if (memchr(body, '\0', len))
    return sw_error_say(why, why_size, "the MTA-STS policy contains a NUL octet");
  struct sw_mta_sts_policy got; /* *out changes only on success */
  memset(&got, 0, sizeof got);
  struct policy_reader r = {&got, 0, 0, why, why_size};
  const char *p = body, *end = body + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *line_end = nl ? nl : end;
    size_t n = (size_t)(line_end - p);
    if (n > 0 && p[n - 1] == '\r')
      n--;
    r.line_no++;
    size_t k = 0;
    while (k < n && is_wsp(p[k]))
      k++;
    if (k < n && !read_line(&r, p, n))
      return false;
    p = nl ? nl + 1 : end;
  }
  if (!check_complete(&r))
    return false;
  *out = got;
  return true;
}
