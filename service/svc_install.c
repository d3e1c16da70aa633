/* smtpwatch-svc --install-config: what the MSI cannot set itself
 * (per-service SID, recovery actions, the data folder's owner and DACL).
 * See svc_install.h; the read-back is svc_show_config.c.
 *
 * --install-config runs as LocalSystem in a folder that ordinary users may
 * have created before the installation (any user can create folders in
 * ProgramData). So it never follows a link: the folder is opened without
 * following reparse points and locked down through that handle first;
 * only then are its contents looked at (a reparse point inside is refused)
 * and each file and folder in it reset, through a handle again: owner
 * Administrators, no explicit ACE, only what it inherits from the folder.
 * A user who created smtpwatch.db before the installation keeps nothing
 * (issue 11, item 6). The descriptors come from svc_data_acl.c, where the
 * tests evaluate them. */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>

#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

#include "svc_install.h"
#include "svc_install_internal.h"
#include "console_out.h"
#include "messages.h"
#include "service_sid.h"
#include "svc_data_acl.h"
#include "svc_eventlog.h"
#include "svc_urlacl.h"
#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

/* The longest SID in SDDL ("S-1-" and 15 sub-authorities): 187 with the
 * NUL, as newer SDKs define SECURITY_MAX_SID_STRING_CHARACTERS. */
#define SID_STRING_CAP 192

const char *sw__install_u8(const wchar_t *w, char *buf, int cap)
{
  if (!w || !sw_utf8_from_wide(w, buf, (size_t)cap))
    snprintf(buf, (size_t)cap, "?");
  return buf;
}

/* Says why the configuration failed, as a sentence (`what` and a full
 * stop), on stderr (the MSI log keeps only the exit code) and in the
 * Application log, where an administrator looks after a failed
 * installation (event 1004). */
static void report(const char *what)
{
  char sentence[1400];
  snprintf(sentence, sizeof sentence, "%s.", what);
  fflush(stdout); /* the steps before it first */
  sw_console_printf(stderr, "smtpwatch-svc: %s\n", sentence);
  SW_SVC_EVENT(SW_MSG_INSTALL_CONFIG_FAILED, sentence);
}

/* Prints "smtpwatch-svc: <what>: <error text>." to stderr; returns the
 * error (never 0, so that a caller's failure stays one). */
static DWORD fail(DWORD err, const char *fmt, ...)
{
  if (err == ERROR_SUCCESS)
    err = ERROR_GEN_FAILURE; /* a function that failed without saying why */
  char what[1300];
  va_list ap;
  va_start(ap, fmt);
  sw_win_error_vsentence(what, sizeof what, err, fmt, ap);
  va_end(ap);
  report(what);
  return err;
}

/* Prints the sentence (no system text: the error is ours) to stderr and
 * returns `err`. */
static DWORD refuse(DWORD err, const char *fmt, ...)
{
  char what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  report(what);
  return err;
}

DWORD sw__install_open_service(DWORD access, bool change, SC_HANDLE *scm, SC_HANDLE *svc)
{
  *svc = NULL;
  *scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (!*scm)
    return fail(GetLastError(), "The Service Control Manager cannot be opened");
  *svc = OpenServiceW(*scm, SW_SVC_NAME, access);
  if (*svc)
    return 0;
  DWORD err = GetLastError();
  CloseServiceHandle(*scm);
  *scm = NULL;
  if (err == ERROR_SERVICE_DOES_NOT_EXIST)
    return fail(err, "The SmtpWatch service is not installed (install SMTP Watch's MSI "
                     "first)");
  if (err == ERROR_ACCESS_DENIED && change)
    return fail(err, "Changing the SmtpWatch service needs administrator rights; run "
                     "this from an elevated prompt");
  return fail(err, "The SmtpWatch service cannot be opened");
}

/* Enables a privilege of our token if we hold it; no harm if we do not
 * (the step that needs it then fails and says so). */
static void enable_privilege(const wchar_t *name)
{
  HANDLE token;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token))
    return;
  TOKEN_PRIVILEGES tp = {.PrivilegeCount = 1};
  tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if (LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid))
    AdjustTokenPrivileges(token, FALSE, &tp, 0, NULL, NULL);
  CloseHandle(token);
}

/* SERVICE_SID_TYPE_UNRESTRICTED: the service's token carries
 * NT SERVICE\SmtpWatch, which the data folder's DACL names. Sets
 * *supported to false (and returns 0) on a system without the level. */
