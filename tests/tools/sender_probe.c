/* sender_probe: the alert senders of common/win called once from the
 * command line, for tests/integration/test_alert_senders.py (a webhook
 * receiver and services are easier to run from Python than from C) and
 * for the checks on a real Windows (docs/windows-verification.md).
 *
 *   sender_probe webhook URL BODY_FILE NOTIFICATION_ID TIMEOUT_MS
 *   sender_probe restart SERVICE_NAME TIMEOUT_MS
 *   sender_probe protect TEXT BLOB_FILE     (DPAPI, for this account)
 *   sender_probe unprotect BLOB_FILE
 *
 * Prints the result, one "key: value" line each (values are one line):
 *   webhook: delivered, status, response, error
 *   restart: restarted, old_pid, new_pid, error
 *   unprotect: secret (the text), error; protect: error
 * Exit status 0 when it was delivered / restarted / done, 1 when not, 2
 * usage.
 * The URL is never printed. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "service_restart.h"
#include "webhook_post.h"
#include "win_text.h"

static int webhook(char **argv) /* UTF-8 */
{
  FILE *f = fopen(argv[3], "rb");
  if (!f) {
    fprintf(stderr, "sender_probe: cannot read %s\n", argv[3]);
    return 2;
  }
  static char body[1 << 16];
  size_t len = fread(body, 1, sizeof body, f);
  fclose(f);
  struct sw_webhook_request req = {argv[2], body, len, argv[4],
                                   (uint32_t)strtoul(argv[5], NULL, 10)};
  struct sw_webhook_result r;
  bool ok = sw_webhook_post(&req, &r);
  printf("delivered: %s\nstatus: %d\nresponse: %s\nerror: %s\n", ok ? "yes" : "no",
         r.http_status, r.response, r.error);
  return ok ? 0 : 1;
}

static int restart(char **argv)
{
  struct sw_service_restart_result r;
  bool ok = sw_service_restart(argv[2], (uint32_t)strtoul(argv[3], NULL, 10), &r);
  printf("restarted: %s\nold_pid: %lu\nnew_pid: %lu\nerror: %s\n", ok ? "yes" : "no",
         r.old_pid, r.new_pid, r.error);
  return ok ? 0 : 1;
}

static int protect(char **argv)
{
  unsigned char *blob = NULL;
  size_t len = 0;
  char why[256] = "";
  bool ok = sw_secret_protect(argv[2], strlen(argv[2]), &blob, &len, why, sizeof why);
  FILE *f = ok ? fopen(argv[3], "wb") : NULL;
  ok = f && fwrite(blob, 1, len, f) == len;
  if (f)
    ok = fclose(f) == 0 && ok;
  printf("error: %s\n", why[0] || ok ? why : "could not write the file");
  free(blob);
  return ok ? 0 : 1;
}

static int unprotect(char **argv)
{
  static unsigned char blob[1 << 16];
  FILE *f = fopen(argv[2], "rb");
  size_t len = f ? fread(blob, 1, sizeof blob, f) : 0;
  if (f)
    fclose(f);
  unsigned char *plain = NULL;
  size_t plain_len = 0;
  char why[256] = "";
  bool ok = f && sw_secret_unprotect(blob, len, &plain, &plain_len, why, sizeof why);
  printf("secret: %s\nerror: %s\n", ok ? (char *)plain : "",
         f ? why : "could not read the file");
  sw_secret_free(plain, plain_len);
  return ok ? 0 : 1;
}

static int run(int argc, char **argv)
{
  if (argc == 6 && !strcmp(argv[1], "webhook"))
    return webhook(argv);
  if (argc == 4 && !strcmp(argv[1], "restart"))
    return restart(argv);
  if (argc == 4 && !strcmp(argv[1], "protect"))
    return protect(argv);
  if (argc == 3 && !strcmp(argv[1], "unprotect"))
    return unprotect(argv);
  fprintf(stderr, "usage: sender_probe webhook URL BODY_FILE ID TIMEOUT_MS\n"
                  "       sender_probe restart SERVICE_NAME TIMEOUT_MS\n"
                  "       sender_probe protect TEXT BLOB_FILE | unprotect BLOB_FILE\n");
  return 2;
}

int wmain(int argc, wchar_t **wargv)
{
  char *argv[8] = {0};
  for (int i = 0; i < argc && i < 8; i++)
    argv[i] = sw_utf8_dup(wargv[i]); /* the process ends soon after */
  return run(argc < 8 ? argc : 0, argv);
}
