/* The address-by-address budget split, on a fake clock: a model of the
 * engine's connect sequence (each address answers after a given time, or
 * never) driven by the same sw_connect_attempt_due the engine calls. It
 * shows what issue 12 item 1 is about: Windows' 2 s loopback refusal makes
 * a `localhost` check with an IPv4-only listener slow, and a check with a
 * small budget report a refusal as a timeout; a prompt refusal (no SYN
 * retransmissions on loopback) makes both right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "connect_budget.h"

#define MS INT64_C(1000)
#define T0 (INT64_C(1000000) * MS) /* the fake clock's start: any time above 0 */
#define NEVER INT64_C(-1)

/* One address as the network treats it: after `answer_after` µs it accepts
 * or refuses; NEVER: its SYNs are dropped. */
struct address {
  int64_t answer_after;
  bool accepts;
};

enum ending { CONNECTED, REFUSED, TIMED_OUT };

struct run {
  enum ending ending;
  int connected_to;   /* index of the address that accepted */
  int64_t elapsed;    /* from the start to the ending, µs */
  int64_t started[8]; /* when each address's attempt started (0: never) */
};

/* The engine's sequence (engine_socket.c): attempt each address in turn;
 * an attempt ends with its answer, or when its share runs out (cancelled,
 * the next address starts), or at the check's deadline. */
static struct run simulate(int64_t budget, const struct address *a, int n)
{
  struct run r = {.ending = REFUSED, .connected_to = -1};
  int64_t now = T0, deadline = T0 + budget;
  for (int i = 0; i < n; i++) {
    r.started[i] = now;
    int64_t due = sw_connect_attempt_due(now, deadline, n - 1 - i);
    int64_t gives_way = due == SW_CONNECT_UNTIL_DEADLINE ? deadline : due;
    if (gives_way > deadline)
      fail_msg("address %d given time past the deadline", i);
    int64_t answer = a[i].answer_after == NEVER ? INT64_MAX : now + a[i].answer_after;
    if (answer < gives_way) {
      now = answer;
      if (a[i].accepts) {
        r.ending = CONNECTED;
        r.connected_to = i;
        break;
      }
      continue; /* refused: the next address gets what is left */
    }
    now = gives_way;
    if (now >= deadline) {
      r.ending = TIMED_OUT;
      break;
    }
  }
  r.elapsed = now - T0;
  return r;
}

/* What Windows does without SIO_TCP_INITIAL_RTO: the refused SYN is sent
 * again twice, so "refused" comes about 2 s late, even on loopback. */
#define WINDOWS_LATE_REFUSAL (2000 * MS)
#define PROMPT_REFUSAL (MS / 2)
#define LOOPBACK_ACCEPT (MS / 4)

static void localhost_with_an_ipv4_only_listener(void **state)
{
  (void)state;
  /* `localhost` resolves to ::1 then 127.0.0.1; only IPv4 listens; the
   * README's example warns past 2000 ms; the default budget is 7000. */
  struct address late[] = {{WINDOWS_LATE_REFUSAL, false}, {LOOPBACK_ACCEPT, true}};
  struct run r = simulate(7000 * MS, late, 2);
  assert_int_equal(r.ending, CONNECTED);
  assert_int_equal(r.connected_to, 1);
  assert_true(r.elapsed > 2000 * MS); /* every check would be WARNING */

  struct address prompt[] = {{PROMPT_REFUSAL, false}, {LOOPBACK_ACCEPT, true}};
  r = simulate(7000 * MS, prompt, 2);
  assert_int_equal(r.ending, CONNECTED);
  assert_int_equal(r.connected_to, 1);
  assert_int_equal(r.elapsed, PROMPT_REFUSAL + LOOPBACK_ACCEPT);
}

static void a_late_refusal_with_a_small_budget_is_a_timeout(void **state)
{
  (void)state;
  struct address late[] = {{WINDOWS_LATE_REFUSAL, false}};
  struct run r = simulate(1500 * MS, late, 1);
  assert_int_equal(r.ending, TIMED_OUT); /* what the user would be told */
  assert_int_equal(r.elapsed, 1500 * MS);

  struct address prompt[] = {{PROMPT_REFUSAL, false}};
  r = simulate(1500 * MS, prompt, 1);
  assert_int_equal(r.ending, REFUSED);
  assert_int_equal(r.elapsed, PROMPT_REFUSAL);
}

