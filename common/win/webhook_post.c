#include "webhook_post.h"

#include <windows.h>
#include <winhttp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_result.h" /* sw__escape_text */
#include "notifier.h"     /* sw_webhook_url_check, sw_webhook_url_shown */
#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

/* WinHTTP's errors have no text in the system's message table: what each
 * means for a webhook, in words (the code follows, for the log). */
struct phrase {
  DWORD code;
  const char *text;
};
static const struct phrase winhttp_errors[] = {
    {ERROR_WINHTTP_TIMEOUT, "no answer within the time allowed"},
    /* The socket's own word for it, which some WinHTTP builds pass on
     * (Wine 8's does, for a receive that timed out). */
    {WSAETIMEDOUT, "no answer within the time allowed"},
    {ERROR_WINHTTP_NAME_NOT_RESOLVED, "its host name could not be resolved"},
    {ERROR_WINHTTP_CANNOT_CONNECT,
     "could not connect (refused, or nothing answers there)"},
    {ERROR_WINHTTP_CONNECTION_ERROR, "the connection was reset or closed"},
    {ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "its answer was not HTTP"},
    {ERROR_WINHTTP_SECURE_FAILURE, "the TLS connection failed or its certificate was "
                                   "refused"},
    {ERROR_WINHTTP_SECURE_INVALID_CA, "its certificate does not lead to a root this "
                                      "computer trusts"},
    {ERROR_WINHTTP_SECURE_CERT_CN_INVALID, "its certificate is for another name"},
    {ERROR_WINHTTP_SECURE_CERT_DATE_INVALID,
     "its certificate has expired or is not valid "
     "yet"},
    {ERROR_WINHTTP_SECURE_CERT_REV_FAILED, "the revocation of its certificate could not "
                                           "be checked"},
    {ERROR_WINHTTP_SECURE_CERT_REVOKED, "its certificate has been revoked"},
    {ERROR_WINHTTP_SECURE_CHANNEL_ERROR, "the TLS handshake failed, or its certificate "
                                         "was refused"},
};

/* What WinHTTP said about a refused certificate (its SECURE_FAILURE
 * notification, made on the calling thread in synchronous mode), the
 * first reason that applies. */
static const struct {
  DWORD flag;
  DWORD code;
} secure_reasons[] = {
    {WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA, ERROR_WINHTTP_SECURE_INVALID_CA},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID, ERROR_WINHTTP_SECURE_CERT_CN_INVALID},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID,
     ERROR_WINHTTP_SECURE_CERT_DATE_INVALID},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED, ERROR_WINHTTP_SECURE_CERT_REVOKED},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED, ERROR_WINHTTP_SECURE_CERT_REV_FAILED},
};

static void CALLBACK on_status(HINTERNET h, DWORD_PTR context, DWORD status, void *info,
                               DWORD len)
{
  (void)h;
  if (status == WINHTTP_CALLBACK_STATUS_SECURE_FAILURE && context && info &&
      len >= sizeof(DWORD))
    *(DWORD *)context = *(DWORD *)info; /* the call's own variable */
}

/* "could not deliver to https://host/...: what happened (code)". */
static void say_failed(struct sw_webhook_result *out, const char *shown, DWORD code,
                       DWORD secure_flags)
{
  for (size_t i = 0;
       code == ERROR_WINHTTP_SECURE_FAILURE && i < SW_COUNTOF(secure_reasons); i++)
    if (secure_flags & secure_reasons[i].flag) {
      code = secure_reasons[i].code;
      break;
    }
  for (size_t i = 0; i < SW_COUNTOF(winhttp_errors); i++)
    if (winhttp_errors[i].code == code) {
      snprintf(out->error, sizeof out->error, "could not deliver to %s: %s (error %lu)",
               shown, winhttp_errors[i].text, code);
      return;
    }
  sw_win_error_sentence(out->error, sizeof out->error, code, "could not deliver to %s",
                        shown);
}

/* The system's proxy where Windows can (8.1 and later); before that, the
 * WinHTTP proxy (`netsh winhttp set proxy`), as the older builds refuse
 * the newer access type with ERROR_INVALID_PARAMETER. */
static HINTERNET open_session(void)
{
  HINTERNET s = WinHttpOpen(L"SMTP Watch", WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY,
                            WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
  if (!s && GetLastError() == ERROR_INVALID_PARAMETER)
    s = WinHttpOpen(L"SMTP Watch", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
  return s;
}

static int ms_left(ULONGLONG deadline)
{
  ULONGLONG now = GetTickCount64();
  return now >= deadline ? 1 : (int)(deadline - now); /* 0 would mean "forever" */
}

/* Every step gets only what is left of the budget; name resolution,
 * connecting and sending happen within one call, so they get a third
 * each. */
static void set_timeouts(HINTERNET req, ULONGLONG deadline, bool before_send)
{
  int left = ms_left(deadline), step = before_send ? (left / 3 ? left / 3 : 1) : left;
  WinHttpSetTimeouts(req, step, step, step, left);
  DWORD wait = (DWORD)left;
  WinHttpSetOption(req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &wait, sizeof wait);
}

/* The header lines, or false when the id could smuggle in a header. */
static bool make_headers(const char *id, wchar_t *out, size_t cap)
{
  size_t n = strlen(id);
  if (n == 0 || n > SW_WEBHOOK_ID_MAX ||
      strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                 "opqrstuvwxyz0123456789-._:") != n)
    return false;
  swprintf(out, cap,
           L"Content-Type: application/json\r\nX-SmtpWatch-Notification-Id: %hs", id);
  return true;
}

/* The status, and the start of the answer for the log. */
static void read_answer(HINTERNET req, ULONGLONG deadline, struct sw_webhook_result *out)
{
  DWORD status = 0, size = sizeof status;
  if (WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                          WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
                          WINHTTP_NO_HEADER_INDEX))
    out->http_status = (int)status;
  char kept[SW_WEBHOOK_RESPONSE_KEPT];
  size_t len = 0;
  DWORD got = 0;
  do {
    set_timeouts(req, deadline, false);
    if (!WinHttpReadData(req, kept + len, (DWORD)(sizeof kept - len), &got))
      break; /* the status is what counts; the body is for the log */
    len += got;
  } while (got > 0 && len < sizeof kept);
  sw__escape_text(out->response, sizeof out->response, kept, len, false);
}

