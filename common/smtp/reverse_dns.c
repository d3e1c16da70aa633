#include "reverse_dns.h"

#include <stdio.h>
#include <string.h>

static size_t name_len(const char *s)
{
  size_t n = strlen(s);
  return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

static char ascii_lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool sw_host_names_equal(const char *a, const char *b)
{
  size_t n = name_len(a);
  if (n == 0 || n != name_len(b))
    return false;
  for (size_t i = 0; i < n; i++)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

/* The finding in words, before the greeting is compared. */
static void say_finding(char *out, size_t size, const char *address, const char *name,
                        enum sw_ptr_finding finding)
{
  switch (finding) {
  case SW_PTR_FOUND:
    snprintf(out, size, "the reverse name of %s is %s", address, name);
    return;
  case SW_PTR_NONE:
    snprintf(out, size, "%s has no reverse name (PTR)", address);
    return;
  case SW_PTR_NOT_BACK:
    snprintf(out, size, "the reverse name of %s is %s, which does not resolve back to it",
             address, name);
    return;
  case SW_PTR_NO_ANSWER:
  default:
    snprintf(out, size, "the reverse lookup of %s did not finish within the check's time",
             address);
    return;
  }
}

void sw_ptr_judge(struct sw_check_result *r, const char *address, const char *name,
                  enum sw_ptr_finding finding, int64_t rel_us)
{
  if (!name)
    name = "";
  sw__escape_text(r->ptr_name, sizeof r->ptr_name, name, strlen(name), false);
  char said[SW_DETAIL_MAX];
  say_finding(said, sizeof said, address, r->ptr_name, finding);
  bool same =
      finding == SW_PTR_FOUND && sw_host_names_equal(r->ptr_name, r->greeting_host);
  char sentence[SW_DETAIL_MAX + SW_GREETING_HOST_MAX + 64];
  if (same)
    snprintf(sentence, sizeof sentence,
             "%s, which resolves back to it and is the greeting's name", said);
  else if (finding == SW_PTR_FOUND && r->greeting_host[0])
    snprintf(sentence, sizeof sentence, "%s, but the greeting names %s", said,
             r->greeting_host);
  else if (r->greeting_host[0])
    snprintf(sentence, sizeof sentence, "%s; the greeting names %s", said,
             r->greeting_host);
  else
    snprintf(sentence, sizeof sentence, "%s; the greeting gives no host name", said);
  char line[sizeof sentence + 32];
  snprintf(line, sizeof line, "reverse DNS: %s", sentence);
  sw__transcript_line(r, rel_us, "--", line, strlen(line));
  if (!same && r->outcome == SW_OUTCOME_OK) {
    r->outcome = SW_OUTCOME_BANNER_MISMATCH;
    sw__escape_text(r->detail, sizeof r->detail, sentence, strlen(sentence), false);
  }
}
