#include "rule_form.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manage_view.h"
#include "smtp_auth.h" /* sw_auth_wipe */
#include "sw_utf8.h"
#include "text_out.h"

void sw_rule_form_init(struct sw_rule_form *f)
{
  memset(f, 0, sizeof *f);
  struct sw_rule defaults;
  sw_rule_init_defaults(&defaults);
  f->enabled = defaults.enabled;
  f->tls_mode = defaults.tls_mode;
  f->drift = defaults.drift;
  f->mta_sts = defaults.mta_sts;
  f->auth_mech = defaults.auth_mech;
  f->ip_family = defaults.ip_family;
  f->round_trip = defaults.round_trip;
  f->mailbox_tls = defaults.mailbox_tls;
}

void sw_rule_form_free(struct sw_rule_form *f)
{
  for (int i = 0; i < SW_RULE_FIELD_COUNT; i++)
    free(f->text[i]);
  sw_auth_wipe(f->secret, sizeof f->secret); /* memset alone may be dropped */
  sw_rule_form_init(f);
}

static char *dup_n(const char *s, size_t len)
{
  char *p = malloc(len + 1);
  if (p) {
    memcpy(p, s, len);
    p[len] = '\0';
  }
  return p;
}

const char *sw_rule_form_text(const struct sw_rule_form *f, enum sw_rule_field field)
{
  if (!sw_rule_form_is_text(field) || !f->text[field])
    return "";
  return f->text[field];
}

enum sw_error sw_rule_form_set_text(struct sw_rule_form *f, enum sw_rule_field field,
                                    const char *utf8)
{
  if (!sw_rule_form_is_text(field))
    return SW_E_INVALID_ARGUMENT;
  if (!utf8)
    utf8 = "";
  char *copy = dup_n(utf8, strlen(utf8));
  if (!copy)
    return SW_E_NOMEM;
  free(f->text[field]);
  f->text[field] = copy;
  return SW_E_OK;
}

static enum sw_error set_number(struct sw_rule_form *f, enum sw_rule_field field,
                                int64_t value)
{
  char digits[24];
  snprintf(digits, sizeof digits, "%" PRId64, value);
  return sw_rule_form_set_text(f, field, digits);
}

/* A number whose 0 means "none" or "the default" shows as a blank box. */
static enum sw_error set_number_or_blank(struct sw_rule_form *f, enum sw_rule_field field,
                                         int64_t value)
{
  return value ? set_number(f, field, value) : sw_rule_form_set_text(f, field, "");
}

/* The text fields are the rule's strings as they are (the others are
 * numbers, switches or choices). Blanks around one can only be a slip,
 * except in the command and the expected text, which are taken as typed. */
static bool is_trimmed(enum sw_rule_field field)
{
  return field != SW_RULE_FIELD_COMMAND && field != SW_RULE_FIELD_EXPECT;
}

enum sw_error sw_rule_form_from_rule(struct sw_rule_form *f, const struct sw_rule *r)
{
  sw_rule_form_free(f);
  enum sw_error err = SW_E_OK;
  for (int i = 0; i < SW_RULE_FIELD_COUNT && !err; i++) {
    char **text = sw_rule_field_text_slot((struct sw_rule *)r, (enum sw_rule_field)i);
    if (text && sw_rule_form_is_text((enum sw_rule_field)i))
      err = sw_rule_form_set_text(f, (enum sw_rule_field)i, *text);
  }
  if (err || (err = set_number(f, SW_RULE_FIELD_PORT, r->port)) ||
      (err = set_number(f, SW_RULE_FIELD_TIMEOUT_MS, r->timeout_ms)) ||
      (err = set_number(f, SW_RULE_FIELD_INTERVAL_S, r->interval_s)) ||
      (err = set_number(f, SW_RULE_FIELD_CERT_WARN_DAYS, r->cert_warn_days)) ||
      (err = set_number(f, SW_RULE_FIELD_CERT_CRIT_DAYS, r->cert_crit_days)) ||
      (err = r->min_ok ? set_number(f, SW_RULE_FIELD_MIN_OK, r->min_ok)
                       : sw_rule_form_set_text(f, SW_RULE_FIELD_MIN_OK, "all")) ||
      (err = set_number_or_blank(f, SW_RULE_FIELD_MAILBOX_PORT, r->mailbox_port)) ||
      (err = set_number(f, SW_RULE_FIELD_DELIVER_WITHIN_S, r->deliver_within_s)) ||
      (err =
           set_number_or_blank(f, SW_RULE_FIELD_DELIVERY_WARN_MS, r->delivery_warn_ms)) ||
      (err =
           set_number_or_blank(f, SW_RULE_FIELD_DELIVERY_CRIT_MS, r->delivery_crit_ms))) {
    sw_rule_form_free(f);
    return err;
  }
  f->enabled = r->enabled;
  f->tls_insecure = r->tls_insecure;
  f->tls_mode = r->tls_mode;
  f->auth_plaintext = r->auth_plaintext;
  f->relay_test = r->relay_test;
  f->all_addresses = r->all_addresses;
  f->check_ptr = r->check_ptr;
  f->drift = r->drift;
  f->mta_sts = r->mta_sts;
  f->dane = r->dane;
  f->auth_mech = r->auth_mech;
  f->ip_family = r->ip_family;
  f->round_trip = r->round_trip;
  f->mailbox_tls = r->mailbox_tls;
  f->secret_stored[SW_RULE_FORM_PASSWORD] = r->auth_password_set;
  f->secret_stored[SW_RULE_FORM_CLIENT_SECRET] = r->oauth_client_secret_set;
  f->secret_stored[SW_RULE_FORM_MAILBOX_PASSWORD] = r->mailbox_password_set;
  return SW_E_OK;
}

