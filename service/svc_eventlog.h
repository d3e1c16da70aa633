/* The service's Event Log: source "SmtpWatch", messages from the message
 * table linked into smtpwatch-svc.exe (messages.mc; ids in the generated
 * messages.h, documented in docs/events.md). Only state changes and
 * problems are logged, never every check. In console mode each event is
 * also rendered from the same message table and printed to stderr. */
#ifndef SW_SVC_EVENTLOG_H
#define SW_SVC_EVENTLOG_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "messages.h"
#include "sw_macros.h"

/* The event source name, and the registry key Event Viewer reads the
 * message file of the source from. */
#define SW_SVC_EVENT_SOURCE L"SmtpWatch"
#define SW_SVC_EVENT_SOURCE_KEY                                                          \
  L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\SmtpWatch"

/* Most insertion strings a message takes (%1..%12). */
#define SW_SVC_EVENT_MAX_STRINGS 12

/* Opens the event source; with `echo_to_stderr` every event is also printed
 * to stderr as rendered text. Call once, before any sw_svc_event, from the
 * main thread. Failure to open the source is not fatal: events are then
 * only printed (console) or lost, as there is nowhere else to say so. */
void sw_svc_eventlog_open(bool echo_to_stderr);
/* Closes the source; later events are dropped. */
void sw_svc_eventlog_close(void);

/* The event types the source supports (TypesSupported). */
#define SW_SVC_EVENT_TYPES                                                               \
  (EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE)

/* Makes Event Viewer able to render our events: EventMessageFile (this
 * exe's path) and TypesSupported under SW_SVC_EVENT_SOURCE_KEY. Reads them
 * first (every account may) and returns true at once when they are right,
 * as the installer wrote them; only when they are missing or point
 * elsewhere does it write, which needs administrator rights: the service
 * runs as LocalService and does not have them. Then it returns false with
 * *win_error set (ERROR_ACCESS_DENIED) and nothing changed; callers must
 * not treat that as a failure of the service (docs/security.md). */
bool sw_svc_eventlog_register(DWORD *win_error);

/* Test seam for sw_svc_eventlog_register: another key (root and subkey)
 * and another way to open it for writing, e.g. one that fails with
 * ERROR_ACCESS_DENIED as it does for LocalService on Windows (Wine
 * enforces no registry ACL). Zero: the real ones. Not thread-safe; tests
 * set it before anything runs. */
struct sw__svc_eventlog_seam {
  HKEY root;
  const wchar_t *subkey;
  LSTATUS (*create)(HKEY root, const wchar_t *subkey, HKEY *key);
};
extern struct sw__svc_eventlog_seam sw__svc_eventlog_seam;

/* Reports event `id` (an SW_MSG_* id, severity bits included: they choose
 * the event type) with `count` UTF-8 insertion strings (%1..%count; NULL
 * means "", and '%' shows as SW_SVC_EVENT_PERCENT). Thread-safe; never
 * fails visibly. */
void sw_svc_event(DWORD id, unsigned count, const char *const *strings);
/* sw_svc_event with the strings as arguments. */
#define SW_SVC_EVENT(id, ...)                                                            \
  sw_svc_event((id), SW_COUNTOF(((const char *[]){__VA_ARGS__})),                        \
               (const char *[]){__VA_ARGS__})

/* An event's insertion strings that need formatting (numbers, sentences),
 * written into one scratch area instead of a buffer and an snprintf each:
 *   struct sw_svc_args a = {0};
 *   SW_SVC_EVENT(id, sw_svc_arg(&a, "%zu", n), sw_svc_arg(&a, "%s.", why));
 * Each string lives as long as `a`. One that does not fit is cut short
 * (the area holds several times what any message takes). The caller's
 * thread; `a` is its own. */
struct sw_svc_args {
  char text[4096];
  size_t used;
};
const char *sw_svc_arg(struct sw_svc_args *a, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3))); /* stdio.h: %zu, %lld */

/* What stands for '%' in insertion strings: U+FF05 FULLWIDTH PERCENT SIGN.
 * Event Viewer expands insertion codes ("%1", "%%1", "%{S-1-...}") that
 * appear inside inserted text, recursively and with no escape ([MS-EVEN]
 * 3.2.4.1.5), so a server's "%%1" in a reply would be shown as some other
 * text. Every insert loses its '%' characters at one place
 * (sw_svc_event_inserts), for Event Viewer, the console echo and the
 * store's copy alike; the text still reads "100％". */
#define SW_SVC_EVENT_PERCENT L'\xFF05'

/* The insertion strings of an event as ReportEventW gets them: `count`
 * UTF-8 strings (NULL means "") to UTF-16 heap copies in wide[0..count-1],
 * every '%' replaced by SW_SVC_EVENT_PERCENT. An entry is NULL if memory
 * ran out (callers show it as ""); free them with sw_svc_event_inserts_free.
 * Thread-safe. */
void sw_svc_event_inserts(unsigned count, const char *const *strings, wchar_t **wide);
/* Frees what sw_svc_event_inserts made and sets each entry to NULL. */
void sw_svc_event_inserts_free(unsigned count, wchar_t **wide);

/* The text of event `id` with UTF-8 insertion strings, as Event Viewer
 * shows it (line breaks "\r\n", the inserts made by sw_svc_event_inserts),
 * in UTF-8 for the store's copy of the event. The caller frees it; NULL if the id is not
 * in the table or memory ran out. Thread-safe. */
char *sw_svc_event_text(DWORD id, unsigned count, const char *const *strings);

/* sw_svc_event and sw_svc_event_text at once, the inserts converted once:
 * reports event `id` and returns its text (the caller frees it; NULL as
 * for sw_svc_event_text). For the service loop, which keeps a copy of
 * every event it logs. Thread-safe. */
char *sw_svc_event_logged(DWORD id, unsigned count, const char *const *strings);

/* Renders event `id` with UTF-16 insertion strings from the message table of
 * `module` (NULL: this exe) into `out` (UTF-16, NUL-terminated, line breaks
 * as "\r\n"). Returns false, with `out` empty, if the id is not in the
 * table. Thread-safe. */
bool sw_svc_event_render(HMODULE module, DWORD id, unsigned count,
                         const wchar_t *const *strings, wchar_t *out, size_t cap);

#endif
