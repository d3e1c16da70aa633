/* The per-service SID, NT SERVICE\<name>, computed the way Windows derives
 * it, so that a descriptor naming it can be built and evaluated without
 * asking LSA (which knows the name only once the service exists, and under
 * Wine not at all). */
#ifndef SW_SERVICE_SID_H
#define SW_SERVICE_SID_H

#include <windows.h>

#include <stdbool.h>

#include "sw_error.h"

/* Sets *out to S-1-5-80-a-b-c-d-e, where a..e are the SHA-1 digest of the
 * upper-cased UTF-16LE service name, read as five little-endian 32-bit
 * sub-authorities (as `sc showsid` prints it). The caller frees *out with
 * LocalFree. Returns SW_E_INVALID_ARGUMENT for an empty name or one longer
 * than 256 characters (the SCM's limit), SW_E_NOMEM, or SW_E_SYSTEM if the
 * system's SHA-1 (BCrypt) is unavailable; *out is NULL then. Thread-safe. */
enum sw_error sw_service_sid(const wchar_t *service_name, PSID *out);

#endif
