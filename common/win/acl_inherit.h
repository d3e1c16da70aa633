/* The ACEs a file or folder inherits from its parent folder, computed by
 * Windows' documented ACE inheritance rules. Wine keeps a file's DACL as
 * given and inherits nothing from the folder, so the project computes the
 * effective descriptor itself: to apply it (--install-config) and to
 * evaluate it in tests (access_eval.h). */
#ifndef SW_ACL_INHERIT_H
#define SW_ACL_INHERIT_H

#include <windows.h>

#include <stdbool.h>

#include "sw_error.h"

/* Sets *out to a new ACL (LocalFree) holding what a child of a folder
 * whose DACL is `parent` inherits ("ACE Inheritance Rules",
 * learn.microsoft.com), in the parent's order, each marked INHERITED_ACE:
 * - a file (is_container false) gets the OBJECT_INHERIT ACEs, as effective
 *   ACEs without inheritance flags;
 * - a folder gets the CONTAINER_INHERIT ACEs as effective ACEs that pass
 *   OI/CI on, and the OBJECT_INHERIT-only ones as inherit-only ACEs (for
 *   its files); NO_PROPAGATE_INHERIT stops both at this level (the
 *   folder's copy keeps no inheritance flags; OI-only ones are not copied);
 * - CREATOR OWNER (S-1-3-0) in an effective copy becomes `owner` (an
 *   inheritable folder copy also keeps an inherit-only CREATOR OWNER ACE).
 * Generic rights are copied as they are (Windows splits them into a
 * mapped effective ACE and an inherit-only generic one; access is the
 * same). `parent` NULL (a NULL DACL) inherits nothing. Returns SW_E_NOMEM
 * or SW_E_INVALID_ARGUMENT (owner needed but NULL or invalid); *out is
 * NULL then. Thread-safe. */
enum sw_error sw_acl_inherited(const ACL *parent, bool is_container, PSID owner,
                               PACL *out);

#endif
