/* Validators for the text of host names and IP addresses, written out by hand
 * because inet_pton is not portable here (MinGW needs ws2_32 for it, and
 * the portable folders link no system libraries). They decide what a rule may hold;
 * they never resolve anything.
 *
 * Policies, chosen so that a string means the same thing to us, to Windows'
 * getaddrinfo and to a user reading it:
 * - IPv4 is exactly four decimal numbers 0-255 separated by dots. Leading
 *   zeros ("010.0.0.1") are rejected: inet_addr and friends read them as
 *   octal, so the address would not be the one the user sees. A lone "0" is
 *   fine. Short forms ("127.1") and hex ("0x7f.0.0.1") are rejected too.
 * - IPv6 follows RFC 4291 section 2.2: eight groups of 1-4 hex digits (either
 *   case), at most one "::", optionally ending in an embedded IPv4 address
 *   ("::ffff:192.0.2.1") under the rule above. Zone indexes ("fe80::1%3") are
 *   not accepted.
 * - A DNS name is letters, digits and hyphens (LDH, RFC 1123), labels of 1-63
 *   octets that neither begin nor end with a hyphen, 253 octets at most, with
 *   an optional final dot. The last label must not be all digits, so that
 *   "256.1.1.1" is a bad address rather than a strange host name.
 *   International names must be given in their xn-- form. */
#ifndef SW_HOST_TEXT_H
#define SW_HOST_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sw_macros.h"

#define SW_DNS_NAME_MAX 253 /* octets, without the optional final dot */

/* X(ENUM, the end of a sentence beginning "the name ...") */
#define SW_DNS_PROBLEM_MAP(X)                                                            \
  X(SW_DNS_OK, "is valid")                                                               \
  X(SW_DNS_EMPTY, "is empty")                                                            \
  X(SW_DNS_TOO_LONG, "is longer than 253 characters")                                    \
  X(SW_DNS_EMPTY_LABEL,                                                                  \
    "has an empty part (it begins with a dot or has two dots in a row)")                 \
  X(SW_DNS_LABEL_TOO_LONG, "has a part longer than 63 characters between dots")          \
  X(SW_DNS_HYPHEN_EDGE, "has a part that begins or ends with a hyphen")                  \
  X(SW_DNS_BAD_CHAR,                                                                     \
    "contains a character other than letters, digits, hyphens and dots")                 \
  X(SW_DNS_NON_ASCII, "contains non-ASCII letters; enter an international name in its "  \
                      "xn-- (punycode) form")                                            \
  X(SW_DNS_NUMERIC_END, "ends in a part that is all digits, which no DNS name may do")

enum sw_dns_problem { SW_DNS_PROBLEM_MAP(SW_X_1) SW_DNS_PROBLEM_COUNT };

enum sw_host_kind { SW_HOST_INVALID, SW_HOST_DNS, SW_HOST_IPV4, SW_HOST_IPV6 };

/* True if s[0..len) is a dotted-quad IPv4 address (policy above). */
bool sw_host_is_ipv4(const char *s, size_t len);
/* True if s[0..len) is an IPv6 address without brackets (policy above). */
bool sw_host_is_ipv6(const char *s, size_t len);
/* SW_DNS_OK if s[0..len) is a DNS name (policy above), else the first reason
 * it is not. Does not look at IP addresses: "1.2.3.4" is NUMERIC_END. */
enum sw_dns_problem sw_host_check_dns(const char *s, size_t len);
/* The end of a sentence for a problem, e.g. "has an empty part (...)";
 * never NULL. */
const char *sw_dns_problem_text(enum sw_dns_problem p);

/* What `host` (a C string) is: an IPv4 address, an IPv6 address with or
 * without [brackets], a DNS name, or none of these. */
enum sw_host_kind sw_host_classify(const char *host);

/* Writes the bare form of `host` to out[size]: "[2001:db8::1]" becomes
 * "2001:db8::1"; anything else is copied unchanged. Returns false (and writes
 * "" if size > 0) when it does not fit. */
bool sw_host_normalize(const char *host, char *out, size_t size);

/* Writes "host:port", or "[addr]:port" for an IPv6 address (bracketed or
 * not), as users and URLs expect. Always NUL-terminates when size > 0;
 * returns false if the text was cut short. */
bool sw_host_format_endpoint(const char *host, uint16_t port, char *out, size_t size);

#endif
