/* What the check result dialog shows of one check, without a window: a
 * headline (status and what happened) and a report for a read-only,
 * multi-line edit box: what the outcome means, the server, the reply that
 * decided it, the time of each step, TLS and certificate details when TLS
 * was used, and the session transcript. Lines end in CRLF, as an edit box
 * wants them; control characters from the server never reach the window.
 *
 * Portable C11 (no windows.h); pure. Texts are UTF-8. */
#ifndef SW_CHECK_REPORT_H
#define SW_CHECK_REPORT_H

#include <stddef.h>

#include "pipe_records.h"
#include "sw_buf.h"
#include "sw_error.h"

/* "CRITICAL - Connection refused." or "OK - The server answered as
 * expected in 12 ms." Always NUL-terminates `out` (size > 0). */
void sw_check_report_headline(const struct sw_pipe_result *r, char *out, size_t size);

/* Appends the report to `out`, CRLF line ends, ending in CRLF. Returns
 * SW_E_NOMEM if memory ran out (`out` then holds part of it). */
enum sw_error sw_check_report_text(const struct sw_pipe_result *r, struct sw_buf *out);

#endif
