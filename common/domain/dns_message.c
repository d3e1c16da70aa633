/* DNS queries built and answers read (dns_message.h). Names are compared
 * in their uncompressed wire form, case-insensitively (RFC 4343), and
 * turned into text only when they are kept. */
#include "dns_message.h"

#include <stdio.h>
#include <string.h>

#include "sw_error.h"
#include "sw_names.h"

#define HEADER_LEN 12
#define NAME_WIRE_MAX 255 /* RFC 1035 2.3.4 */
#define LABEL_MAX 63
#define CLASS_IN 1
#define TYPE_OPT 41
#define OPT_DO 0x8000u
/* The second flags byte: RA, Z, AD, CD, then RCODE. */
#define FLAG_QR 0x80u
#define FLAG_AA 0x04u
#define FLAG_TC 0x02u
#define FLAG_RD 0x01u
#define FLAG_RA 0x80u
#define FLAG_AD 0x20u
#define FLAG_CD 0x10u

/* ---- types and RCODEs ------------------------------------------------------ */

static const enum sw_dns_type type_values[] = {SW_DNS_TYPE_MAP(SW_X_1)};
static const char *const type_names[] = {SW_DNS_TYPE_MAP(SW_X_3)};

const char *sw_dns_type_name(enum sw_dns_type type)
{
  for (size_t i = 0; i < SW_COUNTOF(type_values); i++)
    if (type_values[i] == type)
      return type_names[i];
  return NULL;
}

bool sw_dns_type_from_name(const char *name, enum sw_dns_type *type)
{
  char upper[8];
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n >= sizeof upper)
    return false;
  for (size_t i = 0; i <= n; i++)
    upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
  int i = sw_name_index(type_names, SW_COUNTOF(type_names), upper);
  if (i < 0)
    return false;
  *type = type_values[i];
  return true;
}

static const char *const rcode_names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                          "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                          "NXRRSET", "NOTAUTH", "NOTZONE"};

const char *sw_dns_rcode_name(uint8_t rcode, char *buf, size_t size)
{
  if (rcode < SW_COUNTOF(rcode_names))
    return rcode_names[rcode];
  snprintf(buf, size, "RCODE %u", (unsigned)rcode);
  return buf;
}

/* ---- names ----------------------------------------------------------------- */

static bool host_char(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

static unsigned char lower(unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* A name in wire form, uncompressed: length-prefixed labels, then 0. */
struct wire_name {
  size_t len; /* including the final 0 */
  uint8_t b[NAME_WIRE_MAX];
};

static bool wire_equal(const struct wire_name *x, const struct wire_name *y)
{
  if (x->len != y->len)
    return false;
  for (size_t i = 0; i < x->len; i++)
    if (lower(x->b[i]) != lower(y->b[i]))
      return false; /* length octets are < 64, never letters: lowered alike */
  return true;
}

/* Text into wire form; false with a sentence if it is no name we ask. */
static bool wire_from_text(struct wire_name *w, const char *text, char *why, size_t size)
{
  size_t n = strlen(text);
  if (n > 0 && text[n - 1] == '.')
    n--;
  if (n == 0)
    return sw_error_say(why, size, "the name to look up is empty");
  if (n > 253)
    return sw_error_say(why, size,
                        "the name to look up is %u characters long; DNS "
                        "allows 253",
                        (unsigned)n);
  w->len = 0;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && text[i] != '.') {
      if (!host_char((unsigned char)text[i]))
        return sw_error_say(why, size,
                            "the name to look up holds '%c': use letters, digits, '-' "
                            "and '_' (an internationalised name in its xn-- form)",
                            text[i]);
      continue;
    }
    size_t label = i - start;
    if (label == 0)
      return sw_error_say(why, size, "the name to look up has an empty label (\"..\")");
    if (label > LABEL_MAX)
      return sw_error_say(why, size,
                          "a label of the name to look up is %u characters; "
                          "DNS allows 63",
                          (unsigned)label);
    w->b[w->len++] = (uint8_t)label;
    memcpy(w->b + w->len, text + start, label);
    w->len += label;
    start = i + 1;
  }
  w->b[w->len++] = 0;
  return true;
}

