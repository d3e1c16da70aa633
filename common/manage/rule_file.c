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
static const char *const keys[SW_RULE_FIELD_COUNT] = {
    [SW_RULE_FIELD_NAME] = "name",
    [SW_RULE_FIELD_HOST] = "host",
    [SW_RULE_FIELD_PORT] = "port",
    [SW_RULE_FIELD_COMMAND] = "send",
    [SW_RULE_FIELD_EXPECT] = "expect",
    [SW_RULE_FIELD_TIMEOUT_MS] = "timeout-ms",
    [SW_RULE_FIELD_EHLO_NAME] = "helo",
    [SW_RULE_FIELD_INTERVAL_S] = "interval-s",
    [SW_RULE_FIELD_ENABLED] = "enabled",
    [SW_RULE_FIELD_TLS_MODE] = "tls",
    [SW_RULE_FIELD_TLS_INSECURE] = "insecure",
    [SW_RULE_FIELD_CERT_WARN_DAYS] = "cert-warn-days",
    [SW_RULE_FIELD_CERT_CRIT_DAYS] = "cert-crit-days",
    [SW_RULE_FIELD_AUTH_USER] = "auth-user",
    [SW_RULE_FIELD_AUTH_PASSWORD] = "auth-password",
    [SW_RULE_FIELD_AUTH_MECH] = "auth-mech",
    [SW_RULE_FIELD_AUTH_PLAINTEXT] = "allow-plaintext-auth",
    [SW_RULE_FIELD_OAUTH_TOKEN_URL] = "oauth-token-url",
    [SW_RULE_FIELD_OAUTH_CLIENT_ID] = "oauth-client-id",
    [SW_RULE_FIELD_OAUTH_CLIENT_SECRET] = "oauth-client-secret",
    [SW_RULE_FIELD_OAUTH_SCOPE] = "oauth-scope",
    [SW_RULE_FIELD_MAIL_FROM] = "mail-from",
    [SW_RULE_FIELD_RCPT_TO] = "rcpt-to",
    [SW_RULE_FIELD_RELAY_TEST] = "relay-test",
    [SW_RULE_FIELD_RELAY_TEST_RCPT] = "relay-test-rcpt",
    [SW_RULE_FIELD_IP_FAMILY] = "ip",
    [SW_RULE_FIELD_ALL_ADDRESSES] = "all-addresses",
    [SW_RULE_FIELD_CHECK_PTR] = "check-ptr",
    [SW_RULE_FIELD_DRIFT] = "drift",
    [SW_RULE_FIELD_ROUND_TRIP] = "round-trip",
    [SW_RULE_FIELD_MAILBOX_HOST] = "mailbox-host",
    [SW_RULE_FIELD_MAILBOX_PORT] = "mailbox-port",
    [SW_RULE_FIELD_MAILBOX_TLS] = "mailbox-tls",
    [SW_RULE_FIELD_MAILBOX_USER] = "mailbox-user",
    [SW_RULE_FIELD_MAILBOX_PASSWORD] = "mailbox-password",
    [SW_RULE_FIELD_FOLDER] = "folder",
    [SW_RULE_FIELD_PROBE_TO] = "probe-to",
    [SW_RULE_FIELD_PROBE_FROM] = "probe-from",
    [SW_RULE_FIELD_DELIVER_WITHIN_S] = "deliver-within-s",
    [SW_RULE_FIELD_DELIVERY_WARN_MS] = "warn-ms",
    [SW_RULE_FIELD_DELIVERY_CRIT_MS] = "crit-ms",
    [SW_RULE_FIELD_DOMAIN] = "domain",
    [SW_RULE_FIELD_MIN_OK] = "min-ok",
    [SW_RULE_FIELD_MTA_STS] = "mta-sts",
    [SW_RULE_FIELD_DANE] = "dane",
    [SW_RULE_FIELD_DNS_SERVER] = "dns-server",
};

const char *sw_rule_file_key(enum sw_rule_field f)
{
  return (unsigned)f < SW_RULE_FIELD_COUNT ? keys[f] : NULL;
}

