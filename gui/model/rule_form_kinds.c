/* The rule form's fields that are not texts (rule_form.h): what kind each
 * is, the check boxes and drop-down lists, the write-only secrets,
 * and which fields mean anything in the form's current state. */
#include <string.h>

#include "rule_form.h"
#include "smtp_auth.h"

enum sw_rule_form_kind sw_rule_form_kind(enum sw_rule_field field)
{
  switch (field) {
  case SW_RULE_FIELD_ENABLED:
  case SW_RULE_FIELD_TLS_INSECURE:
  case SW_RULE_FIELD_AUTH_PLAINTEXT:
  case SW_RULE_FIELD_RELAY_TEST:
  case SW_RULE_FIELD_ALL_ADDRESSES:
  case SW_RULE_FIELD_CHECK_PTR:
  case SW_RULE_FIELD_DRIFT:
  case SW_RULE_FIELD_MTA_STS:
  case SW_RULE_FIELD_DANE:
    return SW_RULE_FORM_CHECK;
  case SW_RULE_FIELD_TLS_MODE:
  case SW_RULE_FIELD_AUTH_MECH:
  case SW_RULE_FIELD_IP_FAMILY:
  case SW_RULE_FIELD_ROUND_TRIP:
  case SW_RULE_FIELD_MAILBOX_TLS:
    return SW_RULE_FORM_CHOICE;
  case SW_RULE_FIELD_AUTH_PASSWORD:
  case SW_RULE_FIELD_OAUTH_CLIENT_SECRET:
  case SW_RULE_FIELD_MAILBOX_PASSWORD:
    return SW_RULE_FORM_SECRET;
  default:
    return SW_RULE_FORM_TEXT;
  }
}

bool sw_rule_form_is_text(enum sw_rule_field field)
{
  return (unsigned)field < SW_RULE_FIELD_COUNT &&
         sw_rule_form_kind(field) == SW_RULE_FORM_TEXT;
}

/* ---- check boxes ----------------------------------------------------------- */

static bool *check_slot(struct sw_rule_form *f, enum sw_rule_field field)
{
  switch (field) {
  case SW_RULE_FIELD_ENABLED:
    return &f->enabled;
  case SW_RULE_FIELD_TLS_INSECURE:
    return &f->tls_insecure;
  case SW_RULE_FIELD_AUTH_PLAINTEXT:
    return &f->auth_plaintext;
  case SW_RULE_FIELD_RELAY_TEST:
    return &f->relay_test;
  case SW_RULE_FIELD_ALL_ADDRESSES:
    return &f->all_addresses;
  case SW_RULE_FIELD_CHECK_PTR:
    return &f->check_ptr;
  case SW_RULE_FIELD_DRIFT:
    return &f->drift;
  case SW_RULE_FIELD_MTA_STS:
    return &f->mta_sts;
  case SW_RULE_FIELD_DANE:
    return &f->dane;
  default:
    return NULL;
  }
}

bool sw_rule_form_checked(const struct sw_rule_form *f, enum sw_rule_field field)
{
  const bool *slot = check_slot((struct sw_rule_form *)f, field);
  return slot && *slot;
}

void sw_rule_form_set_checked(struct sw_rule_form *f, enum sw_rule_field field, bool on)
{
  bool *slot = check_slot(f, field);
  if (slot)
    *slot = on;
}

/* ---- drop-down lists -------------------------------------------------------- */

/* In enum sw_tls_mode order. */
static const char *const tls_texts[SW_TLS_MODE_COUNT] = {
    [SW_TLS_NONE] = "None (plain SMTP)",
    [SW_TLS_STARTTLS] = "STARTTLS if offered",
    [SW_TLS_REQUIRE_STARTTLS] = "STARTTLS required",
    [SW_TLS_IMPLICIT] = "Implicit TLS (port 465)",
};

/* In enum sw_ip_family order. */
static const char *const family_texts[SW_IP_FAMILY_COUNT] = {
    [SW_IP_ANY] = "Any (IPv6 or IPv4, the resolver's order)",
    [SW_IP_V4] = "IPv4 only",
    [SW_IP_V6] = "IPv6 only",
};