/* Reads the possibly compressed name at msg[*pos], moving *pos past its
 * bytes in place. A pointer must point before itself (RFC 1035 4.1.4: "a
 * prior occurance"), which bounds the walk and rules out loops. */
static bool read_name(const uint8_t *msg, size_t len, size_t *pos, struct wire_name *w,
                      char *why, size_t size)
{
  size_t p = *pos;
  bool jumped = false;
  w->len = 0;
  for (;;) {
    if (p >= len)
      return sw_error_say(why, size, "a name runs past the end of the answer");
    uint8_t c = msg[p];
    if ((c & 0xC0) == 0xC0) {
      if (p + 1 >= len)
        return sw_error_say(why, size, "a compression pointer is cut off");
      size_t target = ((size_t)(c & 0x3F) << 8) | msg[p + 1];
      if (target >= p)
        return sw_error_say(why, size,
                            "a compression pointer at byte %u points "
                            "forward (to %u), which could loop",
                            (unsigned)p, (unsigned)target);
      if (!jumped)
        *pos = p + 2;
      jumped = true;
      p = target;
      continue;
    }
    if (c & 0xC0)
      return sw_error_say(why, size,
                          "a name uses label type 0x%02X, which DNS no "
                          "longer defines",
                          c & 0xC0);
    if (w->len + 1u + c > NAME_WIRE_MAX)
      return sw_error_say(why, size, "a name is longer than the 255 bytes DNS allows");
    if (p + 1u + c > len)
      return sw_error_say(why, size, "a label runs past the end of the answer");
    memcpy(w->b + w->len, msg + p, 1u + c);
    w->len += 1u + c;
    p += 1u + c;
    if (c == 0)
      break;
  }
  if (!jumped)
    *pos = p;
  return true;
}

/* The name as text (no final dot; "" for the root), unusual bytes as \DDD.
 * Always fits SW_DNS_NAME_TEXT_MAX: 255 wire bytes make at most 1012. */
static void text_from_wire(const struct wire_name *w, char *out)
{
  size_t o = 0;
  for (size_t i = 0; w->b[i] != 0; i += 1u + w->b[i]) {
    if (o > 0)
      out[o++] = '.';
    for (size_t k = 1; k <= w->b[i]; k++) {
      unsigned char c = w->b[i + k];
      if (host_char(c))
        out[o++] = (char)c;
      else
        o += (size_t)sprintf(out + o, "\\%03u", (unsigned)c);
    }
  }
  out[o] = '\0';
}

/* ---- the query ------------------------------------------------------------- */

static void put16(uint8_t *p, unsigned v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
  return (unsigned)p[0] << 8 | p[1];
}

bool sw_dns_query_build(struct sw_dns_query *q, const char *name, enum sw_dns_type type,
                        uint16_t id, char *why, size_t size)
{
  struct wire_name w;
  if (!name)
    return sw_error_say(why, size, "no name to look up was given");
  if (!sw_dns_type_name(type))
    return sw_error_say(why, size, "record type %d is not one this checker asks for",
                        (int)type);
  if (!wire_from_text(&w, name, why, size))
    return false;
  memset(q, 0, sizeof *q);
  q->id = id;
  q->type = type;
  size_t n = strlen(name);
  memcpy(q->name, name, n);
  if (n > 0 && q->name[n - 1] == '.')
    q->name[n - 1] = '\0';
  uint8_t *p = q->bytes;
  put16(p, id);
  p[2] = FLAG_RD;
  p[3] = FLAG_AD;
  put16(p + 4, 1);  /* QDCOUNT */
  put16(p + 10, 1); /* ARCOUNT: the OPT record */
  p += HEADER_LEN;
  memcpy(p, w.b, w.len);
  p += w.len;
  put16(p, (unsigned)type);
  put16(p + 2, CLASS_IN);
  p += 4;
  /* OPT (RFC 6891 6.1.2): root owner, the payload size as its class,
   * extended RCODE 0 and version 0, then the DO flag, and no options. */
  *p++ = 0;
  put16(p, TYPE_OPT);
  put16(p + 2, SW_DNS_UDP_PAYLOAD);
  put16(p + 4, 0);
  put16(p + 6, OPT_DO);
  put16(p + 8, 0);
  p += 10;
  q->len = (size_t)(p - q->bytes);
  return true;
}

