#include "probe_found.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_results.h"
#include "received_hops.h"

static_assert(SW_RT_HOPS_MAX == SW_RECEIVED_HOPS_MAX &&
                  SW_RT_HOP_TEXT_MAX == SW_RECEIVED_TEXT_MAX,
              "a hop read fits the result's");

static void copy_hops(const struct sw_received_hops *in, struct sw_round_trip_result *rt)
{
  rt->nhops = in->count;
  rt->hops_truncated = in->truncated;
  for (size_t i = 0; i < in->count; i++) {
    const struct sw_received_hop *h = &in->hop[i];
    struct sw_rt_hop *o = &rt->hops[i];
    memcpy(o->from, h->from, sizeof o->from);
    memcpy(o->by, h->by, sizeof o->by);
    memcpy(o->with, h->with, sizeof o->with);
    o->time = h->has_time ? h->time : 0;
    o->has_delay = h->has_delay;
    o->delay_s = h->delay_s;
    o->clock_skew = h->clock_skew;
  }
}

enum sw_error sw_probe_found_read(const char *header, size_t len,
                                  struct sw_round_trip_result *rt)
{
  rt->nhops = 0;
  rt->has_auth = false;
  /* 32 hops of three names: too big for the stack of a loop thread. */
  struct sw_received_hops *hops = malloc(sizeof *hops);
  if (!hops)
    return SW_E_NOMEM;
  enum sw_error err = sw_received_hops_parse(header, len, hops);
  if (!err)
    copy_hops(hops, rt);
  free(hops);
  struct sw_auth_results ar;
  enum sw_error ar_err = SW_E_OK;
  if (!err && sw_auth_results_find(header, len, NULL, &ar, &ar_err)) {
    rt->has_auth = true;
    snprintf(rt->authserv_id, sizeof rt->authserv_id, "%s", ar.authserv_id);
    snprintf(rt->spf, sizeof rt->spf, "%s", sw_auth_verdict_name(ar.spf));
    snprintf(rt->dkim, sizeof rt->dkim, "%s", sw_auth_verdict_name(ar.dkim));
    snprintf(rt->dmarc, sizeof rt->dmarc, "%s", sw_auth_verdict_name(ar.dmarc));
  }
  return err ? err : ar_err;
}
