#include "secret_file.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_requests.h" /* sw_manage_password_line */
#include "smtp_auth.h"      /* sw_auth_wipe */
#include "win_error.h"
#include "win_text.h"

/* The most of a secret file read: a secret is one short line. */
#define SECRET_FILE_MAX 4096

void *sw_cli_open_file(const char *path, const char *prefix, char *why, size_t size)
{
  wchar_t *wpath = sw_wide_dup(path);
  HANDLE h = wpath ? CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ, NULL,
                                 OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL)
                   : INVALID_HANDLE_VALUE;
  DWORD err = wpath ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
  free(wpath);
  if (h == INVALID_HANDLE_VALUE) {
    sw_win_error_sentence(why, size, err, "%scould not open %s", prefix, path);
    return NULL;
  }
  return h;
}

char *sw_cli_read_secret_file(const char *option, const char *path, char *why,
                              size_t size)
{
  char prefix[64];
  snprintf(prefix, sizeof prefix, "--%s: ", option);
  HANDLE h = sw_cli_open_file(path, prefix, why, size);
  if (!h)
    return NULL;
  char data[SECRET_FILE_MAX];
  DWORD got = 0;
  BOOL ok = ReadFile(h, data, sizeof data, &got, NULL);
  DWORD err = GetLastError();
  CloseHandle(h);
  char *secret = NULL;
  if (!ok) {
    sw_win_error_sentence(why, size, err, "--%s: could not read %s", option, path);
  } else if (got == sizeof data && !memchr(data, '\n', got) && !memchr(data, '\r', got)) {
    /* Not a secret: read no further than a secret could be. */
    snprintf(why, size,
             "--%s %s: the first line is longer than %u bytes: is it the right file?",
             option, path, (unsigned)SECRET_FILE_MAX);
  } else {
    char line_why[200];
    secret = sw_manage_password_line(data, got, line_why, sizeof line_why);
    if (!secret)
      snprintf(why, size, "--%s %s: %s", option, path, line_why);
  }
  sw_auth_wipe(data, sizeof data);
  return secret;
}

char *sw_cli_secret_from_env(const wchar_t *name)
{
  DWORD n = GetEnvironmentVariableW(name, NULL, 0);
  if (n <= 1)
    return NULL;
  wchar_t *w = malloc(n * sizeof *w);
  if (!w)
    return NULL;
  DWORD got = GetEnvironmentVariableW(name, w, n);
  char *utf8 = got && got < n ? sw_utf8_dup(w) : NULL;
  SecureZeroMemory(w, n * sizeof *w);
  free(w);
  return utf8;
}
