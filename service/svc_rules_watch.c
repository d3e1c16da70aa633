/* The rule watcher thread (see svc_rules_watch.h). It shares nothing with
 * the loop but the hand-over slot below, guarded by `lock`. */
#include "svc_rules_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

struct sw_svc_rules_watch {
  char *db_path;
  HANDLE thread;
  HANDLE stop;     /* manual-reset event: set once to end the thread */
  uint64_t handed; /* fingerprint of the last list handed over (thread) */
  CRITICAL_SECTION lock;
  /* The hand-over slot, under `lock`. */
  bool has_list;
  struct sw_store_rule_list list;
  enum sw_store_error err; /* a read failure not yet reported */
  char message[SW_STORE_MESSAGE_MAX];
};

uint64_t sw_svc_rules_fingerprint(const struct sw_store_rule_list *l)
{
  uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */
  for (size_t i = 0; i < l->count; i++) {
    uint64_t v[2] = {(uint64_t)l->items[i].rule.id, (uint64_t)l->items[i].revision};
    const unsigned char *p = (const unsigned char *)v;
    for (size_t k = 0; k < sizeof v; k++) {
      h ^= p[k];
      h *= UINT64_C(1099511628211);
    }
  }
  return h ^ l->count;
}

/* One read; returns how long it took, in ms. */
static DWORD read_once(struct sw_svc_rules_watch *w, struct sw_store **st)
{
  int64_t t0 = sw_clock_now_us();
  struct sw_store_diag diag = {0};
  enum sw_store_error err = SW_STORE_OK;
  if (!*st)
    err = sw_store_open(w->db_path, NULL, st, &diag);
  struct sw_store_rule_list list = {0};
  if (!err) {
    err = sw_store_rule_list(*st, &list);
    if (err) {
      diag = *sw_store_last_error(*st);
      /* A damaged or vanished file: open it afresh next time. */
      sw_store_close(*st);
      *st = NULL;
    }
  }
  EnterCriticalSection(&w->lock);
  if (err) {
    w->err = err;
    snprintf(w->message, sizeof w->message, "%s", diag.message);
  } else {
    uint64_t fp = sw_svc_rules_fingerprint(&list);
    if (fp != w->handed) {
      /* A list the loop has not taken yet is out of date: replace it. */
      if (w->has_list)
        sw_store_rule_list_free(&w->list);
      w->list = list;
      w->has_list = true;
      w->handed = fp;
      memset(&list, 0, sizeof list);
    }
  }
  LeaveCriticalSection(&w->lock);
  sw_store_rule_list_free(&list);
  return (DWORD)((sw_clock_now_us() - t0) / 1000);
}

static DWORD WINAPI watch_thread(void *arg)
{
  struct sw_svc_rules_watch *w = arg;
  struct sw_store *st = NULL;
  DWORD period = SW_SVC_RULES_WATCH_MIN_MS;
  while (WaitForSingleObject(w->stop, period) == WAIT_TIMEOUT) {
    DWORD took = read_once(w, &st);
    period = took * 25;
    if (period < SW_SVC_RULES_WATCH_MIN_MS)
      period = SW_SVC_RULES_WATCH_MIN_MS;
    if (period > SW_SVC_RULES_WATCH_MAX_MS)
      period = SW_SVC_RULES_WATCH_MAX_MS;
  }
  sw_store_close(st);
  return 0;
}

DWORD sw_svc_rules_watch_start(struct sw_svc_rules_watch **out, const char *db_path,
                               uint64_t fingerprint)
{
  *out = NULL;
  struct sw_svc_rules_watch *w = calloc(1, sizeof *w);
  if (!w || !(w->db_path = malloc(strlen(db_path) + 1))) {
    free(w);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  strcpy(w->db_path, db_path);
  w->handed = fingerprint;
  InitializeCriticalSection(&w->lock);
  w->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (w->stop)
    w->thread = CreateThread(NULL, 0, watch_thread, w, 0, NULL);
  if (!w->thread) {
    DWORD e = GetLastError();
    if (w->stop)
      CloseHandle(w->stop);
    DeleteCriticalSection(&w->lock);
    free(w->db_path);
    free(w);
    return e ? e : ERROR_NOT_ENOUGH_MEMORY;
  }
  *out = w;
  return 0;
}

bool sw_svc_rules_watch_take(struct sw_svc_rules_watch *w, struct sw_store_rule_list *out,
                             enum sw_store_error *err, char *message, size_t size)
{
  memset(out, 0, sizeof *out);
  *err = SW_STORE_OK;
  if (!w)
    return false;
  bool got = false;
  EnterCriticalSection(&w->lock);
  if (w->err) {
    *err = w->err;
    snprintf(message, size, "%s", w->message);
    w->err = SW_STORE_OK;
    got = true;
  } else if (w->has_list) {
    *out = w->list;
    memset(&w->list, 0, sizeof w->list);
    w->has_list = false;
    got = true;
  }
  LeaveCriticalSection(&w->lock);
  return got;
}

void sw_svc_rules_watch_stop(struct sw_svc_rules_watch *w)
{
  if (!w)
    return;
  SetEvent(w->stop);
  WaitForSingleObject(w->thread, INFINITE);
  CloseHandle(w->thread);
  CloseHandle(w->stop);
  if (w->has_list)
    sw_store_rule_list_free(&w->list);
  DeleteCriticalSection(&w->lock);
  free(w->db_path);
  free(w);
}
