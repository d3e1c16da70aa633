/* A webhook notification: one HTTPS POST of a JSON body through WinHTTP,
 * with the system's proxy settings and the Windows trust store. One
 * synchronous call with its own time budget: the service runs it on a
 * thread-pool work item, so the checks never wait for it.
 *
 * The URL is a secret (its path and query carry the receiver's token): it
 * is never written into a sentence or a log, only its scheme and host
 * (sw_webhook_url_shown, "https://host/..."). */
#ifndef SW_WEBHOOK_POST_H
#define SW_WEBHOOK_POST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_WEBHOOK_RESPONSE_KEPT 512 /* bytes of the receiver's answer kept */
#define SW_WEBHOOK_ERROR_MAX 384
#define SW_WEBHOOK_ID_MAX 64

struct sw_webhook_request {
  const char *url;  /* https://..., as sw_webhook_url_check accepts it */
  const char *body; /* JSON, UTF-8 */
  size_t body_len;
  /* X-SmtpWatch-Notification-Id: the outbox's stable id, the same on every
   * attempt so that the receiver can drop a repeat. Letters, digits and
   * "-._:" only, at most SW_WEBHOOK_ID_MAX characters. */
  const char *notification_id;
  uint32_t timeout_ms; /* the whole call's budget, > 0 */
};

struct sw_webhook_result {
  int http_status; /* the receiver's status code; 0 when none came */
  /* The first SW_WEBHOOK_RESPONSE_KEPT bytes of the receiver's answer,
   * printable on one line (controls, line breaks and bytes that are not
   * UTF-8 as \xNN): for the attempt's log, never to be interpreted. */
  char response[4 * SW_WEBHOOK_RESPONSE_KEPT + 4];
  /* "" when delivered; else a sentence that names the receiver as
   * "https://host/..." and says what happened (the status, or why no
   * answer came). */
  char error[SW_WEBHOOK_ERROR_MAX];
};

/* POSTs req->body with Content-Type: application/json and the
 * notification's id header. https only, validated against the Windows
 * trust store (no certificate error is ever ignored); redirects are not
 * followed (a 3xx is a failure that says so); no cookies, and the
 * service's Windows credentials are never offered. The proxy is the
 * system's (WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, or on Windows before 8.1,
 * which refuses it, the WinHTTP proxy that `netsh winhttp set proxy`
 * sets). Name resolution, connecting and sending share the budget with
 * waiting for and reading the answer, so the call never takes much longer
 * than req->timeout_ms. Returns true when the receiver answered 2xx; else
 * false with out->error set. `out` is filled either way. Thread-safe:
 * every handle is the call's own. */
bool sw_webhook_post(const struct sw_webhook_request *req, struct sw_webhook_result *out);

#endif
