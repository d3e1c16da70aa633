/* One field of a rule at a time, by enum sw_rule_field: where it is held,
 * its value, copying and comparing it. The one place that knows which
 * member holds which field (from SW_RULE_FIELD_MAP), for the pipe, the
 * store, the rules files, the command line's patches, the editor's form
 * and the service's reload. */
#include <assert.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "rule.h"
#include "sw_macros.h"

/* Where each field is held: its kind and its member. */
#define FIELD(kind, member)                                                              \
  {                                                                                      \
    kind, offsetof(struct sw_rule, member), sizeof(((struct sw_rule *)0)->member)        \
  }

static const struct {
  enum sw_rule_kind kind;
  size_t offset, size;
} fields[] = {
    [SW_RULE_FIELD_NAME] = FIELD(SW_RULE_TEXT, name),
    [SW_RULE_FIELD_HOST] = FIELD(SW_RULE_TEXT, host),
    [SW_RULE_FIELD_PORT] = FIELD(SW_RULE_PORT, port),
    [SW_RULE_FIELD_COMMAND] = FIELD(SW_RULE_TEXT, command),
    [SW_RULE_FIELD_EXPECT] = FIELD(SW_RULE_TEXT, expect),
    [SW_RULE_FIELD_TIMEOUT_MS] = FIELD(SW_RULE_U32, timeout_ms),
    [SW_RULE_FIELD_EHLO_NAME] = FIELD(SW_RULE_TEXT, ehlo_name),
    [SW_RULE_FIELD_INTERVAL_S] = FIELD(SW_RULE_U32, interval_s),
    [SW_RULE_FIELD_ENABLED] = FIELD(SW_RULE_FLAG, enabled),
    [SW_RULE_FIELD_TLS_MODE] = FIELD(SW_RULE_CHOICE, tls_mode),
    [SW_RULE_FIELD_TLS_INSECURE] = FIELD(SW_RULE_FLAG, tls_insecure),
    [SW_RULE_FIELD_CERT_WARN_DAYS] = FIELD(SW_RULE_DAYS, cert_warn_days),
    [SW_RULE_FIELD_CERT_CRIT_DAYS] = FIELD(SW_RULE_DAYS, cert_crit_days),
    [SW_RULE_FIELD_AUTH_USER] = FIELD(SW_RULE_TEXT, auth_user),
    [SW_RULE_FIELD_AUTH_PASSWORD] = FIELD(SW_RULE_SECRET, auth_password_set),
    [SW_RULE_FIELD_AUTH_MECH] = FIELD(SW_RULE_CHOICE, auth_mech),
    [SW_RULE_FIELD_AUTH_PLAINTEXT] = FIELD(SW_RULE_FLAG, auth_plaintext),
    [SW_RULE_FIELD_OAUTH_TOKEN_URL] = FIELD(SW_RULE_TEXT, oauth_token_url),
    [SW_RULE_FIELD_OAUTH_CLIENT_ID] = FIELD(SW_RULE_TEXT, oauth_client_id),
    [SW_RULE_FIELD_OAUTH_CLIENT_SECRET] = FIELD(SW_RULE_SECRET, oauth_client_secret_set),
    [SW_RULE_FIELD_OAUTH_SCOPE] = FIELD(SW_RULE_TEXT, oauth_scope),
    [SW_RULE_FIELD_MAIL_FROM] = FIELD(SW_RULE_TEXT, mail_from),
    [SW_RULE_FIELD_RCPT_TO] = FIELD(SW_RULE_TEXT, rcpt_to),
    [SW_RULE_FIELD_RELAY_TEST] = FIELD(SW_RULE_FLAG, relay_test),
    [SW_RULE_FIELD_RELAY_TEST_RCPT] = FIELD(SW_RULE_TEXT, relay_test_rcpt),
    [SW_RULE_FIELD_IP_FAMILY] = FIELD(SW_RULE_CHOICE, ip_family),
    [SW_RULE_FIELD_ALL_ADDRESSES] = FIELD(SW_RULE_FLAG, all_addresses),
    [SW_RULE_FIELD_CHECK_PTR] = FIELD(SW_RULE_FLAG, check_ptr),
    [SW_RULE_FIELD_DRIFT] = FIELD(SW_RULE_FLAG, drift),
    [SW_RULE_FIELD_ROUND_TRIP] = FIELD(SW_RULE_CHOICE, round_trip),
    [SW_RULE_FIELD_MAILBOX_HOST] = FIELD(SW_RULE_TEXT, mailbox_host),
    [SW_RULE_FIELD_MAILBOX_PORT] = FIELD(SW_RULE_U32, mailbox_port),
    [SW_RULE_FIELD_MAILBOX_TLS] = FIELD(SW_RULE_CHOICE, mailbox_tls),
    [SW_RULE_FIELD_MAILBOX_USER] = FIELD(SW_RULE_TEXT, mailbox_user),
    [SW_RULE_FIELD_MAILBOX_PASSWORD] = FIELD(SW_RULE_SECRET, mailbox_password_set),
    [SW_RULE_FIELD_FOLDER] = FIELD(SW_RULE_TEXT, folder),
    [SW_RULE_FIELD_PROBE_TO] = FIELD(SW_RULE_TEXT, probe_to),
    [SW_RULE_FIELD_PROBE_FROM] = FIELD(SW_RULE_TEXT, probe_from),
    [SW_RULE_FIELD_DELIVER_WITHIN_S] = FIELD(SW_RULE_U32, deliver_within_s),
    [SW_RULE_FIELD_DELIVERY_WARN_MS] = FIELD(SW_RULE_U32, delivery_warn_ms),
    [SW_RULE_FIELD_DELIVERY_CRIT_MS] = FIELD(SW_RULE_U32, delivery_crit_ms),
    [SW_RULE_FIELD_DOMAIN] = FIELD(SW_RULE_TEXT, domain),
    [SW_RULE_FIELD_MIN_OK] = FIELD(SW_RULE_U32, min_ok),
    [SW_RULE_FIELD_MTA_STS] = FIELD(SW_RULE_FLAG, mta_sts),
    [SW_RULE_FIELD_DANE] = FIELD(SW_RULE_FLAG, dane),
    [SW_RULE_FIELD_DNS_SERVER] = FIELD(SW_RULE_TEXT, dns_server),
};

