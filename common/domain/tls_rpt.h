/* SMTP TLS Reporting (RFC 8460 3): the TXT record at _smtp._tls.DOMAIN that
 * says where senders send their reports on TLS failures:
 *   v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/x
 * The check reports it when present; nothing is sent to it. Portable, no
 * allocation. */
#ifndef SW_TLS_RPT_H
#define SW_TLS_RPT_H

#include <stdbool.h>
#include <stddef.h>

#include "txt_tags.h"

/* How many report addresses are kept, and how long each may be. */
#define SW_TLS_RPT_RUA_MAX 8
#define SW_TLS_RPT_URI_MAX 255

struct sw_tls_rpt {
  size_t rua_count; /* 1..SW_TLS_RPT_RUA_MAX */
  /* As written: "mailto:tlsrpt@example.com", "https://example.com/tlsrpt". */
  char rua[SW_TLS_RPT_RUA_MAX][SW_TLS_RPT_URI_MAX + 1];
};

/* Reads the TXT records found at _smtp._tls.DOMAIN (all of them: those of
 * other protocols are discarded here). The record needs rua with one or
 * more mailto: or https: URIs separated by "," (spaces around it
 * allowed); other schemes are refused, extension fields tolerated, and of
 * a field given twice the first counts. On OK fills *out; otherwise leaves
 * it alone and says why in why[why_size]. Anything but SW_TXT_OK means the
 * domain does not ask for reports. */
enum sw_txt_status sw_tls_rpt_read(const struct sw_txt_record *records, size_t count,
                                   struct sw_tls_rpt *out, char *why, size_t why_size);

#endif
