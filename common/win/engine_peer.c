/* What a check's socket talks to: the SMTP dialogue, or for a round trip's
 * mailbox connection (engine_mailbox.c) an IMAP or POP3 session
 * (common/mailbox/mailbox_session.h). Both are sans-IO machines with the
 * same shape, so the engine's sockets, TLS and certificate checks serve
 * both through these calls, each the namesake of its sw_dialogue_* one. */
#include "engine_internal.h"

#include "mailbox_session.h"

#include <stdio.h>
#include <stdlib.h>

bool sw__peer_done(const struct sw_check *c)
{
  return c->mbx ? sw_mailbox_done(c->mbx) : sw_dialogue_done(&c->dlg);
}

int64_t sw__peer_deadline(const struct sw_check *c)
{
  return c->mbx ? sw_mailbox_deadline(c->mbx) : sw_dialogue_deadline(&c->dlg);
}

void sw__peer_fail(struct sw_check *c, enum sw_outcome outcome, const char *detail,
                   int64_t now)
{
  if (!c->mbx) {
    sw_dialogue_fail(&c->dlg, outcome, detail, now);
    return;
  }
  /* The session knows one way to fail from outside: unreachable, with
   * the engine's words for why (a cancel is told apart at the end). */
  sw_mailbox_fail(c->mbx, detail, now);
}

void sw__peer_connected(struct sw_check *c, const char *peer, const char *ehlo,
                        int64_t now)
{
  if (c->mbx)
    sw_mailbox_connected(c->mbx, peer, now);
  else
    sw_dialogue_connected(&c->dlg, peer, ehlo, now);
}

const char *sw__peer_output(const struct sw_check *c, size_t *len)
{
  return c->mbx ? sw_mailbox_output(c->mbx, len) : sw_dialogue_output(&c->dlg, len);
}

void sw__peer_sent(struct sw_check *c, size_t n)
{
  if (c->mbx)
    sw_mailbox_sent(c->mbx, n);
  else
    sw_dialogue_sent(&c->dlg, n);
}

void sw__peer_receive(struct sw_check *c, const char *data, size_t len, int64_t now)
{
  if (c->mbx)
    sw_mailbox_receive(c->mbx, data, len, now);
  else
    sw_dialogue_receive(&c->dlg, data, len, now);
}

void sw__peer_eof(struct sw_check *c, int64_t now)
{
  if (c->mbx)
    sw_mailbox_eof(c->mbx, now);
  else
    sw_dialogue_eof(&c->dlg, now);
}

bool sw__peer_timeout(struct sw_check *c, int64_t now)
{
  if (c->mbx)
    sw_mailbox_timeout(c->mbx, now);
  else
    sw_dialogue_timeout(&c->dlg, now);
  return sw__peer_done(c);
}

bool sw__peer_wants_tls(const struct sw_check *c)
{
  return c->mbx ? sw_mailbox_wants_tls(c->mbx) : sw_dialogue_wants_tls(&c->dlg);
}

void sw__peer_tls_handshake_done(struct sw_check *c, int64_t now)
{
  if (!c->mbx)
    sw_dialogue_tls_handshake_done(&c->dlg, now);
}

void sw__peer_tls_ready(struct sw_check *c, struct sw_tls_info *info,
                        enum sw_outcome trust, const char *detail, int64_t wall_s,
                        int64_t now)
{
  if (!c->mbx) {
    sw_dialogue_tls_ready(&c->dlg, info, trust, detail, wall_s, now);
    return;
  }
  /* The certificate is judged as the SMTP side's is; one that fails it
   * gets no password. What TLS gave is the result's, as for SMTP. */
  free(c->result.tls.sans);
  c->result.tls = *info;
  info->sans = NULL;
  c->result.tls.verified = trust == SW_OUTCOME_OK && !c->tls->opts.insecure;
  if (trust == SW_OUTCOME_OK || sw_outcome_is_certificate_warning(trust))
    sw_mailbox_tls_ready(c->mbx, now);
  else
    sw_mailbox_fail(c->mbx, detail && *detail ? detail : sw_outcome_text(trust), now);
}

void sw__peer_tls_failed(struct sw_check *c, const char *detail, int64_t now)
{
  if (c->mbx)
    sw_mailbox_tls_failed(c->mbx, detail, now);
  else
    sw_dialogue_tls_failed(&c->dlg, detail, now);
}

/* A mailbox session's outcome as the check's: the session answered (found
 * or not: the round trip decides what that means), or why it could not. */
static enum sw_outcome mailbox_outcome(enum sw_mailbox_outcome o)
{
  switch (o) {
  case SW_MAILBOX_FOUND:
  case SW_MAILBOX_NOT_FOUND:
    return SW_OUTCOME_OK;
  case SW_MAILBOX_LOGIN_FAILED:
    return SW_OUTCOME_MAILBOX_LOGIN_FAILED;
  case SW_MAILBOX_PROTOCOL_ERROR:
    return SW_OUTCOME_MAILBOX_PROTOCOL_ERROR;
  case SW_MAILBOX_UNREACHABLE:
    return SW_OUTCOME_MAILBOX_UNREACHABLE;
  default:
    return SW_OUTCOME_INTERNAL_ERROR;
  }
}

void sw__peer_take_result(struct sw_check *c)
{
  if (!c->mbx) {
    sw_dialogue_take_result(&c->dlg, &c->result);
    return;
  }
  sw_mailbox_take_result(c->mbx, c->mbx_out);
  const struct sw_mailbox_result *m = c->mbx_out;
  c->result.outcome = c->cancelled ? SW_OUTCOME_CANCELLED : mailbox_outcome(m->outcome);
  c->result.step = SW_STEP_QUIT; /* the SMTP steps do not apply */
  snprintf(c->result.detail, sizeof c->result.detail, "%s", m->detail);
  snprintf(c->result.reply, sizeof c->result.reply, "%s", m->reply);
  snprintf(c->result.peer, sizeof c->result.peer, "%s", m->peer);
  c->result.total_us = m->total_us;
}

void sw__peer_free(struct sw_check *c)
{
  if (c->mbx) {
    sw_mailbox_free(c->mbx);
    free(c->mbx);
    c->mbx = NULL;
  } else {
    sw_dialogue_free(&c->dlg);
  }
}
