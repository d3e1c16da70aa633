/* The rule list's filter (rule_filter.h). Parsing happens once per
 * keystroke; matching once per row, so it allocates nothing and folds the
 * row's texts as it compares: 100,000 rows are a few milliseconds. */
#include "rule_filter.h"

#include <stdio.h>
#include <string.h>

#include "rule_rows.h"
#include "sw_macros.h"

#define STATE_PREFIX "state:"

static unsigned char fold(unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static const struct {
  const char *name;
  unsigned bits;
} state_names[] = {
    {"ok", 1u << SW_RULE_ICON_OK},
    {"warning", 1u << SW_RULE_ICON_WARNING},
    {"critical", 1u << SW_RULE_ICON_CRITICAL},
    {"unknown", 1u << SW_RULE_ICON_UNKNOWN},
    {"pending", 1u << SW_RULE_ICON_PENDING},
    {"disabled", 1u << SW_RULE_ICON_DISABLED},
    {"problem", (1u << SW_RULE_ICON_WARNING) | (1u << SW_RULE_ICON_CRITICAL) |
                    (1u << SW_RULE_ICON_UNKNOWN)},
};

void sw_rule_filter_init(struct sw_rule_filter *f)
{
  memset(f, 0, sizeof *f);
}

bool sw_rule_filter_is_empty(const struct sw_rule_filter *f)
{
  return f->word_count == 0 && f->states == 0;
}

/* A filter that cannot be parsed lets every row through (the caller says
 * why). */
static bool fail(struct sw_rule_filter *f)
{
  sw_rule_filter_init(f);
  return false;
}

/* Adds the states of "warning,critical" (folded, NUL-terminated; it is cut
 * at each comma in place). False, with *bad the unknown name, if one is not
 * a state. */
static bool add_states(struct sw_rule_filter *f, char *list, const char **bad)
{
  for (char *name = list; name;) {
    char *comma = strchr(name, ',');
    if (comma)
      *comma = '\0';
    unsigned bits = 0;
    for (size_t i = 0; i < SW_COUNTOF(state_names) && !bits; i++)
      if (!strcmp(name, state_names[i].name))
        bits = state_names[i].bits;
    if (!bits && name[0]) {
      *bad = name;
      return false;
    }
    f->states |= bits;
    name = comma ? comma + 1 : NULL;
  }
  return true;
}

bool sw_rule_filter_parse(struct sw_rule_filter *f, const char *typed, char *why,
                          size_t size)
{
  sw_rule_filter_init(f);
  if (size)
    why[0] = '\0';
  const char *in = typed ? typed : "";
  if (strlen(in) > SW_RULE_FILTER_TEXT_MAX) {
    snprintf(why, size, "The filter is too long: at most %d characters.",
             SW_RULE_FILTER_TEXT_MAX);
    return fail(f);
  }
  size_t n = 0;
  for (; in[n]; n++) /* spaces and tabs end words */
    f->folded[n] =
        in[n] == ' ' || in[n] == '\t' ? '\0' : (char)fold((unsigned char)in[n]);
  f->folded[n] = '\0';
  for (size_t at = 0; at < n; at++) {
    char *word = &f->folded[at];
    if (!word[0])
      continue;
    at += strlen(word);
    const char *bad = NULL;
    if (!strncmp(word, STATE_PREFIX, strlen(STATE_PREFIX))) {
      if (add_states(f, word + strlen(STATE_PREFIX), &bad))
        continue;
      snprintf(why, size,
               "Unknown state \"%s\": use ok, warning, critical, unknown, pending, "
               "disabled or problem.",
               bad);
      return fail(f);
    }
    if (f->word_count == SW_RULE_FILTER_WORDS_MAX) {
      snprintf(why, size, "The filter has too many words: at most %d.",
               SW_RULE_FILTER_WORDS_MAX);
      return fail(f);
    }
    f->words[f->word_count++] = word;
  }
  return true;
}

/* Is folded `word` in `text`, ASCII letters of text in either case? */
static bool contains(const char *text, const char *word)
{
  const unsigned char *t = (const unsigned char *)text;
  const unsigned char *w = (const unsigned char *)word;
  for (; *t; t++) {
    if (fold(*t) != w[0])
      continue;
    size_t i = 1;
    while (w[i] && fold(t[i]) == w[i])
      i++;
    if (!w[i])
      return true;
  }
  return false;
}

bool sw_rule_filter_match(const struct sw_rule_filter *f, const char *name,
                          const char *host, unsigned icon)
{
  if (f->states && !(f->states & (1u << icon)))
    return false;
  for (size_t i = 0; i < f->word_count; i++)
    if (!contains(name ? name : "", f->words[i]) &&
        !contains(host ? host : "", f->words[i]))
      return false;
  return true;
}
