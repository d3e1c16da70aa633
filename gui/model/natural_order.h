/* The order people expect of names with numbers in them (Explorer's):
 * runs of digits compare as numbers ("relay 9" before "relay 10",
 * "10.0.0.9" before "10.0.0.10"), ASCII letters case-insensitively, other
 * bytes (UTF-8 sequences) by value. The rule list sorts its text columns
 * so (rule_rows.h).
 *
 * Sorting 100,000 rows compares texts some 1.7 million times; most
 * comparisons are settled by a 32-byte key made once per row
 * (sw_natural_key): keys that differ are in the texts' order, and only
 * texts whose keys are equal need sw_natural_cmp.
 *
 * Portable C11. Texts are UTF-8; NULL is "". */
#ifndef SW_NATURAL_ORDER_H
#define SW_NATURAL_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_NATURAL_KEY_BYTES 32
#define SW_NATURAL_KEY_WORDS (SW_NATURAL_KEY_BYTES / 8)

/* <0, 0 or >0 as `a` comes before, with or after `b`. */
int sw_natural_cmp(const char *a, const char *b);

/* The first SW_NATURAL_KEY_BYTES of a byte string whose plain byte order
 * (memcmp) is the order above: folded bytes as they are, a run of digits
 * as '0', its length without leading zeros, then those digits, zeros after
 * the end. As big-endian 64-bit numbers, key[0] first: if two texts' keys
 * differ, they compare as their keys do. Returns true if the key holds
 * the whole text, and then in *used (may be NULL) how many of its bytes
 * (the rest are zeros): two such texts with equal keys are equal in this
 * order (without asking sw_natural_cmp, which must decide otherwise). */
bool sw_natural_key(const char *s, uint64_t key[SW_NATURAL_KEY_WORDS], size_t *used);

/* ASCII letters in lower case, every other byte as it is. */
unsigned sw_natural_fold(unsigned c);

#endif