/* ---- reading the texts ---------------------------------------------------- */

static bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}

/* s without the blanks around it, as a start and a length. */
static const char *trimmed(const char *s, size_t *len)
{
  size_t n = strlen(s);
  while (n && is_blank(*s))
    s++, n--;
  while (n && is_blank(s[n - 1]))
    n--;
  *len = n;
  return s;
}

enum number { NUMBER_OK, NUMBER_EMPTY, NUMBER_BAD };

/* Decimal digits only (no sign, no separators); a value too big for a
 * uint32_t saturates above UINT32_MAX so that the caller can still tell
 * "too big" from a number in range. */
static enum number parse_number(const char *text, uint64_t *out)
{
  size_t len;
  const char *s = trimmed(text, &len);
  if (len == 0)
    return NUMBER_EMPTY;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return NUMBER_BAD;
    v = v > UINT32_MAX ? v : v * 10 + (uint64_t)(s[i] - '0');
  }
  *out = v;
  return NUMBER_OK;
}

/* The user's text inside a sentence: trimmed, at most a few words long,
 * controls and broken bytes shown as '?', so that a pasted page cannot
 * make the message unreadable. */
static void quote(const char *text, char *out, size_t size)
{
  enum { MAX_CHARS = 20 };
  size_t len, pos = 0, chars = 0, i = 0;
  const char *s = trimmed(text, &len);
  while (i < len && chars < MAX_CHARS) {
    uint32_t cp;
    size_t n = sw_utf8_next(s + i, len - i, &cp);
    bool plain = cp != SW_UTF8_INVALID && !sw_utf8_is_control(cp);
    size_t need = plain ? n : 1;
    if (pos + need + 4 > size) /* room for "..." and the NUL */
      break;
    if (plain)
      memcpy(out + pos, s + i, n);
    else
      out[pos] = '?';
    pos += need;
    i += n;
    chars++;
  }
  if (i < len)
    memcpy(out + pos, "...", 3), pos += 3;
  out[pos] = '\0';
}

/* What each number field is and the words for it when it is no number. */
struct number_field {
  enum sw_rule_field field;
  const char *label;   /* as the validator names it */
  const char *unit;    /* "milliseconds" */
  const char *example; /* a good value */
  const char *range;   /* "between 100 and 300000" */
};

static void number_problem(struct sw_rule_problems *p, const struct number_field *nf,
                           enum number got, const char *text)
{
  const char *label = nf->label;
  if (got == NUMBER_EMPTY) {
    sw_rule_problems_add(p, nf->field,
                         "%s is required: enter a number of %s %s, such as %s.", label,
                         nf->unit, nf->range, nf->example);
  } else {
    char q[80];
    quote(text, q, sizeof q);
    sw_rule_problems_add(p, nf->field,
                         "%s must be a whole number of %s, such as %s; '%s' is not.",
                         label, nf->unit, nf->example, q);
  }
}

/* A number the validator judges (its range, its words): only what is not
 * a number at all is the form's problem. */
