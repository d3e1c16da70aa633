/* What an MTA-STS policy says of one MX host (RFC 8461 4 and 5): the
 * sentence a user reads, and how bad it is under the policy's mode. */
#include <stdio.h>
#include <string.h>

#include "mta_sts.h"

/* The policy's patterns as "a, b, c", cut to fit out[size]. */
static void list_patterns(char *out, size_t size, const struct sw_mta_sts_policy *p)
{
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < p->mx_count && i < SW_MTA_STS_MX_MAX; i++) {
    int w = snprintf(out + n, size - n, "%s%s", i ? ", " : "", p->mx[i]);
    if (w < 0 || (size_t)w >= size - n) {
      out[n] = '\0';
      const char *more = n ? ", ..." : "...";
      snprintf(out + n, size - n, "%s", n + strlen(more) < size ? more : "");
      return;
    }
    n += (size_t)w;
  }
}

/* The host's faults, joined by "and", into out[size]: "" when none. */
static void list_faults(char *out, size_t size, const struct sw_mta_sts_policy *p,
                        const struct sw_mta_sts_mx_seen *seen, int pattern)
{
  char patterns[200];
  list_patterns(patterns, sizeof patterns, p);
  const char *faults[3];
  char no_match[sizeof patterns + 64];
  size_t count = 0;
  if (pattern < 0) {
    snprintf(no_match, sizeof no_match, "matches none of the policy's mx patterns (%s)",
             p->mx_count ? patterns : "it lists none");
    faults[count++] = no_match;
  }
  if (!seen->starttls_offered)
    faults[count++] = "offers no STARTTLS";
  else if (!seen->cert_valid_for_name)
    faults[count++] = "presents no certificate valid for its name";
  out[0] = '\0';
  size_t n = 0;
  for (size_t i = 0; i < count && n < size; i++) {
    int w = snprintf(out + n, size - n, "%s%s", i ? " and " : "", faults[i]);
    if (w < 0)
      return;
    n += (size_t)w;
  }
}

void sw_mta_sts_judge_mx(const struct sw_mta_sts_policy *policy,
                         const struct sw_mta_sts_mx_seen *seen,
                         struct sw_mta_sts_verdict *out)
{
  const char *host = seen->host && seen->host[0] ? seen->host : "(no name)";
  int pattern = sw_mta_sts_policy_match(policy, host);
  char faults[400];
  list_faults(faults, sizeof faults, policy, seen, pattern);
  out->pattern = pattern;
  out->violation = faults[0] != '\0';
  const char *mode = sw_mta_sts_mode_name(policy->mode);
  if (!out->violation) {
    out->level = SW_MTA_STS_MX_OK;
    snprintf(out->sentence, sizeof out->sentence,
             "MTA-STS (%s): %s matches the pattern %s, offers STARTTLS and presents a "
             "certificate valid for its name",
             mode, host, policy->mx[pattern]);
    return;
  }
  /* How bad the faults are, and what they mean to a sender, by mode. */
  const char *consequence;
  switch (policy->mode) {
  case SW_MTA_STS_ENFORCE:
    out->level = SW_MTA_STS_MX_ERROR;
    consequence = "senders that apply the policy will not deliver mail to it";
    break;
  case SW_MTA_STS_TESTING:
    out->level = SW_MTA_STS_MX_WARNING;
    consequence = "senders still deliver, but would not once the mode is enforce";
    break;
  case SW_MTA_STS_NONE:
  default:
    out->level = SW_MTA_STS_MX_OK;
    consequence = "the policy is withdrawn, so senders apply nothing";
    break;
  }
  snprintf(out->sentence, sizeof out->sentence, "MTA-STS (%s): %s %s; %s", mode, host,
           faults, consequence);
}
