/* smtpwatch-svc --show-config: the service's configuration as the SCM
 * reports it and the data folder's security as the file system does, one
 * "Name: value" line each (svc_show_config.h). Read only: it changes
 * nothing, and follows no link in the data folder. */
#include "svc_show_config.h"

#include <windows.h>
#include <aclapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "console_out.h"
#include "svc_data_acl.h"
#include "svc_install_internal.h"
#include "svc_urlacl.h"
#include "sw_macros.h"
#include "win_error.h"

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
    sw_console_printf(stdout, "%s\n", sw__install_u8(qc->lpDisplayName, a, sizeof a));
    label("Program:");
    sw_console_printf(stdout, "%s\n", sw__install_u8(qc->lpBinaryPathName, a, sizeof a));
    label("Account:");
    sw_console_printf(stdout, "%s\n",
                      sw__install_u8(qc->lpServiceStartName, b, sizeof b));
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
    sw_console_printf(
        stdout, "%s\n",
        desc->lpDescription ? sw__install_u8(desc->lpDescription, a, sizeof a) : "");
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
static DWORD show_item(struct sw__data_walk *w, const wchar_t *path,
                       const WIN32_FIND_DATAW *fd, PSECURITY_DESCRIPTOR parent,
                       PSECURITY_DESCRIPTOR *below)
{
  (void)parent, (void)below;
  w->count++;
  char shown[MAX_PATH * 3];
  sw_console_printf(
      stdout,
      "  %s: ", sw__install_u8(path + wcslen(w->cfg->data_dir) + 1, shown, sizeof shown));
  if (fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
    sw_console_puts(
        stdout, "a link (reparse point), not followed; --install-config refuses it\n");
  else
    show_security(path);
  return 0;
}

static DWORD show_unlisted(struct sw__data_walk *w, const wchar_t *dir, DWORD err)
{
  char shown[MAX_PATH * 3];
  size_t top = wcslen(w->cfg->data_dir);
  sw_console_printf(stdout, "  %s (its contents): ",
                    sw__install_u8(dir[top] ? dir + top + 1 : L".", shown, sizeof shown));
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
  struct sw__data_walk list = {show_item, show_unlisted, cfg, 0};
  sw__data_walk(&list, cfg->data_dir, SW__DATA_WALK_DEPTH, NULL);
  if (list.count == 0)
    sw_console_puts(stdout, "  (empty)\n");
}

/* The metrics options in effect, and the metrics URL's reservation as
 * http.sys reports it (HttpQueryServiceConfiguration). */
static void show_metrics(const struct sw_svc_config *cfg)
{
  char text[SW_SVC_METRICS_URL_MAX * 3];
  label("Metrics file:");
  sw_console_printf(stdout, "%s\n",
                    cfg->metrics_dir[0] ? cfg->metrics_dir_utf8 : "(not written)");
  label("Metrics URL:");
  if (!cfg->metrics_url[0]) {
    sw_console_puts(stdout, "(not served)\n");
    return;
  }
  sw_console_printf(stdout, "%s\n", sw__install_u8(cfg->metrics_url, text, sizeof text));
  label("URL reservation:");
  wchar_t prefix[SW_SVC_METRICS_URL_MAX], sddl[512];
  char why[512];
  if (!sw_svc_urlacl_prefix(cfg->metrics_url, prefix, SW_COUNTOF(prefix), why,
                            sizeof why)) {
    sw_console_printf(stdout, "%s\n", why);
    return;
  }
  DWORD err = sw_svc_urlacl_query(prefix, sddl, SW_COUNTOF(sddl));
  if (err == ERROR_FILE_NOT_FOUND) {
    sw_console_printf(stdout, "%s: none\n", sw__install_u8(prefix, text, sizeof text));
    return;
  }
  if (err) {
    unreadable(err);
    return;
  }
  sw_console_printf(stdout, "%s ", sw__install_u8(prefix, text, sizeof text));
  sw_console_printf(stdout, "%s\n", sw__install_u8(sddl, text, sizeof text));
}

DWORD sw_svc_show_config(const struct sw_svc_config *cfg)
{
  SC_HANDLE scm, svc;
  DWORD rc = sw__install_open_service(SERVICE_QUERY_CONFIG, false, &scm, &svc);
  if (rc == 0) {
    label("Service:");
    sw_console_puts(stdout, "SmtpWatch\n");
    show_service(svc);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
  }
  show_data_dir(cfg);
  show_metrics(cfg);
  return rc;
}
