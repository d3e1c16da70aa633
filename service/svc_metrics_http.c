/* GET /metrics through http.sys (see svc_metrics_http.h). One operation
 * is outstanding at a time: a receive, whose completion sends the answer
 * (overlapped too: a synchronous send on a handle bound to a completion
 * port may still post a packet, Wine's does), whose completion posts the
 * next receive. Closing the request queue ends the receive with
 * ERROR_OPERATION_ABORTED. */
#include "svc_metrics_http.h"

#include <http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "metrics_url.h"
#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

/* Receives failing in a row before the serving gives up (a queue that
 * fails every receive would otherwise spin a pool thread). */
#define MAX_FAILURES_IN_A_ROW 1000
/* Room for a request's headers; a larger one gets 431. */
#define REQUEST_BUFFER 16384

static const char content_type[] = "text/plain; version=0.0.4; charset=utf-8";

struct sw_svc_metrics_http {
  struct sw_svc_metrics *metrics;
  HTTP_SERVER_SESSION_ID session;
  HTTP_URL_GROUP_ID group;
  HANDLE queue;
  PTP_IO io;
  wchar_t path[SW_METRICS_URL_MAX];
  volatile LONG stopping;
  unsigned failures; /* receives failed in a row */
  /* One operation at a time: a receive, then the send of its answer; the
   * completion tells them apart by their OVERLAPPED. What a send points
   * at stays here until it completes. */
  OVERLAPPED recv_ov, send_ov;
  HTTP_RESPONSE response;
  HTTP_DATA_CHUNK chunk;
  struct sw_svc_metrics_text *sending; /* the text being sent, referenced */
  union {
    HTTP_REQUEST request;
    char bytes[REQUEST_BUFFER];
  } in;
};

static void receive(struct sw_svc_metrics_http *h);

/* A send is over (or never began): let go of its text, take the next
 * request. */
static void sent(struct sw_svc_metrics_http *h)
{
  sw_svc_metrics_text_release(h->sending);
  h->sending = NULL;
  receive(h);
}

/* Sends one response, overlapped; `body` may be NULL, `text` (may be
 * NULL) holds it and is released when the send is over. Errors concern
 * that client alone (it went away) and are dropped. */
static void respond(struct sw_svc_metrics_http *h, HTTP_REQUEST_ID id, USHORT status,
                    const char *reason, const char *body, size_t len,
                    struct sw_svc_metrics_text *text, bool allow)
{
  HTTP_RESPONSE *r = &h->response;
  memset(r, 0, sizeof *r);
  r->StatusCode = status;
  r->pReason = reason;
  r->ReasonLength = (USHORT)strlen(reason);
  HTTP_KNOWN_HEADER *type = &r->Headers.KnownHeaders[HttpHeaderContentType];
  type->pRawValue = content_type;
  type->RawValueLength = (USHORT)(sizeof content_type - 1);
  if (allow) {
    HTTP_KNOWN_HEADER *a = &r->Headers.KnownHeaders[HttpHeaderAllow];
    a->pRawValue = "GET, HEAD";
    a->RawValueLength = 9;
  }
  if (body && len) {
    h->chunk.DataChunkType = HttpDataChunkFromMemory;
    h->chunk.FromMemory.pBuffer = (void *)body;
    h->chunk.FromMemory.BufferLength = (ULONG)len;
    r->EntityChunkCount = 1;
    r->pEntityChunks = &h->chunk;
  }
  h->sending = text;
  memset(&h->send_ov, 0, sizeof h->send_ov);
  StartThreadpoolIo(h->io);
  ULONG rc =
      HttpSendHttpResponse(h->queue, id, 0, r, NULL, NULL, NULL, 0, &h->send_ov, NULL);
  if (rc != NO_ERROR && rc != ERROR_IO_PENDING) {
    CancelThreadpoolIo(h->io); /* no completion will come */
    sent(h);
  }
}

/* The exact path of the URL (a query string after it is ignored). */
static bool is_metrics_path(const struct sw_svc_metrics_http *h, const HTTP_REQUEST *r)
{
  size_t n = r->CookedUrl.AbsPathLength / sizeof(wchar_t);
  return r->CookedUrl.pAbsPath && n == wcslen(h->path) &&
         !wcsncmp(r->CookedUrl.pAbsPath, h->path, n);
}

static void answer(struct sw_svc_metrics_http *h, const HTTP_REQUEST *r)
{
  static const char not_found[] = "Not found: this server answers only GET of its "
                                  "metrics path.\n";
  static const char not_allowed[] = "Only GET and HEAD are answered here.\n";
  static const char not_yet[] = "The first figures are being taken; ask again.\n";
  if (!is_metrics_path(h, r)) {
    respond(h, r->RequestId, 404, "Not Found", not_found, sizeof not_found - 1, NULL,
            false);
    return;
  }
  bool head = r->Verb == HttpVerbHEAD;
  if (r->Verb != HttpVerbGET && !head) {
    respond(h, r->RequestId, 405, "Method Not Allowed", not_allowed,
            sizeof not_allowed - 1, NULL, true);
    return;
  }
  struct sw_svc_metrics_text *t = sw_svc_metrics_text_get(h->metrics);
  if (!t)
    respond(h, r->RequestId, 503, "Service Unavailable", not_yet, sizeof not_yet - 1,
            NULL, false);
  else
    respond(h, r->RequestId, 200, "OK", head ? NULL : t->data, t->len, t, false);
}

