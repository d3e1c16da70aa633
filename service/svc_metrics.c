/* Publishing the metrics (see svc_metrics.h). The loop and the worker
 * share `busy` (set by the loop, cleared by the worker when it is done),
 * the outcome and the current text; `lock` guards the last two. */
#include "svc_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "clock.h"
#include "sw_buf.h"
#include "sw_macros.h"

/* WriteFile takes a DWORD: the text goes in slices. */
#define WRITE_SLICE (64u * 1024 * 1024)

struct sw_svc_metrics {
  const struct sw_svc_config *cfg;
  bool keep_text;
  PTP_WORK work;
  volatile LONG busy;
  struct sw_metrics_snapshot snap; /* the worker's while busy */
  SRWLOCK lock;
  struct sw_svc_metrics_text *text; /* the latest; one reference is ours */
  struct sw_svc_metrics_outcome outcome;
  bool has_outcome;
};

/* Writes all of `data` to `h`; 0 or the Win32 error. */
static DWORD write_all(HANDLE h, const char *data, size_t len)
{
  while (len) {
    DWORD chunk = len > WRITE_SLICE ? WRITE_SLICE : (DWORD)len, done = 0;
    if (!WriteFile(h, data, chunk, &done, NULL))
      return GetLastError();
    if (NEVER(done == 0))
      return ERROR_WRITE_FAULT;
    data += done;
    len -= done;
  }
  return 0;
}

DWORD sw_svc_metrics_write_file(const wchar_t *dir, const wchar_t *name, const char *data,
                                size_t len)
{
  wchar_t final[MAX_PATH + 64], temp[MAX_PATH + 96];
  /* A name windows_exporter does not read (it reads *.prom), unique to
   * this process so that two services never share one. */
  if (swprintf(final, SW_COUNTOF(final), L"%ls\\%ls", dir, name) < 0 ||
      swprintf(temp, SW_COUNTOF(temp), L"%ls\\%ls.%lu.tmp", dir, name,
               (unsigned long)GetCurrentProcessId()) < 0)
    return ERROR_FILENAME_EXCED_RANGE;
  HANDLE h = CreateFileW(temp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return GetLastError();
  DWORD err = write_all(h, data, len);
  if (!CloseHandle(h) && !err)
    err = GetLastError();
  if (!err &&
      !MoveFileExW(temp, final, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    err = GetLastError();
  if (err)
    DeleteFileW(temp);
  return err;
}

void sw_svc_metrics_text_release(struct sw_svc_metrics_text *t)
{
  if (t && InterlockedDecrement(&t->refs) == 0) {
    free(t->data);
    free(t);
  }
}

struct sw_svc_metrics_text *sw_svc_metrics_text_get(struct sw_svc_metrics *m)
{
  AcquireSRWLockShared(&m->lock);
  struct sw_svc_metrics_text *t = m->text;
  if (t)
    InterlockedIncrement(&t->refs);
  ReleaseSRWLockShared(&m->lock);
  return t;
}

/* Makes `out`'s contents the current text (taking them). */
static void keep(struct sw_svc_metrics *m, struct sw_buf *out)
{
  struct sw_svc_metrics_text *t = malloc(sizeof *t);
  if (!t)
    return; /* the previous text stays: older figures, not none */
  t->refs = 1;
  t->len = out->len;
  t->data = sw_buf_take(out);
  AcquireSRWLockExclusive(&m->lock);
  struct sw_svc_metrics_text *old = m->text;
  m->text = t;
  ReleaseSRWLockExclusive(&m->lock);
  sw_svc_metrics_text_release(old);
}

/* The worker: renders the snapshot, writes the file, keeps the text. */
static void CALLBACK render_work(PTP_CALLBACK_INSTANCE inst, void *ctx, PTP_WORK work)
{
  (void)inst;
  (void)work;
  struct sw_svc_metrics *m = ctx;
  int64_t t0 = sw_clock_now_us();
  struct sw_buf out;
  sw_buf_init(&out, 0);
  struct sw_svc_metrics_outcome o = {0};
  o.rendered = sw_metrics_render(&m->snap, &out) == SW_E_OK;
  sw_metrics_snapshot_free(&m->snap);
  o.bytes = out.len;
  if (o.rendered && m->cfg->metrics_dir[0]) {
    o.file_error = sw_svc_metrics_write_file(m->cfg->metrics_dir, SW_SVC_METRICS_FILE,
                                             sw_buf_str(&out), out.len);
    o.written = o.file_error == 0;
  }
  if (o.rendered && m->keep_text)
    keep(m, &out);
  sw_buf_free(&out);
  o.render_us = sw_clock_now_us() - t0;
  AcquireSRWLockExclusive(&m->lock);
  m->outcome = o;
  m->has_outcome = true;
  ReleaseSRWLockExclusive(&m->lock);
  InterlockedExchange(&m->busy, 0);
}

struct sw_svc_metrics *sw_svc_metrics_create(const struct sw_svc_config *cfg,
                                             bool keep_text, DWORD *err)
{
  struct sw_svc_metrics *m = calloc(1, sizeof *m);
  *err = m ? 0 : ERROR_NOT_ENOUGH_MEMORY;
  if (!m)
    return NULL;
  m->cfg = cfg;
  m->keep_text = keep_text;
  InitializeSRWLock(&m->lock);
  sw_metrics_snapshot_init(&m->snap);
  m->work = CreateThreadpoolWork(render_work, m, NULL);
  if (!m->work) {
    *err = GetLastError();
    free(m);
    return NULL;
  }
  return m;
}

void sw_svc_metrics_destroy(struct sw_svc_metrics *m)
{
  if (!m)
    return;
  WaitForThreadpoolWorkCallbacks(m->work, FALSE);
  CloseThreadpoolWork(m->work);
  sw_metrics_snapshot_free(&m->snap);
  sw_svc_metrics_text_release(m->text);
  free(m);
}

bool sw_svc_metrics_busy(const struct sw_svc_metrics *m)
{
  return m->busy != 0;
}

bool sw_svc_metrics_publish(struct sw_svc_metrics *m, struct sw_metrics_snapshot *snap)
{
  if (m->busy) {
    sw_metrics_snapshot_free(snap);
    return false;
  }
  m->snap = *snap; /* the worker's now */
  sw_metrics_snapshot_init(snap);
  InterlockedExchange(&m->busy, 1);
  SubmitThreadpoolWork(m->work);
  return true;
}

bool sw_svc_metrics_take_outcome(struct sw_svc_metrics *m,
                                 struct sw_svc_metrics_outcome *out)
{
  AcquireSRWLockExclusive(&m->lock);
  bool has = m->has_outcome;
  if (has)
    *out = m->outcome;
  m->has_outcome = false;
  ReleaseSRWLockExclusive(&m->lock);
  return has;
}
