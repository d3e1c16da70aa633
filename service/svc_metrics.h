/* Publishing the metrics: a snapshot taken on the loop thread is rendered
 * (metrics_text.h) on a thread-pool worker, so that 100,000 rules cost the
 * loop only the copy; the worker writes smtpwatch.prom atomically for
 * windows_exporter's textfile collector (a temporary file in the same
 * folder, then MoveFileExW over the old one, so a reader never sees half a
 * file) and keeps the text for GET /metrics (svc_metrics_http.c). One
 * snapshot at a time: while one is being rendered the next waits. */
#ifndef SW_SVC_METRICS_H
#define SW_SVC_METRICS_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics_text.h"
#include "svc.h"

/* The file's name in the metrics folder; windows_exporter reads *.prom. */
#define SW_SVC_METRICS_FILE L"smtpwatch.prom"

struct sw_svc_metrics;

/* A rendered exposition, shared by reference: whoever holds one may read
 * it on any thread until it releases it. */
struct sw_svc_metrics_text {
  volatile LONG refs;
  size_t len;
  char *data; /* NUL-terminated */
};

/* What the worker made of the latest snapshot, for the loop. */
struct sw_svc_metrics_outcome {
  bool written;      /* the file was written (false without a file) */
  DWORD file_error;  /* the Win32 error that stopped it, else 0 */
  bool rendered;     /* false: out of memory, nothing published */
  int64_t render_us; /* rendering and writing, on the worker */
  size_t bytes;
};

/* Creates the publisher: it writes `cfg->metrics_dir`\smtpwatch.prom
 * when that is set, and keeps the text when `keep_text` (the HTTP
 * endpoint wants it). NULL when out of memory or the thread pool refuses
 * (*err then says why). `cfg` must outlive it. Loop thread. */
struct sw_svc_metrics *sw_svc_metrics_create(const struct sw_svc_config *cfg,
                                             bool keep_text, DWORD *err);
/* Waits for a snapshot being rendered, then frees everything; the text
 * handed out stays valid until released. NULL is fine. */
void sw_svc_metrics_destroy(struct sw_svc_metrics *m);

/* True while the worker has a snapshot. Loop thread. */
bool sw_svc_metrics_busy(const struct sw_svc_metrics *m);
/* Hands `snap` to the worker, which frees it. False, with `snap` freed,
 * when busy. Loop thread. */
bool sw_svc_metrics_publish(struct sw_svc_metrics *m, struct sw_metrics_snapshot *snap);
/* The outcome of the latest snapshot, once: true (and *out) when one has
 * finished since the last call. Loop thread. */
bool sw_svc_metrics_take_outcome(struct sw_svc_metrics *m,
                                 struct sw_svc_metrics_outcome *out);

/* The latest text with a reference, or NULL before the first (or without
 * keep_text). Any thread. */
struct sw_svc_metrics_text *sw_svc_metrics_text_get(struct sw_svc_metrics *m);
void sw_svc_metrics_text_release(struct sw_svc_metrics_text *t);

/* Writes `len` bytes of `data` to `dir`\`name` atomically: a temporary
 * file beside it, then MoveFileExW(MOVEFILE_REPLACE_EXISTING |
 * MOVEFILE_WRITE_THROUGH). Returns 0 or the Win32 error (the temporary
 * file is removed). Any thread. */
DWORD sw_svc_metrics_write_file(const wchar_t *dir, const wchar_t *name, const char *data,
                                size_t len);

#endif