static void a_small_budget_still_reaches_ipv4_after_a_late_ipv6_refusal(void **state)
{
  (void)state;
  /* The split itself keeps a slow ::1 from eating all of a small budget:
   * IPv6 is abandoned at half of it. */
  struct address a[] = {{WINDOWS_LATE_REFUSAL, false}, {LOOPBACK_ACCEPT, true}};
  struct run r = simulate(1500 * MS, a, 2);
  assert_int_equal(r.ending, CONNECTED);
  assert_int_equal(r.started[1] - T0, 750 * MS);
  assert_int_equal(r.elapsed, 750 * MS + LOOPBACK_ACCEPT);
}

static void a_black_holed_ipv6_gets_at_most_half(void **state)
{
  (void)state;
  /* docs/windows-verification.md item 2: IPv6 dropped by a firewall, the
   * server on IPv4; 7000 ms budget. */
  struct address a[] = {{NEVER, false}, {20 * MS, true}};
  struct run r = simulate(7000 * MS, a, 2);
  assert_int_equal(r.ending, CONNECTED);
  assert_int_equal(r.connected_to, 1);
  assert_int_equal(r.started[1] - T0, 3500 * MS);
  assert_int_equal(r.elapsed, 3520 * MS);
}

static void an_unreachable_host_burns_the_budget_address_by_address(void **state)
{
  (void)state;
  /* Without TCP_FAIL_CONNECT_ON_ICMP_ERROR an unreachable address looks
   * like a black hole: each gets its share and the check times out. */
  struct address a[] = {{NEVER, false}, {NEVER, false}, {NEVER, false}};
  struct run r = simulate(9000 * MS, a, 3);
  assert_int_equal(r.ending, TIMED_OUT);
  assert_int_equal(r.elapsed, 9000 * MS);
  assert_int_equal(r.started[1] - T0, 3000 * MS); /* a third */
  assert_int_equal(r.started[2] - T0, 6000 * MS); /* half of the rest */

  /* Failing on the ICMP error (say after 40 ms each) gives the answer at
   * once. */
  struct address icmp[] = {{40 * MS, false}, {40 * MS, false}, {40 * MS, false}};
  r = simulate(9000 * MS, icmp, 3);
  assert_int_equal(r.ending, REFUSED);
  assert_int_equal(r.elapsed, 120 * MS);
}

static void unused_time_goes_to_the_next_addresses(void **state)
{
  (void)state;
  /* The first refuses after 1 s of its 3 s share: the second's share is
   * half of the 8 s left, not the 3 s of the first split. */
  struct address a[] = {{1000 * MS, false}, {NEVER, false}, {10 * MS, true}};
  struct run r = simulate(9000 * MS, a, 3);
  assert_int_equal(r.started[1] - T0, 1000 * MS);
  assert_int_equal(r.started[2] - T0, 5000 * MS);
  assert_int_equal(r.ending, CONNECTED);
  assert_int_equal(r.connected_to, 2);
}

static void the_function_at_its_edges(void **state)
{
  (void)state;
  assert_int_equal(sw_connect_attempt_due(T0, T0 + 1000, 0), SW_CONNECT_UNTIL_DEADLINE);
  assert_int_equal(sw_connect_attempt_due(T0, T0 + 1000, -1), SW_CONNECT_UNTIL_DEADLINE);
  assert_int_equal(sw_connect_attempt_due(T0, T0 + 1000, 1), T0 + 500);
  assert_int_equal(sw_connect_attempt_due(T0, T0 + 1000, 15), T0 + 62);
  /* The deadline passed (the loop was late): give way at once. */
  assert_int_equal(sw_connect_attempt_due(T0, T0, 1), T0);
  assert_int_equal(sw_connect_attempt_due(T0, T0 - 5, 3), T0);
  /* Far from overflowing with a day's budget in µs. */
  int64_t day = INT64_C(86400) * 1000000;
  assert_int_equal(sw_connect_attempt_due(T0, T0 + day, 1), T0 + day / 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(localhost_with_an_ipv4_only_listener),
      cmocka_unit_test(a_late_refusal_with_a_small_budget_is_a_timeout),
      cmocka_unit_test(a_small_budget_still_reaches_ipv4_after_a_late_ipv6_refusal),
      cmocka_unit_test(a_black_holed_ipv6_gets_at_most_half),
      cmocka_unit_test(an_unreachable_host_burns_the_budget_address_by_address),
      cmocka_unit_test(unused_time_goes_to_the_next_addresses),
      cmocka_unit_test(the_function_at_its_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
