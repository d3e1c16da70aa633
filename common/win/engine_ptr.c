/* The reverse-DNS check of a check (check_ptr): once the dialogue is over,
 * the address that answered is looked up backwards on the engine's DNS
 * pool (engine_resolve.c: same queue, same limit as names, never on the
 * loop), its name forwards again, and common/smtp/reverse_dns.c judges
 * what was found against the greeting. All within the check's deadline:
 * the check's timer stays armed at it, and a lookup that has not answered
 * by then is let go like any other (its answer is dropped). */
#include "engine_internal.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "reverse_dns.h"

/* The address that answered, "192.0.2.1" or "2001:db8::1", for sentences. */
static void answered_address(const struct sw_check *c, char *out, size_t size)
{
  const struct sockaddr_storage *a = &c->addrs[c->next_addr - 1];
  const void *bytes = a->ss_family == AF_INET6
                          ? (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr
                          : (const void *)&((const struct sockaddr_in *)a)->sin_addr;
  if (!inet_ntop(a->ss_family, bytes, out, size))
    snprintf(out, size, "the address");
}

/* Whether `b` is the address `a` (ports aside). */
static bool same_address(const struct sockaddr_storage *a,
                         const struct sockaddr_storage *b)
{
  if (a->ss_family != b->ss_family)
    return false;
  if (a->ss_family == AF_INET6)
    return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                   &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
  return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
         ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static void judge(struct sw_check *c, const char *name, enum sw_ptr_finding finding)
{
  char address[INET6_ADDRSTRLEN];
  answered_address(c, address, sizeof address);
  sw_ptr_judge(&c->result, address, name, finding, sw_clock_now_us() - c->dlg.start_us);
  c->stage = SW_STAGE_RESULT;
}

bool sw__check_ptr_start(struct sw_check *c)
{
  /* An address answered: the dialogue connected (it set the peer). */
  if (!c->result.peer[0] || c->next_addr < 1)
    return false;
  if (sw_clock_now_us() >= sw_dialogue_deadline(&c->dlg)) {
    judge(c, NULL, SW_PTR_NO_ANSWER);
    return false;
  }
  c->stage = SW_STAGE_PTR;
  if (!sw__check_resolve_reverse(c)) {
    judge(c, NULL, SW_PTR_NO_ANSWER); /* out of memory: not confirmed */
    return false;
  }
  if (c->stage != SW_STAGE_PTR)
    return false;            /* the pool refused the lookup: judged already */
  sw__check_update_timer(c); /* the deadline still holds */
  return true;
}

void sw__check_ptr_answer(struct sw_check *c, int error, const char *name,
                          const struct sockaddr_storage *addrs, int naddrs)
{
  if (NEVER(c->stage != SW_STAGE_PTR))
    return;
  sw_timer_heap_disarm(&c->engine->timers, &c->timer);
  if (!name || !*name) {
    /* WSATRY_AGAIN is EAI_AGAIN, "a temporary failure in name resolution"
     * (GetNameInfoW's page): the DNS servers did not answer, which says
     * nothing about whether there is a PTR. */
    judge(c, NULL, error == WSATRY_AGAIN ? SW_PTR_NO_ANSWER : SW_PTR_NONE);
    return;
  }
  bool back = false;
  for (int i = 0; !error && i < naddrs && !back; i++)
    back = same_address(&addrs[i], &c->addrs[c->next_addr - 1]);
  judge(c, name, back ? SW_PTR_FOUND : SW_PTR_NOT_BACK);
}

void sw__check_ptr_give_up(struct sw_check *c, bool cancelled)
{
  sw__check_resolve_abandon(c);
  sw_timer_heap_disarm(&c->engine->timers, &c->timer);
  if (cancelled) {
    c->result.outcome = SW_OUTCOME_CANCELLED;
    snprintf(c->result.detail, sizeof c->result.detail,
             "the engine was stopped while the reverse name was looked up");
    c->stage = SW_STAGE_RESULT;
    return;
  }
  judge(c, NULL, SW_PTR_NO_ANSWER);
}
