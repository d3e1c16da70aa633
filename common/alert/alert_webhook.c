/* A notification as a webhook's JSON body (alert_webhook.h). */
#include "alert_webhook.h"

#include "sw_macros.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "json_writer.h"
#include "sw_utf8.h"
#include "sw_names.h"

#define TIME_TEXT_MAX 32
#define HEADLINE_MAX 512
#define SLACK_HEADER_MAX                                                                 \
  150 /* Slack's limit for a header block's text (characters; bytes here) */

static const char *const format_names[] = {SW_WEBHOOK_FORMAT_MAP(SW_X_2)};

const char *sw_webhook_format_name(enum sw_webhook_format f)
{
  return SW_TABLE_AT(format_names, f, "unknown");
}

bool sw_webhook_format_from_name(const char *name, enum sw_webhook_format *out)
{
  int i = sw_name_index(format_names, SW_COUNTOF(format_names), name);
  if (i >= 0)
    *out = (enum sw_webhook_format)i;
  return i >= 0;
}

/* Opens {"type": type, list_key: [ ... the form of a card's FactSet and
 * of a Slack section's fields; the caller closes both. */
static void begin_typed_list(struct sw_json *j, const char *type, const char *list_key)
{
  sw_json_begin_object(j);
  sw_json_member_string(j, "type", type);
  sw_json_key(j, list_key);
  sw_json_begin_array(j);
}

/* ---- generic ---- */

static void generic(const struct sw_alert_note *n, struct sw_json *j)
{
  char since[TIME_TEXT_MAX], at[TIME_TEXT_MAX];
  sw_utc_format_iso(n->since, since, sizeof since);
  sw_utc_format_iso(n->at, at, sizeof at);
  sw_json_begin_object(j);
  sw_json_member_string(j, "id", n->id);
  sw_json_member_string(j, "kind", sw_alert_kind_name(n->kind));
  sw_json_key(j, "rule");
  sw_json_begin_object(j);
  sw_json_member_int(j, "id", n->rule_id);
  sw_json_member_string(j, "name", n->rule_name);
  sw_json_member_string(j, "host", n->host);
  sw_json_member_int(j, "port", n->port);
  sw_json_end_object(j);
  sw_json_member_string(j, "state", sw_nagios_status_name(n->state));
  sw_json_member_string(j, "previous_state", sw_nagios_status_name(n->previous));
  sw_json_member_string(j, "since", since);
  sw_json_member_string(j, "at", at);
  sw_json_member_string(j, "outcome", sw_outcome_name(n->outcome));
  sw_json_member_string(j, "outcome_text", sw_outcome_text(n->outcome));
  sw_json_member_string(j, "message", n->message);
  sw_json_key(j, "reply_code");
  if (n->reply_code)
    sw_json_int(j, n->reply_code);
  else
    sw_json_null(j);
  sw_json_key(j, "response_ms");
  if (n->response_ms >= 0)
    sw_json_int(j, n->response_ms);
  else
    sw_json_null(j);
  sw_json_member_string(j, "machine", n->machine);
  sw_json_end_object(j);
}

/* ---- the facts the chat formats show ---- */

struct fact {
  const char *title;
  char value[600];
};

/* Server, since, outcome, what was found, checked, id. Returns the count. */
static size_t facts(const struct sw_alert_note *n, struct fact f[6])
{
  size_t k = 0;
  char at[TIME_TEXT_MAX];
  f[k].title = "Server";
  sw_alert_server(n, f[k++].value, sizeof f[0].value);
  f[k].title = "Since";
  sw_utc_format(n->since, f[k++].value, sizeof f[0].value);
  f[k].title = "Outcome";
  snprintf(f[k++].value, sizeof f[0].value, "%s", sw_outcome_text(n->outcome));
  if (n->message[0]) {
    f[k].title = "Found";
    snprintf(f[k++].value, sizeof f[0].value, "%s", n->message);
  }
  sw_utc_format(n->at, at, sizeof at);
  f[k].title = "Checked";
  snprintf(f[k++].value, sizeof f[0].value, "%s on %s", at, n->machine);
  f[k].title = "Notification id";
  snprintf(f[k++].value, sizeof f[0].value, "%s", n->id);
  return k;
}

/* ---- teams ---- */

/* Adaptive Cards read a subset of Markdown in TextBlock and FactSet text;
 * a backslash before each of its characters keeps a server's words words
 * (no link, no emphasis). */
static void teams_text(const char *s, char *out, size_t size)
{
  size_t o = 0;
  for (; *s && o + 2 < size; s++) {
    if (strchr("\\*_[]()~`#>!-+|", *s))
      out[o++] = '\\';
    out[o++] = *s;
  }
  out[o] = '\0';
}

static const char *teams_colour(const struct sw_alert_note *n)
{
  if (n->kind == SW_ALERT_RECOVERY)
    return "Good";
  return n->state == SW_NAGIOS_WARNING || n->kind == SW_ALERT_FLAPPING ? "Warning"
                                                                       : "Attention";
}

