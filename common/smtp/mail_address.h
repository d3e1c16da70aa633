/* Mail addresses as SMTP carries them in MAIL FROM:<...> and RCPT TO:<...>:
 * the one check, used by the dialogue before it says an address and by the
 * notifiers' validation (common/alert) before one is stored. */
#ifndef SW_MAIL_ADDRESS_H
#define SW_MAIL_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define SW_MAIL_ADDRESS_MAX 254 /* RFC 5321 4.5.3.1.3: a path of 256 with <> */

/* An address for MAIL FROM or RCPT TO: local@domain, the local part a
 * dot-atom of ASCII (RFC 5321 4.1.2; quoted local parts are refused), the
 * domain a DNS name or an address literal ([192.0.2.1], [IPv6:...]).
 * False with a sentence in why[size] otherwise. */
bool sw_mail_address_check(const char *address, char *why, size_t size);

#endif
