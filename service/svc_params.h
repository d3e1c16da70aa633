/* The metrics options (docs/metrics.md), from the command line or, for the
 * installed service, which the SCM starts without options, from the
 * product's key HKLM\SOFTWARE\SmtpWatch, values MetricsTextfileDir
 * (REG_SZ or REG_EXPAND_SZ), MetricsIntervalSeconds (REG_DWORD) and
 * MetricsUrl (REG_SZ). Not the service's own Parameters key: the SCM
 * deletes the service's key with its subkeys when the service is deleted
 * (DeleteService's documentation), and every MSI upgrade deletes the
 * service and installs it anew, so settings kept there would be lost at
 * each upgrade. The command line wins over the key. Main thread, before
 * the loop starts. */
#ifndef SW_SVC_PARAMS_H
#define SW_SVC_PARAMS_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

#include "svc.h"

#define SW_SVC_PARAMS_KEY L"SOFTWARE\\SmtpWatch"
#define SW_SVC_PARAM_METRICS_DIR L"MetricsTextfileDir"
#define SW_SVC_PARAM_METRICS_INTERVAL L"MetricsIntervalSeconds"
#define SW_SVC_PARAM_METRICS_URL L"MetricsUrl"

/* Which options the command line gave. */
struct sw_svc_params_given {
  bool metrics_dir, metrics_interval, metrics_url;
};

/* Each sets one option in `cfg` after checking it; false with a sentence
 * in why[size] naming `source` ("--metrics-textfile", "MetricsUrl"). */
bool sw_svc_set_metrics_dir(struct sw_svc_config *cfg, const wchar_t *dir,
                            const char *source, char *why, size_t size);
bool sw_svc_set_metrics_interval(struct sw_svc_config *cfg, unsigned long seconds,
                                 const char *source, char *why, size_t size);
bool sw_svc_set_metrics_url(struct sw_svc_config *cfg, const wchar_t *url,
                            const char *source, char *why, size_t size);

/* Takes argv[*i] if it is a metrics option (--metrics-textfile DIR,
 * --metrics-interval-s N, --metrics-url URL), moving *i past its value:
 * 1 taken, 0 not a metrics option, -1 with a sentence in why[size]. */
int sw_svc_params_option(int argc, wchar_t **argv, int *i, struct sw_svc_config *cfg,
                         struct sw_svc_params_given *given, char *why, size_t size);

/* Fills the options the command line did not give from the Parameters
 * key (a missing key or value leaves the option off; an empty string
 * too), then the interval's default. False with a sentence for a value
 * that is not valid, or a key that cannot be read. */
bool sw_svc_params_read(struct sw_svc_config *cfg,
                        const struct sw_svc_params_given *given, char *why, size_t size);

/* After sw_svc_params_read failed: turns off the options the command line
 * did not give (the key's), and gives the interval its default. */
void sw_svc_params_drop_key(struct sw_svc_config *cfg,
                            const struct sw_svc_params_given *given);

#endif
