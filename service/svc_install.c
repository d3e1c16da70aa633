/* smtpwatch-svc --install-config and --show-config: what the MSI cannot set
 * itself (per-service SID, recovery actions, the data folder's owner and
 * DACL), and the read-back of all of it. See svc_install.h.
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
#include <stdlib.h>
#include <wchar.h>

#include "svc_install.h"
#include "console_out.h"
#include "messages.h"
#include "service_sid.h"
#include "svc_data_acl.h"
#include "svc_eventlog.h"
#include "sw_macros.h"
#include "win_error.h"

/* The longest SID in SDDL ("S-1-" and 15 sub-authorities): 187 with the
 * NUL, as newer SDKs define SECURITY_MAX_SID_STRING_CHARACTERS. */
#define SID_STRING_CAP 192

/* How deep --install-config looks for reparse points in the data folder
 * (the service keeps its files at the top; deeper trees are not its). */
#define MAX_SCAN_DEPTH 8

/* UTF-16 to UTF-8 for printing; "?" if it does not convert. */
static const char *u8(const wchar_t *w, char *buf, int cap)
{
  if (!w || WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, cap, NULL, NULL) <= 0)
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

/* Opens the SCM and our service with `access` (`change`: access to change
 * it, which needs administrator rights); on failure prints why and returns
 * the error (with *scm and *svc NULL). */
static DWORD open_service(DWORD access, bool change, SC_HANDLE *scm, SC_HANDLE *svc)
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

/* A walk through the data folder: `visit` is called for each file and
 * folder, a folder before what is in it; `parent` is what the visit of
 * the folder it is in left in *below (the walk's start: its argument),
 * and is freed (LocalFree) after that folder's walk. A visit returns 0 or
 * the error that ends the walk (having said why). `unlisted` is called,
 * and its result returned, if a folder cannot be listed. */
struct walk;
typedef DWORD walk_visit(struct walk *w, const wchar_t *path, const WIN32_FIND_DATAW *fd,
                         PSECURITY_DESCRIPTOR parent, PSECURITY_DESCRIPTOR *below);
struct walk {
  walk_visit *visit;
  DWORD (*unlisted)(struct walk *w, const wchar_t *dir, DWORD err);
  const struct sw_svc_config *cfg;
  unsigned count; /* files and folders visited */
};

/* Walks `dir`, `depth` levels below at most; never into a reparse point
 * (junction, symbolic link, mount point). */
static DWORD walk(struct walk *w, const wchar_t *dir, int depth,
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
      rc = walk(w, path, depth - 1, below);
    LocalFree(below);
  } while (rc == 0 && FindNextFileW(find, &fd));
  FindClose(find);
  return rc;
}

static DWORD install_unlisted(struct walk *w, const wchar_t *dir, DWORD err)
{
  (void)w;
  char shown[MAX_PATH * 3];
  return fail(err, "The folder %s cannot be read", u8(dir, shown, sizeof shown));
}

static DWORD link_refused(const wchar_t *path)
{
  char shown[MAX_PATH * 3];
  return refuse(ERROR_CANT_ACCESS_FILE,
                "%s is a link (reparse point); the data folder may hold only files and "
                "folders. Remove it and install again",
                u8(path, shown, sizeof shown));
}

/* Refuses reparse points in the data folder before anything in it is
 * changed: passing ACEs on through one would change the security of
 * whatever it points at. */
static DWORD refuse_link(struct walk *w, const wchar_t *path, const WIN32_FIND_DATAW *fd,
                         PSECURITY_DESCRIPTOR parent, PSECURITY_DESCRIPTOR *below)
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
static DWORD reset_item(struct walk *w, const wchar_t *path, const WIN32_FIND_DATAW *fd,
                        PSECURITY_DESCRIPTOR parent, PSECURITY_DESCRIPTOR *below)
{
  (void)fd;
  w->count++;
  char shown[MAX_PATH * 3];
  u8(path, shown, sizeof shown);
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
  struct walk scan = {refuse_link, install_unlisted, cfg, 0};
  if (rc == 0)
    rc = walk(&scan, cfg->data_dir, MAX_SCAN_DEPTH, NULL);
  if (rc == 0) {
    char text[512];
    sw_console_printf(stdout, "Data folder: %s (%s); security %s\n", shown,
                      made == ERROR_SUCCESS ? "created" : "kept",
                      u8(sddl, text, sizeof text));
  }
  struct walk reset = {reset_item, install_unlisted, cfg, 0};
  if (rc == 0)
    rc = walk(&reset, cfg->data_dir, MAX_SCAN_DEPTH, sd);
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

DWORD sw_svc_install_config(const struct sw_svc_config *cfg)
{
  SC_HANDLE scm, svc;
  /* SERVICE_START: needed to set SC_ACTION_RESTART actions. */
  DWORD rc = open_service(SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | SERVICE_START,
                          true, &scm, &svc);
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
  }
  return rc;
}

