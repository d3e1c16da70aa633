/* An alert mail as RFC 5322 text, ready for SMTP DATA: the headers (the
 * subject as RFC 2047 encoded words when it is not ASCII, a Date, a
 * Message-ID and X-SmtpWatch-Notification-Id that stay the same over
 * retries, so receivers and their filters can drop a second copy) and a
 * UTF-8 plain-text body in quoted-printable (RFC 2045), which passes every
 * relay unchanged, 8BITMIME or not. Lines end in CRLF and none is longer
 * than 78 characters. */
#ifndef SW_MAIL_MESSAGE_H
#define SW_MAIL_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_error.h"

/* All strings borrowed and UTF-8; addresses are bare (local@domain). */
struct sw_mail_message {
  const char *from;
  const char *const *to; /* to_count addresses */
  size_t to_count;
  const char *subject;
  const char *body; /* lines end in "\n" or "\r\n" */
  const char *id;   /* the notification's id: X-SmtpWatch-Notification-Id */
  const char *host; /* this machine's name, for the Message-ID */
  int64_t date;     /* Unix seconds */
};

/* Appends the whole message. SW_E_INVALID_ARGUMENT if a header value holds
 * a CR or LF (nothing may add a header of its own), SW_E_NOMEM if memory
 * ran out. */
enum sw_error sw_mail_message_write(const struct sw_mail_message *m, struct sw_buf *out);

/* Appends `text` (CRLF lines) as DATA's payload: a '.' that starts a line
 * is doubled (RFC 5321 4.5.2), and the end is "\r\n.\r\n". */
enum sw_error sw_mail_data_payload(const char *text, size_t len, struct sw_buf *out);

#endif
