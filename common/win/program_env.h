/* The environment a notifier's program gets: the service's own, with the
 * notification's variables (SMTPWATCH_RULE_ID, ...) added, as the UTF-16
 * block CreateProcessW takes with CREATE_UNICODE_ENVIRONMENT. */
#ifndef SW_PROGRAM_ENV_H
#define SW_PROGRAM_ENV_H

#include <stddef.h>
#include <wchar.h>

/* A new environment block (free() it): the entries of `base` (a block as
 * GetEnvironmentStringsW gives it, "NAME=value\0...\0\0"; NULL for none)
 * whose names none of `pairs` has, then the `count` pairs ("NAME=value",
 * UTF-8; where two name the same variable, the last wins), sorted by name
 * as CreateProcess asks ("Changing Environment Variables": alphabetically,
 * case-insensitive, Unicode order, without regard to locale; names compare
 * case-insensitively, so "Path" in `base` gives way to "PATH" in `pairs`).
 * Entries of `base` whose name starts with '=' (a drive's current
 * folder, "=C:=C:\...") are kept and sort first. NULL with a sentence in
 * why[why_size] when a pair has no '=' or an empty name, or memory runs
 * out. Any thread. */
wchar_t *sw_program_env_block(const wchar_t *base, const char *const *pairs, size_t count,
                              char *why, size_t why_size);

#endif