/* ------------------------------------------------------------ read-back */

/* Prints "Name: " padded to one column. */
static void label(const char *name)
{
  sw_console_printf(stdout, "%-24s", name);
}

static void unreadable(DWORD err)
{
  char text[256];
  sw_console_printf(stdout, "%s\n",
                    sw_win_error_sentence(text, sizeof text, err, "not readable"));
}

/* QueryServiceConfig2W into a heap buffer; NULL after setting the last
 * error. The caller frees it. */
static BYTE *query2(SC_HANDLE svc, DWORD level)
{
  DWORD need = 0;
  if (NEVER(QueryServiceConfig2W(svc, level, NULL, 0, &need)) ||
      GetLastError() != ERROR_INSUFFICIENT_BUFFER)
    return NULL; /* it cannot succeed without a buffer; an error stays set */
  BYTE *buf = malloc(need);
  if (!buf) {
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
  }
  if (!QueryServiceConfig2W(svc, level, buf, need, &need)) {
    DWORD err = GetLastError();
    free(buf);
    SetLastError(err);
    return NULL;
  }
  return buf;
}

static const char *start_type(DWORD t)
{
  switch (t) {
  case SERVICE_AUTO_START:
    return "automatic";
  case SERVICE_DEMAND_START:
    return "manual";
  case SERVICE_DISABLED:
    return "disabled";
  default:
    return "boot or system (a driver's)";
  }
}

static void show_service(SC_HANDLE svc)
{
  char a[MAX_PATH * 3], b[MAX_PATH * 3];
  DWORD need = 0;
  QUERY_SERVICE_CONFIGW *qc = NULL;
  if (!QueryServiceConfigW(svc, NULL, 0, &need) &&
      GetLastError() == ERROR_INSUFFICIENT_BUFFER && (qc = malloc(need)) &&
      QueryServiceConfigW(svc, qc, need, &need)) {
    label("Display name:");
    sw_console_printf(stdout, "%s\n", u8(qc->lpDisplayName, a, sizeof a));
    label("Program:");
    sw_console_printf(stdout, "%s\n", u8(qc->lpBinaryPathName, a, sizeof a));
    label("Account:");
    sw_console_printf(stdout, "%s\n", u8(qc->lpServiceStartName, b, sizeof b));
    label("Start:");
    sw_console_printf(stdout, "%s\n", start_type(qc->dwStartType));
  } else {
    label("Account:");
    unreadable(GetLastError());
  }
  free(qc);

  SERVICE_DESCRIPTIONW *desc =
      (SERVICE_DESCRIPTIONW *)query2(svc, SERVICE_CONFIG_DESCRIPTION);
  label("Description:");
  if (desc)
    sw_console_printf(stdout, "%s\n",
                      desc->lpDescription ? u8(desc->lpDescription, a, sizeof a) : "");
  else
    unreadable(GetLastError());
  free(desc);

  SERVICE_SID_INFO *sid =
      (SERVICE_SID_INFO *)query2(svc, SERVICE_CONFIG_SERVICE_SID_INFO);
  label("Service SID:");
  if (sid)
    sw_console_printf(stdout, "%s\n",
                      sid->dwServiceSidType == SERVICE_SID_TYPE_UNRESTRICTED
                          ? "unrestricted"
                      : sid->dwServiceSidType == SERVICE_SID_TYPE_NONE ? "none"
                                                                       : "restricted");
  else
    unreadable(GetLastError());
  free(sid);

  SERVICE_FAILURE_ACTIONSW *fa =
      (SERVICE_FAILURE_ACTIONSW *)query2(svc, SERVICE_CONFIG_FAILURE_ACTIONS);
  label("Recovery:");
  if (fa) {
    if (fa->cActions == 0)
      sw_console_printf(stdout, "none");
    for (DWORD i = 0; i < fa->cActions; i++) {
      SC_ACTION *act = &fa->lpsaActions[i];
      const char *what = act->Type == SC_ACTION_RESTART       ? "restart"
                         : act->Type == SC_ACTION_REBOOT      ? "reboot"
                         : act->Type == SC_ACTION_RUN_COMMAND ? "run a command"
                                                              : "nothing";
      sw_console_printf(stdout, "%s%s after %lu s", i ? ", " : "", what,
                        (unsigned long)(act->Delay / 1000));
    }
    sw_console_printf(stdout, "; failure count reset after %lu s\n",
                      (unsigned long)fa->dwResetPeriod);
  } else {
    unreadable(GetLastError());
  }
  free(fa);

  SERVICE_FAILURE_ACTIONS_FLAG *flag =
      (SERVICE_FAILURE_ACTIONS_FLAG *)query2(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG);
  label("Recovery on error stop:");
  if (flag)
    sw_console_printf(stdout, "%s\n",
                      flag->fFailureActionsOnNonCrashFailures ? "yes" : "no");
  else
    unreadable(GetLastError());
  free(flag);
}