static void teams(const struct sw_alert_note *n, struct sw_json *j)
{
  char headline[HEADLINE_MAX], text[2 * sizeof((struct fact){0}.value)];
  struct fact f[6];
  size_t count = facts(n, f);
  sw_alert_headline(n, headline, sizeof headline);
  sw_json_begin_object(j);
  sw_json_member_string(j, "type", "message");
  sw_json_key(j, "attachments");
  sw_json_begin_array(j);
  sw_json_begin_object(j);
  sw_json_member_string(j, "contentType", "application/vnd.microsoft.card.adaptive");
  sw_json_key(j, "contentUrl");
  sw_json_null(j);
  sw_json_key(j, "content");
  sw_json_begin_object(j);
  sw_json_member_string(j, "$schema",
                        "http://adaptivecards.io/schemas/adaptive-card.json");
  sw_json_member_string(j, "type", "AdaptiveCard");
  sw_json_member_string(j, "version", "1.4");
  sw_json_key(j, "body");
  sw_json_begin_array(j);
  sw_json_begin_object(j);
  sw_json_member_string(j, "type", "TextBlock");
  teams_text(headline, text, sizeof text);
  sw_json_member_string(j, "text", text);
  sw_json_member_string(j, "weight", "Bolder");
  sw_json_member_string(j, "size", "Medium");
  sw_json_member_string(j, "color", teams_colour(n));
  sw_json_member_bool(j, "wrap", true);
  sw_json_end_object(j);
  begin_typed_list(j, "FactSet", "facts");
  for (size_t i = 0; i < count; i++) {
    sw_json_begin_object(j);
    sw_json_member_string(j, "title", f[i].title);
    teams_text(f[i].value, text, sizeof text);
    sw_json_member_string(j, "value", text);
    sw_json_end_object(j);
  }
  sw_json_end_array(j);
  sw_json_end_object(j);
  sw_json_end_array(j);  /* body */
  sw_json_end_object(j); /* content */
  sw_json_end_object(j); /* the attachment */
  sw_json_end_array(j);
  sw_json_end_object(j);
}

/* ---- slack ---- */

/* Slack reads &, < and > in `text` as markup (<url|link>, <!channel>):
 * they go as the entities Slack documents. */
static void slack_escaped(const char *s, char *out, size_t size)
{
  size_t o = 0;
  for (; *s; s++) {
    const char *rep = *s == '&'   ? "&amp;"
                      : *s == '<' ? "&lt;"
                      : *s == '>' ? "&gt;"
                                  : NULL;
    size_t len = rep ? strlen(rep) : 1;
    if (o + len + 1 > size)
      break;
    memcpy(out + o, rep ? rep : s, len);
    o += len;
  }
  out[o] = '\0';
}

static void plain_text(struct sw_json *j, const char *text)
{
  sw_json_begin_object(j);
  sw_json_member_string(j, "type", "plain_text");
  sw_json_member_string(j, "text", text);
  sw_json_end_object(j);
}

static void slack(const struct sw_alert_note *n, struct sw_json *j)
{
  char headline[HEADLINE_MAX], text[3 * HEADLINE_MAX], field[700];
  struct fact f[6];
  size_t count = facts(n, f);
  sw_alert_headline(n, headline, sizeof headline);
  sw_json_begin_object(j);
  slack_escaped(headline, text, sizeof text);
  sw_json_member_string(j, "text", text); /* notifications and clients without blocks */
  sw_json_key(j, "blocks");
  sw_json_begin_array(j);
  sw_json_begin_object(j);
  sw_json_member_string(j, "type", "header");
  sw_json_key(j, "text");
  size_t cut = sw_utf8_fit(headline, strlen(headline), SLACK_HEADER_MAX);
  memcpy(text, headline, cut);
  text[cut] = '\0';
  plain_text(j, text);
  sw_json_end_object(j);
  begin_typed_list(j, "section", "fields");
  for (size_t i = 0; i < count; i++) {
    snprintf(field, sizeof field, "%s: %s", f[i].title, f[i].value);
    plain_text(j, field);
  }
  sw_json_end_array(j);
  sw_json_end_object(j);
  sw_json_end_array(j);
  sw_json_end_object(j);
}

enum sw_error sw_alert_webhook_json(const struct sw_alert_note *n,
                                    enum sw_webhook_format f, struct sw_buf *out)
{
  struct sw_json j;
  sw_json_init(&j, out);
  switch (f) {
  case SW_WEBHOOK_GENERIC:
    generic(n, &j);
    break;
  case SW_WEBHOOK_TEAMS:
    teams(n, &j);
    break;
  case SW_WEBHOOK_SLACK:
    slack(n, &j);
    break;
  default:
    return SW_E_INVALID_ARGUMENT;
  }
  return sw_json_finish(&j);
}