static void read_u32(const struct sw_rule_form *f, const struct number_field *nf,
                     uint32_t *out, struct sw_rule_problems *own)
{
  const char *text = sw_rule_form_text(f, nf->field);
  uint64_t v;
  enum number got = parse_number(text, &v);
  if (got == NUMBER_OK)
    *out = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
  else
    number_problem(own, nf, got, text);
}

static void read_days(const struct sw_rule_form *f, const struct number_field *nf,
                      int *out, struct sw_rule_problems *own)
{
  uint32_t v = 0;
  size_t before = own->count;
  read_u32(f, nf, &v, own);
  if (own->count == before)
    *out = v > SW_RULE_CERT_DAYS_MAX ? SW_RULE_CERT_DAYS_MAX + 1 : (int)v;
}

/* A port's text; one that is no number is the form's problem, in the
 * validator's words (`range`). *v is set when it is a number. */
static enum number parse_port(const struct sw_rule_form *f, enum sw_rule_field field,
                              const char *range, uint64_t *v,
                              struct sw_rule_problems *own)
{
  const char *text = sw_rule_form_text(f, field);
  enum number got = parse_number(text, v);
  if (got == NUMBER_BAD) {
    char q[80];
    quote(text, q, sizeof q);
    sw_rule_problems_add(own, field, "%s must be a number %s; '%s' is not.",
                         sw_rule_field_label(field), range, q);
  }
  return got;
}

/* The port has no room in the rule for an out-of-range value, so its range
 * is said here, in the validator's words. */
static void read_port(const struct sw_rule_form *f, uint16_t *out,
                      struct sw_rule_problems *own)
{
  uint64_t v;
  switch (parse_port(f, SW_RULE_FIELD_PORT, "between 1 and 65535", &v, own)) {
  case NUMBER_EMPTY:
    sw_rule_problems_add(
        own, SW_RULE_FIELD_PORT,
        "Port is required: enter a number between 1 and 65535 (25 for SMTP, 465 for "
        "implicit TLS).");
    break;
  case NUMBER_BAD:
    break;
  case NUMBER_OK:
    if (v > 65535)
      sw_rule_problems_add(own, SW_RULE_FIELD_PORT, "Port must be between 1 and 65535.");
    else
      *out = (uint16_t)v; /* 0 is the validator's to refuse */
    break;
  }
}

/* Blank is 0, the protocol's own port; beyond 65535 is the validator's
 * to refuse (the rule holds it). */
