/* What the receiving side concluded about a message's SPF, DKIM and DMARC,
 * from its Authentication-Results: field (RFC 8601): "mx.example.net;
 * spf=pass smtp.mailfrom=a@b; dkim=pass (2048-bit key) header.d=b;
 * dmarc=pass header.from=b". Comments, properties, reasons and methods
 * other than these three are read past. */
#ifndef SW_AUTH_RESULTS_H
#define SW_AUTH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_error.h"
#include "sw_macros.h"

/* X(ENUM, keyword): a method's result (RFC 8601 2.7 and its IANA
 * registry; "hardfail", an old SPF word, reads as fail). ABSENT: the
 * field says nothing about the method; OTHER: a word not listed here. */
#define SW_AUTH_VERDICT_MAP(X)                                                           \
  X(SW_AUTH_ABSENT, "absent")                                                            \
  X(SW_AUTH_PASS, "pass")                                                                \
  X(SW_AUTH_FAIL, "fail")                                                                \
  X(SW_AUTH_SOFTFAIL, "softfail")                                                        \
  X(SW_AUTH_NEUTRAL, "neutral")                                                          \
  X(SW_AUTH_NONE, "none")                                                                \
  X(SW_AUTH_TEMPERROR, "temperror")                                                      \
  X(SW_AUTH_PERMERROR, "permerror")                                                      \
  X(SW_AUTH_POLICY, "policy")                                                            \
  X(SW_AUTH_OTHER, "other")

enum sw_auth_verdict { SW_AUTH_VERDICT_MAP(SW_X_1) SW_AUTH_VERDICT_COUNT };

#define SW_AUTHSERV_ID_MAX 128 /* a longer authserv-id is cut */

struct sw_auth_results {
  char authserv_id[SW_AUTHSERV_ID_MAX]; /* who concluded it: "mx.example.net" */
  enum sw_auth_verdict spf, dkim, dmarc;
};

/* Reads one field's value (unfolded or not) into *out. A value that
 * starts with a result, as Exchange Online writes it ("spf=pass ...;
 * dkim=..."), has its results read and an empty authserv-id. A method that
 * appears more than once (a message with two DKIM signatures) keeps a pass
 * if any is one, else its first result. False when the value has no
 * authserv-id or a result that does not parse ("spf=" alone, an unclosed
 * comment stops nothing: it runs to the end); *out then holds what was
 * read before. */
bool sw_auth_results_parse(const char *value, size_t len, struct sw_auth_results *out);

/* The topmost Authentication-Results: field of a header block that
 * `authserv_id` wrote (ASCII, without regard to case), or the topmost of
 * all (the last added: the receiving side's) when authserv_id is NULL,
 * read into *out. Fields below it are never used instead: anyone on the
 * way, the sender too, may have written those (RFC 8601 5). True if the
 * field is there and parses; *err is set to SW_E_NOMEM if memory ran out. */
bool sw_auth_results_find(const char *block, size_t len, const char *authserv_id,
                          struct sw_auth_results *out, enum sw_error *err);

/* "pass", "softfail", ... (the X-map's keyword); never NULL. */
const char *sw_auth_verdict_name(enum sw_auth_verdict v);

#endif
