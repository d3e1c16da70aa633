/* The process's OAuth access tokens (oauth_cache.h): a short list under
 * one SRW lock; every token is wiped before its memory is freed. */
#include "oauth_cache.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "sw_list.h"

struct entry {
  struct sw_list_node link;              /* newest first */
  char *url, *client_id, *scope, *token; /* one allocation from `url` on, but token */
  int64_t due_us;                        /* the token is used before this */
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct sw_list_node entries = {&entries, &entries};
static int count;

static bool same(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct entry *find(const struct sw_oauth_client *c)
{
  struct sw_list_node *n;
  SW_LIST_FOREACH(n, &entries)
  {
    struct entry *x = sw_list_entry(n, struct entry, link);
    if (same(x->url, c->token_url) && same(x->client_id, c->client_id) &&
        same(x->scope, c->scope))
      return x;
  }
  return NULL;
}

static void wipe_free(char *s)
{
  if (s) {
    SecureZeroMemory(s, strlen(s));
    free(s);
  }
}

static void remove_entry(struct entry *x)
{
  sw_list_remove(&x->link);
  count--;
  wipe_free(x->token);
  free(x->url); /* client_id and scope live in the same allocation */
  free(x);
}

static char *dup(const char *s)
{
  size_t n = strlen(s);
  char *d = malloc(n + 1);
  if (d)
    memcpy(d, s, n + 1);
  return d;
}

char *sw_oauth_cache_get(const struct sw_oauth_client *c, int64_t now_us)
{
  char *copy = NULL;
  AcquireSRWLockExclusive(&lock);
  struct entry *x = find(c);
  if (x && now_us >= x->due_us)
    remove_entry(x); /* due: the next check fetches a fresh one */
  else if (x)
    copy = dup(x->token);
  ReleaseSRWLockExclusive(&lock);
  return copy;
}

/* When a token that lives `life_s` seconds from now_us stops being used. */
static int64_t due_of(int64_t life_s, int64_t now_us)
{
  int64_t margin =
      life_s >= 2 * SW_OAUTH_EXPIRY_MARGIN_S ? SW_OAUTH_EXPIRY_MARGIN_S : life_s / 2;
  return now_us + (life_s - margin) * 1000000;
}

static struct entry *new_entry(const struct sw_oauth_client *c, const char *token)
{
  const char *scope = c->scope ? c->scope : "";
  size_t u = strlen(c->token_url) + 1, i = strlen(c->client_id) + 1,
         s = strlen(scope) + 1;
  struct entry *x = calloc(1, sizeof *x);
  char *strings = malloc(u + i + s);
  char *t = dup(token);
  if (!x || !strings || !t) {
    free(x);
    free(strings);
    wipe_free(t);
    return NULL;
  }
  x->url = memcpy(strings, c->token_url, u);
  x->client_id = memcpy(strings + u, c->client_id, i);
  x->scope = memcpy(strings + u + i, scope, s);
  x->token = t;
  return x;
}

void sw_oauth_cache_put(const struct sw_oauth_client *c, const char *token,
                        int64_t expires_in_s, int64_t now_us)
{
  struct entry *fresh = expires_in_s > 0 ? new_entry(c, token) : NULL;
  AcquireSRWLockExclusive(&lock);
  struct entry *old = find(c);
  if (old)
    remove_entry(old);
  if (fresh) {
    fresh->due_us = due_of(expires_in_s, now_us);
    sw_list_insert_head(&entries, &fresh->link);
    if (++count > SW_OAUTH_CACHE_MAX)
      remove_entry(sw_list_entry(entries.prev, struct entry, link));
  }
  ReleaseSRWLockExclusive(&lock);
}

void sw_oauth_cache_drop(const struct sw_oauth_client *c, const char *token)
{
  AcquireSRWLockExclusive(&lock);
  struct entry *x = find(c);
  if (x && strcmp(x->token, token) == 0)
    remove_entry(x);
  ReleaseSRWLockExclusive(&lock);
}

void sw_oauth_cache_clear(void)
{
  AcquireSRWLockExclusive(&lock);
  struct sw_list_node *n;
  while ((n = sw_list_first(&entries)) != NULL)
    remove_entry(sw_list_entry(n, struct entry, link));
  ReleaseSRWLockExclusive(&lock);
}
