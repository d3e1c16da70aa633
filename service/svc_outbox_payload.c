/* What a notification becomes for each kind of notifier
 * (svc_outbox_payload.h). */
#include "svc_outbox_payload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "mail_message.h"
#include "sw_macros.h"

void sw_svc_note_of(const struct sw_store_notification *n, const char *machine,
                    struct sw_alert_note *out)
{
  *out = (struct sw_alert_note){
      .id = n->uid,
      .kind = n->kind,
      .rule_id = n->rule_id,
      .rule_name = n->rule_name,
      .host = n->host,
      .port = n->port,
      .state = n->state,
      .previous = n->previous,
      .outcome = n->outcome,
      .message = n->message,
      .reply_code = n->reply_code,
      .response_ms = n->response_ms,
      .since = n->since_s,
      .at = n->created_at_ms / 1000,
      .machine = machine,
  };
}

enum sw_error sw_svc_mail_payload(const struct sw_alert_note *note, const char *from,
                                  const char *const *to, size_t to_count,
                                  struct sw_buf *out)
{
  char subject[512];
  sw_alert_subject(note, subject, sizeof subject);
  struct sw_buf body, text;
  sw_buf_init(&body, 0);
  sw_buf_init(&text, 0);
  enum sw_error err = sw_alert_body(note, &body);
  if (!err) {
    struct sw_mail_message m = {
        .from = from,
        .to = to,
        .to_count = to_count,
        .subject = subject,
        .body = sw_buf_str(&body),
        .id = note->id,
        .host = note->machine,
        .date = note->at,
    };
    err = sw_mail_message_write(&m, &text);
  }
  if (!err)
    err = sw_mail_data_payload((const char *)text.data, text.len, out);
  sw_buf_free(&body);
  sw_buf_free(&text);
  return err;
}

enum sw_error sw_svc_program_env(const struct sw_alert_note *note,
                                 char *env[SW_SVC_PROGRAM_VARS])
{
  char since[32];
  sw_utc_format_iso(note->since, since, sizeof since);
  char id[24], port[8];
  snprintf(id, sizeof id, "%" PRId64, note->rule_id);
  snprintf(port, sizeof port, "%u", note->port);
  const char *const pairs[SW_SVC_PROGRAM_VARS][2] = {
      {"SMTPWATCH_RULE_ID", id},
      {"SMTPWATCH_NAME", note->rule_name},
      {"SMTPWATCH_HOST", note->host},
      {"SMTPWATCH_PORT", port},
      {"SMTPWATCH_STATE", sw_nagios_status_name(note->state)},
      {"SMTPWATCH_PREVIOUS_STATE", sw_nagios_status_name(note->previous)},
      {"SMTPWATCH_OUTCOME", sw_outcome_name(note->outcome)},
      {"SMTPWATCH_MESSAGE", note->message},
      {"SMTPWATCH_SINCE", since},
  };
  for (size_t i = 0; i < SW_SVC_PROGRAM_VARS; i++) {
    size_t len = strlen(pairs[i][0]) + 1 + strlen(pairs[i][1]) + 1;
    env[i] = malloc(len);
    if (!env[i]) {
      while (i > 0)
        free(env[--i]);
      return SW_E_NOMEM;
    }
    snprintf(env[i], len, "%s=%s", pairs[i][0], pairs[i][1]);
  }
  return SW_E_OK;
}