static void read_mailbox_port(const struct sw_rule_form *f, uint32_t *out,
                              struct sw_rule_problems *own)
{
  uint64_t v = 0;
  enum number got =
      parse_port(f, SW_RULE_FIELD_MAILBOX_PORT,
                 "between 1 and 65535, or blank for the protocol's own", &v, own);
  if (got != NUMBER_BAD)
    *out = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Sets *slot to the field's text (trimmed if `trim`); "" becomes NULL. */
static enum sw_error read_text(const struct sw_rule_form *f, enum sw_rule_field field,
                               bool trim, char **slot)
{
  const char *s = sw_rule_form_text(f, field);
  size_t len = strlen(s);
  if (trim)
    s = trimmed(s, &len);
  if (len == 0)
    return sw_rule_set_string(slot, NULL);
  char *copy = dup_n(s, len);
  if (!copy)
    return SW_E_NOMEM;
  free(*slot);
  *slot = copy;
  return SW_E_OK;
}

static const struct number_field timeout_field = {SW_RULE_FIELD_TIMEOUT_MS, "Timeout",
                                                  "milliseconds", "7000",
                                                  "between 100 and 300000"};
static const struct number_field interval_field = {SW_RULE_FIELD_INTERVAL_S, "Interval",
                                                   "seconds", "60",
                                                   "between 10 and 86400 (one day)"};
static const struct number_field warn_field = {SW_RULE_FIELD_CERT_WARN_DAYS,
                                               "Certificate warning", "days", "21",
                                               "between 0 and 3650"};
static const struct number_field crit_field = {SW_RULE_FIELD_CERT_CRIT_DAYS,
                                               "Certificate critical", "days", "7",
                                               "between 0 and 3650"};
static const struct number_field min_ok_field = {SW_RULE_FIELD_MIN_OK,
                                                 "Minimum OK MX addresses", "addresses",
                                                 "1", "all, or between 1 and 64"};

static const struct number_field within_field = {SW_RULE_FIELD_DELIVER_WITHIN_S,
                                                 "Deliver within", "seconds", "300",
                                                 "between 10 and 3600"};
static const struct number_field delivery_warn_field = {
    SW_RULE_FIELD_DELIVERY_WARN_MS, "Delivery warning", "milliseconds", "60000",
    "or blank for none"};
static const struct number_field delivery_crit_field = {
    SW_RULE_FIELD_DELIVERY_CRIT_MS, "Delivery critical", "milliseconds", "120000",
    "or blank for none"};

/* A number whose blank box is 0 (the protocol's port, no threshold). */
static void read_u32_or_zero(const struct sw_rule_form *f, const struct number_field *nf,
                             uint32_t *out, struct sw_rule_problems *own)
{
  size_t len;
  trimmed(sw_rule_form_text(f, nf->field), &len);
  if (len == 0)
    *out = 0;
  else
    read_u32(f, nf, out, own);
}

/* --min-ok: "all" (or nothing) is 0, every MX address. */
static void read_min_ok(const struct sw_rule_form *f, uint32_t *out,
                        struct sw_rule_problems *own)
{
  const char *text = sw_rule_form_text(f, SW_RULE_FIELD_MIN_OK);
  if (!*text || !strcmp(text, "all"))
    *out = 0;
  else
    read_u32(f, &min_ok_field, out, own);
}

enum sw_error sw_rule_form_to_rule(const struct sw_rule_form *f, int64_t id,
                                   struct sw_rule *out, struct sw_rule_problems *problems)
{
  sw_rule_init_defaults(out);
  out->id = id;
  problems->count = 0;
  enum sw_error err = SW_E_OK;
  for (int i = 0; i < SW_RULE_FIELD_COUNT && !err; i++) {
    enum sw_rule_field field = (enum sw_rule_field)i;
    char **text = sw_rule_field_text_slot(out, field);
    if (text && sw_rule_form_is_text(field))
      err = read_text(f, field, is_trimmed(field), text);
  }
  if (err)
    return err;
  /* With a mail domain the host box is greyed (rule_form_kinds.c): what it
   * still holds is not sent. */
  if (out->domain && *out->domain) {
    free(out->host);
    out->host = NULL;
  }

  struct sw_rule_problems own = {0};
  read_port(f, &out->port, &own);
  read_u32(f, &timeout_field, &out->timeout_ms, &own);
  read_u32(f, &interval_field, &out->interval_s, &own);
  read_days(f, &warn_field, &out->cert_warn_days, &own);
  read_days(f, &crit_field, &out->cert_crit_days, &own);
  out->enabled = f->enabled;
  out->tls_mode = f->tls_mode;
  out->tls_insecure = f->tls_insecure;
  out->auth_plaintext = f->auth_plaintext;
  out->relay_test = f->relay_test;
  out->all_addresses = f->all_addresses;
  out->check_ptr = f->check_ptr;
  out->drift = f->drift;
  out->mta_sts = f->mta_sts;
  out->dane = f->dane;
  read_min_ok(f, &out->min_ok, &own);
  out->auth_mech = f->auth_mech;
  out->ip_family = f->ip_family;
  out->round_trip = f->round_trip;
  out->mailbox_tls = f->mailbox_tls;
  read_mailbox_port(f, &out->mailbox_port, &own);
  read_u32(f, &within_field, &out->deliver_within_s, &own);
  read_u32_or_zero(f, &delivery_warn_field, &out->delivery_warn_ms, &own);
  read_u32_or_zero(f, &delivery_crit_field, &out->delivery_crit_ms, &own);
  sw__rule_form_read_secrets(f, out, &own);

