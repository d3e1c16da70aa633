/* SMTP AUTH (RFC 4954) as the dialogue speaks it: the mechanisms it knows
 * (PLAIN, RFC 4616; LOGIN, the old draft every server still offers;
 * CRAM-MD5, RFC 2195), which one to use from the server's EHLO AUTH list,
 * and the client's responses, base64-encoded into the caller's buffer. The
 * credentials are borrowed and never copied anywhere else; buffers that
 * held them, or anything made from them, are wiped. */
#ifndef SW_SMTP_AUTH_H
#define SW_SMTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_macros.h"

/* X(ENUM, name as EHLO lists it). AUTO chooses from the server's list, in
 * the order sw_auth_pick gives. */
#define SW_AUTH_MECH_MAP(X)                                                              \
  X(SW_AUTH_MECH_AUTO, "auto")                                                           \
  X(SW_AUTH_MECH_PLAIN, "PLAIN")                                                         \
  X(SW_AUTH_MECH_LOGIN, "LOGIN")                                                         \
  X(SW_AUTH_MECH_CRAM_MD5, "CRAM-MD5")

enum sw_auth_mech { SW_AUTH_MECH_MAP(SW_X_1) SW_AUTH_MECH_COUNT };

/* Bits of the mechanisms a server offers (sw_auth_offered). */
#define SW_AUTH_OFFERS(m) (1u << (m))
#define SW_AUTH_OFFERS_OTHER (1u << SW_AUTH_MECH_COUNT) /* GSSAPI, NTLM, ... */

/* The longest user name and password together: what "AUTH PLAIN " and the
 * base64 of "\0user\0password" fit in one command line of 512 octets
 * (RFC 5321 4.5.3.1.4), and so LOGIN's responses too. */
#define SW_AUTH_CREDENTIALS_MAX 370
/* The longest user name: what CRAM-MD5's answer, the base64 of "user "
 * and 32 hex digits, fits in one line of 510 octets (127 quads of base64
 * carry 381 octets, 33 of them the space and the digest). */
#define SW_AUTH_USER_MAX 348

/* "PLAIN", "LOGIN", "CRAM-MD5", "auto"; "?" out of range. */
const char *sw_auth_mech_name(enum sw_auth_mech m);
/* The name back, case-insensitive ("plain"); false if unknown. */
bool sw_auth_mech_from_name(const char *name, enum sw_auth_mech *out);

/* The SW_AUTH_OFFERS bits of the mechanisms in an EHLO AUTH line's
 * parameters ("PLAIN LOGIN CRAM-MD5", case-insensitive, spaces between). */
unsigned sw_auth_offered(const char *params, size_t len);

/* The mechanism to use: `forced` if offered. Else (AUTO), over a
 * connection with TLS (`encrypted`): PLAIN, else LOGIN, else CRAM-MD5; over
 * one without (plain-text AUTH allowed): CRAM-MD5 first, since the password
 * itself never crosses the wire (only a digest, from which an eavesdropper
 * can at most guess a weak password offline), then PLAIN, then LOGIN.
 * SW_AUTH_MECH_AUTO when there is none to use. */
enum sw_auth_mech sw_auth_pick(unsigned offered, enum sw_auth_mech forced,
                               bool encrypted);

/* The base64 of "\0user\0password" (RFC 4616's message with an empty
 * authorization identity) into out[size], NUL-terminated. False if it does
 * not fit. */
bool sw_auth_plain_response(const char *user, const char *password, char *out,
                            size_t size);
/* The base64 of `text` (LOGIN's answer to "Username:" or "Password:") into
 * out[size], NUL-terminated. False if it does not fit. */
bool sw_auth_login_response(const char *text, char *out, size_t size);
/* CRAM-MD5's answer to the server's (decoded) challenge (RFC 2195 section
 * 2): the base64 of the user name, a space and the HMAC-MD5 of the
 * challenge keyed with the password, in 32 lower-case hex digits, into
 * out[size], NUL-terminated. False if the user name is longer than
 * SW_AUTH_USER_MAX or the answer does not fit. */
bool sw_auth_cram_md5_response(const char *user, const char *password,
                               const void *challenge, size_t challenge_len, char *out,
                               size_t size);

/* Overwrites p[0..n) with zeros in a way the compiler keeps (a buffer that
 * held a credential, about to be reused or freed): sw_wipe. */
void sw_auth_wipe(void *p, size_t n);

#endif
