/* The metrics URL's reservation (see svc_urlacl.h). The configuration
 * calls need HttpInitialize(HTTP_INITIALIZE_CONFIG) around them. */
#include "svc_urlacl.h"

#include <http.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "metrics_url.h"
#include "sw_macros.h"
#include "win_text.h"

DWORD sw_svc_urlacl_sddl(const wchar_t *trustee, wchar_t *out, size_t cap)
{
  /* GX: GENERIC_EXECUTE, the right to register under the prefix; no GW
   * (GENERIC_WRITE), so the service cannot delegate it. */
  static const wchar_t head[] = L"D:(A;;GX;;;", tail[] = L")";
  if (wcslen(head) + wcslen(trustee) + wcslen(tail) >= cap)
    return ERROR_INSUFFICIENT_BUFFER;
  swprintf(out, cap, L"%ls%ls%ls", head, trustee, tail);
  return 0;
}

bool sw_svc_urlacl_prefix(const wchar_t *url, wchar_t *out, size_t cap, char *why,
                          size_t size)
{
  char url8[SW_METRICS_URL_MAX * 3];
  struct sw_metrics_url parts;
  if (!sw_utf8_from_wide(url, url8, sizeof url8))
    snprintf(url8, sizeof url8, "(too long)");
  if (!sw_metrics_url_parse(url8, &parts, why, size))
    return false;
  return sw_wide_from_utf8(parts.prefix, out, cap);
}

static ULONG set_acl(const wchar_t *prefix, const wchar_t *sddl)
{
  HTTP_SERVICE_CONFIG_URLACL_SET set = {
      .KeyDesc = {.pUrlPrefix = (PWSTR)prefix},
      .ParamDesc = {.pStringSecurityDescriptor = (PWSTR)sddl}};
  return HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof set,
                                     NULL);
}

static ULONG query_acl(const wchar_t *prefix, wchar_t *out, size_t cap)
{
  HTTP_SERVICE_CONFIG_URLACL_QUERY q = {.QueryDesc = HttpServiceConfigQueryExact,
                                        .KeyDesc = {.pUrlPrefix = (PWSTR)prefix}};
  ULONG need = 0;
  ULONG rc = HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &q,
                                           sizeof q, NULL, 0, &need, NULL);
  if (rc != ERROR_INSUFFICIENT_BUFFER)
    return rc == NO_ERROR ? ERROR_INVALID_DATA : rc; /* NO_ERROR: nothing came back */
  HTTP_SERVICE_CONFIG_URLACL_SET *set = malloc(need);
  if (!set)
    return ERROR_NOT_ENOUGH_MEMORY;
  rc = HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &q, sizeof q, set,
                                     need, &need, NULL);
  if (rc == NO_ERROR && swprintf(out, cap, L"%ls",
                                 set->ParamDesc.pStringSecurityDescriptor
                                     ? set->ParamDesc.pStringSecurityDescriptor
                                     : L"") < 0)
    rc = ERROR_INSUFFICIENT_BUFFER;
  free(set);
  return rc;
}

DWORD sw_svc_urlacl_reserve(const wchar_t *prefix, const wchar_t *sddl, const char **step)
{
  HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
  *step = "HttpInitialize";
  ULONG rc = HttpInitialize(v1, HTTP_INITIALIZE_CONFIG, NULL);
  if (rc)
    return rc;
  *step = "HttpSetServiceConfiguration";
  rc = set_acl(prefix, sddl);
  if (rc == ERROR_ALREADY_EXISTS) {
    /* A reservation of the prefix is there already: kept when it says the
     * same, else replaced (a reservation cannot be changed in place). */
    wchar_t had[512];
    if (query_acl(prefix, had, SW_COUNTOF(had)) == NO_ERROR && !wcscmp(had, sddl)) {
      rc = NO_ERROR;
    } else {
      HTTP_SERVICE_CONFIG_URLACL_SET del = {.KeyDesc = {.pUrlPrefix = (PWSTR)prefix}};
      *step = "HttpDeleteServiceConfiguration";
      rc = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &del,
                                          sizeof del, NULL);
      *step = "HttpSetServiceConfiguration";
      if (rc == NO_ERROR)
        rc = set_acl(prefix, sddl);
    }
  }
  HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
  return rc;
}

DWORD sw_svc_urlacl_query(const wchar_t *prefix, wchar_t *out, size_t cap)
{
  HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
  ULONG rc = HttpInitialize(v1, HTTP_INITIALIZE_CONFIG, NULL);
  if (rc)
    return rc;
  rc = query_acl(prefix, out, cap);
  HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
  return rc;
}