#undef FIELD

static_assert(SW_COUNTOF(fields) == SW_RULE_FIELD_COUNT, "one entry a field");

enum sw_rule_kind sw_rule_field_kind(enum sw_rule_field f)
{
  return (unsigned)f < SW_RULE_FIELD_COUNT ? fields[f].kind : SW_RULE_TEXT;
}

/* The member of field `f`, which must be in range. */
static void *member(const struct sw_rule *r, enum sw_rule_field f)
{
  assert(fields[f].size != 0 && "every field has a row in `fields`");
  return (char *)r + fields[f].offset;
}

static bool is_kind(enum sw_rule_field f, enum sw_rule_kind kind)
{
  return (unsigned)f < SW_RULE_FIELD_COUNT && fields[f].kind == kind;
}

char **sw_rule_field_text_slot(struct sw_rule *r, enum sw_rule_field f)
{
  return is_kind(f, SW_RULE_TEXT) ? member(r, f) : NULL;
}

bool *sw_rule_field_flag_slot(struct sw_rule *r, enum sw_rule_field f)
{
  return is_kind(f, SW_RULE_FLAG) || is_kind(f, SW_RULE_SECRET) ? member(r, f) : NULL;
}

const char *sw_rule_field_text(const struct sw_rule *r, enum sw_rule_field f)
{
  switch (f) {
  case SW_RULE_FIELD_TLS_MODE:
    return sw_tls_mode_name(r->tls_mode);
  case SW_RULE_FIELD_AUTH_MECH:
    return sw_auth_mech_name(r->auth_mech);
  case SW_RULE_FIELD_IP_FAMILY:
    return sw_ip_family_name(r->ip_family);
  case SW_RULE_FIELD_ROUND_TRIP:
    return sw_round_trip_name(r->round_trip);
  case SW_RULE_FIELD_MAILBOX_TLS:
    return sw_mailbox_tls_mode_name(r->mailbox_tls);
  default:
    return is_kind(f, SW_RULE_TEXT) ? *(char **)member(r, f) : NULL;
  }
}

