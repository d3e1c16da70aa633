/* The NOTIFIER record (protocol version 2, docs/pipe-protocol.md): a
 * notifier as the service shows it, and as a client sends it to be added,
 * changed or tested.
 *
 * Secrets (the relay password, the webhook URL, whose path carries the
 * receiver's token) travel only from a client to the service, and only in
 * struct sw_pipe_notifier_input. What the service sends is a struct
 * sw_pipe_notifier, which has no member for either: the service's encoder
 * cannot write one, and writes the URL only as sw_webhook_url_shown makes
 * it ("https://host/..."), whatever url_shown holds. A client's decoder has
 * nowhere to keep a secret a server might send, and skips it.
 *
 * Encoders borrow; decoders allocate (each struct is freed with its _free,
 * also after an error). Decoders skip unknown tags and nested records and
 * fail on malformed data or a known tag of the wrong type. */
#ifndef SW_PIPE_NOTIFIER_H
#define SW_PIPE_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notifier.h"
#include "pipe_tlv.h"
#include "sw_buf.h"

/* What anyone may see of a notifier. The strings are owned when decoded
 * (and after _init), borrowed when encoded; the members a kind does not use
 * are left out of the record. */
struct sw_pipe_notifier {
  char *name;
  enum sw_notifier_kind kind; /* SW_NOTIFIER_KIND_COUNT: a kind this build does
                                 not know (the validator says so) */
  int64_t revision;           /* 0 for a notifier not stored yet */
  /* email */
  char **to; /* the addresses, one NOTIFIER_TO each */
  size_t to_count;
  char *relays; /* as sw_relay_list_parse reads them: "mx1.example.com,mx2:587" */
  char *from;   /* "" or NULL: smtpwatch@ the service's machine */
  enum sw_tls_mode tls_mode;
  char *auth_user;   /* "" or NULL: no AUTH */
  bool password_set; /* service -> client: a relay password is stored */
  /* webhook */
  char *url_shown; /* service -> client; the encoder reduces it to
                      "https://host/...", so the full URL may be put here */
  enum sw_webhook_format format;
  /* program */
  char *command_line;
  uint32_t timeout_s;
  /* restart_service */
  char *service_name;
};

/* A notifier as a client sends it in NOTIFIER_ADD, NOTIFIER_UPDATE and
 * NOTIFIER_TEST: the facts (n.password_set and n.url_shown are not sent)
 * and the secrets. */
struct sw_pipe_notifier_input {
  struct sw_pipe_notifier n;
  char *password; /* NULL: not sent (an update keeps the stored one);
                     "": no password */
  char *url;      /* NULL: not sent (an update keeps the stored one) */
};

/* Empty, with the defaults a field left out takes: kind email, TLS
 * starttls, format generic, the program timeout 60 s. */
void sw_pipe_notifier_init(struct sw_pipe_notifier *n);
void sw_pipe_notifier_free(struct sw_pipe_notifier *n);
/* The secrets' bytes are zeroed before they are freed. */
void sw_pipe_notifier_input_init(struct sw_pipe_notifier_input *in);
void sw_pipe_notifier_input_free(struct sw_pipe_notifier_input *in);

/* The service's encoder: appends a NOTIFIER record. */
void sw_pipe_put_notifier(struct sw_buf *out, const struct sw_pipe_notifier *n);
/* A client's decoder: reads the NOTIFIER record whose BEGIN was just read
 * (`out` is initialised first). */
enum sw_error sw_pipe_get_notifier(struct sw_tlv_reader *rd,
                                   struct sw_pipe_notifier *out);

/* A client's encoder: appends a NOTIFIER record with the secrets that are
 * set. */
void sw_pipe_put_notifier_input(struct sw_buf *out,
                                const struct sw_pipe_notifier_input *in);
/* The service's decoder (`out` is initialised first). */
enum sw_error sw_pipe_get_notifier_input(struct sw_tlv_reader *rd,
                                         struct sw_pipe_notifier_input *out);

/* The notifier model (common/alert/notifier.h) of `in`, for
 * sw_notifier_validate and the senders: strings borrowed from `in` ("" for
 * NULL), relays parsed into relays[SW_NOTIFIER_RELAYS_MAX]. A secret `in`
 * does not carry reads as unset (url "", no password): for an update that
 * keeps them, the service fills model->url and model->has_auth_password
 * from the stored notifier before it validates. False, with a sentence in
 * why[size], if the relays do not parse, or the TLS mode or webhook format
 * is one this build does not know (which the model's validator cannot
 * see). */
bool sw_pipe_notifier_model(const struct sw_pipe_notifier_input *in,
                            struct sw_notifier *model, struct sw_relay *relays, char *why,
                            size_t size);

#endif
