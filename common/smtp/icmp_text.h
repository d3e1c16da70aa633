/* What an ICMP error that ended a connection attempt means, in words a
 * user can act on. Windows 10 2004+ fails a connect on such an error when
 * told to (TCP_FAIL_CONNECT_ON_ICMP_ERROR) and hands over its type and code
 * (TCP_ICMP_ERROR_INFO); engine_sockopt.c reads them, this says what they
 * mean. Portable: the tables are tested natively. */
#ifndef SW_ICMP_TEXT_H
#define SW_ICMP_TEXT_H

#include <stdbool.h>
#include <stdint.h>

/* The meaning of ICMP (`v6` false: ICMPv4, RFC 792/1122/1812; true:
 * ICMPv6, RFC 4443) error `type`/`code`, as a phrase that follows "the
 * network answered: " ("host unreachable", "communication administratively
 * prohibited (a firewall rejects it)"). *rejected is set to true when it
 * says that something refused this connection on purpose (port
 * unreachable, administratively prohibited, a reject route): that is a
 * refusal, the rest a network failure. Never NULL: types and codes not
 * in the tables get a generic phrase. */
const char *sw_icmp_error_text(bool v6, uint8_t type, uint8_t code, bool *rejected);

#endif
