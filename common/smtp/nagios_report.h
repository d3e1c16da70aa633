/* The result of a check as a Nagios plugin reports it: a status (which is
 * also the exit code) and one status line with performance data, following
 * the Monitoring Plugins development guidelines. */
#ifndef SW_NAGIOS_REPORT_H
#define SW_NAGIOS_REPORT_H

#include <stdint.h>

#include "check_result.h"
#include "sw_buf.h"
#include "sw_error.h"
#include "sw_macros.h"

/* X(ENUM, name): the values are the plugin exit codes 0-3. */
#define SW_NAGIOS_STATUS_MAP(X)                                                          \
  X(SW_NAGIOS_OK, "OK")                                                                  \
  X(SW_NAGIOS_WARNING, "WARNING")                                                        \
  X(SW_NAGIOS_CRITICAL, "CRITICAL")                                                      \
  X(SW_NAGIOS_UNKNOWN, "UNKNOWN")

enum sw_nagios_status { SW_NAGIOS_STATUS_MAP(SW_X_1) SW_NAGIOS_STATUS_COUNT };

/* "OK", "WARNING", "CRITICAL", "UNKNOWN"; "UNKNOWN" for a value out of range. */
const char *sw_nagios_status_name(enum sw_nagios_status s);

/* The status of a finished check. An answer that came, but only after
 * crit_ms (or warn_ms) or longer, is CRITICAL (WARNING); -1 disables a
 * threshold. A temporary rejection is WARNING (the server asked to be
 * retried), and so is STARTTLS refused with a 4xx (454), AUTH answered with
 * a 4xx (auth_unavailable), and a sender, recipient or message refused with
 * a 4xx (greylisting); a reverse-DNS mismatch (banner_mismatch) is WARNING,
 * no better than the time thresholds make it; a certificate that
 * expires soon is WARNING, or CRITICAL with fewer than tls.crit_days days
 * left, and an incomplete chain (intermediate not sent) is WARNING (both
 * no better than the time thresholds make them); a cancelled or
 * internally failed check is UNKNOWN (nothing is known about the server),
 * every other failure CRITICAL (an open relay too). */
enum sw_nagios_status sw_nagios_status(const struct sw_check_result *r, int warn_ms,
                                       int crit_ms);

/* Appends the status line, without a newline, to `out`:
 *   SMTP OK - mail.example.com:25 (192.0.2.25:25) answered in 12 ms | time=...
 *   SMTP CRITICAL - [::1]:25: <sw_check_result_describe() sentence> | ...
 * `host` and `port` are what the user asked to check; the address that
 * answered (r->peer) follows in parentheses unless it is the same text. A
 * check of every address (r->addresses) says "..., 2 of 2 addresses OK"
 * when all were, else its sentence lists those that were not, and the
 * peer in parentheses is left out. The text before '|'
 * is kept on one line and free of '|' (guidelines 2.3); an OK check over TLS
 * adds the TLS version and the certificate's days left. The performance
 * data has the total time with the thresholds and one entry per step
 * reached, in seconds, and with TLS "cert_days=N;WARN:;CRIT:;;" (whole days
 * left, negative once expired). Returns SW_E_NOMEM if memory ran out. */
enum sw_error sw_nagios_format(const struct sw_check_result *r, const char *host,
                               uint16_t port, int warn_ms, int crit_ms,
                               struct sw_buf *out);

/* Reading a status back: the one named s[0..len) ("OK", "WARNING", ...,
 * exactly; `s` need not be NUL-terminated); false, *out untouched, if
 * none is. */
bool sw_nagios_status_from_text(const char *s, size_t len, enum sw_nagios_status *out);

#endif
