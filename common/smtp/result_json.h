/* A check result as one JSON object, for `smtpwatch check --json` and for
 * anything else that wants the whole result in machine form. The keys are
 * always present, so consumers need not test for them; what is unknown is
 * null. */
#ifndef SW_RESULT_JSON_H
#define SW_RESULT_JSON_H

#include <stdint.h>

#include "check_result.h"
#include "nagios_report.h"
#include "sw_buf.h"
#include "sw_error.h"

/* Appends to `out`, compact and without a final newline:
 *   {"host":..,"port":..,"peer":"127.0.0.1:25"|null,
 *    "greeting_host":"mx.example.com"|null,"ptr_name":"mx.example.com"|null,
 *    "status":"OK",
 *    "exit_code":0,"outcome":"ok","step":"quit","message":"<describe>",
 *    "reply_code":250|null,"enhanced_code":"2.0.0"|null,"reply":".."|null,
 *    "used_helo":false,"capabilities":["PIPELINING",..],
 *    "ehlo_keywords":["SIZE 10240000",..],
 *    "tls":null|{"version":"TLS 1.2"|null,"cipher":".."|null,
 *                "verified":true,"subject":".."|null,"issuer":".."|null,
 *                "sans":["mail.example.com",..],"not_after":1767225600|null,
 *                "not_after_utc":"2026-01-01T00:00:00Z"|null,
 *                "days_left":30|null,"warn_days":21,"crit_days":7},
 *    "timings_us":{"resolve":12|null,"connect":..,"tls":..,"greeting":..,
 *                  "ehlo":..,"command":..,"quit":..,"total":..},
 *    "transcript":["C: ..",..],"transcript_truncated":false,
 *    "addresses":null|[{"peer":"[::1]:25"|null,"outcome":"connection_refused",
 *                       "step":"connect","reply_code":null,"detail":".."|null,
 *                       "total_us":1234|null,"ptr_name":".."|null},..],
 *    "round_trip":null|{...} (round_trip_result.h, sw_round_trip_json)}
 * "ptr_name" is the reverse name of the peer when the check looked it up
 * (check_ptr) and found one. "addresses" lists, for a check of every
 * address of the host (all_addresses), each address in the resolver's
 * order; the rest of the object is the address that decided the outcome
 * (address_results.h).
 * `status` is the caller's verdict (sw_nagios_status with its thresholds);
 * exit_code is its number. Steps not reached are null in timings_us, but
 * for those past the handshake ("auth", "mail", "rcpt", "data", between
 * "ehlo" and "command"), which are there only when reached, so that a
 * check that does not go that far reads as it always did; "tls"
 * is null unless a TLS session was established (a failed handshake has
 * none; a certificate found wanting has one).
 * Strings from the server are passed through as UTF-8, bad bytes replaced by
 * U+FFFD, so the output is always valid JSON. Returns SW_E_NOMEM if memory
 * (or the limit of `out`) ran out. */
enum sw_error sw_result_to_json(const struct sw_check_result *r, const char *host,
                                uint16_t port, enum sw_nagios_status status,
                                struct sw_buf *out);

#endif
