/* One notification's content, and its text for people: the headline (an
 * e-mail's subject, a chat card's title) and the plain-text body of an
 * alert mail. The outbox keeps what is needed to write it again on every
 * attempt, so a retried notification says exactly what the first try said.
 * Nothing in it is a link: a server's reply is shown as text, never as
 * something to click. */
#ifndef SW_ALERT_NOTE_H
#define SW_ALERT_NOTE_H

#include <stdint.h>

#include "alert_policy.h"
#include "check_result.h"
#include "sw_buf.h"
#include "sw_error.h"

#define SW_ALERT_SUBJECT_PREFIX "[SMTP Watch] "

/* All strings are borrowed, UTF-8, and may be "" but not NULL. */
struct sw_alert_note {
  const char *id; /* stable over retries: X-SmtpWatch-Notification-Id, "id" */
  enum sw_alert_kind kind;
  int64_t rule_id;
  const char *rule_name;
  const char *host;
  uint16_t port;
  enum sw_nagios_status state;    /* what the rule is now */
  enum sw_nagios_status previous; /* what it was before (a recovery: the bad state) */
  enum sw_outcome outcome;        /* of the check that decided */
  const char *message;            /* what that check found, in words */
  int reply_code;                 /* its deciding reply's code; 0 if none */
  int64_t response_ms;            /* -1 if the server did not answer */
  int64_t since;                  /* Unix seconds: when `state` began */
  int64_t at;                     /* Unix seconds: when this was decided */
  const char *machine;            /* the computer whose service checked */
};

/* "CRITICAL: Main relay (mail.example.com:25)", "still CRITICAL: ...",
 * "RECOVERED: ...", "FLAPPING: ..." (an IPv6 address in brackets). */
void sw_alert_headline(const struct sw_alert_note *n, char *out, size_t size);

/* The headline after SW_ALERT_SUBJECT_PREFIX. */
void sw_alert_subject(const struct sw_alert_note *n, char *out, size_t size);

/* The alert mail's body: a sentence, then one "Label: value" line per
 * fact, then the id and how to acknowledge. Lines end in "\n" (the mail
 * writer makes them CRLF). */
enum sw_error sw_alert_body(const struct sw_alert_note *n, struct sw_buf *out);

/* "mail.example.com:25", "[2001:db8::1]:25". */
void sw_alert_server(const struct sw_alert_note *n, char *out, size_t size);

#endif
