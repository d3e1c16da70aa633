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
 *   {"host":..,"port":..,"peer":"127.0.0.1:25"|null,"status":"OK",
 *    "exit_code":0,"outcome":"ok","step":"quit","message":"<describe>",
 *    "reply_code":250|null,"enhanced_code":"2.0.0"|null,"reply":".."|null,
 *    "used_helo":false,"capabilities":["PIPELINING",..],
 *    "ehlo_keywords":["SIZE 10240000",..],
 *    "timings_us":{"resolve":12|null,"connect":..,"greeting":..,"ehlo":..,
 *                  "command":..,"quit":..,"total":..},
 *    "transcript":["C: ..",..],"transcript_truncated":false}
 * `status` is the caller's verdict (sw_nagios_status with its thresholds);
 * exit_code is its number. Steps not reached are null in timings_us.
 * Strings from the server are passed through as UTF-8, bad bytes replaced by
 * U+FFFD, so the output is always valid JSON. Returns SW_E_NOMEM if memory
 * (or the limit of `out`) ran out. */
enum sw_error sw_result_to_json(const struct sw_check_result *r, const char *host,
                                uint16_t port, enum sw_nagios_status status,
                                struct sw_buf *out);

#endif
