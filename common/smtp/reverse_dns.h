/* The reverse-DNS check (check_ptr) judged: the address that answered must
 * have a reverse name (PTR) that resolves back to it (forward-confirmed
 * reverse DNS) and is the name the server gives in its greeting, as
 * MXToolbox's banner check has it. Portable: the engine does the lookups
 * (common/win/engine_ptr.c), this only decides what they mean. */
#ifndef SW_REVERSE_DNS_H
#define SW_REVERSE_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "check_result.h"

/* What the lookups found for one address. */
enum sw_ptr_finding {
  SW_PTR_FOUND,     /* a name that resolves back to the address */
  SW_PTR_NONE,      /* no reverse name */
  SW_PTR_NOT_BACK,  /* a name that does not resolve back to the address */
  SW_PTR_NO_ANSWER, /* the lookups did not finish within the check's time */
};

/* Whether two host names are the same name: ASCII case ignored, and one
 * trailing dot ("mx.example.com." is "mx.example.com"). Empty names are
 * never the same as anything. */
bool sw_host_names_equal(const char *a, const char *b);

/* Applies the finding to `r`, the finished check of `address` ("192.0.2.1"
 * or "2001:db8::1", no port): `name` (the PTR name; "" or NULL if none)
 * goes to r->ptr_name, escaped like the reply. Unless the name was found,
 * resolves back and equals r->greeting_host, the finding is a mismatch: a
 * sentence naming the address, the PTR name and the greeting's name; it
 * replaces an OK verdict (SW_OUTCOME_BANNER_MISMATCH, the sentence as its
 * detail), never another one. Either way a transcript line at `rel_us`
 * says what was found. */
void sw_ptr_judge(struct sw_check_result *r, const char *address, const char *name,
                  enum sw_ptr_finding finding, int64_t rel_us);

#endif
