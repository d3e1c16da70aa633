/* A round trip's mailbox connection on the engine (issue 17): one IMAP or
 * POP3 session (common/mailbox/mailbox_session.h) over the engine's
 * sockets, with its name resolution, connect budget, Schannel TLS
 * (implicit or STARTTLS/STLS) and the certificate validated as the SMTP
 * side's is (the host's name, the chain; not with `insecure`). */
#ifndef SW_ENGINE_MAILBOX_H
#define SW_ENGINE_MAILBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "mailbox_session.h"

struct sw_mailbox_spec {
  const char *host; /* copied */
  uint16_t port;
  bool insecure; /* skip the certificate's chain and name validation */
  enum sw_ip_family ip_family;
  /* The session's configuration: its strings (user, password, folder,
   * probe) are borrowed until the callback has run. cfg.tls says whether
   * the engine does TLS. */
  struct sw_mailbox_config cfg;
};

/* Starts the session; `done` runs once, from the loop, with a check result
 * whose outcome is OK when the session answered (found or not: read *out)
 * or what ended it: mailbox_login_failed, mailbox_protocol_error,
 * mailbox_unreachable (refused, timed out, TLS or the certificate failed:
 * the detail says which), cancelled; resolve_failed when the host has no
 * address. Its peer, detail, TLS facts and total time are the session's.
 * *out (owned by the caller, which frees it with sw_mailbox_result_free)
 * gets the session's own result before `done` runs. Loop thread. */
enum sw_error sw_engine_submit_mailbox(struct sw_engine *e,
                                       const struct sw_mailbox_spec *spec,
                                       struct sw_mailbox_result *out,
                                       sw_check_done_fn done, void *ctx);

#endif