static void show_security(const wchar_t *path)
{
  PSECURITY_DESCRIPTOR sd = NULL;
  DWORD err = GetNamedSecurityInfoW(
      path, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL,
      NULL, NULL, NULL, &sd);
  if (err == ERROR_SUCCESS) {
    char text[4096];
    sw_data_acl_sddl(sd, text, sizeof text);
    sw_console_printf(stdout, "%s\n", text);
  } else {
    unreadable(err);
  }
  LocalFree(sd);
}

/* One line a file or folder in the data folder: its path below the folder
 * and its owner and DACL read back. */
static DWORD show_item(struct walk *w, const wchar_t *path, const WIN32_FIND_DATAW *fd,
                       PSECURITY_DESCRIPTOR parent, PSECURITY_DESCRIPTOR *below)
{
  (void)parent, (void)below;
  w->count++;
  char shown[MAX_PATH * 3];
  sw_console_printf(
      stdout, "  %s: ", u8(path + wcslen(w->cfg->data_dir) + 1, shown, sizeof shown));
  if (fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
    sw_console_puts(
        stdout, "a link (reparse point), not followed; --install-config refuses it\n");
  else
    show_security(path);
  return 0;
}

static DWORD show_unlisted(struct walk *w, const wchar_t *dir, DWORD err)
{
  char shown[MAX_PATH * 3];
  size_t top = wcslen(w->cfg->data_dir);
  sw_console_printf(stdout, "  %s (its contents): ",
                    u8(dir[top] ? dir + top + 1 : L".", shown, sizeof shown));
  unreadable(err);
  return 0;
}

static void show_data_dir(const struct sw_svc_config *cfg)
{
  label("Data folder:");
  sw_console_printf(stdout, "%s\n", cfg->data_dir_utf8);
  label("Data folder security:");
  show_security(cfg->data_dir);
  label("Data folder contents:");
  DWORD attrs = GetFileAttributesW(cfg->data_dir);
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    unreadable(GetLastError());
    return;
  }
  if (attrs & FILE_ATTRIBUTE_REPARSE_POINT) {
    sw_console_puts(stdout, "not listed: the folder is a link (reparse point)\n");
    return;
  }
  if (!(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
    sw_console_puts(stdout, "not listed: it is a file, not a folder\n");
    return;
  }
  sw_console_puts(stdout, "owner and DACL of each file and folder\n");
  struct walk list = {show_item, show_unlisted, cfg, 0};
  walk(&list, cfg->data_dir, MAX_SCAN_DEPTH, NULL);
  if (list.count == 0)
    sw_console_puts(stdout, "  (empty)\n");
}

DWORD sw_svc_show_config(const struct sw_svc_config *cfg)
{
  SC_HANDLE scm, svc;
  DWORD rc = open_service(SERVICE_QUERY_CONFIG, false, &scm, &svc);
  if (rc == 0) {
    label("Service:");
    sw_console_puts(stdout, "SmtpWatch\n");
    show_service(svc);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
  }
  show_data_dir(cfg);
  return rc;
}
