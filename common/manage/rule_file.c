/* The rules file's keys, each field's value as text and back, and the
 * writer (docs/import-export.md). */
#include "rule_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "smtp_auth.h"
#include "table_output.h"

/* The keys are spelt here, not taken from the option table: a file
 * written today must read the same after an option is renamed. They are
 * the options' names, except where the option takes a file (a secret is
 * only "set") or turns something off (--no-drift: the key is "drift"). */
static const struct {
  const char *key;
  enum sw__rule_file_kind kind;
} fields[SW_RULE_FIELD_COUNT] = {
    [SW_RULE_FIELD_NAME] = {"name", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_HOST] = {"host", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_PORT] = {"port", SW__RULE_FILE_NUMBER},
    [SW_RULE_FIELD_COMMAND] = {"send", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_EXPECT] = {"expect", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_TIMEOUT_MS] = {"timeout-ms", SW__RULE_FILE_NUMBER},
    [SW_RULE_FIELD_EHLO_NAME] = {"helo", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_INTERVAL_S] = {"interval-s", SW__RULE_FILE_NUMBER},
    [SW_RULE_FIELD_ENABLED] = {"enabled", SW__RULE_FILE_BOOL},
    [SW_RULE_FIELD_TLS_MODE] = {"tls", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_TLS_INSECURE] = {"insecure", SW__RULE_FILE_BOOL},
    [SW_RULE_FIELD_CERT_WARN_DAYS] = {"cert-warn-days", SW__RULE_FILE_NUMBER},
    [SW_RULE_FIELD_CERT_CRIT_DAYS] = {"cert-crit-days", SW__RULE_FILE_NUMBER},
    [SW_RULE_FIELD_AUTH_USER] = {"auth-user", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_AUTH_PASSWORD] = {"auth-password", SW__RULE_FILE_SECRET},
    [SW_RULE_FIELD_AUTH_MECH] = {"auth-mech", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_AUTH_PLAINTEXT] = {"allow-plaintext-auth", SW__RULE_FILE_BOOL},
    [SW_RULE_FIELD_OAUTH_TOKEN_URL] = {"oauth-token-url", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_OAUTH_CLIENT_ID] = {"oauth-client-id", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_OAUTH_CLIENT_SECRET] = {"oauth-client-secret", SW__RULE_FILE_SECRET},
    [SW_RULE_FIELD_OAUTH_SCOPE] = {"oauth-scope", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_MAIL_FROM] = {"mail-from", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_RCPT_TO] = {"rcpt-to", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_RELAY_TEST] = {"relay-test", SW__RULE_FILE_BOOL},
    [SW_RULE_FIELD_RELAY_TEST_RCPT] = {"relay-test-rcpt", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_IP_FAMILY] = {"ip", SW__RULE_FILE_TEXT},
    [SW_RULE_FIELD_ALL_ADDRESSES] = {"all-addresses", SW__RULE_FILE_BOOL},
    [SW_RULE_FIELD_CHECK_PTR] = {"check-ptr", SW__RULE_FILE_BOOL},
    [SW_RULE_FIELD_DRIFT] = {"drift", SW__RULE_FILE_BOOL},
};

const char *sw_rule_file_key(enum sw_rule_field f)
{
  return (unsigned)f < SW_RULE_FIELD_COUNT ? fields[f].key : NULL;
}

bool sw_rule_file_field(const char *key, enum sw_rule_field *out)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    if (!strcmp(fields[f].key, key)) {
      *out = (enum sw_rule_field)f;
      return true;
    }
  return false;
}

enum sw__rule_file_kind sw__rule_file_kind(enum sw_rule_field f)
{
  return (unsigned)f < SW_RULE_FIELD_COUNT ? fields[f].kind : SW__RULE_FILE_TEXT;
}

/* ---- values as text ---------------------------------------------------- */

/* The member of a boolean field. */
static bool *flag_of(struct sw_rule *r, enum sw_rule_field f)
{
  switch (f) {
  case SW_RULE_FIELD_ENABLED:
    return &r->enabled;
  case SW_RULE_FIELD_TLS_INSECURE:
    return &r->tls_insecure;
  case SW_RULE_FIELD_AUTH_PLAINTEXT:
    return &r->auth_plaintext;
  case SW_RULE_FIELD_RELAY_TEST:
    return &r->relay_test;
  case SW_RULE_FIELD_ALL_ADDRESSES:
    return &r->all_addresses;
  case SW_RULE_FIELD_CHECK_PTR:
    return &r->check_ptr;
  case SW_RULE_FIELD_DRIFT:
    return &r->drift;
  case SW_RULE_FIELD_AUTH_PASSWORD:
    return &r->auth_password_set;
  case SW_RULE_FIELD_OAUTH_CLIENT_SECRET:
    return &r->oauth_client_secret_set;
  default:
    return NULL;
  }
}

