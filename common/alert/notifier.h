/* Notifiers: named targets, defined once and used by many rules. An e-mail
 * through a list of relays tried in order (the relay being watched may be
 * the one that is down), a webhook, a program, or a Windows service to
 * restart. This is the model and its validation, with a sentence for each
 * problem; the service stores notifiers and keeps their secrets (the relay
 * password, the webhook URL, which carries its token) encrypted with DPAPI,
 * and never shows them back: a client sees only that a secret is set. */
#ifndef SW_NOTIFIER_H
#define SW_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_webhook.h"
#include "host_text.h"
#include "mail_address.h" /* sw_mail_address_check, for the to and from */
#include "rule.h"
#include "sw_macros.h"

#define SW_NOTIFIER_NAME_MAX_CHARS 100
#define SW_NOTIFIER_TO_MAX 16
#define SW_NOTIFIER_RELAYS_MAX 4
#define SW_WEBHOOK_URL_MAX 2048
#define SW_PROGRAM_LINE_MAX 8191 /* cmd.exe's limit, below CreateProcess' 32767 */
#define SW_PROGRAM_DEFAULT_TIMEOUT_S 60u
#define SW_PROGRAM_TIMEOUT_MAX_S 3600u
#define SW_SERVICE_NAME_MAX 256
#define SW_NOTIFIER_PROBLEM_MAX 256

/* X(ENUM, machine name) */
#define SW_NOTIFIER_KIND_MAP(X)                                                          \
  X(SW_NOTIFIER_EMAIL, "email")                                                          \
  X(SW_NOTIFIER_WEBHOOK, "webhook")                                                      \
  X(SW_NOTIFIER_PROGRAM, "program")                                                      \
  X(SW_NOTIFIER_RESTART_SERVICE, "restart_service")

enum sw_notifier_kind { SW_NOTIFIER_KIND_MAP(SW_X_1) SW_NOTIFIER_KIND_COUNT };

struct sw_relay {
  char host[SW_DNS_NAME_MAX + 3]; /* a name, an IPv4 address or a bare IPv6 address */
  uint16_t port;                  /* 25 unless given */
};

/* All strings borrowed; those a kind does not use are ignored. */
struct sw_notifier {
  const char *name;
  enum sw_notifier_kind kind;
  /* email */
  const char *const *to;
  size_t to_count;
  const struct sw_relay *relays;
  size_t relay_count;
  const char *from; /* "" = smtpwatch@ this machine's name */
  enum sw_tls_mode tls_mode;
  const char *auth_user; /* "" = no AUTH */
  bool has_auth_password;
  /* webhook */
  const char *url;
  enum sw_webhook_format format;
  /* program */
  const char *command_line;
  uint32_t timeout_s;
  /* restart_service */
  const char *service_name;
};

/* The first problem of a notifier, as a sentence in why[size]; true if
 * there is none. */
bool sw_notifier_validate(const struct sw_notifier *n, char *why, size_t size);

/* Splits an e-mail notifier's "to" list, "a@example.com, b@example.com",
 * in place at its commas into out[max] (spaces around each address
 * dropped; an empty one is kept for sw_mail_address_check to refuse).
 * False with a sentence in why[size] if there are more than `max`. */
bool sw_mail_to_list_split(char *text, const char **out, size_t max, size_t *count,
                           char *why, size_t size);

/* "mx1.example.com,mx2.example.com:587,[2001:db8::25]:25" into relays
 * (port 25 where none is given). False with a sentence otherwise. */
bool sw_relay_list_parse(const char *text, struct sw_relay *out, size_t max,
                         size_t *count, char *why, size_t size);

/* A webhook URL: https:// and a valid host, optional port, then a path and
 * query without spaces or controls. False with a sentence otherwise. */
bool sw_webhook_url_check(const char *url, char *why, size_t size);

/* The URL as it may be shown: scheme and host only, "https://host/..."; the
 * path and query hold the receiver's token and are never shown back. */
void sw_webhook_url_shown(const char *url, char *out, size_t size);

const char *sw_notifier_kind_name(enum sw_notifier_kind k);
bool sw_notifier_kind_from_name(const char *name, enum sw_notifier_kind *out);

#endif