  /* The validator judges the rest; where the form already found a text
   * that is no number, its sentence is the one to show (the validator
   * only saw the default put in its place). */
  struct sw_rule_problems checked;
  sw_rule_validate(out, &checked);
  for (int field = 0; field < SW_RULE_FIELD_COUNT; field++) {
    const char *m = sw_rule_problems_find(&own, (enum sw_rule_field)field);
    if (!m)
      m = sw_rule_problems_find(&checked, (enum sw_rule_field)field);
    if (m)
      sw_rule_problems_add(problems, (enum sw_rule_field)field, "%s", m);
  }
  return SW_E_OK;
}

/* ---- TLS and the port ------------------------------------------------------ */

enum sw_error sw_rule_form_set_tls_mode(struct sw_rule_form *f, enum sw_tls_mode mode,
                                        bool *port_changed)
{
  if (port_changed)
    *port_changed = false;
  uint64_t port = 0;
  bool numeric =
      parse_number(sw_rule_form_text(f, SW_RULE_FIELD_PORT), &port) == NUMBER_OK;
  const char *new_port = NULL;
  if (numeric && mode == SW_TLS_IMPLICIT && f->tls_mode != SW_TLS_IMPLICIT &&
      port == SW_RULE_DEFAULT_PORT)
    new_port = "465";
  else if (numeric && mode != SW_TLS_IMPLICIT && f->tls_mode == SW_TLS_IMPLICIT &&
           port == SW_RULE_IMPLICIT_TLS_PORT)
    new_port = "25";
  if (new_port) {
    enum sw_error err = sw_rule_form_set_text(f, SW_RULE_FIELD_PORT, new_port);
    if (err)
      return err;
    if (port_changed)
      *port_changed = true;
  }
  f->tls_mode = mode;
  return SW_E_OK;
}

/* ---- problems from the service ------------------------------------------- */

void sw_rule_form_order_problems(struct sw_rule_problems *problems)
{
  struct sw_rule_problems sorted = {0};
  for (int field = 0; field < SW_RULE_FIELD_COUNT; field++)
    for (size_t i = 0; i < problems->count; i++)
      if (problems->items[i].field == (enum sw_rule_field)field) {
        sorted.items[sorted.count++] = problems->items[i];
        break;
      }
  *problems = sorted;
}

enum sw_error sw_rule_form_service_problems(const uint8_t *body, size_t len,
                                            struct sw_rule_problems *problems)
{
  enum sw_error err = sw_manage_body_problems(body, len, problems);
  if (err) {
    problems->count = 0;
    return err;
  }
  sw_rule_form_order_problems(problems);
  return SW_E_OK;
}

void sw_rule_form_summary(const struct sw_rule_problems *problems, bool from_service,
                          bool testing, char *out, size_t size)
{
  const char *what = testing ? "tested" : "saved";
  size_t n = problems->count;
  if (n == 0 && from_service)
    snprintf(out, size,
             "The service refused the rule without naming a field this editor knows; "
             "nothing was %s. Is the editor older than the service?",
             what);
  else if (n == 0)
    snprintf(out, size, "%s", "");
  else if (n == 1)
    snprintf(out, size, "%sNothing was %s: fix the field marked in red.",
             from_service ? "The service refused the rule. " : "", what);
  else
    snprintf(out, size, "%sNothing was %s: fix the %zu fields marked in red.",
             from_service ? "The service refused the rule. " : "", what, n);
}

/* ---- a stale revision ------------------------------------------------------ */

/* "Host, Port and Timeout". */
static void put_labels(struct sw_text_out *t, uint64_t bits)
{
  int total = 0, done = 0;
  for (int field = 0; field < SW_RULE_FIELD_COUNT; field++)
    total += (bits & SW_RULE_FIELD_BIT(field)) != 0;
  for (int field = 0; field < SW_RULE_FIELD_COUNT; field++) {
    if (!(bits & SW_RULE_FIELD_BIT(field)))
      continue;
    done++;
    sw_text_put(t, "%s%s",
                done == 1       ? ""
                : done == total ? " and "
                                : ", ",
                sw_rule_field_label((enum sw_rule_field)field));
  }
}

enum sw_error sw_rule_form_stale_question(const struct sw_rule *opened,
                                          const struct sw_rule *theirs,
                                          const struct sw_rule *mine, struct sw_buf *out)
{
  struct sw_text_out t = {out, SW_E_OK};
  uint64_t they = sw_rule_diff(opened, theirs);
  uint64_t you = sw_rule_diff(opened, mine);
  sw_text_put(&t, "The rule \"%s\" was changed by someone else since you opened it. ",
              opened->name ? opened->name : "");
  if (they) {
    sw_text_put(&t, "They changed: ");
    put_labels(&t, they);
    sw_text_put(&t, ".");
  } else {
    sw_text_put(&t, "It was saved again, but its fields are as you found them.");
  }
  if (you & they) {
    sw_text_put(&t, " You both changed: ");
    put_labels(&t, you & they);
    sw_text_put(&t, ".");
  }
  sw_text_put(&t, "\n\nYes: save your version over theirs.\n"
                  "No: load their version into the form (your changes are discarded).\n"
                  "Cancel: go back to your changes; nothing is saved.");
  return t.err;
}
