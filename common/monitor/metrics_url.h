/* The address the service serves its metrics at (--metrics-url,
 * MetricsUrl): "http://HOST:PORT/PATH". The HTTP Server API (http.sys)
 * registers and reserves URL prefixes, "http://HOST:PORT/" here: the
 * service takes its port's root and answers only PATH, everything else
 * with 404 (docs/metrics.md). HOST is a name, an IPv4 address, an IPv6
 * address in brackets, or http.sys' wildcards "+" (strong) and "*" (weak).
 * Portable; no I/O. */
#ifndef SW_METRICS_URL_H
#define SW_METRICS_URL_H

#include <stdbool.h>
#include <stddef.h>

#define SW_METRICS_URL_MAX 512

struct sw_metrics_url {
  char prefix[SW_METRICS_URL_MAX]; /* "http://127.0.0.1:9465/" */
  char path[SW_METRICS_URL_MAX];   /* "/metrics" */
};

/* Splits `url`; false with a sentence in why[size] when it is not an
 * http:// URL with a host, a port from 1 to 65535 and a path (no query,
 * no fragment, no "https": http.sys would need a certificate binding the
 * service does not make). */
bool sw_metrics_url_parse(const char *url, struct sw_metrics_url *out, char *why,
                          size_t size);

#endif
