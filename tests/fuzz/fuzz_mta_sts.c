/* libFuzzer target for what a domain publishes about its mail transport
 * (common/domain): MTA-STS policy files, the _mta-sts and _smtp._tls TXT
 * records, and MX names matched against policy patterns. The first byte
 * picks the reader (its value modulo 4: A a policy file, B TXT records for
 * MTA-STS, C for TLS-RPT, D a policy then an MX name after its last
 * newline). TXT records are split at newlines (a record may hold any
 * octet but a newline here). Invariants: no crash, no leak, no read outside the
 * input (ASan); a refusal always says why; what is accepted keeps its
 * bounds (an id of 1 to 32 letters and digits, max_age within RFC 8461's
 * limit, mx patterns present unless the mode is none, each one matching
 * itself); a verdict is never empty. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mta_sts.h"
#include "tls_rpt.h"

#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

static struct sw_mta_sts_policy policy;

static bool read_policy(const char *text, size_t len)
{
  char why[256] = "";
  if (!sw_mta_sts_policy_read(text, len, &policy, why, sizeof why)) {
    CHECK(why[0] != '\0');
    return false;
  }
  CHECK(policy.max_age <= SW_MTA_STS_MAX_AGE_LIMIT);
  CHECK(policy.mode < SW_MTA_STS_MODE_COUNT);
  CHECK(policy.mx_count <= SW_MTA_STS_MX_MAX);
  CHECK(policy.mx_count > 0 || policy.mode == SW_MTA_STS_NONE);
  for (size_t i = 0; i < policy.mx_count; i++) {
    const char *p = policy.mx[i];
    CHECK(p[0] != '\0' && strlen(p) <= SW_DOMAIN_NAME_MAX);
    /* A pattern's own name matches it ("*.x" matches "a.x"). */
    char host[SW_DOMAIN_NAME_MAX + 2];
    if (p[0] == '*') {
      host[0] = 'a';
      memcpy(host + 1, p + 1, strlen(p));
    } else {
      memcpy(host, p, strlen(p) + 1);
    }
    CHECK(sw_mta_sts_policy_match(&policy, host) >= 0);
  }
  return true;
}

static size_t split_records(const char *text, size_t len, struct sw_txt_record *recs,
                            size_t max)
{
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= len && n < max; i++)
    if (i == len || text[i] == '\n') {
      recs[n++] = (struct sw_txt_record){text + start, i - start};
      start = i + 1;
    }
  return n;
}

static void txt_records(const char *text, size_t len, bool sts)
{
  struct sw_txt_record recs[8];
  size_t n = split_records(text, len, recs, 8);
  char why[256] = "";
  if (sts) {
    struct sw_mta_sts_txt t;
    if (sw_mta_sts_txt_read(recs, n, &t, why, sizeof why) != SW_TXT_OK) {
      CHECK(why[0] != '\0');
      return;
    }
    size_t idlen = strlen(t.id);
    CHECK(idlen >= 1 && idlen <= SW_MTA_STS_ID_MAX);
    return;
  }
  static struct sw_tls_rpt r;
  if (sw_tls_rpt_read(recs, n, &r, why, sizeof why) != SW_TXT_OK) {
    CHECK(why[0] != '\0');
    return;
  }
  CHECK(r.rua_count >= 1 && r.rua_count <= SW_TLS_RPT_RUA_MAX);
}

static void judge(const char *text, size_t len)
{
  const char *nl = NULL;
  for (size_t i = len; i > 0 && !nl; i--)
    if (text[i - 1] == '\n')
      nl = text + i - 1;
  if (!nl || !read_policy(text, (size_t)(nl - text)))
    return;
  char host[300];
  size_t hlen = len - (size_t)(nl + 1 - text);
  if (hlen >= sizeof host || memchr(nl + 1, '\0', hlen))
    return;
  memcpy(host, nl + 1, hlen);
  host[hlen] = '\0';
  for (int tls = 0; tls < 2; tls++) {
    struct sw_mta_sts_mx_seen seen = {host, tls, tls};
    struct sw_mta_sts_verdict v;
    sw_mta_sts_judge_mx(&policy, &seen, &v);
    CHECK(v.sentence[0] != '\0');
    CHECK(v.violation == (v.pattern < 0 || !tls));
    CHECK(v.level == SW_MTA_STS_MX_OK || v.violation);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  switch (data[0] % 4) {
  case 1: /* 'A' is 65: policies first */
    read_policy(text, len);
    break;
  case 2:
    txt_records(text, len, true);
    break;
  case 3:
    txt_records(text, len, false);
    break;
  default:
    judge(text, len);
    break;
  }
  return 0;
}
