/* A check's per-step times as text, "resolve=12;connect=345;greeting=6789"
 * (microseconds, steps reached only, in SW_STEP_MAP order): how the store
 * keeps them and the pipe carries them, so a step added later needs no
 * schema or protocol change. */
#ifndef SW_STEP_TIMES_H
#define SW_STEP_TIMES_H

#include <stdbool.h>
#include <stddef.h>

#include "check_result.h"

/* Enough for every step at 20 digits. */
#define SW_STEP_TIMES_MAX (SW_STEP_COUNT * 40)

/* Writes r->step_us as text into out (at least SW_STEP_TIMES_MAX bytes). */
void sw_step_times_format(const struct sw_check_result *r, char *out, size_t size);
/* Sets r->step_us from `text`; entries this build does not know (a newer
 * step) or cannot read are skipped: they are diagnostics, not data to fail
 * on. Steps not named keep their value. */
void sw_step_times_parse(const char *text, size_t len, struct sw_check_result *r);

#endif
