/* One HTTPS POST through WinHTTP (https_post.h). */
#include "https_post.h"

#include <windows.h>
#include <winhttp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

/* WinHTTP's errors have no text in the system's message table: what each
 * means for an HTTPS call, in words (the code follows, for the log). */
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

/* A refused certificate's reason, as WinHTTP's SECURE_FAILURE said it. */
static DWORD narrow_secure_failure(DWORD code, DWORD secure_flags)
{
  for (size_t i = 0;
       code == ERROR_WINHTTP_SECURE_FAILURE && i < SW_COUNTOF(secure_reasons); i++)
    if (secure_flags & secure_reasons[i].flag)
      return secure_reasons[i].code;
  return code;
}

void sw_https_error_sentence(char *out, size_t size, unsigned long code, const char *what)
{
  for (size_t i = 0; i < SW_COUNTOF(winhttp_errors); i++)
    if (winhttp_errors[i].code == code) {
      snprintf(out, size, "%s: %s (error %lu)", what, winhttp_errors[i].text, code);
      return;
    }
  sw_win_error_sentence(out, size, code, "%s", what);
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

/* The status, and the start of the answer. */
static void read_answer(HINTERNET req, ULONGLONG deadline, size_t keep,
                        struct sw_https_answer *out)
{
  DWORD status = 0, size = sizeof status;
  if (WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                          WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
                          WINHTTP_NO_HEADER_INDEX))
    out->status = (int)status;
  char chunk[4096];
  DWORD got = 0;
  while (out->body.len < keep) {
    set_timeouts(req, deadline, false);
    size_t want =
        keep - out->body.len < sizeof chunk ? keep - out->body.len : sizeof chunk;
    if (!WinHttpReadData(req, chunk, (DWORD)want, &got) || got == 0)
      break; /* the status came; a body cut short is the caller's to judge */
    if (sw_buf_append(&out->body, chunk, got) != SW_E_OK)
      break;
  }
  SecureZeroMemory(chunk, sizeof chunk); /* an answer may hold a token */
}

/* Opens the request on `conn` and sends it; the WinHTTP error on failure. */
static DWORD exchange(HINTERNET conn, const URL_COMPONENTS *u, const wchar_t *headers,
                      const struct sw_https_request *r, ULONGLONG deadline,
                      DWORD *secure_flags, struct sw_https_answer *out)
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
    read_answer(req, deadline, r->keep, out);
  WinHttpCloseHandle(req);
  return err;
}

unsigned long sw_https_post(const struct sw_https_request *r, struct sw_https_answer *out)
{
  out->status = 0;
  sw_buf_init(&out->body, 0);
  ULONGLONG deadline = GetTickCount64() + (ALWAYS(r->timeout_ms > 0) ? r->timeout_ms : 1);
  wchar_t *url = sw_wide_dup(r->url);
  wchar_t *headers = sw_wide_dup(r->headers ? r->headers : "");
  wchar_t *fragment = url ? wcschr(url, L'#') : NULL;
  if (fragment)
    *fragment = L'\0'; /* for the receiver's page, never sent */
  URL_COMPONENTS u;
  memset(&u, 0, sizeof u);
  u.dwStructSize = sizeof u;
  u.dwHostNameLength = u.dwUrlPathLength = u.dwExtraInfoLength = (DWORD)-1;
  wchar_t host[256];
  DWORD err = 0;
  if (!url || !headers)
    err = ERROR_NOT_ENOUGH_MEMORY;
  else if (!WinHttpCrackUrl(url, 0, 0, &u))
    err = GetLastError();
  else if (u.nScheme != INTERNET_SCHEME_HTTPS || u.dwHostNameLength >= SW_COUNTOF(host))
    err = ERROR_WINHTTP_UNRECOGNIZED_SCHEME; /* NEVER: the callers check first */
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
  free(headers);
  return narrow_secure_failure(err, secure_flags);
}
