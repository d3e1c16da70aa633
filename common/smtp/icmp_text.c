#include "icmp_text.h"

#include <stddef.h>

#include "sw_macros.h"

struct meaning {
  uint8_t type, code;
  bool rejected;
  const char *text;
};

/* ICMPv4 "destination unreachable" (type 3) and "time exceeded" (11). */
static const struct meaning v4[] = {
    {3, 0, false, "network unreachable"},
    {3, 1, false, "host unreachable"},
    {3, 2, true, "protocol unreachable"},
    {3, 3, true, "port unreachable (nothing listens there)"},
    {3, 4, false, "fragmentation needed, but not allowed"},
    {3, 5, false, "source route failed"},
    {3, 6, false, "destination network unknown"},
    {3, 7, false, "destination host unknown"},
    {3, 9, true, "network administratively prohibited (a firewall rejects it)"},
    {3, 10, true, "host administratively prohibited (a firewall rejects it)"},
    {3, 11, false, "network unreachable for this type of service"},
    {3, 12, false, "host unreachable for this type of service"},
    {3, 13, true, "communication administratively prohibited (a firewall rejects it)"},
    {3, 14, true, "host precedence violation"},
    {3, 15, true, "precedence cut-off in effect"},
    {11, 0, false, "time to live exceeded in transit (a routing loop?)"},
    {11, 1, false, "fragment reassembly time exceeded"},
};

/* ICMPv6 "destination unreachable" (type 1), "packet too big" (2) and "time
 * exceeded" (3). */
static const struct meaning v6[] = {
    {1, 0, false, "no route to the destination"},
    {1, 1, true, "communication administratively prohibited (a firewall rejects it)"},
    {1, 2, false, "beyond the scope of the source address"},
    {1, 3, false, "address unreachable"},
    {1, 4, true, "port unreachable (nothing listens there)"},
    {1, 5, true, "source address failed ingress/egress policy (a firewall rejects it)"},
    {1, 6, true, "reject route to the destination"},
    {2, 0, false, "packet too big"},
    {3, 0, false, "hop limit exceeded in transit (a routing loop?)"},
    {3, 1, false, "fragment reassembly time exceeded"},
};

const char *sw_icmp_error_text(bool is_v6, uint8_t type, uint8_t code, bool *rejected)
{
  const struct meaning *table = is_v6 ? v6 : v4;
  size_t n = is_v6 ? SW_COUNTOF(v6) : SW_COUNTOF(v4);
  *rejected = false;
  for (size_t i = 0; i < n; i++) {
    if (table[i].type == type && table[i].code == code) {
      *rejected = table[i].rejected;
      return table[i].text;
    }
  }
  if (type == (is_v6 ? 1 : 3))
    return "destination unreachable";
  return "an ICMP error";
}
