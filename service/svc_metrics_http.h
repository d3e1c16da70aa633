/* GET /metrics through the HTTP Server API (http.sys): the service
 * registers its URL's prefix (the port's root, metrics_url.h) in a URL
 * group bound to a request queue of its own, and answers on the thread
 * pool (an overlapped HttpReceiveHttpRequest completing through
 * CreateThreadpoolIo): GET or HEAD of the URL's path gets the text
 * svc_metrics.c published last (text/plain; version=0.0.4), any other
 * method 405 with Allow, any other path 404, and 503 before the first
 * figures. Nothing here touches the loop: the published text is shared
 * by reference. Registering needs the URL reserved for the service's
 * account (svc_urlacl.h) unless it runs as an administrator. */
#ifndef SW_SVC_METRICS_HTTP_H
#define SW_SVC_METRICS_HTTP_H

#include <windows.h>

#include <stddef.h>

#include "svc_metrics.h"

struct sw_svc_metrics_http;

/* Serves `url` ("http://HOST:PORT/PATH", already valid) from `metrics`,
 * which must outlive the server. Returns 0 and *out, or the Win32 error
 * with a sentence in why[size] saying which call failed. */
DWORD sw_svc_metrics_http_start(const wchar_t *url, struct sw_svc_metrics *metrics,
                                struct sw_svc_metrics_http **out, char *why, size_t size);
/* Stops answering, waits for an answer being sent and frees the server.
 * NULL is fine. */
void sw_svc_metrics_http_stop(struct sw_svc_metrics_http *h);

#endif
