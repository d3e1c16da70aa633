#include "program_env.h"

#include <windows.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "win_error.h"
#include "win_text.h"

/* The length of an entry's name: up to its first '=' past the first
 * character (a drive's "=C:=C:\dir" is named "=C:"). */
static size_t name_len(const wchar_t *entry)
{
  const wchar_t *eq = entry[0] ? wcschr(entry + 1, L'=') : NULL;
  return eq ? (size_t)(eq - entry) : wcslen(entry);
}

static int compare_names(const wchar_t *a, const wchar_t *b)
{
  /* Ordinal (code unit order, no locale) and case-insensitive: what
   * CreateProcess documents for the block's order. */
  return CompareStringOrdinal(a, (int)name_len(a), b, (int)name_len(b), TRUE) -
         CSTR_EQUAL;
}

static int compare_entries(const void *a, const void *b)
{
  return compare_names(*(const wchar_t *const *)a, *(const wchar_t *const *)b);
}

static bool same_name(const wchar_t *a, const wchar_t *b)
{
  return compare_names(a, b) == 0;
}

/* The pairs in UTF-16, checked; NULL with a sentence when one is bad. */
static wchar_t **convert_pairs(const char *const *pairs, size_t count, char *why,
                               size_t why_size)
{
  wchar_t **out = calloc(count ? count : 1, sizeof *out);
  if (!out) {
    sw_win_error_sentence(why, why_size, ERROR_NOT_ENOUGH_MEMORY,
                          "could not build the program's environment");
    return NULL;
  }
  for (size_t i = 0; i < count; i++) {
    const char *eq = strchr(pairs[i], '=');
    if (!eq || eq == pairs[i]) {
      snprintf(why, why_size, "environment entry %zu (\"%.40s\") is not NAME=value",
               i + 1, pairs[i]);
    } else if (!(out[i] = sw_wide_dup(pairs[i]))) {
      sw_win_error_sentence(why, why_size, ERROR_NOT_ENOUGH_MEMORY,
                            "could not build the program's environment");
    }
    if (!out[i]) {
      for (size_t j = 0; j < i; j++)
        free(out[j]);
      free(out);
      return NULL;
    }
  }
  return out;
}

/* Whether `entry` is replaced by one of added[from..count). */
static bool replaced(const wchar_t *entry, wchar_t *const *added, size_t from,
                     size_t count)
{
  for (size_t i = from; i < count; i++)
    if (same_name(entry, added[i]))
      return true;
  return false;
}

wchar_t *sw_program_env_block(const wchar_t *base, const char *const *pairs, size_t count,
                              char *why, size_t why_size)
{
  wchar_t **added = convert_pairs(pairs, count, why, why_size);
  if (!added)
    return NULL;
  size_t base_count = 0;
  for (const wchar_t *e = base; e && *e; e += wcslen(e) + 1)
    base_count++;
  const wchar_t **entries = malloc((base_count + count + 1) * sizeof *entries);
  size_t n = 0, chars = 1; /* the block's final NUL */
  wchar_t *block = NULL;
  if (entries) {
    for (const wchar_t *e = base; e && *e; e += wcslen(e) + 1)
      if (!replaced(e, added, 0, count))
        entries[n++] = e;
    for (size_t i = 0; i < count; i++)
      if (!replaced(added[i], added, i + 1, count)) /* the last one wins */
        entries[n++] = added[i];
    qsort(entries, n, sizeof *entries, compare_entries);
    for (size_t i = 0; i < n; i++)
      chars += wcslen(entries[i]) + 1;
    if (n == 0)
      chars = 2; /* an empty block is two NULs */
    block = malloc(chars * sizeof *block);
  }
  if (block) {
    wchar_t *p = block;
    for (size_t i = 0; i < n; i++) {
      size_t len = wcslen(entries[i]) + 1;
      memcpy(p, entries[i], len * sizeof *p);
      p += len;
    }
    *p = L'\0';
    if (n == 0)
      p[1] = L'\0';
  } else {
    sw_win_error_sentence(why, why_size, ERROR_NOT_ENOUGH_MEMORY,
                          "could not build the program's environment");
  }
  free(entries);
  for (size_t i = 0; i < count; i++)
    free(added[i]);
  free(added);
  return block;
}