/* In enum sw_round_trip order. */
static const char *const round_trip_texts[SW_ROUND_TRIP_COUNT] = {
    [SW_ROUND_TRIP_NONE] = "None (no probe is sent)",
    [SW_ROUND_TRIP_IMAP] = "IMAP (read the folder)",
    [SW_ROUND_TRIP_POP3] = "POP3 (read the inbox)",
};

/* In enum sw_mailbox_tls_mode order. */
static const char *const mailbox_tls_texts[SW_MAILBOX_TLS_MODE_COUNT] = {
    [SW_MAILBOX_TLS_MODE_IMPLICIT] = "Implicit TLS (IMAP 993, POP3 995)",
    [SW_MAILBOX_TLS_MODE_STARTTLS] = "STARTTLS required (IMAP 143, POP3 110)",
    [SW_MAILBOX_TLS_MODE_NONE] = "None (the password goes in clear)",
};

int sw_rule_form_choice_count(enum sw_rule_field field)
{
  switch (field) {
  case SW_RULE_FIELD_TLS_MODE:
    return SW_TLS_MODE_COUNT;
  case SW_RULE_FIELD_AUTH_MECH:
    return SW_AUTH_MECH_COUNT;
  case SW_RULE_FIELD_IP_FAMILY:
    return SW_IP_FAMILY_COUNT;
  case SW_RULE_FIELD_ROUND_TRIP:
    return SW_ROUND_TRIP_COUNT;
  case SW_RULE_FIELD_MAILBOX_TLS:
    return SW_MAILBOX_TLS_MODE_COUNT;
  default:
    return 0;
  }
}

const char *sw_rule_form_choice_text(enum sw_rule_field field, int i)
{
  if (i < 0 || i >= sw_rule_form_choice_count(field))
    return "";
  switch (field) {
  case SW_RULE_FIELD_TLS_MODE:
    return tls_texts[i];
  case SW_RULE_FIELD_AUTH_MECH:
    /* The mechanisms by the names servers list them under. */
    return i == SW_AUTH_MECH_AUTO ? "Automatic (from the server's list)"
                                  : sw_auth_mech_name((enum sw_auth_mech)i);
  case SW_RULE_FIELD_ROUND_TRIP:
    return round_trip_texts[i];
  case SW_RULE_FIELD_MAILBOX_TLS:
    return mailbox_tls_texts[i];
  default:
    return family_texts[i];
  }
}

int sw_rule_form_choice(const struct sw_rule_form *f, enum sw_rule_field field)
{
  switch (field) {
  case SW_RULE_FIELD_TLS_MODE:
    return (int)f->tls_mode;
  case SW_RULE_FIELD_AUTH_MECH:
    return (int)f->auth_mech;
  case SW_RULE_FIELD_IP_FAMILY:
    return (int)f->ip_family;
  case SW_RULE_FIELD_ROUND_TRIP:
    return (int)f->round_trip;
  case SW_RULE_FIELD_MAILBOX_TLS:
    return (int)f->mailbox_tls;
  default:
    return -1;
  }
}

enum sw_error sw_rule_form_set_choice(struct sw_rule_form *f, enum sw_rule_field field,
                                      int i, bool *port_changed)
{
  if (port_changed)
    *port_changed = false;
  if (i < 0 || i >= sw_rule_form_choice_count(field))
    return SW_E_INVALID_ARGUMENT;
  switch (field) {
  case SW_RULE_FIELD_TLS_MODE:
    return sw_rule_form_set_tls_mode(f, (enum sw_tls_mode)i, port_changed);
  case SW_RULE_FIELD_AUTH_MECH:
    f->auth_mech = (enum sw_auth_mech)i;
    break;
  case SW_RULE_FIELD_ROUND_TRIP:
    f->round_trip = (enum sw_round_trip)i;
    break;
  case SW_RULE_FIELD_MAILBOX_TLS:
    f->mailbox_tls = (enum sw_mailbox_tls_mode)i;
    break;
  default:
    f->ip_family = (enum sw_ip_family)i;
    break;
  }
  return SW_E_OK;
}

