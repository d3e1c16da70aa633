/* The URL reservation (URL ACL) for the metrics address: http.sys lets an
 * account that is not an administrator register a URL prefix only where
 * a reservation grants it GENERIC_EXECUTE. --install-config reserves the
 * prefix of MetricsUrl (metrics_url.h: the port's root) for the service's
 * own SID alone, NT SERVICE\SmtpWatch, with
 * HttpSetServiceConfiguration(HttpServiceConfigUrlAclInfo) and the SDDL
 * "D:(A;;GX;;;S-1-5-80-...)": no one else may register it, and nothing
 * else is opened (no firewall rule). --show-config reads it back with
 * HttpQueryServiceConfiguration. Main thread, as an administrator. */
#ifndef SW_SVC_URLACL_H
#define SW_SVC_URLACL_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

/* The reservation's SDDL granting `trustee` (an SDDL SID: the string SID
 * of NT SERVICE\SmtpWatch, or "LS" where the service has no SID of its
 * own, as for the data folder) GENERIC_EXECUTE alone, into out[cap]:
 * 0, or ERROR_INSUFFICIENT_BUFFER. */
DWORD sw_svc_urlacl_sddl(const wchar_t *trustee, wchar_t *out, size_t cap);

/* The prefix http.sys reserves for `url` (--metrics-url's form) into
 * out[cap]; false with a sentence in why[size]. */
bool sw_svc_urlacl_prefix(const wchar_t *url, wchar_t *out, size_t cap, char *why,
                          size_t size);

/* Reserves `prefix` with `sddl`, replacing a reservation of the prefix
 * that says something else: 0, or the Win32 error with the call that
 * failed in *step. */
DWORD sw_svc_urlacl_reserve(const wchar_t *prefix, const wchar_t *sddl,
                            const char **step);

/* The SDDL of the reservation of `prefix` into out[cap], as http.sys
 * keeps it: 0, ERROR_FILE_NOT_FOUND when there is none, or the Win32
 * error. */
DWORD sw_svc_urlacl_query(const wchar_t *prefix, wchar_t *out, size_t cap);

#endif
