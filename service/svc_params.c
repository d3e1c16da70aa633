/* The metrics options and the product's key (see svc_params.h). */
#include "svc_params.h"

#include <stdio.h>
#include <wchar.h>
#include <wctype.h>

#include "metrics_url.h"
#include "sw_macros.h"
#include "win_error.h"
#include "win_text.h"

bool sw_svc_set_metrics_dir(struct sw_svc_config *cfg, const wchar_t *dir,
                            const char *source, char *why, size_t size)
{
  DWORD n = dir[0] ? GetFullPathNameW(dir, MAX_PATH, cfg->metrics_dir, NULL) : 0;
  if (n == 0 || n >= MAX_PATH) {
    snprintf(why, size, "%s wants a folder, a path shorter than %d characters.", source,
             MAX_PATH);
    cfg->metrics_dir[0] = L'\0';
    return false;
  }
  /* "C:\prom\" and "C:\prom" are the same folder. */
  size_t len = wcslen(cfg->metrics_dir);
  while (len > 3 &&
         (cfg->metrics_dir[len - 1] == L'\\' || cfg->metrics_dir[len - 1] == L'/'))
    cfg->metrics_dir[--len] = L'\0';
  if (!sw_utf8_from_wide(cfg->metrics_dir, cfg->metrics_dir_utf8,
                         sizeof cfg->metrics_dir_utf8)) {
    snprintf(why, size, "The %s path is not valid text.", source);
    cfg->metrics_dir[0] = L'\0';
    return false;
  }
  return true;
}

bool sw_svc_set_metrics_interval(struct sw_svc_config *cfg, unsigned long seconds,
                                 const char *source, char *why, size_t size)
{
  if (seconds < 1 || seconds > SW_SVC_METRICS_INTERVAL_MAX_S) {
    snprintf(why, size, "%s wants a whole number of seconds from 1 to %d.", source,
             SW_SVC_METRICS_INTERVAL_MAX_S);
    return false;
  }
  cfg->metrics_interval_s = (uint32_t)seconds;
  return true;
}

bool sw_svc_set_metrics_url(struct sw_svc_config *cfg, const wchar_t *url,
                            const char *source, char *why, size_t size)
{
  char text[SW_METRICS_URL_MAX * 3];
  struct sw_metrics_url parts;
  char reason[1024];
  if (!sw_utf8_from_wide(url, text, sizeof text))
    snprintf(text, sizeof text, "(too long)");
  if (!sw_metrics_url_parse(text, &parts, reason, sizeof reason)) {
    snprintf(why, size, "%s: %s", source, reason);
    return false;
  }
  swprintf(cfg->metrics_url, SW_COUNTOF(cfg->metrics_url), L"%ls", url);
  return true;
}

int sw_svc_params_option(int argc, wchar_t **argv, int *i, struct sw_svc_config *cfg,
                         struct sw_svc_params_given *given, char *why, size_t size)
{
  const wchar_t *a = argv[*i];
  bool dir = !wcscmp(a, L"--metrics-textfile"), url = !wcscmp(a, L"--metrics-url"),
       interval = !wcscmp(a, L"--metrics-interval-s");
  if (!dir && !url && !interval)
    return 0;
  char name[32];
  snprintf(name, sizeof name, "%ls", a);
  const wchar_t *value = *i + 1 < argc ? argv[++*i] : L"";
  bool ok;
  if (dir) {
    ok = sw_svc_set_metrics_dir(cfg, value, name, why, size);
    given->metrics_dir = true;
  } else if (url) {
    ok = sw_svc_set_metrics_url(cfg, value, name, why, size);
    given->metrics_url = true;
  } else {
    wchar_t *end;
    unsigned long v = wcstoul(value, &end, 10);
    ok = iswdigit(value[0]) && !*end &&
         sw_svc_set_metrics_interval(cfg, v, name, why, size);
    if (!ok)
      snprintf(why, size, "%s wants a whole number of seconds from 1 to %d.", name,
               SW_SVC_METRICS_INTERVAL_MAX_S);
    given->metrics_interval = true;
  }
  return ok ? 1 : -1;
}