/* ---- the secrets --------------------------------------------------------------- */

/* Each secret's field, by enum sw_rule_form_secret. */
static const enum sw_rule_field secret_fields[SW_RULE_FORM_SECRET_COUNT] = {
    [SW_RULE_FORM_PASSWORD] = SW_RULE_FIELD_AUTH_PASSWORD,
    [SW_RULE_FORM_CLIENT_SECRET] = SW_RULE_FIELD_OAUTH_CLIENT_SECRET,
    [SW_RULE_FORM_MAILBOX_PASSWORD] = SW_RULE_FIELD_MAILBOX_PASSWORD,
};

enum sw_rule_form_secret sw_rule_form_secret_of(enum sw_rule_field field)
{
  for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++)
    if (secret_fields[s] == field)
      return (enum sw_rule_form_secret)s;
  return SW_RULE_FORM_SECRET_COUNT;
}

enum sw_error sw_rule_form_set_secret(struct sw_rule_form *f, enum sw_rule_field field,
                                      const char *typed)
{
  enum sw_rule_form_secret s = sw_rule_form_secret_of(field);
  if (s == SW_RULE_FORM_SECRET_COUNT)
    return SW_E_INVALID_ARGUMENT;
  char *slot = f->secret[s];
  sw_auth_wipe(slot, sizeof f->secret[s]);
  if (typed) {
    /* One octet past the limit tells "too long" from "just fits". */
    size_t n = 0;
    while (n <= SW_RULE_FORM_SECRET_MAX && typed[n])
      n++;
    memcpy(slot, typed, n);
    slot[n] = '\0';
  }
  return SW_E_OK;
}

void sw_rule_form_set_remove(struct sw_rule_form *f, enum sw_rule_field field,
                             bool remove)
{
  enum sw_rule_form_secret s = sw_rule_form_secret_of(field);
  if (s != SW_RULE_FORM_SECRET_COUNT)
    f->remove_secret[s] = remove;
}

bool sw_rule_form_secret_stored(const struct sw_rule_form *f, enum sw_rule_field field)
{
  enum sw_rule_form_secret s = sw_rule_form_secret_of(field);
  return s != SW_RULE_FORM_SECRET_COUNT && f->secret_stored[s];
}

const char *sw_rule_form_secret_note(const struct sw_rule_form *f,
                                     enum sw_rule_field field)
{
  return sw_rule_form_secret_stored(f, field) ? "Stored: set" : "Stored: not set";
}

/* What the form does to secret `s`: replace it (the typed text), remove
 * it (""), or keep what is stored (NULL). */
static const char *secret_action(const struct sw_rule_form *f, enum sw_rule_form_secret s)
{
  if (f->remove_secret[s])
    return "";
  return f->secret[s][0] ? f->secret[s] : NULL;
}

void sw_rule_form_secrets(const struct sw_rule_form *f, struct sw_pipe_rule_secrets *out)
{
  const char *sent[SW_RULE_FORM_SECRET_COUNT];
  for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++)
    sent[s] = sw_rule_form_field_applies(f, secret_fields[s])
                  ? secret_action(f, (enum sw_rule_form_secret)s)
                  : NULL;
  /* The pipe's struct is not const-qualified: it is only read. */
  out->auth_password = (char *)sent[SW_RULE_FORM_PASSWORD];
  out->oauth_client_secret = (char *)sent[SW_RULE_FORM_CLIENT_SECRET];
  out->mailbox_password = (char *)sent[SW_RULE_FORM_MAILBOX_PASSWORD];
}

