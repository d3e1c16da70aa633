/* The notifier dialog's form: the texts and choices of one notifier (its
 * name, its kind, and the kind's own fields), shown from a stored notifier
 * and turned into NOTIFIER_ADD / NOTIFIER_UPDATE / NOTIFIER_TEST, checked
 * on the spot by the validators the command line and the service use
 * (sw_pipe_notifier_model, sw_notifier_validate).
 *
 * Secrets (the relay password, the webhook URL) are typed into password
 * edits and never shown back: a stored one shows as "set"; left empty on
 * an edit it is not sent, and the service keeps it. Portable C11, UTF-8. */
#ifndef SW_NOTIFIER_FORM_H
#define SW_NOTIFIER_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_webhook.h"
#include "pipe_notifier.h"
#include "sw_error.h"

/* The form's texts, in the dialog's order. */
enum sw_notifier_text {
  SW_NOTIFIER_TEXT_NAME,
  SW_NOTIFIER_TEXT_TO,        /* email: "a@example.com, b@example.com" */
  SW_NOTIFIER_TEXT_RELAYS,    /* email: "mx1.example.com,mx2:587" */
  SW_NOTIFIER_TEXT_FROM,      /* email; "": smtpwatch@ the service's machine */
  SW_NOTIFIER_TEXT_AUTH_USER, /* email; "": no AUTH */
  SW_NOTIFIER_TEXT_PASSWORD,  /* email: a secret */
  SW_NOTIFIER_TEXT_URL,       /* webhook: a secret */
  SW_NOTIFIER_TEXT_COMMAND,   /* program */
  SW_NOTIFIER_TEXT_TIMEOUT,   /* program: seconds */
  SW_NOTIFIER_TEXT_SERVICE,   /* restart_service: the service's name */
  SW_NOTIFIER_TEXT_COUNT
};

struct sw_notifier_form {
  const char *text[SW_NOTIFIER_TEXT_COUNT]; /* borrowed UTF-8; NULL is "" */
  enum sw_notifier_kind kind;
  enum sw_tls_mode tls_mode;
  enum sw_webhook_format format;
  bool editing;          /* a stored notifier: NOTIFIER_UPDATE, its name fixed */
  int64_t revision;      /* editing: the revision it was read at */
  bool password_set;     /* editing: the service has a password */
  const char *url_shown; /* editing: "https://host/...", the stored URL as shown */
};

/* Whether the kind has the text (the dialog hides the others; the name
 * belongs to every kind). */
bool sw_notifier_form_uses(enum sw_notifier_kind kind, enum sw_notifier_text t);

/* What text `t` shows of stored notifier `n`: its value, the addresses
 * joined by ", ", the timeout in seconds; "" for the secrets (see
 * sw_notifier_form_secret_note). */
void sw_notifier_form_text(const struct sw_pipe_notifier *n, enum sw_notifier_text t,
                           char *out, size_t size);

/* The note beside a secret's edit: "set (leave empty to keep it)" or "not
 * set". */
const char *sw_notifier_form_secret_note(bool set);

/* The form as a NOTIFIER record with its secrets (`out` is initialised
 * first and owns its strings: free it with sw_pipe_notifier_input_free
 * whatever this returns). SW_E_INVALID_ARGUMENT with the first problem as
 * a sentence in why[size] if the form is not a valid notifier; SW_E_NOMEM
 * if memory ran out. */
enum sw_error sw_notifier_form_to_input(const struct sw_notifier_form *f,
                                        struct sw_pipe_notifier_input *out, char *why,
                                        size_t size);

#endif
