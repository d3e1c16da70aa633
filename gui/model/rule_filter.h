/* The editor's filter box: what the user typed, parsed once into words
 * and states, then matched against each row of the rule list.
 *
 * What an administrator types (README, "The rule list's filter"):
 *   mx1            rules whose name or host contains "mx1" (ASCII letters in
 *                  either case)
 *   relay mx1      both words, each in the name or the host
 *   state:critical rules in that state; several with commas
 *                  (state:warning,critical) or several state: words
 *   state:problem  WARNING, CRITICAL or UNKNOWN: what needs attention
 * The states are ok, warning, critical, unknown, pending (not checked yet)
 * and disabled, as the list's State column shows them. Words and states
 * combine: "state:critical mx" is the critical rules on an mx host.
 *
 * Portable C11 (no windows.h). Texts are UTF-8; a filter owns no memory. */
#ifndef SW_RULE_FILTER_H
#define SW_RULE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#define SW_RULE_FILTER_TEXT_MAX 256 /* octets of what was typed */
#define SW_RULE_FILTER_WORDS_MAX 16

struct sw_rule_filter {
  char folded[SW_RULE_FILTER_TEXT_MAX + 1];    /* the words, ASCII lower case,
                                                  each NUL-terminated */
  const char *words[SW_RULE_FILTER_WORDS_MAX]; /* into `folded` */
  size_t word_count;
  unsigned states; /* bits (1u << SW_RULE_ICON_*) a row may have; 0: any */
};

/* A filter that lets every row through. */
void sw_rule_filter_init(struct sw_rule_filter *f);

/* Parses `typed` (NULL is "") into *f. Returns true; or false with a
 * sentence in why[size] ("Unknown state "foo": use ok, warning, ...") and
 * *f as after sw_rule_filter_init, so the list shows everything while the
 * user is still typing a state. */
bool sw_rule_filter_parse(struct sw_rule_filter *f, const char *typed, char *why,
                          size_t size);

/* True if the filter lets every row through. */
bool sw_rule_filter_is_empty(const struct sw_rule_filter *f);

/* Whether a row with this name, host and state icon (an enum sw_rule_icon)
 * passes: every word is in the name or the host, and the state is one of
 * the filter's (if it names any). NULL texts are "". */
bool sw_rule_filter_match(const struct sw_rule_filter *f, const char *name,
                          const char *host, unsigned icon);

#endif
