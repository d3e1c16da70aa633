/* The sentences of the editor's main window: the question before a
 * delete, what went wrong when an action on a rule failed, the banner
 * over a list the service no longer updates, and the status bar's
 * "updated" part. Portable C11, UTF-8, unit-tested without a window; the
 * window only shows them. Each writes a NUL-terminated text into
 * out[size] (cut if it does not fit; nothing if size is 0). */
#ifndef SW_MAIN_TEXT_H
#define SW_MAIN_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* What the user asked for on a rule. */
enum sw_main_action {
  SW_MAIN_DELETE,
  SW_MAIN_ENABLE,
  SW_MAIN_DISABLE,
  SW_MAIN_TEST,
  SW_MAIN_OPEN,   /* reading the rule before acting on it */
  SW_MAIN_ACK,    /* acknowledging its bad state (RULE_ACK) */
  SW_MAIN_UNACK,  /* taking the acknowledgement back (RULE_UNACK) */
  SW_MAIN_ACCEPT, /* accepting its server's changes (RULE_ACCEPT) */
};

/* The confirmation before deleting rule `name` on `server` ("host:port"):
 * 'Delete the rule "Relay" (mail.example.com:587)? Its history is
 * deleted with it; this cannot be undone.' */
void sw_main_text_delete_question(const char *name, const char *server, char *out,
                                  size_t size);

/* Why `action` on rule `name` failed, as one message: 'The rule "Relay"
 * could not be deleted: ...'. `error_code` is the service's ERROR code
 * ("access_denied", "not_found"...) or "" when the service was not
 * reached; `error` its sentence, or why it was not reached. Refusals
 * this window can explain better (administrators only, the rule gone
 * meanwhile, a service too old for the request: `unknown_message`) get
 * the editor's own sentence. */
void sw_main_text_failure(enum sw_main_action action, const char *name,
                          const char *error_code, const char *error, char *out,
                          size_t size);

/* Why a service that answered `unknown_message` to `message` (SW_PIPE_MSG_*)
 * did: it is older than the editor ("The SMTP Watch service is older than
 * this tool: acknowledgements need protocol version 2 and it speaks
 * version 1; update the service."), from sw_pipe_msg_allowed. */
void sw_main_text_older_service(uint16_t message, char *out, size_t size);

/* The acknowledge dialog's question for rule `name` in state `state`
 * ("CRITICAL"): 'Acknowledge "Relay" (CRITICAL)? Its notifications stop
 * until its state changes; your comment goes to the events.' */
void sw_main_text_ack_question(const char *name, const char *state, char *out,
                               size_t size);

/* The banner over the list while the service cannot be reached:
 * `state_text` (the worker's sentence, "The SMTP Watch service is not
 * running: ..."), then what the list shows and that the editor keeps
 * trying every `retry_s` seconds. `updated_at` is the local time of the
 * last good refresh ("14:03:22") or "" if the list was never filled. */
void sw_main_text_banner(const char *state_text, const char *updated_at, unsigned retry_s,
                         char *out, size_t size);

/* The status bar's last part: "Updated 14:03:22", or "Not updated yet"
 * for "". */
void sw_main_text_updated(const char *updated_at, char *out, size_t size);

#endif
