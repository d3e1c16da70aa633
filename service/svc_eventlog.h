/* The service's Event Log: source "SmtpWatch", messages from the message
 * table linked into smtpwatch-svc.exe (messages.mc; ids in the generated
 * messages.h, documented in docs/events.md). Only state changes and
 * problems are logged, never every check. In console mode each event is
 * also rendered from the same message table and printed to stderr. */
#ifndef SW_SVC_EVENTLOG_H
#define SW_SVC_EVENTLOG_H

#include <windows.h>

#include <stdbool.h>

#include "messages.h"

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

/* Makes Event Viewer able to render our events: writes EventMessageFile
 * (this exe's path) and TypesSupported under SW_SVC_EVENT_SOURCE_KEY when
 * they are missing or point elsewhere. Needs administrator rights (the
 * service has them; a console run may not: then it returns false and sets
 * *win_error, and nothing else changes). The installer writes the same
 * values; doing it here too keeps an `sc create` installation readable. */
bool sw_svc_eventlog_register(DWORD *win_error);

/* Reports event `id` (an SW_MSG_* id, severity bits included: they choose
 * the event type) with `count` UTF-8 insertion strings (%1..%count; NULL
 * means ""). Thread-safe; never fails visibly. */
void sw_svc_event(DWORD id, unsigned count, const char *const *strings);
/* sw_svc_event with the strings as arguments. */
#define SW_SVC_EVENT(id, ...)                                                            \
  sw_svc_event((id), sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *),       \
               (const char *[]){__VA_ARGS__})

/* The text of event `id` with UTF-8 insertion strings, as Event Viewer
 * shows it (line breaks "\r\n"), in UTF-8 for the store's copy of the
 * event. The caller frees it; NULL if the id is not in the table or memory
 * ran out. Thread-safe. */
char *sw_svc_event_text(DWORD id, unsigned count, const char *const *strings);

/* Renders event `id` with UTF-16 insertion strings from the message table of
 * `module` (NULL: this exe) into `out` (UTF-16, NUL-terminated, line breaks
 * as "\r\n"). Returns false, with `out` empty, if the id is not in the
 * table. Thread-safe. */
bool sw_svc_event_render(HMODULE module, DWORD id, unsigned count,
                         const wchar_t *const *strings, wchar_t *out, size_t cap);

#endif
