/* The tag lists of the TXT records a domain publishes about its mail
 * transport: "v=STSv1; id=20190429T010101;" at _mta-sts.DOMAIN (RFC 8461
 * 3.1) and "v=TLSRPTv1; rua=mailto:tlsrpt@example.com" at
 * _smtp._tls.DOMAIN (RFC 8460 3). Both are "name=value" fields separated by
 * ";" with optional spaces or tabs around it, the version field first, and
 * both say the same about several TXT records at one name: those that do not
 * start with the version are discarded, and unless exactly one is left the
 * domain publishes no such record. Portable, no allocation. */
#ifndef SW_TXT_TAGS_H
#define SW_TXT_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "name_value.h"

/* One TXT record as the DNS layer hands it over: its character-strings
 * already joined (RFC 7208 3.3's rule, which RFC 8461 and 8460 take). */
struct sw_txt_record {
  const char *text;
  size_t len;
};

/* What a reader found at the name. Everything but OK means that the
 * domain publishes no such record; the others say why. */
enum sw_txt_status {
  SW_TXT_OK,
  SW_TXT_NONE,    /* no record starts with the version */
  SW_TXT_SEVERAL, /* more than one does: both RFCs treat that as none */
  SW_TXT_INVALID, /* the one that does breaks the grammar */
};

/* Reads the one field `key` that the record needs, beside others it
 * tolerates: value[0..len) as found, with no spaces or tabs around it.
 * Returns false with the reason in why[why_size] if it is malformed. */
typedef bool (*sw_txt_field_fn)(void *ctx, const char *value, size_t len, char *why,
                                size_t why_size);

/* Reads the records found at one name (all of them, as the resolver gave
 * them: those not starting with `version`, e.g. "v=STSv1", followed by
 * optional spaces or tabs and ";" or the end, are discarded). Of the one
 * left, the field `key` goes to read(ctx, ...) (the first one: a repeated
 * field is ignored, as both RFCs say); other fields must have a plain
 * value (sw_txt_value_is_plain) and are otherwise ignored; a record
 * without `key` is INVALID. `what` names the record in sentences
 * ("MTA-STS"). Anything but OK comes with a sentence in why[why_size].
 * `records` may be NULL when count is 0. */
enum sw_txt_status sw_txt_read(const struct sw_txt_record *records, size_t count,
                               const char *version, const char *what, const char *key,
                               sw_txt_field_fn read, void *ctx, char *why,
                               size_t why_size);

struct sw_txt_walk {
  const char *p;
  const char *end;
};

void sw_txt_walk_init(struct sw_txt_walk *w, const char *text, size_t len);

/* The next field into *tag (pointing into the record; the value has no
 * spaces or tabs around it): 1 when there was one, 0 at the end of the
 * record, -1 when the record is malformed there (a field without "=", an
 * empty field or value, a name that is not (ALPHA / DIGIT) *31(ALPHA /
 * DIGIT / "_" / "-" / ".")), with the reason in why[why_size]. Values are
 * not checked here: each record's grammar is its reader's. */
int sw_txt_walk_next(struct sw_txt_walk *w, struct sw_name_value *tag, char *why,
                     size_t why_size);

/* Whether the field's name is exactly `name` (case-sensitive: both RFCs
 * spell their names with %s"..."). */
bool sw_txt_tag_is(const struct sw_name_value *tag, const char *name);

/* Whether every octet of value[0..len) is one of %x21-3A / %x3C / %x3E-7E
 * (printable, no space, "=" or ";"): the value of an extension field in
 * both RFCs. */
bool sw_txt_value_is_plain(const char *value, size_t len);

/* How many octets of a record a sentence quotes at most. */
#define SW_TXT_QUOTE_MAX 40

/* text[0..len) for a sentence, into out[size] (always terminated when size
 * > 0): octets outside printable ASCII become "?" (a record comes from the
 * network), and past SW_TXT_QUOTE_MAX octets it is cut, ending in "...". */
void sw_txt_quote(char *out, size_t size, const char *text, size_t len);

#endif
