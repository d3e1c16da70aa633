/* Event Log reporting for smtpwatch-svc.exe: ReportEventW with insertion
 * strings under the source "SmtpWatch", plus the registry values that let
 * Event Viewer find our message table, plus the console echo. */
#include "svc_eventlog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_out.h"
#include "sw_buf.h"
#include "sw_macros.h"
#include "win_text.h"

static HANDLE source;
static bool echo;
static CRITICAL_SECTION echo_lock; /* keeps each printed event in one piece */

void sw_svc_eventlog_open(bool echo_to_stderr)
{
  InitializeCriticalSection(&echo_lock);
  echo = echo_to_stderr;
  source = RegisterEventSourceW(NULL, SW_SVC_EVENT_SOURCE);
}

void sw_svc_eventlog_close(void)
{
  if (source)
    DeregisterEventSource(source);
  source = NULL;
}

/* The path of this exe; false if it does not fit. */
static bool own_path(wchar_t *out, DWORD cap)
{
  DWORD n = GetModuleFileNameW(NULL, out, cap);
  return n > 0 && n < cap;
}

/* The real registry; tests replace it (svc_eventlog.h). */
static LSTATUS create_key(HKEY root, const wchar_t *subkey, HKEY *key)
{
  return RegCreateKeyExW(root, subkey, 0, NULL, 0, KEY_SET_VALUE, NULL, key, NULL);
}

struct sw__svc_eventlog_seam sw__svc_eventlog_seam;

/* True if `key` already makes Event Viewer find this exe's messages:
 * EventMessageFile names `exe` (after expanding %variables%, as Event
 * Viewer does) and TypesSupported has our three types. */
static bool registered(HKEY key, const wchar_t *exe)
{
  wchar_t current[MAX_PATH * 2], expanded[MAX_PATH * 2];
  DWORD size = sizeof current - sizeof(wchar_t), type = 0;
  if (RegQueryValueExW(key, L"EventMessageFile", NULL, &type, (BYTE *)current, &size) !=
          ERROR_SUCCESS ||
      (type != REG_SZ && type != REG_EXPAND_SZ))
    return false;
  current[size / sizeof(wchar_t)] = L'\0';
  DWORD n = ExpandEnvironmentStringsW(current, expanded, MAX_PATH * 2);
  if (n == 0 || n > MAX_PATH * 2 || _wcsicmp(expanded, exe) != 0)
    return false;
  DWORD types = 0;
  size = sizeof types;
  return RegQueryValueExW(key, L"TypesSupported", NULL, &type, (BYTE *)&types, &size) ==
             ERROR_SUCCESS &&
         type == REG_DWORD && types == SW_SVC_EVENT_TYPES;
}

bool sw_svc_eventlog_register(DWORD *win_error)
{
  *win_error = ERROR_SUCCESS;
  const struct sw__svc_eventlog_seam *seam = &sw__svc_eventlog_seam;
  HKEY root = seam->root ? seam->root : HKEY_LOCAL_MACHINE;
  const wchar_t *subkey = seam->subkey ? seam->subkey : SW_SVC_EVENT_SOURCE_KEY;
  wchar_t exe[MAX_PATH * 2];
  if (!own_path(exe, MAX_PATH * 2)) {
    *win_error = ERROR_INSUFFICIENT_BUFFER;
    return false;
  }
  /* Reading is allowed to every account, LocalService included; writing
   * under HKLM only to administrators and SYSTEM. So look first, and
   * write only when the values are missing or point elsewhere (an
   * `sc create` installation, or a service that moved). */
  HKEY key;
  if (RegOpenKeyExW(root, subkey, 0, KEY_QUERY_VALUE, &key) == ERROR_SUCCESS) {
    bool done = registered(key, exe);
    RegCloseKey(key);
    if (done)
      return true;
  }
  LSTATUS st = (seam->create ? seam->create : create_key)(root, subkey, &key);
  if (st != ERROR_SUCCESS) {
    *win_error = (DWORD)st;
    return false;
  }
  st = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
                      (DWORD)((wcslen(exe) + 1) * sizeof(wchar_t)));
  DWORD types = SW_SVC_EVENT_TYPES;
  if (st == ERROR_SUCCESS)
    st = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types,
                        sizeof types);
  RegCloseKey(key);
  *win_error = (DWORD)st;
  return st == ERROR_SUCCESS;
}

bool sw_svc_event_render(HMODULE module, DWORD id, unsigned count,
                         const wchar_t *const *strings, wchar_t *out, size_t cap)
{
  if (cap == 0)
    return false;
  DWORD_PTR args[SW_SVC_EVENT_MAX_STRINGS];
  /* A message may name more inserts than the caller gave: "" stands in, as
   * Event Viewer shows missing ones, instead of reading past the array. */
  for (unsigned i = 0; i < SW_SVC_EVENT_MAX_STRINGS; i++)
    args[i] = (DWORD_PTR)(i < count && strings[i] ? strings[i] : L"");
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                           module ? module : GetModuleHandleW(NULL), id, 0, out,
                           cap > 0xffff ? 0xffff : (DWORD)cap, (va_list *)args);
  if (n == 0) {
    out[0] = L'\0';
    return false;
  }
  /* The message compiler ends every message with a line break. */
  while (n > 0 && (out[n - 1] == L'\n' || out[n - 1] == L'\r'))
    out[--n] = L'\0';
  return true;
}