bool sw_rule_field_set_name(struct sw_rule *r, enum sw_rule_field f, const char *name)
{
  const char *n = name ? name : "";
  switch (f) {
  case SW_RULE_FIELD_TLS_MODE:
    if (sw_tls_mode_from_name(n, &r->tls_mode))
      return true;
    r->tls_mode = SW_TLS_MODE_COUNT;
    return false;
  case SW_RULE_FIELD_AUTH_MECH:
    if (sw_auth_mech_from_name(n, &r->auth_mech))
      return true;
    r->auth_mech = SW_AUTH_MECH_COUNT;
    return false;
  case SW_RULE_FIELD_IP_FAMILY:
    if (sw_ip_family_from_name(n, &r->ip_family))
      return true;
    r->ip_family = SW_IP_FAMILY_COUNT;
    return false;
  case SW_RULE_FIELD_ROUND_TRIP:
    if (sw_round_trip_from_name(n, &r->round_trip))
      return true;
    r->round_trip = SW_ROUND_TRIP_COUNT;
    return false;
  case SW_RULE_FIELD_MAILBOX_TLS:
    if (sw_mailbox_tls_mode_from_name(n, &r->mailbox_tls))
      return true;
    r->mailbox_tls = SW_MAILBOX_TLS_MODE_COUNT;
    return false;
  default:
    SW_NOT_REACHED(); /* only the choices have names */
    return false;
  }
}

int64_t sw_rule_field_number(const struct sw_rule *r, enum sw_rule_field f)
{
  if (NEVER((unsigned)f >= SW_RULE_FIELD_COUNT))
    return 0;
  const void *m = member(r, f);
  switch (fields[f].kind) {
  case SW_RULE_FLAG:
  case SW_RULE_SECRET:
    return *(const bool *)m;
  case SW_RULE_PORT:
    return *(const uint16_t *)m;
  case SW_RULE_U32:
    return *(const uint32_t *)m;
  case SW_RULE_DAYS:
    return *(const int *)m;
  default:
    return 0;
  }
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

void sw_rule_field_set_number(struct sw_rule *r, enum sw_rule_field f, int64_t v)
{
  if (NEVER((unsigned)f >= SW_RULE_FIELD_COUNT))
    return;
  void *m = member(r, f);
  switch (fields[f].kind) {
  case SW_RULE_FLAG:
  case SW_RULE_SECRET:
    *(bool *)m = v != 0;
    break;
  case SW_RULE_PORT:
    /* 0 (invalid) stands for anything outside 1-65535: the validator says so */
    *(uint16_t *)m = v >= 1 && v <= UINT16_MAX ? (uint16_t)v : 0;
    break;
  case SW_RULE_U32:
    *(uint32_t *)m = (uint32_t)clamp(v, 0, UINT32_MAX);
    break;
  case SW_RULE_DAYS:
    *(int *)m = (int)clamp(v, -1, 1000000);
    break;
  default:
    break;
  }
}

enum sw_error sw_rule_copy_field(enum sw_rule_field f, const struct sw_rule *from,
                                 struct sw_rule *to)
{
  if (NEVER((unsigned)f >= SW_RULE_FIELD_COUNT))
    return SW_E_OK;
  if (fields[f].kind == SW_RULE_TEXT)
    return sw_rule_set_string(member(to, f), *(char **)member(from, f));
  memcpy(member(to, f), member(from, f), fields[f].size);
  return SW_E_OK;
}

static bool same_text(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "") == 0;
}

bool sw_rule_field_equal(enum sw_rule_field f, const struct sw_rule *a,
                         const struct sw_rule *b)
{
  if (NEVER((unsigned)f >= SW_RULE_FIELD_COUNT))
    return false;
  if (fields[f].kind == SW_RULE_TEXT)
    return same_text(*(char **)member(a, f), *(char **)member(b, f));
  /* Scalars (bool, integers, enums) have no padding to differ in. */
  return memcmp(member(a, f), member(b, f), fields[f].size) == 0;
}

uint64_t sw_rule_diff(const struct sw_rule *a, const struct sw_rule *b)
{
  uint64_t bits = 0;
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    if (!sw_rule_field_equal((enum sw_rule_field)f, a, b))
      bits |= SW_RULE_FIELD_BIT(f);
  return bits;
}