/* ---- resource records ------------------------------------------------------ */

struct rr {
  struct wire_name owner;
  unsigned type, class_;
  uint32_t ttl;
  size_t rdata, rdlen; /* offset and length of the RDATA in the message */
};

/* Walks `count` records from msg[pos]. */
struct rr_walk {
  const uint8_t *msg;
  size_t len, pos;
  unsigned left;
};

/* The next record, or false: none left (why untouched, *done set), or a
 * malformed one (sentence in why). */
static bool rr_next(struct rr_walk *it, struct rr *r, bool *done, char *why, size_t size)
{
  *done = it->left == 0;
  if (*done)
    return false;
  it->left--;
  if (!read_name(it->msg, it->len, &it->pos, &r->owner, why, size))
    return false;
  if (it->len - it->pos < 10)
    return sw_error_say(why, size, "a record is cut off after its name");
  const uint8_t *p = it->msg + it->pos;
  r->type = get16(p);
  r->class_ = get16(p + 2);
  r->ttl = (uint32_t)get16(p + 4) << 16 | get16(p + 6);
  r->rdlen = get16(p + 8);
  r->rdata = it->pos + 10;
  if (r->rdlen > it->len - r->rdata)
    return sw_error_say(why, size,
                        "a record's data (%u bytes) runs past the end of "
                        "the answer",
                        (unsigned)r->rdlen);
  it->pos = r->rdata + r->rdlen;
  return true;
}

/* A name that fills exactly the RDATA of `r` from `at` on. */
static bool rdata_name(const struct rr_walk *it, const struct rr *r, size_t at,
                       struct wire_name *w, char *why, size_t size)
{
  size_t pos = at;
  if (!read_name(it->msg, r->rdata + r->rdlen, &pos, w, why, size))
    return false;
  if (pos != r->rdata + r->rdlen)
    return sw_error_say(why, size, "a %s record has %u bytes after its name",
                        r->type == SW_DNS_MX ? "MX" : "CNAME",
                        (unsigned)(r->rdata + r->rdlen - pos));
  return true;
}

/* ---- the answer ------------------------------------------------------------ */

/* Room for n bytes and a NUL in the answer's data; its offset, or false. */
static bool data_take(struct sw_dns_answer *a, size_t n, size_t *off, char *why,
                      size_t size)
{
  if (n + 1 > sizeof a->data - a->data_len)
    return sw_error_say(why, size,
                        "the answer's names and data exceed the %d bytes this "
                        "checker keeps",
                        SW_DNS_DATA_MAX);
  *off = a->data_len;
  a->data[a->data_len + n] = 0;
  a->data_len += n + 1;
  return true;
}

static bool keep_name(struct sw_dns_answer *a, struct sw_dns_record *rec,
                      const struct wire_name *w, char *why, size_t size)
{
  char text[SW_DNS_NAME_TEXT_MAX];
  text_from_wire(w, text);
  size_t n = strlen(text);
  if (!data_take(a, n, &rec->name_off, why, size))
    return false;
  memcpy(a->data + rec->name_off, text, n);
  return true;
}

