/* Who gets what from a security descriptor, computed by Windows'
 * documented access-check rules. Wine stores DACLs but enforces none
 * (PLATFORM.md), so the project tests permissions by reading a descriptor
 * back and evaluating it here for typical tokens of each kind of caller,
 * not by waiting for an "access denied" Wine never sends. docs/security.md
 * ("How permissions are tested") says what is modelled and what is not. */
#ifndef SW_ACCESS_EVAL_H
#define SW_ACCESS_EVAL_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

#include "sw_error.h"

#define SW_TOKEN_MAX_SIDS 16

/* One SID of a token. attributes: SE_GROUP_ENABLED (matches allow and deny
 * ACEs) or SE_GROUP_USE_FOR_DENY_ONLY (matches deny ACEs only, as UAC
 * leaves Administrators in a filtered token); neither: the SID matches
 * nothing (a disabled group). */
struct sw_token_sid {
  PSID sid;
  DWORD attributes;
};

/* The SIDs of a token: the user first, then its groups. Each sids[i].sid
 * points into storage[i], so the struct must not be copied by value (the
 * copy would point into the original); fill it with sw_token_model_of or
 * sw_token_model_add. */
struct sw_token_model {
  struct sw_token_sid sids[SW_TOKEN_MAX_SIDS];
  size_t count;
  BYTE storage[SW_TOKEN_MAX_SIDS][SECURITY_MAX_SID_SIZE];
};

/* The callers the project's access matrices name (docs/security.md). */
enum sw_principal {
  SW_PRINCIPAL_SYSTEM,              /* LocalSystem */
  SW_PRINCIPAL_ADMINISTRATORS,      /* an administrator, elevated */
  SW_PRINCIPAL_SERVICE,             /* NT SERVICE\<name>, running as LocalService */
  SW_PRINCIPAL_LOCAL_SERVICE,       /* another service running as LocalService */
  SW_PRINCIPAL_INTERACTIVE,         /* a standard user logged on at the console */
  SW_PRINCIPAL_FILTERED_ADMIN,      /* an administrator under UAC, not elevated:
                                       Administrators deny-only */
  SW_PRINCIPAL_AUTHENTICATED_USERS, /* a non-interactive (batch) logon */
  SW_PRINCIPAL_NETWORK,             /* a user logged on over the network */
  SW_PRINCIPAL_EVERYONE,            /* a token whose only group is Everyone */
  SW_PRINCIPAL_ANONYMOUS,           /* ANONYMOUS LOGON (null session) */
  SW_PRINCIPAL_COUNT
};

/* The principal's name for tables and failure messages ("SYSTEM",
 * "Administrators", "NT SERVICE\\SmtpWatch", ...); never NULL (a value out
 * of range gives "?"). Static storage. */
const char *sw_principal_name(enum sw_principal p);

/* Empties `out`, then fills it with the SIDs a typical token of `p`
 * carries, as Windows builds logon tokens: the user (a made-up local
 * account SID for people; S-1-5-18 / S-1-5-19 / S-1-5-7 for SYSTEM,
 * LocalService, anonymous) and the well-known groups (Everyone, Users,
 * Authenticated Users, INTERACTIVE, NETWORK, BATCH, SERVICE, LOCAL,
 * CONSOLE LOGON, This Organization, Local account, ...). service_name
 * names the service whose per-service SID SW_PRINCIPAL_SERVICE carries
 * (NULL: "SmtpWatch"); SW_PRINCIPAL_LOCAL_SERVICE carries another
 * service's (W32Time, a LocalService service of Windows). Returns
 * SW_E_INVALID_ARGUMENT for an unknown `p`, or sw_service_sid's error.
 * Thread-safe. */
enum sw_error sw_token_model_of(enum sw_principal p, const wchar_t *service_name,
                                struct sw_token_model *out);

/* Appends a copy of `sid` with `attributes` (see struct sw_token_sid) to
 * `m`, for tests that need a token of their own (start with count = 0).
 * Returns SW_E_INVALID_ARGUMENT if `sid` is not valid or `m` is full. */
enum sw_error sw_token_model_add(struct sw_token_model *m, PSID sid, DWORD attributes);

/* The access mask a token holding exactly the SIDs of `m` is granted by
 * sd's DACL, as AccessCheck computes MAXIMUM_ALLOWED:
 * - no DACL (SE_DACL_PRESENT clear) or a NULL DACL grants
 *   mapping->GenericAll; an empty DACL grants nothing but the owner's
 *   implicit rights;
 * - the owner (an enabled SID of the token equal to sd's owner) is
 *   granted READ_CONTROL | WRITE_DAC first, unless the DACL has an
 *   effective ACE for OWNER RIGHTS (S-1-3-4): then that ACE says what the
 *   owner gets, and it matches only the owner;
 * - ACEs in order; inherit-only ones skipped; generic bits mapped with
 *   `mapping`; ACCESS_DENIED removes what is not yet granted,
 *   ACCESS_ALLOWED adds what is not yet denied (so a deny after an allow
 *   takes nothing away); deny-only SIDs match deny ACEs only; ACE types
 *   other than these two (object, callback, audit) are skipped.
 * Not modelled: privileges (an administrator's SeTakeOwnership,
 * SeBackup/SeRestore), integrity labels, restricted SIDs, conditional
 * ACEs. `sd` may be absolute or self-relative. Thread-safe. */
ACCESS_MASK sw_access_granted(PSECURITY_DESCRIPTOR sd, const struct sw_token_model *m,
                              const GENERIC_MAPPING *mapping);

/* The file (and named pipe) generic mapping: GENERIC_READ to
 * FILE_GENERIC_READ and so on, GENERIC_ALL to FILE_ALL_ACCESS. */
extern const GENERIC_MAPPING sw_file_generic_mapping;

#endif
