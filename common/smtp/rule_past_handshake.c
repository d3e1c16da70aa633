/* The validator's part for the fields past the handshake: AUTH (with its
 * XOAUTH2 client), the envelope and the open-relay test, and the address
 * options. Same rules as rule.c: one problem per field, in field order,
 * each a whole sentence that says how to fix it. */
#include <stdio.h>
#include <string.h>

#include "mail_address.h"
#include "rule.h"
#include "sw_utf8.h"

static const char *str(const char *s)
{
  return s ? s : "";
}

/* One line of UTF-8 text without control characters, at most `max` octets;
 * else a problem for `field` naming its label. */
static bool check_line(const char *text, size_t max, enum sw_rule_field field,
                       struct sw_rule_problems *out)
{
  size_t len = strlen(text);
  const char *label = sw_rule_field_label(field);
  enum sw_line_problem lp = sw_utf8_line_check(text, len, NULL);
  if (lp == SW_LINE_BAD_UTF8)
    sw_rule_problems_add(out, field, "%s contains bytes that are not valid UTF-8 text.",
                         label);
  else if (lp != SW_LINE_OK)
    sw_rule_problems_add(out, field,
                         "%s must be one line without control characters (such as "
                         "tabs or line breaks).",
                         label);
  else if (len > max)
    sw_rule_problems_add(out, field, "%s must be at most %u bytes long; it has %u.",
                         label, (unsigned)max, (unsigned)len);
  else
    return true;
  return false;
}

static bool uses_oauth(const struct sw_rule *r)
{
  return *str(r->oauth_token_url) != '\0';
}

static void check_auth(const struct sw_rule *r, struct sw_rule_problems *out)
{
  const char *user = str(r->auth_user);
  bool auth = *user != '\0';
  if (auth)
    check_line(user, SW_RULE_AUTH_USER_MAX, SW_RULE_FIELD_AUTH_USER, out);
  if (auth && !uses_oauth(r) && !r->auth_password_set)
    sw_rule_problems_add(out, SW_RULE_FIELD_AUTH_PASSWORD,
                         "AUTH password is required with an AUTH user (it is kept "
                         "encrypted and never shown back).");
  if ((unsigned)r->auth_mech >= SW_AUTH_MECH_COUNT)
    sw_rule_problems_add(out, SW_RULE_FIELD_AUTH_MECH,
                         "AUTH mechanism is not one this version knows.");
  else if (r->auth_mech != SW_AUTH_MECH_AUTO && !auth)
    sw_rule_problems_add(out, SW_RULE_FIELD_AUTH_MECH,
                         "AUTH mechanism %s is set, but there is no AUTH user: give "
                         "the user, or leave the mechanism automatic.",
                         sw_auth_mech_name(r->auth_mech));
  if (r->auth_plaintext && !auth)
    sw_rule_problems_add(out, SW_RULE_FIELD_AUTH_PLAINTEXT,
                         "Allow AUTH without TLS is set, but there is no AUTH user.");
}

static bool starts_with_https(const char *url)
{
  static const char scheme[] = "https://";
  for (size_t i = 0; i < sizeof scheme - 1; i++) {
    char c = url[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != scheme[i])
      return false;
  }
  return url[sizeof scheme - 1] != '\0';
}

static void check_oauth(const struct sw_rule *r, struct sw_rule_problems *out)
{
  const char *url = str(r->oauth_token_url), *id = str(r->oauth_client_id);
  const char *scope = str(r->oauth_scope);
  if (!uses_oauth(r)) {
    if (*id || *scope || r->oauth_client_secret_set)
      sw_rule_problems_add(out, SW_RULE_FIELD_OAUTH_TOKEN_URL,
                           "OAuth token URL is required when an OAuth client ID, "
                           "secret or scope is given.");
    return;
  }
  if (check_line(url, SW_RULE_URL_MAX, SW_RULE_FIELD_OAUTH_TOKEN_URL, out) &&
      (!starts_with_https(url) || strchr(url, ' ')))
    sw_rule_problems_add(out, SW_RULE_FIELD_OAUTH_TOKEN_URL,
                         "OAuth token URL must be an https:// address without spaces: "
                         "the client secret goes to it.");
  if (!*id)
    sw_rule_problems_add(out, SW_RULE_FIELD_OAUTH_CLIENT_ID,
                         "OAuth client ID is required with a token URL.");
  else
    check_line(id, SW_RULE_OAUTH_TEXT_MAX, SW_RULE_FIELD_OAUTH_CLIENT_ID, out);
  if (!r->oauth_client_secret_set)
    sw_rule_problems_add(out, SW_RULE_FIELD_OAUTH_CLIENT_SECRET,
                         "OAuth client secret is required with a token URL (it is kept "
                         "encrypted and never shown back).");
  if (*scope)
    check_line(scope, SW_RULE_OAUTH_TEXT_MAX, SW_RULE_FIELD_OAUTH_SCOPE, out);
  if (!*str(r->auth_user))
    sw_rule_problems_add(out, SW_RULE_FIELD_AUTH_USER,
                         "AUTH user is required with OAuth: it is the mailbox the "
                         "token is for.");
}