static DWORD set_sid_type(SC_HANDLE svc, bool *supported)
{
  SERVICE_SID_INFO info = {.dwServiceSidType = SERVICE_SID_TYPE_UNRESTRICTED};
  *supported = true;
  if (ChangeServiceConfig2W(svc, SERVICE_CONFIG_SERVICE_SID_INFO, &info)) {
    sw_console_puts(stdout,
                    "Service SID: NT SERVICE\\SmtpWatch enabled (unrestricted).\n");
    return 0;
  }
  DWORD err = GetLastError();
  if (err != ERROR_INVALID_LEVEL)
    return fail(err, "The service's own SID cannot be enabled");
  *supported = false;
  sw_console_puts(
      stdout,
      "Service SID: not supported by this system (ChangeServiceConfig2W level "
      "SERVICE_CONFIG_SERVICE_SID_INFO); the data folder names LocalService instead.\n");
  return 0;
}

/* The recovery actions: restart after SW_SVC_RESTART_DELAY_MS,
 * SW_SVC_RESTARTS times, count reset after SW_SVC_FAILURE_RESET_S, and the
 * same when the service stops itself with an error (the flag). */
static DWORD set_recovery(SC_HANDLE svc)
{
  SC_ACTION actions[SW_SVC_RESTARTS];
  for (unsigned i = 0; i < SW_SVC_RESTARTS; i++)
    actions[i] = (SC_ACTION){.Type = SC_ACTION_RESTART, .Delay = SW_SVC_RESTART_DELAY_MS};
  SERVICE_FAILURE_ACTIONSW fa = {.dwResetPeriod = SW_SVC_FAILURE_RESET_S,
                                 .cActions = SW_SVC_RESTARTS,
                                 .lpsaActions = actions};
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa)) {
    DWORD err = GetLastError();
    if (err != ERROR_INVALID_LEVEL)
      return fail(err, "The service's recovery actions cannot be set");
    sw_console_puts(
        stdout,
        "Recovery: not supported by this system (SERVICE_CONFIG_FAILURE_ACTIONS).\n");
    return 0;
  }
  sw_console_printf(
      stdout, "Recovery: restart after %u s, %u times; failure count reset after %u s.\n",
      SW_SVC_RESTART_DELAY_MS / 1000, SW_SVC_RESTARTS, SW_SVC_FAILURE_RESET_S);
  SERVICE_FAILURE_ACTIONS_FLAG flag = {.fFailureActionsOnNonCrashFailures = TRUE};
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag)) {
    DWORD err = GetLastError();
    if (err != ERROR_INVALID_LEVEL)
      return fail(err, "The service's recovery on error stops cannot be set");
    sw_console_puts(stdout, "Recovery on error stops: not supported by this system "
                            "(SERVICE_CONFIG_FAILURE_ACTIONS_FLAG).\n");
    return 0;
  }
  sw_console_puts(stdout, "Recovery on error stops: yes.\n");
  return 0;
}

/* The SDDL name of whom the data folder lets modify it: the per-service
 * SID if the service has one (NT SERVICE\SmtpWatch, derived from the name
 * as Windows does), else LS (LocalService, the MSI's account). */
static void folder_trustee(bool per_service_sid, wchar_t *out, size_t cap)
{
  swprintf(out, cap, L"LS");
  if (!per_service_sid)
    return;
  PSID sid = NULL;
  LPWSTR text = NULL;
  enum sw_error err = sw_service_sid(SW_SVC_NAME, &sid);
  if (err == SW_E_OK && ConvertSidToStringSidW(sid, &text)) {
    swprintf(out, cap, L"%ls", text);
    LocalFree(text);
    LocalFree(sid);
    return;
  }
  LocalFree(sid);
  sw_console_printf(
      stdout,
      "Service SID: NT SERVICE\\SmtpWatch cannot be derived (%s); the data folder "
      "names LocalService instead.\n",
      sw_error_text(err ? err : SW_E_NOMEM));
}