/* Opens the request on `conn` and sends it; the WinHTTP error on failure. */
static DWORD exchange(HINTERNET conn, const URL_COMPONENTS *u, const wchar_t *headers,
                      const struct sw_webhook_request *r, ULONGLONG deadline,
                      DWORD *secure_flags, struct sw_webhook_result *out)
{
  /* The path runs on into the query (lpszExtraInfo follows it). */
  const wchar_t *path = u->dwUrlPathLength + u->dwExtraInfoLength ? u->lpszUrlPath : L"/";
  HINTERNET req = WinHttpOpenRequest(conn, L"POST", path, NULL, WINHTTP_NO_REFERER,
                                     WINHTTP_DEFAULT_ACCEPT_TYPES, WINHTTP_FLAG_SECURE);
  if (!req)
    return GetLastError();
  DWORD off = WINHTTP_DISABLE_REDIRECTS | WINHTTP_DISABLE_COOKIES;
  DWORD logon = WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH; /* never our credentials */
  WinHttpSetOption(req, WINHTTP_OPTION_DISABLE_FEATURE, &off, sizeof off);
  WinHttpSetOption(req, WINHTTP_OPTION_AUTOLOGON_POLICY, &logon, sizeof logon);
  WinHttpSetOption(req, WINHTTP_OPTION_CONTEXT_VALUE, &secure_flags, sizeof secure_flags);
  WinHttpSetStatusCallback(req, on_status, WINHTTP_CALLBACK_FLAG_SECURE_FAILURE, 0);
  set_timeouts(req, deadline, true);
  DWORD err = 0;
  if (!WinHttpSendRequest(req, headers, (DWORD)-1L, (void *)r->body, (DWORD)r->body_len,
                          (DWORD)r->body_len, (DWORD_PTR)secure_flags))
    err = GetLastError();
  if (!err) {
    set_timeouts(req, deadline, false);
    if (!WinHttpReceiveResponse(req, NULL))
      err = GetLastError();
  }
  if (!err)
    read_answer(req, deadline, out);
  WinHttpCloseHandle(req);
  return err;
}

bool sw_webhook_post(const struct sw_webhook_request *r, struct sw_webhook_result *out)
{
  memset(out, 0, sizeof *out);
  ULONGLONG deadline = GetTickCount64() + (ALWAYS(r->timeout_ms > 0) ? r->timeout_ms : 1);
  char shown[SW_WEBHOOK_URL_MAX + 16], why[SW_NOTIFIER_PROBLEM_MAX];
  sw_webhook_url_shown(r->url, shown, sizeof shown);
  wchar_t headers[160];
  if (!sw_webhook_url_check(r->url, why, sizeof why)) {
    snprintf(out->error, sizeof out->error, "not sent: %s", why);
    return false;
  }
  if (!make_headers(r->notification_id, headers, SW_COUNTOF(headers))) {
    snprintf(out->error, sizeof out->error,
             "not sent to %s: the notification id is not 1 to %d letters, digits or "
             "\"-._:\"",
             shown, SW_WEBHOOK_ID_MAX);
    return false;
  }
  wchar_t *url = sw_wide_dup(r->url); /* ASCII: sw_webhook_url_check said so */
  wchar_t *fragment = url ? wcschr(url, L'#') : NULL;
  if (fragment)
    *fragment = L'\0'; /* for the receiver's page, never sent */
  URL_COMPONENTS u;
  memset(&u, 0, sizeof u);
  u.dwStructSize = sizeof u;
  u.dwHostNameLength = u.dwUrlPathLength = u.dwExtraInfoLength = (DWORD)-1;
  wchar_t host[256];
  DWORD err = 0;
  if (!url || !WinHttpCrackUrl(url, 0, 0, &u))
    err = url ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
  else if (u.nScheme != INTERNET_SCHEME_HTTPS || u.dwHostNameLength >= SW_COUNTOF(host))
    err = ERROR_WINHTTP_UNRECOGNIZED_SCHEME; /* NEVER: the check above */
  HINTERNET session = err ? NULL : open_session();
  HINTERNET conn = NULL;
  if (!err && session) {
    wmemcpy(host, u.lpszHostName, u.dwHostNameLength);
    host[u.dwHostNameLength] = L'\0';
    conn = WinHttpConnect(session, host, u.nPort, 0);
  }
  if (!err && !conn)
    err = GetLastError();
  DWORD secure_flags = 0;
  if (!err)
    err = exchange(conn, &u, headers, r, deadline, &secure_flags, out);
  if (conn)
    WinHttpCloseHandle(conn);
  if (session)
    WinHttpCloseHandle(session);
  free(url);
  if (err) {
    say_failed(out, shown, err, secure_flags);
    return false;
  }
  if (out->http_status >= 200 && out->http_status <= 299)
    return true;
  snprintf(out->error, sizeof out->error, "%s answered %d%s", shown, out->http_status,
           out->http_status >= 300 && out->http_status <= 399
               ? " (a redirect, which is not followed: give the URL it points to)"
               : "");
  return false;
}
