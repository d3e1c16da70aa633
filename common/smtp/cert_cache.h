/* The certificate verdict cache of a TLS check: which chain validations
 * are remembered, for how long, and when a check waits for another's
 * validation instead of starting its own. Policy, not I/O: the engine
 * (common/win/engine_tls.c) builds the key from the certificates the
 * server sent and runs the validations; this module only decides.
 *
 * A monitor checks the same servers again and again, and validating a
 * chain costs milliseconds of CPU (tens under Wine, with its failing
 * revocation lookups) and may wait for the network. So a verdict is kept
 * per host and exact chain for SW_CERT_CACHE_TTL_US, in a table of at most
 * SW_CERT_CACHE_MAX entries; the certificate's expiry is still judged at
 * every check (cert_expiry.c), cached verdict or not. One thread only. */
#ifndef SW_CERT_CACHE_H
#define SW_CERT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"
#include "sw_buf.h"
#include "sw_error.h"
#include "sw_list.h"

#define SW_CERT_CACHE_MAX 256
#define SW_CERT_CACHE_TTL_US (10 * 60 * INT64_C(1000000))

/* What a chain validation found: the outcome (SW_OUTCOME_OK when trusted),
 * the system's error code (0: none) and the sentence for the detail. */
struct sw_cert_verdict {
  enum sw_outcome outcome;
  unsigned long error;
  char detail[SW_DETAIL_MAX];
};

/* One remembered validation. While `pending`, a validation runs and its
 * verdict is not in yet; the owner keeps in `waiters` the checks that wait
 * for it (the cache only makes it an empty list). */
struct sw_cert_cache_entry {
  char *key;
  size_t key_len;
  bool pending;
  int64_t expires_us; /* when the verdict stops being reused */
  struct sw_cert_verdict verdict;
  struct sw_list_node waiters; /* an empty list when the entry is made */
};

struct sw_cert_cache {
  struct sw_cert_cache_entry *entries[SW_CERT_CACHE_MAX];
  size_t len;
};

/* What a check does with a chain, by sw_cert_cache_lookup. */
enum sw_cert_cache_use {
  SW_CERT_CACHE_HIT,     /* a fresh verdict: use entry->verdict */
  SW_CERT_CACHE_WAIT,    /* another check's validation runs: wait for it */
  SW_CERT_CACHE_VALIDATE /* validate; the verdict goes to entry, if any */
};

/* An empty cache. */
void sw_cert_cache_init(struct sw_cert_cache *cc);
/* Frees every entry; the cache is empty and usable again. */
void sw_cert_cache_free(struct sw_cert_cache *cc);

/* Starts a key in `key` (empty, or it is emptied): the host name, ASCII
 * case folded, and a NUL. The owner appends every certificate the server
 * sent, leaf first, as whole DER bytes (nothing to collide, unlike a hash):
 * two checks share a verdict only if all of it is the same.
 * SW_E_NOMEM if memory ran out. */
enum sw_error sw_cert_cache_key_start(struct sw_buf *key, const char *host);

/* Looks `key` (malloc'd, taken in every case: kept or freed; NULL when it
 * could not be built) up at `now_us` and says what the check does:
 * - HIT: the verdict of a validation that ended less than
 *   SW_CERT_CACHE_TTL_US ago is in *entry;
 * - WAIT: *entry's validation runs;
 * - VALIDATE: *entry is pending from now on (an expired entry, validated
 *   again in place, or a new one), or NULL when there is no key, no
 *   memory, or no room (every entry is pending): validate uncached.
 * A new entry takes the place of the one that expires first when the
 * table is full; a pending one is never dropped. */
enum sw_cert_cache_use sw_cert_cache_lookup(struct sw_cert_cache *cc, char *key,
                                            size_t key_len, int64_t now_us,
                                            struct sw_cert_cache_entry **entry);

/* The validation of pending `x` ended with `v` at `now_us`: it is no longer
 * pending and its verdict is reused until SW_CERT_CACHE_TTL_US later. */
void sw_cert_cache_fill(struct sw_cert_cache_entry *x, const struct sw_cert_verdict *v,
                        int64_t now_us);

/* Drops `x` (a validation that could not start; nobody may wait on it). */
void sw_cert_cache_remove(struct sw_cert_cache *cc, struct sw_cert_cache_entry *x);

#endif