/* TXT: the character-strings must fill the RDATA exactly. */
static bool keep_txt(struct sw_dns_answer *a, struct sw_dns_record *rec,
                     const struct rr_walk *it, const struct rr *r, char *why, size_t size)
{
  size_t total = 0;
  for (size_t p = 0; p < r->rdlen; p += 1u + it->msg[r->rdata + p]) {
    size_t n = it->msg[r->rdata + p];
    if (n > r->rdlen - p - 1)
      return sw_error_say(why, size, "a TXT string runs past the end of its record");
    total += n;
  }
  if (!data_take(a, total, &rec->data_off, why, size))
    return false;
  rec->data_len = total;
  uint8_t *out = a->data + rec->data_off;
  for (size_t p = 0; p < r->rdlen; p += 1u + it->msg[r->rdata + p]) {
    size_t n = it->msg[r->rdata + p];
    memcpy(out, it->msg + r->rdata + p + 1, n);
    out += n;
  }
  return true;
}

static bool fixed_size(const struct rr *r, size_t want, const char *what, char *why,
                       size_t size)
{
  if (r->rdlen == want)
    return true;
  return sw_error_say(why, size, "an %s record's data is %u bytes, not %u", what,
                      (unsigned)r->rdlen, (unsigned)want);
}

/* One record of the asked type into out->records. */
static bool keep_record(struct sw_dns_answer *a, const struct rr_walk *it,
                        const struct rr *r, char *why, size_t size)
{
  if (a->nrecords == SW_DNS_RECORDS_MAX) {
    a->dropped++;
    return true;
  }
  struct sw_dns_record *rec = &a->records[a->nrecords];
  memset(rec, 0, sizeof *rec);
  rec->type = (enum sw_dns_type)r->type;
  rec->ttl = r->ttl;
  const uint8_t *d = it->msg + r->rdata;
  struct wire_name w;
  switch (r->type) {
  case SW_DNS_A:
    if (!fixed_size(r, 4, "A", why, size))
      return false;
    memcpy(rec->a, d, 4);
    break;
  case SW_DNS_AAAA:
    if (!fixed_size(r, 16, "AAAA", why, size))
      return false;
    memcpy(rec->aaaa, d, 16);
    break;
  case SW_DNS_MX:
    if (r->rdlen < 3)
      return sw_error_say(why, size, "an MX record's data is %u bytes, too short",
                          (unsigned)r->rdlen);
    rec->mx_preference = (uint16_t)get16(d);
    if (!rdata_name(it, r, r->rdata + 2, &w, why, size) ||
        !keep_name(a, rec, &w, why, size))
      return false;
    break;
  case SW_DNS_CNAME:
    if (!rdata_name(it, r, r->rdata, &w, why, size) || !keep_name(a, rec, &w, why, size))
      return false;
    break;
  case SW_DNS_TXT:
    if (!keep_txt(a, rec, it, r, why, size))
      return false;
    break;
  case SW_DNS_TLSA:
    if (r->rdlen < 3)
      return sw_error_say(why, size, "a TLSA record's data is %u bytes, too short",
                          (unsigned)r->rdlen);
    rec->tlsa.usage = d[0];
    rec->tlsa.selector = d[1];
    rec->tlsa.matching_type = d[2];
    rec->data_len = r->rdlen - 3;
    if (!data_take(a, rec->data_len, &rec->data_off, why, size))
      return false;
    memcpy(a->data + rec->data_off, d + 3, rec->data_len);
    break;
  default:
    SW_NOT_REACHED(); /* only the query's type comes here */
    return true;
  }
  a->nrecords++;
  return true;
}

/* The CNAME whose owner is `from` in the answer section, into `to`: 1
 * found, 0 none, -1 a malformed section (sentence in why). */
static int find_cname(struct rr_walk it, const struct wire_name *from,
                      struct wire_name *to, char *why, size_t size)
{
  struct rr r;
  bool done;
  while (rr_next(&it, &r, &done, why, size))
    if (r.type == SW_DNS_CNAME && r.class_ == CLASS_IN && wire_equal(&r.owner, from))
      return rdata_name(&it, &r, r.rdata, to, why, size) ? 1 : -1;
  return done ? 0 : -1;
}