/* The member of a text field. */
static char **text_of(struct sw_rule *r, enum sw_rule_field f)
{
  switch (f) {
  case SW_RULE_FIELD_NAME:
    return &r->name;
  case SW_RULE_FIELD_HOST:
    return &r->host;
  case SW_RULE_FIELD_COMMAND:
    return &r->command;
  case SW_RULE_FIELD_EXPECT:
    return &r->expect;
  case SW_RULE_FIELD_EHLO_NAME:
    return &r->ehlo_name;
  case SW_RULE_FIELD_AUTH_USER:
    return &r->auth_user;
  case SW_RULE_FIELD_OAUTH_TOKEN_URL:
    return &r->oauth_token_url;
  case SW_RULE_FIELD_OAUTH_CLIENT_ID:
    return &r->oauth_client_id;
  case SW_RULE_FIELD_OAUTH_SCOPE:
    return &r->oauth_scope;
  case SW_RULE_FIELD_MAIL_FROM:
    return &r->mail_from;
  case SW_RULE_FIELD_RCPT_TO:
    return &r->rcpt_to;
  case SW_RULE_FIELD_RELAY_TEST_RCPT:
    return &r->relay_test_rcpt;
  default:
    return NULL;
  }
}

/* Field `f` of `r` as the file writes it, in buf[size] or a string of the
 * rule's (returned). */
static const char *field_text(const struct sw_rule *r, enum sw_rule_field f, char *buf,
                              size_t size)
{
  struct sw_rule *m = (struct sw_rule *)r; /* only read: the helpers serve both ways */
  char **text = text_of(m, f);
  bool *flag = flag_of(m, f);
  if (text)
    return *text ? *text : "";
  if (flag && fields[f].kind == SW__RULE_FILE_SECRET)
    return *flag ? SW_RULE_FILE_SECRET_SET : "";
  if (flag)
    return *flag ? "true" : "false";
  switch (f) {
  case SW_RULE_FIELD_TLS_MODE:
    return sw_tls_mode_name(r->tls_mode);
  case SW_RULE_FIELD_AUTH_MECH:
    return sw_auth_mech_name(r->auth_mech);
  case SW_RULE_FIELD_IP_FAMILY:
    return sw_ip_family_name(r->ip_family);
  case SW_RULE_FIELD_PORT:
    snprintf(buf, size, "%u", (unsigned)r->port);
    return buf;
  case SW_RULE_FIELD_TIMEOUT_MS:
  case SW_RULE_FIELD_INTERVAL_S:
    snprintf(
        buf, size, "%lu",
        (unsigned long)(f == SW_RULE_FIELD_TIMEOUT_MS ? r->timeout_ms : r->interval_s));
    return buf;
  default:
    snprintf(buf, size, "%d",
             f == SW_RULE_FIELD_CERT_WARN_DAYS ? r->cert_warn_days : r->cert_crit_days);
    return buf;
  }
}