DWORD sw__data_walk(struct sw__data_walk *w, const wchar_t *dir, int depth,
                    PSECURITY_DESCRIPTOR parent)
{
  wchar_t pattern[MAX_PATH + 8];
  if (swprintf(pattern, MAX_PATH + 8, L"%ls\\*", dir) < 0)
    return w->unlisted(w, dir, ERROR_FILENAME_EXCED_RANGE);
  WIN32_FIND_DATAW fd;
  HANDLE find =
      FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
  if (find == INVALID_HANDLE_VALUE) {
    DWORD err = GetLastError();
    return err == ERROR_FILE_NOT_FOUND ? 0 : w->unlisted(w, dir, err);
  }
  DWORD rc = 0;
  do {
    if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
      continue;
    wchar_t path[MAX_PATH];
    if (swprintf(path, MAX_PATH, L"%ls\\%ls", dir, fd.cFileName) < 0) {
      rc = w->unlisted(w, dir, ERROR_FILENAME_EXCED_RANGE);
      break;
    }
    PSECURITY_DESCRIPTOR below = NULL;
    rc = w->visit(w, path, &fd, parent, &below);
    if (rc == 0 && (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
        !(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) && depth > 0)
      rc = sw__data_walk(w, path, depth - 1, below);
    LocalFree(below);
  } while (rc == 0 && FindNextFileW(find, &fd));
  FindClose(find);
  return rc;
}

static DWORD install_unlisted(struct sw__data_walk *w, const wchar_t *dir, DWORD err)
{
  (void)w;
  char shown[MAX_PATH * 3];
  return fail(err, "The folder %s cannot be read",
              sw__install_u8(dir, shown, sizeof shown));
}

static DWORD link_refused(const wchar_t *path)
{
  char shown[MAX_PATH * 3];
  return refuse(ERROR_CANT_ACCESS_FILE,
                "%s is a link (reparse point); the data folder may hold only files and "
                "folders. Remove it and install again",
                sw__install_u8(path, shown, sizeof shown));
}

/* Refuses reparse points in the data folder before anything in it is
 * changed: passing ACEs on through one would change the security of
 * whatever it points at. */
static DWORD refuse_link(struct sw__data_walk *w, const wchar_t *path,
                         const WIN32_FIND_DATAW *fd, PSECURITY_DESCRIPTOR parent,
                         PSECURITY_DESCRIPTOR *below)
{
  (void)w, (void)parent, (void)below;
  return (fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? link_refused(path) : 0;
}

/* Gives a file or folder in the data folder the descriptor
 * sw_data_acl_reset computes from what it has and from its folder's
 * (`parent`), through a handle that does not follow links, and says what
 * changed. A folder's new descriptor is left in *below for its contents.
 * SetSecurityInfo with UNPROTECTED_DACL_SECURITY_INFORMATION: the DACL
 * passed holds only inherited ACEs, which Windows computes again from the
 * parent folder (the same ones, by the same rules); owner Administrators. */
static DWORD reset_item(struct sw__data_walk *w, const wchar_t *path,
                        const WIN32_FIND_DATAW *fd, PSECURITY_DESCRIPTOR parent,
                        PSECURITY_DESCRIPTOR *below)
{
  (void)fd;
  w->count++;
  char shown[MAX_PATH * 3];
  sw__install_u8(path, shown, sizeof shown);
  HANDLE h = CreateFileW(path, READ_CONTROL | WRITE_DAC | WRITE_OWNER,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                         OPEN_EXISTING,
                         FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return fail(GetLastError(), "%s cannot be opened to reset its security", shown);
  BY_HANDLE_FILE_INFORMATION info;
  PSECURITY_DESCRIPTOR current = NULL, reset = NULL;
  PSID owner = NULL;
  PACL dacl = NULL;
  BOOL present = FALSE, defaulted;
  DWORD rc = 0, err;
  enum sw_error computed;
  if (!GetFileInformationByHandle(h, &info)) {
    rc = fail(GetLastError(), "%s cannot be examined", shown);
  } else if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    rc = link_refused(path); /* made since the scan */
  } else if ((err = GetSecurityInfo(h, SE_FILE_OBJECT,
                                    OWNER_SECURITY_INFORMATION |
                                        GROUP_SECURITY_INFORMATION |
                                        DACL_SECURITY_INFORMATION,
                                    NULL, NULL, NULL, NULL, &current)) != ERROR_SUCCESS) {
    rc = fail(err, "The security of %s cannot be read", shown);
  } else if ((computed = sw_data_acl_reset(
                  parent, current, info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY,
                  &reset)) != SW_E_OK) {
    rc =
        refuse(ERROR_INVALID_SECURITY_DESCR, "The new security of %s cannot be built: %s",
               shown, sw_error_text(computed));
  } else if (NEVER(!GetSecurityDescriptorOwner(reset, &owner, &defaulted) ||
                   !GetSecurityDescriptorDacl(reset, &present, &dacl, &defaulted))) {
    /* `reset` is the descriptor just built: it reads back. */
    rc = fail(GetLastError(), "The new security of %s cannot be read", shown);
  } else if ((err =
                  SetSecurityInfo(h, SE_FILE_OBJECT,
                                  OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                                      UNPROTECTED_DACL_SECURITY_INFORMATION,
                                  owner, NULL, dacl, NULL)) != ERROR_SUCCESS) {
    rc = fail(err, "The security of %s cannot be reset", shown);
  } else {
    char what[512];
    sw_data_acl_describe(current, reset, what, sizeof what);
    sw_console_printf(stdout, "Reset: %s (%s)\n", shown, what);
    if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
      *below = reset;
      reset = NULL;
    }
  }
  LocalFree(reset);
  LocalFree(current);
  CloseHandle(h);
  return rc;
}

/* Gives the folder `path` (`shown` in messages) its owner and protected
 * DACL through a handle, after checking that the handle is a folder and
 * not a link. Returns 0, or the error after saying why. */
static DWORD secure_folder(const wchar_t *path, const char *shown, PSID owner, PACL dacl)
{
  DWORD rc = 0;
  HANDLE h = CreateFileW(path, READ_CONTROL | WRITE_DAC | WRITE_OWNER,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                         OPEN_EXISTING,
                         FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
  BY_HANDLE_FILE_INFORMATION info;
  if (h == INVALID_HANDLE_VALUE) {
    rc = fail(GetLastError(), "The data folder %s cannot be opened", shown);
  } else if (!GetFileInformationByHandle(h, &info)) {
    rc = fail(GetLastError(), "The data folder %s cannot be examined", shown);
  } else if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    rc = refuse(ERROR_CANT_ACCESS_FILE,
                "%s is a link (reparse point), not a folder. Remove it and install again",
                shown);
  } else if (!(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    rc = refuse(ERROR_DIRECTORY,
                "%s is a file, not a folder. Move it away and install "
                "again",
                shown);
  } else {
    /* Through the handle: whatever replaces the path meanwhile, this is
     * the folder that was checked. From here on only SYSTEM,
     * Administrators and the service can change what is inside. */
    DWORD err = SetSecurityInfo(h, SE_FILE_OBJECT,
                                OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                                    PROTECTED_DACL_SECURITY_INFORMATION,
                                owner, NULL, dacl, NULL);
    if (err != ERROR_SUCCESS)
      rc = fail(err, "The data folder %s cannot be secured", shown);
  }
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  return rc;
}

/* Creates the data folder if missing, gives it SW_DATA_DIR_SDDL and
 * resets everything already in it (reset_item). */
static DWORD secure_data_dir(const struct sw_svc_config *cfg, const wchar_t *trustee)
{
  const char *shown = cfg->data_dir_utf8;
  /* Something already there (ERROR_ALREADY_EXISTS, or ERROR_FILE_EXISTS:
   * both are documented) is judged through a handle below. */
  int made = SHCreateDirectoryExW(NULL, cfg->data_dir, NULL);
  if (made != ERROR_SUCCESS && made != ERROR_ALREADY_EXISTS && made != ERROR_FILE_EXISTS)
    return fail((DWORD)made, "The data folder %s cannot be created", shown);

  wchar_t sddl[320];
  PSECURITY_DESCRIPTOR sd = NULL;
  PSID owner = NULL;
  PACL dacl = NULL;
  BOOL present = FALSE, defaulted;
  if (sw_data_acl_folder(trustee, &sd, sddl, SW_COUNTOF(sddl)) != SW_E_OK ||
      !GetSecurityDescriptorOwner(sd, &owner, &defaulted) ||
      !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) || !present) {
    DWORD err = fail(GetLastError(), "The data folder's security cannot be built");
    LocalFree(sd);
    return err;
  }

  /* The folder and its files may have been made by someone else: with
   * these privileges LocalSystem may read and take them over whatever
   * their DACLs say. */
  enable_privilege(L"SeBackupPrivilege");
  enable_privilege(L"SeRestorePrivilege");
  enable_privilege(L"SeTakeOwnershipPrivilege");
  /* The path's own attributes first (a link's, not its target's); the
   * handle below is checked again, as the path may change meanwhile. */
  DWORD attrs = GetFileAttributesW(cfg->data_dir);
  if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_REPARSE_POINT)) {
    LocalFree(sd);
    return refuse(
        ERROR_CANT_ACCESS_FILE,
        "%s is a link (reparse point), not a folder. Remove it and install again", shown);
  }
  DWORD rc = secure_folder(cfg->data_dir, shown, owner, dacl);

  /* What is already there (an upgrade's database, or files someone made
   * before the installation): no link anywhere, then each one reset. */
  struct sw__data_walk scan = {refuse_link, install_unlisted, cfg, 0};
  if (rc == 0)
    rc = sw__data_walk(&scan, cfg->data_dir, SW__DATA_WALK_DEPTH, NULL);
  if (rc == 0) {
    char text[512];
    sw_console_printf(stdout, "Data folder: %s (%s); security %s\n", shown,
                      made == ERROR_SUCCESS ? "created" : "kept",
                      sw__install_u8(sddl, text, sizeof text));
  }
  struct sw__data_walk reset = {reset_item, install_unlisted, cfg, 0};
  if (rc == 0)
    rc = sw__data_walk(&reset, cfg->data_dir, SW__DATA_WALK_DEPTH, sd);
  if (rc == 0)
    sw_console_printf(stdout,
                      "Data folder contents: %u item%s reset to the folder's security.\n",
                      reset.count, reset.count == 1 ? "" : "s");
  LocalFree(sd);
  return rc;
}

