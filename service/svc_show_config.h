/* smtpwatch-svc --show-config: the read-back of what --install-config sets
 * (svc_install.h), as the SCM and the file system report it. */
#ifndef SW_SVC_SHOW_CONFIG_H
#define SW_SVC_SHOW_CONFIG_H

#include "svc.h"

/* Prints the service's configuration as the SCM reports it (account, start
 * type, program, description, SID type, recovery actions) and the owner
 * and DACL of cfg->data_dir and of each file and folder in it (links
 * named, not followed) in SDDL, one "Name: value" line each, to stdout. A value that
 * cannot be read says so and why on its line. Returns 0, or the Win32 error if the
 * service is not installed or the SCM cannot be asked (then a sentence goes to stderr).
 * Any user; the data folder's DACL is readable by administrators only. */
DWORD sw_svc_show_config(const struct sw_svc_config *cfg);

#endif