/* Posts the next receive, unless stopping; a failure ends the serving
 * (the queue is gone). */
static void receive(struct sw_svc_metrics_http *h)
{
  if (h->stopping)
    return;
  memset(&h->recv_ov, 0, sizeof h->recv_ov);
  StartThreadpoolIo(h->io);
  ULONG rc = HttpReceiveHttpRequest(h->queue, HTTP_NULL_ID, 0, &h->in.request,
                                    sizeof h->in, NULL, &h->recv_ov);
  if (rc != NO_ERROR && rc != ERROR_IO_PENDING)
    CancelThreadpoolIo(h->io); /* the completion comes through the pool otherwise */
}

static void CALLBACK on_io(PTP_CALLBACK_INSTANCE inst, void *ctx, void *ov, ULONG result,
                           ULONG_PTR bytes, PTP_IO io)
{
  (void)inst;
  (void)bytes;
  (void)io;
  struct sw_svc_metrics_http *h = ctx;
  if (ov == &h->send_ov) {
    sent(h);
  } else if (h->stopping || result == ERROR_OPERATION_ABORTED ||
             result == ERROR_INVALID_HANDLE) {
    return; /* the queue is closing: nothing more will come */
  } else if (result == ERROR_MORE_DATA) { /* headers past REQUEST_BUFFER */
    h->failures = 0;
    respond(h, h->in.request.RequestId, 431, "Request Header Fields Too Large", NULL, 0,
            NULL, false);
  } else if (result == NO_ERROR) {
    h->failures = 0;
    answer(h, &h->in.request);
  } else if (++h->failures < MAX_FAILURES_IN_A_ROW) {
    /* A receive that failed for one client (it went away while its
     * request was being taken: Wine's http.sys says so) must not end the
     * serving of the others. */
    receive(h);
  }
}

/* Registers the prefix on a queue of its own; the step that failed in
 * *step. */
static ULONG open_queue(struct sw_svc_metrics_http *h, const wchar_t *prefix,
                        const char **step)
{
  HTTPAPI_VERSION v2 = HTTPAPI_VERSION_2;
  ULONG rc;
  if ((rc = HttpCreateServerSession(v2, &h->session, 0))) {
    *step = "HttpCreateServerSession";
  } else if ((rc = HttpCreateUrlGroup(h->session, &h->group, 0))) {
    *step = "HttpCreateUrlGroup";
  } else if ((rc = HttpCreateRequestQueue(v2, NULL, NULL, 0, &h->queue))) {
    *step = "HttpCreateRequestQueue";
  } else {
    HTTP_BINDING_INFO bind = {.Flags.Present = 1, .RequestQueueHandle = h->queue};
    if ((rc = HttpSetUrlGroupProperty(h->group, HttpServerBindingProperty, &bind,
                                      sizeof bind)))
      *step = "HttpSetUrlGroupProperty";
    else if ((rc = HttpAddUrlToUrlGroup(h->group, prefix, 0, 0)))
      *step = "HttpAddUrlToUrlGroup";
  }
  return rc;
}

DWORD sw_svc_metrics_http_start(const wchar_t *url, struct sw_svc_metrics *metrics,
                                struct sw_svc_metrics_http **out, char *why, size_t size)
{
  *out = NULL;
  char url8[SW_METRICS_URL_MAX * 3];
  struct sw_metrics_url parts;
  wchar_t prefix[SW_METRICS_URL_MAX];
  if (!sw_utf8_from_wide(url, url8, sizeof url8) ||
      !sw_metrics_url_parse(url8, &parts, why, size) ||
      !sw_wide_from_utf8(parts.prefix, prefix, SW_COUNTOF(prefix)))
    return ERROR_INVALID_PARAMETER;
  struct sw_svc_metrics_http *h = calloc(1, sizeof *h);
  if (!h) {
    snprintf(why, size, "Out of memory.");
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  h->metrics = metrics;
  sw_wide_from_utf8(parts.path, h->path, SW_COUNTOF(h->path));
  const char *step = "HttpInitialize";
  HTTPAPI_VERSION v2 = HTTPAPI_VERSION_2;
  ULONG rc = HttpInitialize(v2, HTTP_INITIALIZE_SERVER, NULL);
  if (rc) {
    sw_win_error_sentence(why, size, rc, "%s failed", step);
    free(h);
    return rc;
  }
  rc = open_queue(h, prefix, &step);
  if (!rc) {
    step = "CreateThreadpoolIo";
    h->io = CreateThreadpoolIo(h->queue, on_io, h, NULL);
    rc = h->io ? 0 : GetLastError();
    if (!rc)
      receive(h);
  }
  if (rc) {
    sw_win_error_sentence(why, size, rc, "%s(%s) failed", step, parts.prefix);
    sw_svc_metrics_http_stop(h);
    return rc;
  }
  *out = h;
  return 0;
}

void sw_svc_metrics_http_stop(struct sw_svc_metrics_http *h)
{
  if (!h)
    return;
  InterlockedExchange(&h->stopping, 1);
  if (h->group)
    HttpCloseUrlGroup(h->group);
  if (h->queue)
    HttpCloseRequestQueue(h->queue); /* the receive ends: ERROR_OPERATION_ABORTED */
  if (h->io) {
    WaitForThreadpoolIoCallbacks(h->io, FALSE);
    CloseThreadpoolIo(h->io);
  }
  if (h->session)
    HttpCloseServerSession(h->session);
  HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
  free(h);
}
