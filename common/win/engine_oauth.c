/* XOAUTH2's access token for the engine's checks. When a check's dialogue
 * asks for its token (after EHLO, in the AUTH step), the process's cache
 * (oauth_cache.h) answers at once, or a job fetches one on the system
 * thread pool (oauth_token.h: WinHTTP blocks) and posts the answer back
 * to the port, so the loop never waits; the wait counts toward the check's
 * one time budget, which also bounds the request.
 *
 * A job is apart from its check, as a certificate validation is
 * (engine_tls.c): it owns copies of the client's fields (the secret
 * wiped when it goes) and a reference count (the loop's, the worker's). A
 * check that ends (timeout, stop) lets go of it; the job runs on and its
 * token still fills the cache for the next check. sw_engine_destroy gives
 * the jobs the same bounded wait as lookups and validations, then
 * abandons them; each thread frees its own job when it returns.
 *
 * A token the SMTP server refused (auth_failed) leaves the cache, so that
 * the next check fetches a fresh one instead of failing until it expires. */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine_oauth.h"
#include "oauth_cache.h"
#include "win_error.h"

struct sw_oauth_job {
  volatile LONG refs; /* the loop's (until its packet is handled) and the worker's */
  struct sw_dns_shared *shared;
  struct sw_req req; /* the answer packet (SW_REQ_CALLBACK: on_fetched) */
  uint32_t timeout_ms;
  sw_engine_token_fn fn;
  void *fn_ctx;
  struct sw_oauth_client client; /* its strings in `strings` */
  char *strings;
  size_t strings_len;
  /* Loop thread only. */
  struct sw_check *check;   /* NULL once the check has let go */
  struct sw_list_node link; /* in the engine's oauth_running */
  /* Written by the worker before it posts the packet. */
  bool ok;
  struct sw_oauth_token token;
  char detail[SW_OAUTH_DETAIL_MAX];
};

static volatile LONG live_jobs;

long sw_engine_oauth_jobs(void)
{
  return InterlockedCompareExchange(&live_jobs, 0, 0);
}

static void job_release(struct sw_oauth_job *j)
{
  if (InterlockedDecrement(&j->refs) != 0)
    return;
  struct sw_dns_shared *s = j->shared;
  SecureZeroMemory(j->strings, j->strings_len); /* the client secret */
  free(j->strings);
  sw_oauth_token_free(&j->token);
  free(j);
  InterlockedDecrement(&live_jobs);
  sw__engine_shared_release(s);
}

static bool system_fetch(void *ctx, const struct sw_oauth_client *c, uint32_t timeout_ms,
                         struct sw_oauth_token *out, char *detail, size_t size)
{
  (void)ctx;
  return sw_oauth_fetch(c, timeout_ms, out, detail, size);
}

void sw_engine_set_token_fetcher(struct sw_engine *e, sw_engine_token_fn fn, void *ctx)
{
  e->token_fn = fn;
  e->token_ctx = fn ? ctx : NULL;
}

/* On a pool thread: touches only the job, the cache (which has its own
 * lock) and the shared state. */
static void CALLBACK fetch_work(PTP_CALLBACK_INSTANCE instance, void *ctx)
{
  (void)instance;
  struct sw_oauth_job *j = ctx;
  j->ok =
      j->fn(j->fn_ctx, &j->client, j->timeout_ms, &j->token, j->detail, sizeof j->detail);
  if (j->ok)
    sw_oauth_cache_put(&j->client, j->token.access_token, j->token.expires_in_s,
                       sw_clock_now_us());
  sw__engine_shared_post(j->shared, &j->req.ov);
  job_release(j);
}

/* The job's own copy of the client: the check's may be gone before the
 * worker is done. */
static bool copy_client(struct sw_oauth_job *j, const struct sw_oauth_client *c)
{
  const char *src[4] = {c->token_url, c->client_id, c->client_secret, c->scope};
  size_t total = 0;
  for (int i = 0; i < 4; i++)
    total += (src[i] ? strlen(src[i]) : 0) + 1;
  j->strings = malloc(total);
  if (!j->strings)
    return false;
  j->strings_len = total;
  const char **dst[4] = {&j->client.token_url, &j->client.client_id,
                         &j->client.client_secret, &j->client.scope};
  char *p = j->strings;
  for (int i = 0; i < 4; i++) {
    size_t n = src[i] ? strlen(src[i]) : 0;
    memcpy(p, src[i] ? src[i] : "", n + 1);
    *dst[i] = p;
    p += n + 1;
  }
  return true;
}