bool sw_rule_file_field(const char *key, enum sw_rule_field *out)
{
  for (int f = 0; f < SW_RULE_FIELD_COUNT; f++)
    if (!strcmp(keys[f], key)) {
      *out = (enum sw_rule_field)f;
      return true;
    }
  return false;
}

enum sw__rule_file_kind sw__rule_file_kind(enum sw_rule_field f)
{
  switch (sw_rule_field_kind(f)) {
  case SW_RULE_FLAG:
    return SW__RULE_FILE_BOOL;
  case SW_RULE_SECRET:
    return SW__RULE_FILE_SECRET;
  default:
    return sw_rule_kind_is_number(sw_rule_field_kind(f))
               ? SW__RULE_FILE_NUMBER
               : SW__RULE_FILE_TEXT; /* a string or a choice's name */
  }
}

/* ---- values as text ---------------------------------------------------- */

/* Field `f` of `r` as the file writes it, in buf[size] or a string of the
 * rule's (returned). */
static const char *field_text(const struct sw_rule *r, enum sw_rule_field f, char *buf,
                              size_t size)
{
  switch (sw_rule_field_kind(f)) {
  case SW_RULE_TEXT:
  case SW_RULE_CHOICE: {
    const char *text = sw_rule_field_text(r, f);
    return text ? text : "";
  }
  case SW_RULE_SECRET:
    return sw_rule_field_number(r, f) ? SW_RULE_FILE_SECRET_SET : "";
  case SW_RULE_FLAG:
    return sw_rule_field_number(r, f) ? "true" : "false";
  default:
    snprintf(buf, size, "%" PRId64, sw_rule_field_number(r, f));
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
  bool ok = sw_rule_field_set_name(&row->rule, f, text);
  if (!ok)
    sw__rule_file_fail(r, row->line, "\"%s\": \"%s\" is not one of %s.", keys[f], text,
                       choices(f));
  return ok;
}

/* Sets a number field; the validator judges the range, this only that the
 * value fits the field. */
static bool set_number(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                       enum sw_rule_field f, const char *text)
{
  enum sw_rule_kind kind = sw_rule_field_kind(f);
  long long v;
  long long max = kind == SW_RULE_PORT   ? 65535
                  : kind == SW_RULE_DAYS ? INT32_MAX
                                         : UINT32_MAX;
  long long min = kind == SW_RULE_DAYS ? INT32_MIN : 0;
  if (!parse_number(text, min, max, &v)) {
    sw__rule_file_fail(r, row->line,
                       "\"%s\": \"%s\" is not a whole number from %lld to %lld.", keys[f],
                       text, min, max);
    return false;
  }
  sw_rule_field_set_number(&row->rule, f, v);
  return true;
}

bool sw__rule_file_set(struct sw__rule_file_reader *r, struct sw_rule_file_row *row,
                       enum sw_rule_field f, const char *text)
{
  const char *key = keys[f];
  char **slot = sw_rule_field_text_slot(&row->rule, f);
  if (slot) {
    if (sw_rule_set_string(slot, *text ? text : NULL))
      r->nomem = SW_E_NOMEM;
    return !r->nomem;
  }
  if (!*text)
    return true; /* an empty cell: the field keeps its default */
  if (sw__rule_file_kind(f) == SW__RULE_FILE_NUMBER)
    return set_number(r, row, f, text);
  bool *flag = sw_rule_field_flag_slot(&row->rule, f);
  if (sw__rule_file_kind(f) == SW__RULE_FILE_SECRET) {
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
        .key = keys[f],
        .title = keys[f],
        .numeric = sw__rule_file_kind(f) == SW__RULE_FILE_NUMBER,
        .boolean = sw__rule_file_kind(f) == SW__RULE_FILE_BOOL,
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
      *err = sw_json_append_string(out, keys[f], strlen(keys[f]));
    sw_buf_append_sticky(out, err, ": ", 2);
    if (sw__rule_file_kind(f) == SW__RULE_FILE_NUMBER ||
        sw__rule_file_kind(f) == SW__RULE_FILE_BOOL)
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
