/* The data folder's security: the descriptor --install-config gives the
 * folder, and the one it gives every file and folder already inside it
 * (svc_install.c applies them). Kept apart from the applying code so that
 * tests can evaluate both descriptors with access_eval.h for every kind of
 * caller: Wine enforces no DACL and inherits nothing from a folder, so an
 * "access denied" would never come (docs/security.md, "The data folder"). */
#ifndef SW_SVC_DATA_ACL_H
#define SW_SVC_DATA_ACL_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

#include "sw_error.h"

/* Owner Administrators; SYSTEM and Administrators full control; the
 * service (%ls: its SID, or LS where the SID type is not supported)
 * modify (FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE |
 * DELETE), for the folder and everything in it; protected, so nothing is
 * inherited from ProgramData (whose ACL lets Users read and create). */
#define SW_DATA_DIR_SDDL L"O:BAD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;%ls)"

/* Sets *out to the folder's descriptor (SW_DATA_DIR_SDDL naming `trustee`,
 * a SID in SDDL form or "LS"), self-relative; the caller frees it with
 * LocalFree. Writes the SDDL used into sddl[cap] if sddl is not NULL.
 * Returns SW_E_INVALID_ARGUMENT if the trustee does not make valid SDDL
 * (*out NULL). Thread-safe. */
enum sw_error sw_data_acl_folder(const wchar_t *trustee, PSECURITY_DESCRIPTOR *out,
                                 wchar_t *sddl, size_t cap);

/* Sets *out to the descriptor an item that is inside a folder whose
 * descriptor is `parent` has once --install-config reset it, given its
 * descriptor `current` as read back: owner Administrators, no explicit
 * ACEs, DACL not protected and made of what it inherits from `parent`
 * (sw_acl_inherited, is_dir: the item is a folder), the primary group as
 * it was. Whatever `current` granted (a user who created smtpwatch.db
 * first, as owner or by an explicit ACE) is gone. Self-relative; the
 * caller frees it with LocalFree. Returns SW_E_NOMEM or
 * SW_E_INVALID_ARGUMENT (a descriptor that cannot be read); *out NULL
 * then. Thread-safe. */
enum sw_error sw_data_acl_reset(PSECURITY_DESCRIPTOR parent, PSECURITY_DESCRIPTOR current,
                                bool is_dir, PSECURITY_DESCRIPTOR *out);

/* Says in words what the reset from `current` to `reset` changes, for
 * --install-config's report: e.g. "owner was S-1-5-21-...-1002; 1
 * explicit ACE removed; inheritance was blocked", "inherited ACEs
 * renewed", or "unchanged". Always NUL-terminates out[cap]. */
void sw_data_acl_describe(PSECURITY_DESCRIPTOR current, PSECURITY_DESCRIPTOR reset,
                          char *out, size_t cap);

/* The owner and DACL of `sd` in SDDL (UTF-8) into out[cap], or "?" if it
 * cannot be converted. */
void sw_data_acl_sddl(PSECURITY_DESCRIPTOR sd, char *out, size_t cap);

#endif