static void on_fetched(struct sw_req *req, DWORD bytes, DWORD error);

/* Starts fetching the check's token on the pool. False with the Win32
 * error in *win_error (0: out of memory) if it could not start. */
static bool job_start(struct sw_check *c, unsigned long *win_error)
{
  *win_error = 0;
  struct sw_engine *e = c->engine;
  struct sw_oauth_job *j = calloc(1, sizeof *j);
  if (!j || !copy_client(j, c->oauth)) {
    free(j);
    return false;
  }
  int64_t left_ms = (sw_dialogue_deadline(&c->dlg) - sw_clock_now_us()) / 1000;
  j->timeout_ms = left_ms > 1 ? (uint32_t)left_ms : 1;
  j->fn = e->token_fn ? e->token_fn : system_fetch;
  j->fn_ctx = e->token_fn ? e->token_ctx : NULL;
  sw_engine_req_init(&j->req, on_fetched);
  j->refs = 2; /* the loop's and the worker's */
  j->shared = sw__engine_shared_ref(e);
  InterlockedIncrement(&live_jobs);
  if (!TrySubmitThreadpoolCallback(fetch_work, j, NULL)) {
    *win_error = GetLastError();
    j->refs = 1;
    job_release(j);
    return false;
  }
  sw_list_insert_head(&e->oauth_running, &j->link);
  j->check = c;
  c->oauth_job = j;
  return true;
}

/* The token goes to the dialogue, which keeps a pointer to it: the check
 * owns it until it is freed. */
static void give_token(struct sw_check *c, char *token)
{
  c->oauth_token = token;
  sw_dialogue_token_ready(&c->dlg, token, sw_clock_now_us());
}

void sw__check_oauth_want(struct sw_check *c)
{
  if (c->oauth_job || !sw_dialogue_wants_token(&c->dlg))
    return;
  if (NEVER(!c->oauth)) {
    sw_dialogue_token_failed(&c->dlg, "no OAuth client was given for XOAUTH2",
                             sw_clock_now_us());
    return;
  }
  char *cached = sw_oauth_cache_get(c->oauth, sw_clock_now_us());
  if (cached) {
    give_token(c, cached);
    return;
  }
  unsigned long win_error;
  if (job_start(c, &win_error))
    return;
  char detail[SW_DETAIL_MAX];
  if (win_error)
    sw_win_error_sentence(detail, sizeof detail, win_error,
                          "could not start fetching the OAuth token");
  else
    snprintf(detail, sizeof detail, "out of memory starting to fetch the OAuth token");
  sw_dialogue_token_failed(&c->dlg, detail, sw_clock_now_us());
}

static void on_fetched(struct sw_req *req, DWORD bytes, DWORD error)
{
  (void)bytes;
  (void)error; /* a posted packet: the answer is in the job */
  struct sw_oauth_job *j = sw_container_of(req, struct sw_oauth_job, req);
  sw_list_remove(&j->link);
  struct sw_check *c = j->check;
  if (c) {
    c->oauth_job = NULL;
    if (j->ok) {
      give_token(c, j->token.access_token);
      j->token.access_token = NULL; /* the check's now */
    } else {
      sw_dialogue_token_failed(&c->dlg, j->detail, sw_clock_now_us());
    }
    sw__check_flush(c);
    sw__check_settle(c); /* may free it */
  }
  job_release(j);
}

void sw__check_oauth_settled(struct sw_check *c, const struct sw_check_result *r)
{
  if (c->oauth_job) {
    c->oauth_job->check = NULL; /* it runs on, for the cache */
    c->oauth_job = NULL;
  }
  if (c->oauth && c->oauth_token && r->outcome == SW_OUTCOME_AUTH_FAILED)
    sw_oauth_cache_drop(c->oauth, c->oauth_token);
}

void sw__check_oauth_free(struct sw_check *c)
{
  if (c->oauth_token) {
    SecureZeroMemory(c->oauth_token, strlen(c->oauth_token));
    free(c->oauth_token);
    c->oauth_token = NULL;
  }
}

bool sw__engine_oauth_busy(const struct sw_engine *e)
{
  return !sw_list_empty(&e->oauth_running);
}

void sw__engine_oauth_free(struct sw_engine *e)
{
  struct sw_list_node *node;
  while ((node = sw_list_first(&e->oauth_running)) != NULL) {
    struct sw_oauth_job *j = sw_list_entry(node, struct sw_oauth_job, link);
    sw_list_remove(node);
    job_release(j); /* its thread holds the last reference */
  }
}