/* Reads string value `name` into out[cap]; *found false when it is
 * missing. RRF_RT_REG_SZ without RRF_NOEXPAND also takes REG_EXPAND_SZ,
 * expanded (RRF_RT_REG_EXPAND_SZ would want RRF_NOEXPAND: RegGetValueW's
 * documentation). 0 or the Win32 error. */
static LSTATUS read_string(HKEY key, const wchar_t *name, wchar_t *out, DWORD cap,
                           bool *found)
{
  DWORD bytes = cap * sizeof(wchar_t);
  LSTATUS rc = RegGetValueW(key, NULL, name, RRF_RT_REG_SZ, NULL, out, &bytes);
  *found = rc == ERROR_SUCCESS && out[0];
  return rc == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : rc;
}

/* The key's values for the options not given: 0 or the Win32 error of a
 * read; *invalid (with the sentence) for a value that is not valid. */
static LSTATUS read_key(HKEY key, struct sw_svc_config *cfg,
                        const struct sw_svc_params_given *given, char *why, size_t size,
                        bool *invalid)
{
  wchar_t text[SW_SVC_METRICS_URL_MAX];
  bool found;
  LSTATUS rc = ERROR_SUCCESS;
  if (!given->metrics_dir &&
      !(rc = read_string(key, SW_SVC_PARAM_METRICS_DIR, text, MAX_PATH, &found)) && found)
    *invalid = !sw_svc_set_metrics_dir(cfg, text, "MetricsTextfileDir", why, size);
  if (!rc && !*invalid && !given->metrics_url &&
      !(rc =
            read_string(key, SW_SVC_PARAM_METRICS_URL, text, SW_COUNTOF(text), &found)) &&
      found)
    *invalid = !sw_svc_set_metrics_url(cfg, text, "MetricsUrl", why, size);
  if (!rc && !*invalid && !given->metrics_interval) {
    DWORD seconds = 0, bytes = sizeof seconds;
    rc = RegGetValueW(key, NULL, SW_SVC_PARAM_METRICS_INTERVAL, RRF_RT_REG_DWORD, NULL,
                      &seconds, &bytes);
    if (!rc)
      *invalid =
          !sw_svc_set_metrics_interval(cfg, seconds, "MetricsIntervalSeconds", why, size);
    else if (rc == ERROR_FILE_NOT_FOUND)
      rc = ERROR_SUCCESS;
  }
  return rc;
}

bool sw_svc_params_read(struct sw_svc_config *cfg,
                        const struct sw_svc_params_given *given, char *why, size_t size)
{
  HKEY key;
  LSTATUS rc =
      RegOpenKeyExW(HKEY_LOCAL_MACHINE, SW_SVC_PARAMS_KEY, 0, KEY_QUERY_VALUE, &key);
  bool invalid = false;
  if (rc == ERROR_SUCCESS) {
    rc = read_key(key, cfg, given, why, size, &invalid);
    RegCloseKey(key);
  } else if (rc == ERROR_FILE_NOT_FOUND) {
    rc = ERROR_SUCCESS; /* nothing set: no metrics */
  }
  if (rc != ERROR_SUCCESS) {
    sw_win_error_sentence(why, size, (unsigned long)rc,
                          "The service's settings (HKLM\\%s) cannot be read",
                          "SOFTWARE\\SmtpWatch");
    return false;
  }
  if (!invalid && !cfg->metrics_interval_s)
    cfg->metrics_interval_s = SW_SVC_METRICS_INTERVAL_DEFAULT_S;
  return !invalid;
}

void sw_svc_params_drop_key(struct sw_svc_config *cfg,
                            const struct sw_svc_params_given *given)
{
  if (!given->metrics_dir) {
    cfg->metrics_dir[0] = L'\0';
    cfg->metrics_dir_utf8[0] = '\0';
  }
  if (!given->metrics_url)
    cfg->metrics_url[0] = L'\0';
  if (!given->metrics_interval || !cfg->metrics_interval_s)
    cfg->metrics_interval_s = SW_SVC_METRICS_INTERVAL_DEFAULT_S;
}