static WORD event_type(DWORD id)
{
  switch (id >> 30) { /* the severity bits windmc put into the id */
  case STATUS_SEVERITY_ERROR:
    return EVENTLOG_ERROR_TYPE;
  case STATUS_SEVERITY_WARNING:
    return EVENTLOG_WARNING_TYPE;
  default:
    return EVENTLOG_INFORMATION_TYPE;
  }
}

static const char *type_word(WORD type)
{
  return type == EVENTLOG_ERROR_TYPE     ? "ERROR"
         : type == EVENTLOG_WARNING_TYPE ? "WARNING"
                                         : "INFO";
}

/* Prints "smtpwatch-svc: HH:MM:SS TYPE id: text" to stderr, continuation
 * lines indented, in UTF-8; `text` is the rendered event, NULL if it could
 * not be rendered. */
static void echo_event(DWORD id, WORD type, const char *text)
{
  char missing[80];
  if (!text) {
    snprintf(missing, sizeof missing, "(event %lu is not in the message table)",
             (unsigned long)(id & 0xffff));
    text = missing;
  }
  SYSTEMTIME t;
  GetLocalTime(&t);
  /* The whole event in one write (console_out.h). */
  struct sw_buf line;
  sw_buf_init(&line, 0);
  sw_buf_printf(&line, "smtpwatch-svc: %02u:%02u:%02u %s %lu: ", t.wHour, t.wMinute,
                t.wSecond, type_word(type), (unsigned long)(id & 0xffff));
  for (const char *p = text; *p; p++) {
    if (*p == '\r')
      continue;
    sw_buf_append(&line, p, 1);
    if (*p == '\n')
      sw_buf_appends(&line, "    ");
  }
  sw_buf_appends(&line, "\n");
  EnterCriticalSection(&echo_lock);
  sw_console_puts(stderr, sw_buf_str(&line));
  fflush(stderr);
  LeaveCriticalSection(&echo_lock);
  sw_buf_free(&line);
}

void sw_svc_event_inserts(unsigned count, const char *const *strings, wchar_t **wide)
{
  for (unsigned i = 0; i < count; i++) {
    wide[i] = sw_wide_dup(strings[i]);
    /* Event Viewer expands insertion codes found inside inserted text
     * again ([MS-EVEN] 3.2.4.1.5: "%1" takes another insert, "%%1" a
     * parameter string, recursively), and there is no escape. So no '%'
     * may reach an insert: its full-width twin reads the same. */
    for (wchar_t *p = wide[i]; p && *p; p++)
      if (*p == L'%')
        *p = SW_SVC_EVENT_PERCENT;
  }
}

void sw_svc_event_inserts_free(unsigned count, wchar_t **wide)
{
  for (unsigned i = 0; i < count; i++) {
    free(wide[i]);
    wide[i] = NULL;
  }
}

/* Event `id`'s text in UTF-8 (heap) from its UTF-16 inserts; NULL if the id
 * is not in the table or memory ran out. */
static char *render_utf8(DWORD id, unsigned count, const wchar_t *const *args)
{
  enum { CAP = 8192 };
  wchar_t *text = malloc(CAP * sizeof *text);
  char *out = NULL;
  if (text && sw_svc_event_render(NULL, id, count, args, text, CAP))
    out = sw_utf8_dup(text);
  free(text);
  return out;
}

/* The one place an event's inserts become UTF-16: reports the event when
 * `report` (Event Log, console echo) and returns its rendered UTF-8 text
 * when `want_text` (the caller frees it), else NULL. */
static char *event(DWORD id, unsigned count, const char *const *strings, bool report,
                   bool want_text)
{
  if (NEVER(count > SW_SVC_EVENT_MAX_STRINGS))
    count = SW_SVC_EVENT_MAX_STRINGS; /* no message takes more */
  wchar_t *wide[SW_SVC_EVENT_MAX_STRINGS] = {0};
  sw_svc_event_inserts(count, strings, wide);
  const wchar_t *args[SW_SVC_EVENT_MAX_STRINGS] = {0};
  for (unsigned i = 0; i < count; i++)
    args[i] = wide[i] ? wide[i] : L"";
  WORD type = event_type(id);
  if (report && source)
    ReportEventW(source, type, 0, id, NULL, (WORD)count, 0, args, NULL);
  bool echoed = report && echo;
  char *text = want_text || echoed ? render_utf8(id, count, args) : NULL;
  if (echoed)
    echo_event(id, type, text);
  sw_svc_event_inserts_free(count, wide);
  if (!want_text) {
    free(text);
    text = NULL;
  }
  return text;
}

void sw_svc_event(DWORD id, unsigned count, const char *const *strings)
{
  event(id, count, strings, true, false);
}

char *sw_svc_event_text(DWORD id, unsigned count, const char *const *strings)
{
  return event(id, count, strings, false, true);
}

char *sw_svc_event_logged(DWORD id, unsigned count, const char *const *strings)
{
  return event(id, count, strings, true, true);
}

const char *sw_svc_arg(struct sw_svc_args *a, const char *fmt, ...)
{
  if (NEVER(a->used >= sizeof a->text))
    return ""; /* the area is sized for every message's inserts */
  char *out = a->text + a->used;
  size_t room = sizeof a->text - a->used;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, room, fmt, ap);
  va_end(ap);
  size_t len = n < 0 ? 0 : (size_t)n >= room ? room - 1 : (size_t)n;
  out[len] = '\0';
  a->used += len + 1;
  return out;
}