/* A whole number in [min, max] from text; false if it is not one. */
static bool parse_number(const char *s, long long min, long long max, long long *out)
{
  char *end;
  if (!*s || strchr(" \t+", *s))
    return false;
  long long v = strtoll(s, &end, 10);
  if (*end || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* The choices of a field whose value is a name, for the sentence that
 * refuses another. */
static const char *choices(enum sw_rule_field f)
{
  return f == SW_RULE_FIELD_TLS_MODE    ? "none, starttls, require-starttls, implicit"
         : f == SW_RULE_FIELD_AUTH_MECH ? "auto, PLAIN, LOGIN, CRAM-MD5, XOAUTH2"
                                        : "any, 4, 6";
}

/* Sets a field whose value is a name (TLS mode, mechanism, family). */
static bool set_choice(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                       enum sw_rule_field f, const char *text)
{
  struct sw_rule *ru = &row->rule;
  bool ok = f == SW_RULE_FIELD_TLS_MODE    ? sw_tls_mode_from_name(text, &ru->tls_mode)
            : f == SW_RULE_FIELD_AUTH_MECH ? sw_auth_mech_from_name(text, &ru->auth_mech)
                                           : sw_ip_family_from_name(text, &ru->ip_family);
  if (!ok)
    sw__rule_file_fail(r, row->line, "\"%s\": \"%s\" is not one of %s.", fields[f].key,
                       text, choices(f));
  return ok;
}

/* Sets a number field; the validator judges the range, this only that the
 * value fits the field. */
static bool set_number(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                       enum sw_rule_field f, const char *text)
{
  struct sw_rule *ru = &row->rule;
  long long v;
  long long max = f == SW_RULE_FIELD_PORT ? 65535
                  : f == SW_RULE_FIELD_CERT_WARN_DAYS || f == SW_RULE_FIELD_CERT_CRIT_DAYS
                      ? INT32_MAX
                      : UINT32_MAX;
  long long min = max == INT32_MAX ? INT32_MIN : 0;
  if (!parse_number(text, min, max, &v)) {
    sw__rule_file_fail(r, row->line,
                       "\"%s\": \"%s\" is not a whole number from %lld to %lld.",
                       fields[f].key, text, min, max);
    return false;
  }
  if (f == SW_RULE_FIELD_PORT)
    ru->port = (uint16_t)v;
  else if (f == SW_RULE_FIELD_TIMEOUT_MS)
    ru->timeout_ms = (uint32_t)v;
  else if (f == SW_RULE_FIELD_INTERVAL_S)
    ru->interval_s = (uint32_t)v;
  else if (f == SW_RULE_FIELD_CERT_WARN_DAYS)
    ru->cert_warn_days = (int)v;
  else
    ru->cert_crit_days = (int)v;
  return true;
}

bool sw__rule_file_set(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                       enum sw_rule_field f, const char *text)
{
  const char *key = fields[f].key;
  char **slot = text_of(&row->rule, f);
  if (slot) {
    if (sw_rule_set_string(slot, *text ? text : NULL))
      r->nomem = SW_E_NOMEM;
    return !r->nomem;
  }
  if (!*text)
    return true; /* an empty cell: the field keeps its default */
  if (fields[f].kind == SW__RULE_FILE_NUMBER)
    return set_number(r, row, f, text);
  bool *flag = flag_of(&row->rule, f);
  if (fields[f].kind == SW__RULE_FILE_SECRET) {
    if (strcmp(text, SW_RULE_FILE_SECRET_SET) != 0) {
      sw__rule_file_fail(r, row->line,
                         "\"%s\" may only say \"" SW_RULE_FILE_SECRET_SET
                         "\" or \"\": a rules file never carries a secret (set it with "
                         "'smtpwatch rules edit ID --%s-file F').",
                         key, key);
      return false;
    }
    *flag = true;
    return true;
  }
  if (flag) {
    bool yes = !strcmp(text, "true"), no = !strcmp(text, "false");
    if (!yes && !no)
      sw__rule_file_fail(r, row->line, "\"%s\": \"%s\" is neither true nor false.", key,
                         text);
    *flag = yes;
    return yes || no;
  }
  return set_choice(r, row, f, text);
}

/* ---- writing ------------------------------------------------------------ */

/* The columns of a CSV file: the keys, numbers and booleans marked. */
static void csv_columns(struct sw_table_column *cols)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    cols[f] = (struct sw_table_column){
        .key = fields[f].key,
        .title = fields[f].key,
        .numeric = fields[f].kind == SW__RULE_FILE_NUMBER,
        .boolean = fields[f].kind == SW__RULE_FILE_BOOL,
    };
}

static enum sw_error write_csv(const struct sw_rule *rules, size_t n, struct sw_buf *out)
{
  struct sw_table_column cols[SW_RULE_FIELD_COUNT];
  csv_columns(cols);
  struct sw_table t;
  sw_table_init(&t, cols, SW_RULE_FIELD_COUNT);
  char buf[32];
  for (size_t i = 0; i < n; i++)
    for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
      sw_table_cell(&t, field_text(&rules[i], (enum sw_rule_field)f, buf, sizeof buf));
  enum sw_error err = sw_table_render(&t, SW_TABLE_CSV, 0, out);
  sw_table_free(&t);
  return err;
}

/* One rule as a JSON object, one key a line, so that a reader's line
 * numbers point at a rule and people can diff two files. */
static void write_json_rule(const struct sw_rule *r, bool last, struct sw_buf *out,
                            enum sw_error *err)
{
  char buf[32];
  sw_buf_append_sticky(out, err, "    {\n", 6);
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++) {
    const char *v = field_text(r, (enum sw_rule_field)f, buf, sizeof buf);
    sw_buf_append_sticky(out, err, "      ", 6);
    if (!*err)
      *err = sw_json_append_string(out, fields[f].key, strlen(fields[f].key));
    sw_buf_append_sticky(out, err, ": ", 2);
    if (fields[f].kind == SW__RULE_FILE_NUMBER || fields[f].kind == SW__RULE_FILE_BOOL)
      sw_buf_append_sticky(out, err, v, strlen(v));
    else if (!*err)
      *err = sw_json_append_string(out, v, strlen(v));
    sw_buf_append_sticky(out, err, f + 1 < SW_RULE_FIELD_COUNT ? ",\n" : "\n",
                         f + 1 < SW_RULE_FIELD_COUNT ? 2 : 1);
  }
  sw_buf_append_sticky(out, err, last ? "    }\n" : "    },\n", last ? 6 : 7);
}

enum sw_error sw_rule_file_write(const struct sw_rule *rules, size_t n, bool json,
                                 struct sw_buf *out)
{
  if (!json)
    return write_csv(rules, n, out);
  enum sw_error err = SW_E_OK;
  sw_buf_printf_sticky(out, &err,
                       "{\n  \"format\": \"" SW_RULE_FILE_FORMAT
                       "\",\n  \"version\": %d,\n"
                       "  \"rules\": [%s",
                       SW_RULE_FILE_VERSION, n ? "\n" : "");
  for (size_t i = 0; i < n; i++)
    write_json_rule(&rules[i], i + 1 == n, out, &err);
  sw_buf_printf_sticky(out, &err, "%s]\n}\n", n ? "  " : "");
  return err;
}