/* Follows the CNAME chain from the query's name within the answer (unless
 * the query asks for CNAMEs); `name` ends as the chain's last name. */
static bool follow_chain(struct sw_dns_answer *a, const struct rr_walk *answers,
                         enum sw_dns_type type, struct wire_name *name, char *why,
                         size_t size)
{
  struct wire_name seen[SW_DNS_CNAME_HOPS_MAX + 1];
  seen[0] = *name;
  while (type != SW_DNS_CNAME) {
    struct wire_name next;
    int found = find_cname(*answers, name, &next, why, size);
    if (found <= 0)
      return found == 0;
    for (int i = 0; i <= a->cname_hops; i++)
      if (wire_equal(&seen[i], &next))
        return sw_error_say(why, size, "the answer's CNAME records form a loop");
    if (a->cname_hops == SW_DNS_CNAME_HOPS_MAX)
      return sw_error_say(why, size, "the answer's CNAME chain is longer than %d links",
                          SW_DNS_CNAME_HOPS_MAX);
    seen[++a->cname_hops] = next;
    *name = next;
  }
  return true;
}

/* The header into `a`; checks it answers `q`. */
static bool read_header(const uint8_t *msg, size_t len, const struct sw_dns_query *q,
                        struct sw_dns_answer *a, char *why, size_t size)
{
  if (len < HEADER_LEN)
    return sw_error_say(why, size,
                        "the answer is %u bytes long, shorter than a DNS "
                        "header (12)",
                        (unsigned)len);
  a->id = (uint16_t)get16(msg);
  a->qr = msg[2] & FLAG_QR;
  a->aa = msg[2] & FLAG_AA;
  a->tc = msg[2] & FLAG_TC;
  a->rd = msg[2] & FLAG_RD;
  a->ra = msg[3] & FLAG_RA;
  a->ad = msg[3] & FLAG_AD;
  a->cd = msg[3] & FLAG_CD;
  a->rcode = msg[3] & 0x0F;
  if (!a->qr)
    return sw_error_say(why, size, "the message is a query, not an answer (QR is 0)");
  if (a->id != q->id)
    return sw_error_say(why, size, "the answer's id %u is not the query's (%u)",
                        (unsigned)a->id, (unsigned)q->id);
  if ((msg[2] >> 3 & 0x0F) != 0)
    return sw_error_say(why, size, "the answer's opcode is %u, not a standard query's 0",
                        (unsigned)(msg[2] >> 3 & 0x0F));
  if (a->tc)
    return sw_error_say(why, size,
                        "the answer was truncated (TC) and not asked again "
                        "over TCP");
  return true;
}

/* The question section must be the query's, one entry; `pos` moves past
 * it. A server that refuses may echo no question: then it is accepted with
 * no records. */
static bool read_question(const uint8_t *msg, size_t len, size_t *pos,
                          const struct sw_dns_query *q, const struct sw_dns_answer *a,
                          char *why, size_t size)
{
  unsigned qd = get16(msg + 4);
  if (qd == 0 && a->rcode != 0)
    return true;
  if (qd != 1)
    return sw_error_say(why, size, "the answer has %u questions, not the query's one",
                        qd);
  struct wire_name got, want;
  if (!read_name(msg, len, pos, &got, why, size))
    return false;
  if (len - *pos < 4)
    return sw_error_say(why, size, "the answer's question is cut off");
  (void)ALWAYS(wire_from_text(&want, q->name, why, size)); /* built from it */
  if (!wire_equal(&got, &want) || get16(msg + *pos) != (unsigned)q->type ||
      get16(msg + *pos + 2) != CLASS_IN)
    return sw_error_say(why, size, "the answer is for another question than %s %s",
                        sw_dns_type_name(q->type), q->name);
  *pos += 4;
  return true;
}

