/* Install-time configuration of the SmtpWatch service, and its read-back.
 *
 * The MSI installs the service to run as NT AUTHORITY\LocalService. What
 * Windows Installer (and wixl, which has no util: extension) cannot set is
 * done by `smtpwatch-svc --install-config`, run by the MSI as a deferred,
 * non-impersonated custom action (LocalSystem on Windows) after
 * InstallServices and before StartServices, on every install and upgrade:
 *   - the per-service SID (SERVICE_SID_TYPE_UNRESTRICTED), so that the
 *     data folder can name this service alone (NT SERVICE\SmtpWatch);
 *   - the recovery actions: restart after 60 s, twice, failure count reset
 *     after a day, also when the service stops with an error;
 *   - the data folder (%ProgramData%\SmtpWatch, or --data-dir): created if
 *     missing; owner Administrators; a protected DACL that lets SYSTEM and
 *     Administrators do anything, the service modify, and nobody else in.
 *     Applied to an existing folder too (an upgrade keeps the database),
 *     and every file and folder already in it is reset: owner
 *     Administrators, no explicit ACE, only what it inherits from the
 *     folder (svc_data_acl.h), so that whoever made a file there before
 *     keeps no access to it; a link (reparse point) inside is refused.
 * `smtpwatch-svc --show-config` prints what the SCM and the file system
 * report for all of it (svc_show_config.h). docs/installer.md describes
 * both. */
#ifndef SW_SVC_INSTALL_H
#define SW_SVC_INSTALL_H

#include "svc.h"

/* Recovery actions --install-config sets. */
#define SW_SVC_RESTART_DELAY_MS 60000u
#define SW_SVC_RESTARTS 2u
#define SW_SVC_FAILURE_RESET_S 86400u

/* What --install-config says when the service is only marked for deletion
 * (a program held it open while the version before was removed), and
 * fails with ERROR_SERVICE_MARKED_FOR_DELETE (1072). The MSI's Error table
 * says the same for Windows Installer's error 1923 (installer/build-msi.sh);
 * docs/installer.md. */
#define SW_SVC_MARKED_FOR_DELETE_TEXT                                                    \
  "The SmtpWatch service is still marked for deletion: a program has it open (the "      \
  "Services console services.msc, Event Viewer, another MMC console, or the Services "   \
  "tab of Task Manager). Close those programs and run the installation again (the "      \
  "rules and results in the data folder are kept); if it stays marked, restart Windows " \
  "first"

/* Applies the configuration above to the installed service and to
 * cfg->data_dir, printing one line per step to stdout (UTF-8). Needs
 * administrator rights. Returns 0, or the Win32 error of the step that
 * failed (after printing a sentence saying what and why to stderr); steps
 * after a failure are not attempted; a service only marked for deletion is
 * refused first (ERROR_SERVICE_MARKED_FOR_DELETE, SW_SVC_MARKED_FOR_DELETE_TEXT).
 * A level of ChangeServiceConfig2W the system does not know (ERROR_INVALID_LEVEL: Wine)
 * is a printed note, not a failure; without per-service SIDs the folder names
 * LocalService instead. Main thread, once. */
DWORD sw_svc_install_config(const struct sw_svc_config *cfg);

#endif