/* Refuses a service that is only marked for deletion. An uninstall, or an
 * upgrade's removal of the version before, deletes the service; while a
 * program holds it open (the Services console, Event Viewer or another
 * MMC console) Windows only marks it, and deletes it once the last handle
 * is closed and it has stopped: the installation would end with a service
 * that vanishes. Windows Installer's InstallServices then fails with 1923
 * (CreateService: ERROR_SERVICE_MARKED_FOR_DELETE) before this runs; Wine
 * 8's ignores that failure and goes on with the marked service, and so
 * would anything that runs this by hand. ChangeServiceConfigW changing
 * nothing is the documented probe: it fails with that error on a marked
 * service. The sentence says what to do; the MSI's Error table says the
 * same for 1923 (installer/build-msi.sh). */
static DWORD refuse_marked_for_deletion(SC_HANDLE svc)
{
  if (ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                           NULL, NULL, NULL, NULL, NULL, NULL, NULL))
    return 0;
  DWORD err = GetLastError();
  if (err != ERROR_SERVICE_MARKED_FOR_DELETE)
    return fail(err, "The SmtpWatch service cannot be changed");
  return refuse(err, "%s", SW_SVC_MARKED_FOR_DELETE_TEXT);
}

/* The metrics URL (MetricsUrl) reserved for the service alone
 * (svc_urlacl.h), so that it may register it without being an
 * administrator. */
