/* DNS messages (RFC 1035) for the domain checks: the query we send and the
 * answer we read back. Sans-IO: bytes in, bytes out; the transport
 * (common/win/engine_dns.c, c-ares) only moves them.
 *
 * The query is ours, so that what it asks is known: recursion desired, and
 * the AD bit with an EDNS0 OPT record whose DO bit is set, so that a
 * validating resolver says whether it authenticated the answer (RFC 6840
 * 5.7: a resolver sets AD in a reply only if the query had AD or DO set).
 *
 * The answer is read as far as a mail check needs: the header's flags and
 * RCODE, the question (it must be the query's), and the records of the
 * asked type that belong to the asked name, or to the name its CNAME chain
 * in the answer leads to. Everything has a bound: names as RFC 1035 2.3.4
 * limits them, compression pointers only backwards (no loops), at most
 * SW_DNS_RECORDS_MAX records and SW_DNS_DATA_MAX bytes of names, TXT and
 * TLSA data, all in the answer struct itself (no allocation). Anything
 * malformed is refused with a sentence that says what. */
#ifndef SW_DNS_MESSAGE_H
#define SW_DNS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_macros.h"

/* A name as text, its labels joined by dots, without the final dot: 253
 * characters for host names; bytes other than letters, digits, '-' and
 * '_' in an answer's names are written \DDD (RFC 4343), hence the room. */
#define SW_DNS_NAME_TEXT_MAX 1024
/* Header (12), the name (255), type and class (4), the OPT record (11). */
#define SW_DNS_QUERY_MAX 282
/* Records of the asked type kept from one answer; more are counted. */
#define SW_DNS_RECORDS_MAX 32
/* The bytes of one answer's MX and CNAME names, TXT and TLSA data. */
#define SW_DNS_DATA_MAX 16384
/* CNAMEs followed within one answer. */
#define SW_DNS_CNAME_HOPS_MAX 8
/* The UDP payload size our OPT record offers (the 2020 DNS flag day's). */
#define SW_DNS_UDP_PAYLOAD 1232

/* The record types a mail check asks for: enumerator, RR type value,
 * name. */
#define SW_DNS_TYPE_MAP(X)                                                               \
  X(SW_DNS_A, 1, "A")                                                                    \
  X(SW_DNS_CNAME, 5, "CNAME")                                                            \
  X(SW_DNS_MX, 15, "MX")                                                                 \
  X(SW_DNS_TXT, 16, "TXT")                                                               \
  X(SW_DNS_AAAA, 28, "AAAA")                                                             \
  X(SW_DNS_TLSA, 52, "TLSA")

enum sw_dns_type { SW_DNS_TYPE_MAP(SW_X_ENUM_VALUE) };

/* "MX" and friends; NULL for a type not in the map. */
const char *sw_dns_type_name(enum sw_dns_type type);
/* The type named `name` ("MX", "mx", ...); false if none is. */
bool sw_dns_type_from_name(const char *name, enum sw_dns_type *type);

/* A query, ready to send as it is (over TCP with the 2-byte length
 * first). */
struct sw_dns_query {
  uint16_t id;
  enum sw_dns_type type;
  char name[SW_DNS_NAME_TEXT_MAX]; /* as given, without a final dot */
  size_t len;
  uint8_t bytes[SW_DNS_QUERY_MAX];
};

/* Builds the query for `name` (UTF-8 text; a final dot is allowed;
 * labels of 1-63 letters, digits, '-' or '_', 253 characters at most: an
 * internationalised name in its xn-- form) and `type`, with `id`, RD and
 * AD set, and an EDNS0 OPT record with DO. False, with a sentence in
 * why[size], if the name cannot be asked. */
bool sw_dns_query_build(struct sw_dns_query *q, const char *name, enum sw_dns_type type,
                        uint16_t id, char *why, size_t size);

/* What the answer says about the name, once it is read. */
enum sw_dns_result {
  SW_DNS_RESULT_RECORDS,  /* RCODE NOERROR with records of the type */
  SW_DNS_RESULT_NODATA,   /* NOERROR, the name exists, no record of the type */
  SW_DNS_RESULT_NXDOMAIN, /* RCODE NXDOMAIN: the name does not exist */
  SW_DNS_RESULT_FAILED    /* another RCODE (SERVFAIL, REFUSED, ...) */
};

/* One record of the asked type. Names and data live in the answer's
 * `data` (sw_dns_record_name, sw_dns_record_data). */
struct sw_dns_record {
  enum sw_dns_type type;
  uint32_t ttl;
  union {
    uint8_t a[4];     /* A, network order */
    uint8_t aaaa[16]; /* AAAA */
    uint16_t mx_preference;
    struct {
      uint8_t usage, selector, matching_type;
    } tlsa; /* and the certificate association data in `data` */
  };
  /* MX: the exchange ("" for the root: a null MX, RFC 7505); CNAME: the
   * target. An offset into the answer's data, NUL-terminated. */
  size_t name_off;
  /* TXT: its character-strings joined without separators (RFC 7208 3.3,
   * RFC 8461 3.1); TLSA: the association data. Offset and length in the
   * answer's data (followed by a NUL for TXT's sake). */
  size_t data_off, data_len;
};

/* An answer, read. Large (about 26 KB): allocate it, or keep one. */
struct sw_dns_answer {
  uint16_t id;
  bool qr, aa, tc, rd, ra, ad, cd; /* the header's flags */
  uint8_t rcode;                   /* the header's RCODE (4 bits) */
  enum sw_dns_result result;
  /* The name the records belong to: the query's name, or the end of the
   * CNAME chain the answer gives for it (cname_hops links). */
  char canonical[SW_DNS_NAME_TEXT_MAX];
  int cname_hops;
  /* MX: the only record is the root with preference 0 (RFC 7505 3). */
  bool null_mx;
  size_t nrecords;
  size_t dropped; /* records of the type past SW_DNS_RECORDS_MAX */
  struct sw_dns_record records[SW_DNS_RECORDS_MAX];
  size_t data_len;
  uint8_t data[SW_DNS_DATA_MAX];
};

/* Reads the answer msg[0..len) to query `q` into `out`. True if it is a
 * well-formed answer to that query (whatever its RCODE: see out->result);
 * false, with a sentence in why[size], if it is not: too short, cut, a
 * name or record that breaks RFC 1035's limits, another id or question, a
 * truncated answer (TC) not retried over TCP, more data than the answer
 * struct holds. */
bool sw_dns_answer_parse(const uint8_t *msg, size_t len, const struct sw_dns_query *q,
                         struct sw_dns_answer *out, char *why, size_t size);

/* A record's MX exchange or CNAME target; "" for other types. */
const char *sw_dns_record_name(const struct sw_dns_answer *a,
                               const struct sw_dns_record *r);
/* A record's TXT text or TLSA data, its length in *len; NULL (and 0) for
 * other types. */
const uint8_t *sw_dns_record_data(const struct sw_dns_answer *a,
                                  const struct sw_dns_record *r, size_t *len);

/* "NOERROR", "SERVFAIL", ...; "RCODE 12" style for others, into buf. */
const char *sw_dns_rcode_name(uint8_t rcode, char *buf, size_t size);

/* A sentence for a result other than RECORDS, for a user: "mx.example.com
 * has no MX record", "example.com does not exist (NXDOMAIN)", "the DNS
 * server answered SERVFAIL for TLSA _25._tcp.mx.example.com". */
void sw_dns_answer_sentence(const struct sw_dns_answer *a, const struct sw_dns_query *q,
                            char *buf, size_t size);

#endif
