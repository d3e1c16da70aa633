/* libFuzzer target for DNS answers (common/domain/dns_message.c): what any
 * DNS server, or anyone who can spoof one, may send the checker. The
 * input is the answer; the query it answers is taken from the input's own
 * id and first question (when that is a plain name of a type we ask), so
 * that the fuzzer gets past the header and question checks to the
 * records. Invariants: no crash, no read outside the input (ASan); what
 * parses has its counts, names and data inside the answer struct, every
 * name NUL-terminated, a sentence that fits. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_message.h"

/* Checked whatever NDEBUG says. */
#define CHECK(x)                                                                         \
  do {                                                                                   \
    if (!(x))                                                                            \
      abort();                                                                           \
  } while (0)

/* The question at data[12] as dotted text, and its type; false if it is
 * not a plain name of a type we ask (then "example.test", A). */
static void question_of(const uint8_t *data, size_t size, char *name,
                        enum sw_dns_type *type)
{
  size_t pos = 12, o = 0;
  strcpy(name, "example.test");
  *type = SW_DNS_A;
  while (pos < size && data[pos] != 0) {
    size_t n = data[pos];
    if (n > 63 || pos + 1 + n > size || o + n + 1 > 253)
      return;
    for (size_t i = 0; i < n; i++) {
      char c = (char)data[pos + 1 + i];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        return;
    }
    o += n + 1;
    pos += 1 + n;
  }
  if (o == 0 || pos + 3 > size)
    return;
  enum sw_dns_type t = (enum sw_dns_type)(data[pos + 1] << 8 | data[pos + 2]);
  if (!sw_dns_type_name(t))
    return;
  *type = t;
  o = 0;
  for (size_t p = 12; data[p] != 0; p += 1 + data[p]) {
    if (o > 0)
      name[o++] = '.';
    memcpy(name + o, data + p + 1, data[p]);
    o += data[p];
  }
  name[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct sw_dns_answer a;
  struct sw_dns_query q;
  char name[260], why[256], sentence[2048];
  enum sw_dns_type type;
  question_of(data, size, name, &type);
  uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
  CHECK(sw_dns_query_build(&q, name, type, id, why, sizeof why));
  uint8_t *copy = malloc(size ? size : 1); /* exactly the input: ASan sees past it */
  memcpy(copy, data, size);
  bool ok = sw_dns_answer_parse(copy, size, &q, &a, why, sizeof why);
  free(copy);
  if (!ok) {
    CHECK(strlen(why) > 0 && strlen(why) < sizeof why);
    return 0;
  }
  CHECK(a.nrecords <= SW_DNS_RECORDS_MAX && a.data_len <= SW_DNS_DATA_MAX);
  CHECK(a.cname_hops >= 0 && a.cname_hops <= SW_DNS_CNAME_HOPS_MAX);
  CHECK(strlen(a.canonical) < SW_DNS_NAME_TEXT_MAX);
  for (size_t i = 0; i < a.nrecords; i++) {
    const struct sw_dns_record *r = &a.records[i];
    CHECK(r->type == type);
    size_t len;
    const uint8_t *d = sw_dns_record_data(&a, r, &len);
    if (d)
      CHECK(d >= a.data && d + len < a.data + a.data_len + 1 && d[len] == 0);
    const char *n = sw_dns_record_name(&a, r);
    CHECK(memchr(n, 0, SW_DNS_NAME_TEXT_MAX) != NULL);
  }
  sw_dns_answer_sentence(&a, &q, sentence, sizeof sentence);
  CHECK(strlen(sentence) > 0);
  return 0;
}
