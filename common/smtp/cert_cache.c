#include "cert_cache.h"

#include <stdlib.h>
#include <string.h>

void sw_cert_cache_init(struct sw_cert_cache *cc)
{
  cc->len = 0;
}

static void drop_at(struct sw_cert_cache *cc, size_t i)
{
  free(cc->entries[i]->key);
  free(cc->entries[i]);
  cc->entries[i] = cc->entries[--cc->len];
}

void sw_cert_cache_free(struct sw_cert_cache *cc)
{
  while (cc->len > 0)
    drop_at(cc, cc->len - 1);
}

enum sw_error sw_cert_cache_key_start(struct sw_buf *key, const char *host)
{
  key->len = 0;
  for (const char *h = host; *h; h++) {
    char ch = (*h >= 'A' && *h <= 'Z') ? (char)(*h - 'A' + 'a') : *h;
    if (sw_buf_append(key, &ch, 1) != SW_E_OK)
      return SW_E_NOMEM;
  }
  return sw_buf_append(key, "", 1);
}

static struct sw_cert_cache_entry *find(struct sw_cert_cache *cc, const char *key,
                                        size_t len)
{
  for (size_t i = 0; i < cc->len; i++) {
    struct sw_cert_cache_entry *x = cc->entries[i];
    if (x->key_len == len && memcmp(x->key, key, len) == 0)
      return x;
  }
  return NULL;
}

/* A new pending entry owning `key`, making room by dropping the entry that
 * expires first (never a pending one). NULL if there is no room or no
 * memory; the key is then the caller's. */
static struct sw_cert_cache_entry *add(struct sw_cert_cache *cc, char *key, size_t len)
{
  if (cc->len == SW_CERT_CACHE_MAX) {
    size_t oldest = SW_CERT_CACHE_MAX;
    for (size_t i = 0; i < cc->len; i++)
      if (!cc->entries[i]->pending &&
          (oldest == SW_CERT_CACHE_MAX ||
           cc->entries[i]->expires_us < cc->entries[oldest]->expires_us))
        oldest = i;
    if (oldest == SW_CERT_CACHE_MAX)
      return NULL;
    drop_at(cc, oldest);
  }
  struct sw_cert_cache_entry *x = malloc(sizeof *x);
  if (x) {
    *x = (struct sw_cert_cache_entry){.key = key, .key_len = len, .pending = true};
    sw_list_init(&x->waiters);
    cc->entries[cc->len++] = x;
  }
  return x;
}

enum sw_cert_cache_use sw_cert_cache_lookup(struct sw_cert_cache *cc, char *key,
                                            size_t key_len, int64_t now_us,
                                            struct sw_cert_cache_entry **entry)
{
  *entry = NULL;
  if (!key)
    return SW_CERT_CACHE_VALIDATE;
  struct sw_cert_cache_entry *x = find(cc, key, key_len);
  if (!x) {
    *entry = add(cc, key, key_len);
    if (!*entry)
      free(key);
    return SW_CERT_CACHE_VALIDATE;
  }
  free(key);
  *entry = x;
  if (x->pending)
    return SW_CERT_CACHE_WAIT;
  if (now_us < x->expires_us)
    return SW_CERT_CACHE_HIT;
  x->pending = true; /* expired: validated again in place */
  return SW_CERT_CACHE_VALIDATE;
}

void sw_cert_cache_fill(struct sw_cert_cache_entry *x, const struct sw_cert_verdict *v,
                        int64_t now_us)
{
  x->pending = false;
  x->verdict = *v;
  x->expires_us = now_us + SW_CERT_CACHE_TTL_US;
}

void sw_cert_cache_remove(struct sw_cert_cache *cc, struct sw_cert_cache_entry *x)
{
  for (size_t i = 0; i < cc->len; i++)
    if (cc->entries[i] == x) {
      drop_at(cc, i);
      return;
    }
}