/* The records of the asked type whose owner is `name`. */
static bool keep_records(struct sw_dns_answer *a, struct rr_walk it,
                         enum sw_dns_type type, const struct wire_name *name, char *why,
                         size_t size)
{
  struct rr r;
  bool done;
  while (rr_next(&it, &r, &done, why, size))
    if (r.type == (unsigned)type && r.class_ == CLASS_IN && wire_equal(&r.owner, name) &&
        !keep_record(a, &it, &r, why, size))
      return false;
  return done;
}

/* What the answer says, from its RCODE and its records. */
static void judge(struct sw_dns_answer *a, enum sw_dns_type type)
{
  if (a->rcode == 3)
    a->result = SW_DNS_RESULT_NXDOMAIN;
  else if (a->rcode != 0)
    a->result = SW_DNS_RESULT_FAILED;
  else
    a->result =
        a->nrecords + a->dropped > 0 ? SW_DNS_RESULT_RECORDS : SW_DNS_RESULT_NODATA;
  a->null_mx = type == SW_DNS_MX && a->nrecords == 1 && a->dropped == 0 &&
               a->records[0].mx_preference == 0 && a->data[a->records[0].name_off] == 0;
}

bool sw_dns_answer_parse(const uint8_t *msg, size_t len, const struct sw_dns_query *q,
                         struct sw_dns_answer *out, char *why, size_t size)
{
  memset(out, 0, offsetof(struct sw_dns_answer, data));
  if (!read_header(msg, len, q, out, why, size))
    return false;
  size_t pos = HEADER_LEN;
  if (!read_question(msg, len, &pos, q, out, why, size))
    return false;
  struct rr_walk answers = {msg, len, pos, get16(msg + 6)};
  struct wire_name name;
  (void)ALWAYS(wire_from_text(&name, q->name, why, size));
  if (!follow_chain(out, &answers, q->type, &name, why, size) ||
      !keep_records(out, answers, q->type, &name, why, size))
    return false;
  text_from_wire(&name, out->canonical);
  judge(out, q->type);
  return true;
}

const char *sw_dns_record_name(const struct sw_dns_answer *a,
                               const struct sw_dns_record *r)
{
  if (r->type != SW_DNS_MX && r->type != SW_DNS_CNAME)
    return "";
  return (const char *)a->data + r->name_off;
}

const uint8_t *sw_dns_record_data(const struct sw_dns_answer *a,
                                  const struct sw_dns_record *r, size_t *len)
{
  if (r->type != SW_DNS_TXT && r->type != SW_DNS_TLSA) {
    *len = 0;
    return NULL;
  }
  *len = r->data_len;
  return a->data + r->data_off;
}

void sw_dns_answer_sentence(const struct sw_dns_answer *a, const struct sw_dns_query *q,
                            char *buf, size_t size)
{
  const char *type = sw_dns_type_name(q->type);
  char rc[16];
  switch (a->result) {
  case SW_DNS_RESULT_RECORDS:
    snprintf(buf, size, "%s has %u %s record%s", a->canonical,
             (unsigned)(a->nrecords + a->dropped), type,
             a->nrecords + a->dropped == 1 ? "" : "s");
    break;
  case SW_DNS_RESULT_NODATA:
    snprintf(buf, size, "%s has no %s record", a->canonical, type);
    break;
  case SW_DNS_RESULT_NXDOMAIN:
    snprintf(buf, size, "%s does not exist (NXDOMAIN)", a->canonical);
    break;
  case SW_DNS_RESULT_FAILED:
    snprintf(buf, size, "the DNS server answered %s for %s %s%s",
             sw_dns_rcode_name(a->rcode, rc, sizeof rc), type, q->name,
             a->rcode == 2 ? " (it could not answer; a validating resolver says so when "
                             "DNSSEC validation fails)"
                           : "");
    break;
  }
}