static DWORD reserve_metrics_url(const struct sw_svc_config *cfg, const wchar_t *trustee)
{
  wchar_t prefix[SW_SVC_METRICS_URL_MAX], sddl[SID_STRING_CAP + 32];
  char why[512], shown[SW_SVC_METRICS_URL_MAX * 3], text[512];
  const char *step = "";
  if (!sw_svc_urlacl_prefix(cfg->metrics_url, prefix, SW_COUNTOF(prefix), why,
                            sizeof why))
    return refuse(ERROR_INVALID_PARAMETER, "%s", why);
  sw__install_u8(prefix, shown, sizeof shown);
  DWORD err = sw_svc_urlacl_sddl(trustee, sddl, SW_COUNTOF(sddl));
  if (!err)
    err = sw_svc_urlacl_reserve(prefix, sddl, &step);
  if (err)
    return fail(err, "The metrics URL %s cannot be reserved for the service (%s)", shown,
                step);
  sw_console_printf(stdout, "Metrics URL reservation: %s for %s\n", shown,
                    sw__install_u8(sddl, text, sizeof text));
  return 0;
}

DWORD sw_svc_install_config(const struct sw_svc_config *cfg)
{
  SC_HANDLE scm, svc;
  /* SERVICE_START: needed to set SC_ACTION_RESTART actions. */
  DWORD rc = sw__install_open_service(
      SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | SERVICE_START, true, &scm, &svc);
  if (rc)
    return rc;
  bool per_service_sid = false;
  rc = refuse_marked_for_deletion(svc);
  if (rc == 0)
    rc = set_sid_type(svc, &per_service_sid);
  if (rc == 0)
    rc = set_recovery(svc);
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  if (rc == 0) {
    wchar_t trustee[SID_STRING_CAP];
    folder_trustee(per_service_sid, trustee, SW_COUNTOF(trustee));
    rc = secure_data_dir(cfg, trustee);
    if (rc == 0 && cfg->metrics_url[0])
      rc = reserve_metrics_url(cfg, trustee);
  }
  return rc;
}
