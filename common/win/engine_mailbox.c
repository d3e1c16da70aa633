/* A round trip's mailbox connection: a struct sw_check whose socket talks
 * to a mailbox session instead of the SMTP dialogue (engine_peer.c). */
#include "engine_mailbox.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine_internal.h"

enum sw_error sw_engine_submit_mailbox(struct sw_engine *e,
                                       const struct sw_mailbox_spec *spec,
                                       struct sw_mailbox_result *out,
                                       sw_check_done_fn done, void *ctx)
{
  if (!spec || !spec->host || !*spec->host || spec->port == 0 || !out || !done ||
      (unsigned)spec->ip_family >= SW_IP_FAMILY_COUNT)
    return SW_E_INVALID_ARGUMENT;
  memset(out, 0, sizeof *out);
  const struct sw_check_tls_opts tls = {.insecure = spec->insecure};
  struct sw_check *c =
      sw__check_alloc(e, spec->cfg.tls != SW_MAILBOX_TLS_NONE ? &tls : NULL);
  if (!c)
    return SW_E_NOMEM;
  const struct sw_check_spec strings = {.host = spec->host};
  c->mbx = calloc(1, sizeof *c->mbx);
  if (!c->mbx || sw__check_copy_strings(c, &strings) != SW_E_OK) {
    sw__check_discard(c);
    return SW_E_NOMEM;
  }
  c->port = spec->port;
  c->ip_family = spec->ip_family;
  c->mbx_out = out;
  sw_mailbox_init(c->mbx, &spec->cfg, sw_clock_now_us());
  sw__check_launch(c, done, ctx);
  return SW_E_OK;
}
