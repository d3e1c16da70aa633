/* Secrets for the command line come from files, never from the command
 * line itself, where other users of the machine could read them (and, for
 * one-shot checks, from SMTPWATCH_AUTH_PASSWORD). */
#ifndef SW_SECRET_FILE_H
#define SW_SECRET_FILE_H

#include <stddef.h>

/* The first line of the file `path` (UTF-8; without its CR/LF and byte
 * order mark), in a copy to wipe and free. NULL, with a sentence that names
 * `option` and the file in why[size], if it cannot be read, is longer than
 * a secret could be, or holds no secret on its first line. */
char *sw_cli_read_secret_file(const char *option, const char *path, char *why,
                              size_t size);

/* The environment variable `name` as UTF-8, in a copy to wipe and free;
 * NULL if it is not set, or is empty. */
/* Opens `path` (UTF-8) for reading: a HANDLE, or NULL with the sentence
 * "<prefix>could not open PATH: <why>" in why[size]. CloseHandle it. */
void *sw_cli_open_file(const char *path, const char *prefix, char *why, size_t size);

char *sw_cli_secret_from_env(const wchar_t *name);

#endif
