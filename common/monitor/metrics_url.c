/* The metrics' address (see metrics_url.h). */
#include "metrics_url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool refuse(char *why, size_t size, const char *url, const char *what)
{
  snprintf(why, size,
           "The metrics URL '%s' %s: give one like http://127.0.0.1:9465/metrics.", url,
           what);
  return false;
}

/* The host's end in `s` (which starts after "http://"), or NULL. */
static const char *host_end(const char *s)
{
  if (*s == '[') {
    const char *close = strchr(s, ']');
    return close && close > s + 1 ? close + 1 : NULL;
  }
  size_t n = strcspn(s, ":/?#[]@ ");
  return n ? s + n : NULL;
}

bool sw_metrics_url_parse(const char *url, struct sw_metrics_url *out, char *why,
                          size_t size)
{
  static const char scheme[] = "http://";
  memset(out, 0, sizeof *out);
  if (strlen(url) >= SW_METRICS_URL_MAX)
    return refuse(why, size, "(too long)", "is longer than 511 characters");
  if (!strncmp(url, "https://", 8))
    return refuse(why, size, url,
                  "uses https, which needs a certificate binding the service does "
                  "not make");
  if (strncmp(url, scheme, sizeof scheme - 1))
    return refuse(why, size, url, "does not start with http://");
  const char *host = url + sizeof scheme - 1, *end = host_end(host);
  if (!end)
    return refuse(why, size, url, "has no host");
  if (*end != ':' || !isdigit((unsigned char)end[1]))
    return refuse(why, size, url, "has no port");
  char *after;
  unsigned long port = strtoul(end + 1, &after, 10);
  if (port < 1 || port > 65535)
    return refuse(why, size, url, "has a port outside 1-65535");
  if (*after != '/' || !after[1])
    return refuse(why, size, url, "has no path after the port");
  if (strpbrk(after, "?# \\%"))
    return refuse(why, size, url,
                  "has a query, a fragment, a space, a backslash or a %-escape in its "
                  "path");
  snprintf(out->prefix, sizeof out->prefix, "%.*s/", (int)(after - url), url);
  snprintf(out->path, sizeof out->path, "%s", after);
  return true;
}
