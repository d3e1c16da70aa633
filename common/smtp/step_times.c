#include "step_times.h"

#include <stdio.h>
#include <string.h>

#include "sw_macros.h"

void sw_step_times_format(const struct sw_check_result *r, char *out, size_t size)
{
  size_t len = 0;
  if (size == 0)
    return;
  out[0] = '\0';
  for (int i = 0; i < SW_STEP_COUNT; i++) {
    if (r->step_us[i] < 0)
      continue;
    int n = snprintf(out + len, size - len, "%s%s=%lld", len ? ";" : "",
                     sw_step_name((enum sw_step)i), (long long)r->step_us[i]);
    if (NEVER(n < 0 || (size_t)n >= size - len)) {
      out[len] = '\0'; /* SW_STEP_TIMES_MAX holds every entry; drop a cut one */
      break;
    }
    len += (size_t)n;
  }
}

/* A non-negative decimal in s[0..len), without strtoll's appetite for
 * signs, spaces and overflow. */
static bool parse_us(const char *s, size_t len, long long *out)
{
  if (len == 0 || len > 18)
    return false;
  long long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

void sw_step_times_parse(const char *text, size_t len, struct sw_check_result *r)
{
  const char *end = text + len;
  while (text < end) {
    const char *semi = memchr(text, ';', (size_t)(end - text));
    size_t n = semi ? (size_t)(semi - text) : (size_t)(end - text);
    const char *eq = memchr(text, '=', n);
    enum sw_step step;
    long long v;
    if (eq && sw_step_from_name(text, (size_t)(eq - text), &step) &&
        parse_us(eq + 1, (size_t)(text + n - eq - 1), &v))
      r->step_us[step] = v;
    text += n + (semi ? 1 : 0);
  }
}