/* One address of the envelope; `what` names it in the sentence. */
static void check_address(const char *address, enum sw_rule_field field, const char *what,
                          struct sw_rule_problems *out)
{
  char why[SW_RULE_MESSAGE_MAX - 64];
  if (!sw_mail_address_check(address, why, sizeof why))
    sw_rule_problems_add(out, field, "%s: %s", what, why);
}

bool sw_rule_split_recipients(const char *rcpt_to, char buf[SW_RULE_ADDRESS_LIST_MAX + 1],
                              const char *to[SW_RULE_RCPT_MAX], size_t *count)
{
  *count = 0;
  size_t len = strlen(rcpt_to);
  if (len > SW_RULE_ADDRESS_LIST_MAX)
    return false;
  memcpy(buf, rcpt_to, len + 1);
  for (char *p = buf; *p;) {
    char *comma = strchr(p, ',');
    char *end = comma ? comma : p + strlen(p);
    while (*p == ' ')
      p++;
    char *last = end;
    while (last > p && last[-1] == ' ')
      last--;
    *last = '\0';
    if (p == last || *count == SW_RULE_RCPT_MAX)
      return false;
    to[(*count)++] = p;
    if (!comma)
      break;
    p = comma + 1;
    if (!*p)
      return false; /* "a@example.com," */
  }
  return *count > 0;
}

static void check_recipients(const char *rcpt_to, struct sw_rule_problems *out)
{
  char buf[SW_RULE_ADDRESS_LIST_MAX + 1]; /* the validator is pure: no static */
  const char *to[SW_RULE_RCPT_MAX];
  size_t count;
  if (strlen(rcpt_to) > SW_RULE_ADDRESS_LIST_MAX) {
    sw_rule_problems_add(out, SW_RULE_FIELD_RCPT_TO,
                         "RCPT TO must be at most %u bytes long.",
                         (unsigned)SW_RULE_ADDRESS_LIST_MAX);
    return;
  }
  if (!sw_rule_split_recipients(rcpt_to, buf, to, &count)) {
    sw_rule_problems_add(out, SW_RULE_FIELD_RCPT_TO,
                         "RCPT TO must be 1 to %d addresses separated by commas, none "
                         "of them empty.",
                         SW_RULE_RCPT_MAX);
    return;
  }
  char what[64];
  for (size_t i = 0; i < count && out->count < SW_RULE_FIELD_COUNT; i++) {
    size_t before = out->count;
    snprintf(what, sizeof what, "RCPT TO, recipient %u", (unsigned)i + 1);
    check_address(to[i], SW_RULE_FIELD_RCPT_TO, what, out);
    if (out->count != before)
      return; /* one problem per field */
  }
}

static void check_envelope(const struct sw_rule *r, struct sw_rule_problems *out)
{
  const char *from = str(r->mail_from), *rcpt = str(r->rcpt_to);
  const char *relay_rcpt = str(r->relay_test_rcpt);
  if (*from && *str(r->command))
    sw_rule_problems_add(out, SW_RULE_FIELD_MAIL_FROM,
                         "MAIL FROM cannot be combined with a command: a check sends "
                         "either its command or an envelope.");
  else if (*from && strcmp(from, "<>") != 0)
    check_address(from, SW_RULE_FIELD_MAIL_FROM, "MAIL FROM", out);
  else if (!*from && *rcpt)
    sw_rule_problems_add(out, SW_RULE_FIELD_MAIL_FROM,
                         "MAIL FROM is required with RCPT TO: give the sender, or <> "
                         "for the null sender.");
  if (*rcpt)
    check_recipients(rcpt, out);
  else if (*from && !r->relay_test)
    sw_rule_problems_add(out, SW_RULE_FIELD_RCPT_TO,
                         "RCPT TO needs at least one recipient with MAIL FROM (or turn "
                         "on the open relay test).");
  if (r->relay_test && *str(r->command))
    sw_rule_problems_add(out, SW_RULE_FIELD_RELAY_TEST,
                         "Open relay test cannot be combined with a command: a check "
                         "sends either its command or an envelope.");
  else if (r->relay_test && *str(r->auth_user))
    sw_rule_problems_add(out, SW_RULE_FIELD_RELAY_TEST,
                         "Open relay test runs without AUTH (a server may rightly relay "
                         "for a user it authenticated): make it a rule of its own.");
  if (*relay_rcpt && !r->relay_test)
    sw_rule_problems_add(out, SW_RULE_FIELD_RELAY_TEST_RCPT,
                         "Relay test recipient is used only by the open relay test: "
                         "turn the test on, or leave the recipient empty.");
  else if (*relay_rcpt)
    check_address(relay_rcpt, SW_RULE_FIELD_RELAY_TEST_RCPT, "Relay test recipient", out);
}

void sw__rule_validate_past_handshake(const struct sw_rule *r,
                                      struct sw_rule_problems *out)
{
  /* In the order of SW_RULE_FIELD_MAP, as rule.c's part. */
  check_auth(r, out);
  check_oauth(r, out);
  check_envelope(r, out);
  if ((unsigned)r->ip_family >= SW_IP_FAMILY_COUNT)
    sw_rule_problems_add(out, SW_RULE_FIELD_IP_FAMILY,
                         "Address family must be any, 4 or 6.");
}
