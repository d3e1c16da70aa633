/* The ICMP errors a failed connect can report: the words a user reads, and
 * whether the outcome is a refusal or a network failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "icmp_text.h"

/* `v6` type/code must read `text`, and be a refusal or not. */
static void expect(bool v6, uint8_t type, uint8_t code, const char *text, bool refusal)
{
  bool rejected = !refusal; /* the function must set it either way */
  assert_string_equal(sw_icmp_error_text(v6, type, code, &rejected), text);
  assert_int_equal(rejected, refusal);
}

static void unreachable_hosts_and_networks_are_network_failures(void **state)
{
  (void)state;
  expect(false, 3, 1, "host unreachable", false);
  expect(false, 3, 0, "network unreachable", false);
  expect(true, 1, 3, "address unreachable", false);
  expect(true, 1, 0, "no route to the destination", false);
}

static void firewalls_and_closed_ports_are_refusals(void **state)
{
  (void)state;
  const char *firewall =
      "communication administratively prohibited (a firewall rejects it)";
  expect(false, 3, 13, firewall, true);
  expect(true, 1, 1, firewall, true);
  expect(false, 3, 3, "port unreachable (nothing listens there)", true);
  expect(true, 1, 4, "port unreachable (nothing listens there)", true);
}

static void the_families_are_not_mixed_up(void **state)
{
  (void)state;
  /* Type 3 code 1 is "host unreachable" in ICMPv4, "time exceeded" in v6. */
  expect(true, 3, 1, "fragment reassembly time exceeded", false);
  /* Type 1 means nothing in ICMPv4's error set. */
  expect(false, 1, 3, "an ICMP error", false);
}

static void unknown_codes_still_say_something(void **state)
{
  (void)state;
  expect(false, 3, 200, "destination unreachable", false);
  expect(true, 1, 99, "destination unreachable", false);
  expect(true, 255, 255, "an ICMP error", false);
  expect(false, 0, 0, "an ICMP error", false);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unreachable_hosts_and_networks_are_network_failures),
      cmocka_unit_test(firewalls_and_closed_ports_are_refusals),
      cmocka_unit_test(the_families_are_not_mixed_up),
      cmocka_unit_test(unknown_codes_still_say_something),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
