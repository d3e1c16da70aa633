/* Log-linear response-time histograms (latency_hist.h): bucket numbering,
 * percentiles, and the compact form the store keeps per rule and hour. */
#include "latency_hist.h"

#include <string.h>

/* The highest set bit of v > 0. */
static unsigned top_bit(uint64_t v)
{
  unsigned b = 0;
  while (v >>= 1)
    b++;
  return b;
}

unsigned sw_latency_bucket(int64_t us)
{
  if (us < SW_LATENCY_SUB)
    return us < 0 ? 0 : (unsigned)us;
  unsigned o = top_bit((uint64_t)us);
  if (o >= SW_LATENCY_TOP_BIT)
    return SW_LATENCY_BUCKETS - 1;
  unsigned shift = o - SW_LATENCY_SUB_BITS;
  unsigned sub = (unsigned)((uint64_t)us >> shift) & (SW_LATENCY_SUB - 1);
  return SW_LATENCY_SUB + shift * SW_LATENCY_SUB + sub;
}

int64_t sw_latency_bucket_mid(unsigned b)
{
  if (b < SW_LATENCY_SUB)
    return (int64_t)b;
  unsigned shift = (b - SW_LATENCY_SUB) / SW_LATENCY_SUB;
  unsigned sub = (b - SW_LATENCY_SUB) % SW_LATENCY_SUB;
  int64_t lo = (int64_t)(SW_LATENCY_SUB + sub) << shift;
  return lo + ((int64_t)1 << shift) / 2;
}

void sw_latency_add(struct sw_latency_hist *h, int64_t us, uint32_t times)
{
  unsigned b = sw_latency_bucket(us);
  /* A bucket saturates rather than wrapping: 4 billion samples of one
   * hour cannot happen, a merged year of a busy rule still fits. */
  h->n[b] = h->n[b] > UINT32_MAX - times ? UINT32_MAX : h->n[b] + times;
  h->count += times;
}

/* The nearest rank of percentile p among `count` samples (at least 1). */
static uint64_t rank_of(double p, uint64_t count)
{
  double exact = p / 100.0 * (double)count;
  uint64_t rank = (uint64_t)exact;
  rank += (double)rank < exact; /* ceil without libm */
  return rank < 1 ? 1 : rank;
}

void sw_latency_percentiles(const struct sw_latency_hist *h, const double *p, size_t n,
                            int64_t *out)
{
  size_t i = 0;
  uint64_t seen = 0;
  for (unsigned b = 0; h->count && i < n && b < SW_LATENCY_BUCKETS; b++) {
    seen += h->n[b];
    while (i < n && seen >= rank_of(p[i], h->count))
      out[i++] = sw_latency_bucket_mid(b);
  }
  /* Empty, or saturated buckets made the sum fall short of count. */
  int64_t last = -1;
  for (unsigned b = SW_LATENCY_BUCKETS; h->count && i < n && b-- > 0;)
    if (h->n[b]) {
      last = sw_latency_bucket_mid(b);
      break;
    }
  for (; i < n; i++)
    out[i] = last;
}

int64_t sw_latency_percentile(const struct sw_latency_hist *h, double p)
{
  int64_t v;
  sw_latency_percentiles(h, &p, 1, &v);
  return v;
}

void sw_step_latency_add_check(struct sw_step_latency *s, const struct sw_check_result *c)
{
  for (int i = 0; i < SW_STEP_COUNT; i++) {
    if (c->step_us[i] < 0 || (c->outcome != SW_OUTCOME_OK && i == (int)c->step))
      continue;
    sw_latency_add(&s->step[i], c->step_us[i], 1);
  }
}

static void put_varint(struct sw_buf *out, enum sw_error *err, uint64_t v)
{
  unsigned char b[10];
  size_t n = 0;
  do {
    b[n] = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v)
      b[n] |= 0x80;
    n++;
  } while (v);
  sw_buf_append_sticky(out, err, b, n);
}

enum sw_error sw_step_latency_encode(const struct sw_step_latency *s, struct sw_buf *out)
{
  enum sw_error err = SW_E_OK;
  for (int i = 0; i < SW_STEP_COUNT; i++) {
    const struct sw_latency_hist *h = &s->step[i];
    if (h->count == 0)
      continue;
    unsigned pairs = 0;
    for (unsigned b = 0; b < SW_LATENCY_BUCKETS; b++)
      pairs += h->n[b] != 0;
    const char *name = sw_step_name((enum sw_step)i);
    unsigned char len = (unsigned char)strlen(name);
    sw_buf_append_sticky(out, &err, &len, 1);
    sw_buf_append_sticky(out, &err, name, len);
    put_varint(out, &err, pairs);
    unsigned last = 0;
    for (unsigned b = 0; b < SW_LATENCY_BUCKETS; b++) {
      if (!h->n[b])
        continue;
      put_varint(out, &err, b - last);
      put_varint(out, &err, h->n[b]);
      last = b;
    }
  }
  return err;
}

struct reader {
  const unsigned char *p, *end;
};

static bool get_varint(struct reader *r, uint64_t *v)
{
  *v = 0;
  for (unsigned shift = 0; shift < 64 && r->p < r->end; shift += 7) {
    unsigned char b = *r->p++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return true;
  }
  return false;
}

/* Reads one step's pairs into h (NULL: a step this build does not know). */
static bool merge_pairs(struct reader *r, struct sw_latency_hist *h)
{
  uint64_t pairs, bucket = 0;
  if (!get_varint(r, &pairs) || pairs > SW_LATENCY_BUCKETS)
    return false;
  for (uint64_t i = 0; i < pairs; i++) {
    uint64_t delta, count;
    if (!get_varint(r, &delta) || !get_varint(r, &count) || count > UINT32_MAX)
      return false;
    bucket += delta;
    if (bucket >= SW_LATENCY_BUCKETS || (i > 0 && delta == 0))
      return false;
    if (!h)
      continue;
    uint32_t n = (uint32_t)count;
    h->n[bucket] = h->n[bucket] > UINT32_MAX - n ? UINT32_MAX : h->n[bucket] + n;
    h->count += n;
  }
  return true;
}

bool sw_step_latency_merge(struct sw_step_latency *s, const void *data, size_t len)
{
  struct reader r = {data, (const unsigned char *)data + len};
  while (r.p < r.end) {
    size_t name_len = *r.p++;
    if (name_len == 0 || (size_t)(r.end - r.p) < name_len)
      return false;
    enum sw_step step;
    bool known = sw_step_from_name((const char *)r.p, name_len, &step);
    r.p += name_len;
    if (!merge_pairs(&r, known ? &s->step[step] : NULL))
      return false;
  }
  return true;
}