void sw__rule_form_read_secrets(const struct sw_rule_form *f, struct sw_rule *out,
                                struct sw_rule_problems *own)
{
  bool *set[SW_RULE_FORM_SECRET_COUNT] = {
      [SW_RULE_FORM_PASSWORD] = &out->auth_password_set,
      [SW_RULE_FORM_CLIENT_SECRET] = &out->oauth_client_secret_set,
      [SW_RULE_FORM_MAILBOX_PASSWORD] = &out->mailbox_password_set,
  };
  for (int s = 0; s < SW_RULE_FORM_SECRET_COUNT; s++) {
    const char *action = secret_action(f, (enum sw_rule_form_secret)s);
    *set[s] = action ? action[0] != '\0' : f->secret_stored[s];
    if (action && strlen(action) > SW_RULE_FORM_SECRET_MAX)
      sw_rule_problems_add(own, secret_fields[s], "%s must be at most %d bytes long.",
                           sw_rule_field_label(secret_fields[s]),
                           SW_RULE_FORM_SECRET_MAX);
  }
}

/* ---- what applies ------------------------------------------------------------------ */

static bool has_text(const struct sw_rule_form *f, enum sw_rule_field field)
{
  for (const char *s = sw_rule_form_text(f, field); *s; s++)
    if (*s != ' ' && *s != '\t')
      return true;
  return false;
}

/* XOAUTH2 by its name: the mechanisms this build knows are SW_AUTH_MECH_MAP's. */
static bool is_xoauth2(enum sw_auth_mech m)
{
  return strcmp(sw_auth_mech_name(m), "XOAUTH2") == 0;
}

bool sw_rule_form_field_applies(const struct sw_rule_form *f, enum sw_rule_field field)
{
  bool auth = has_text(f, SW_RULE_FIELD_AUTH_USER);
  switch (field) {
  case SW_RULE_FIELD_TLS_INSECURE:
  case SW_RULE_FIELD_CERT_WARN_DAYS:
  case SW_RULE_FIELD_CERT_CRIT_DAYS:
    return f->tls_mode != SW_TLS_NONE;
  case SW_RULE_FIELD_AUTH_PASSWORD:
  case SW_RULE_FIELD_AUTH_MECH:
  case SW_RULE_FIELD_AUTH_PLAINTEXT:
    return auth;
  case SW_RULE_FIELD_OAUTH_TOKEN_URL:
  case SW_RULE_FIELD_OAUTH_CLIENT_ID:
  case SW_RULE_FIELD_OAUTH_CLIENT_SECRET:
  case SW_RULE_FIELD_OAUTH_SCOPE:
    return auth &&
           (is_xoauth2(f->auth_mech) || has_text(f, SW_RULE_FIELD_OAUTH_TOKEN_URL));
  case SW_RULE_FIELD_RELAY_TEST_RCPT:
    return f->relay_test;
  case SW_RULE_FIELD_MIN_OK: /* what only a mail domain's check reads */
  case SW_RULE_FIELD_MTA_STS:
  case SW_RULE_FIELD_DANE:
  case SW_RULE_FIELD_DNS_SERVER:
    return has_text(f, SW_RULE_FIELD_DOMAIN);
  case SW_RULE_FIELD_HOST:
  case SW_RULE_FIELD_ALL_ADDRESSES:
  case SW_RULE_FIELD_DRIFT:
    return !has_text(f, SW_RULE_FIELD_DOMAIN);
  case SW_RULE_FIELD_FOLDER: /* POP3 reads the inbox alone */
    return f->round_trip == SW_ROUND_TRIP_IMAP;
  case SW_RULE_FIELD_MAILBOX_HOST: /* what only a round trip reads */
  case SW_RULE_FIELD_MAILBOX_PORT:
  case SW_RULE_FIELD_MAILBOX_TLS:
  case SW_RULE_FIELD_MAILBOX_USER:
  case SW_RULE_FIELD_MAILBOX_PASSWORD:
  case SW_RULE_FIELD_PROBE_TO:
  case SW_RULE_FIELD_PROBE_FROM:
  case SW_RULE_FIELD_DELIVER_WITHIN_S:
  case SW_RULE_FIELD_DELIVERY_WARN_MS:
  case SW_RULE_FIELD_DELIVERY_CRIT_MS:
    return f->round_trip != SW_ROUND_TRIP_NONE;
  default:
    return true;
  }
}
