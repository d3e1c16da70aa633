/* oauth_check: SMTP checks with AUTH XOAUTH2 through one check engine, the
 * token fetched by the client credentials flow (engine_oauth.c), as the
 * service runs them: one engine, the process's token cache, checks one
 * after another with a pause between them (test_oauth.py counts the token
 * endpoint's requests to see the cache keep, and let go of, a token).
 *
 *   oauth_check HOST PORT USER TOKEN_URL CLIENT_ID SECRET_FILE SCOPE
 *               [--checks N] [--pause-ms MS] [--tls MODE] [--timeout-ms N]
 *
 * The client secret is read from SECRET_FILE (its first line), never from
 * the command line. For each check prints its result as JSON (result_json.h)
 * on one line, then "outcome=NAME". Exit status 0 when every check was OK,
 * 1 when one was not, 2 on bad arguments or setup errors. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "result_json.h"

struct outcome {
  bool done, ok;
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct outcome *o = ctx;
  struct sw_buf json;
  sw_buf_init(&json, 0);
  enum sw_nagios_status status = sw_nagios_status(r, -1, -1);
  if (sw_result_to_json(r, "xoauth2", 0, status, &json) == SW_E_OK)
    printf("%s\n", sw_buf_str(&json));
  sw_buf_free(&json);
  printf("outcome=%s\n", sw_outcome_name(r->outcome));
  fflush(stdout);
  o->done = true;
  o->ok = r->outcome == SW_OUTCOME_OK;
}

/* The file's first line, without its line end; NULL if unread. */
static char *read_secret(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *s = calloc(1, SW_OAUTH_FIELD_MAX + 2);
  if (s && !fgets(s, SW_OAUTH_FIELD_MAX + 2, f))
    s[0] = '\0';
  fclose(f);
  if (s)
    s[strcspn(s, "\r\n")] = '\0';
  return s;
}

static int usage(void)
{
  fprintf(stderr,
          "usage: oauth_check HOST PORT USER TOKEN_URL CLIENT_ID SECRET_FILE SCOPE "
          "[--checks N] [--pause-ms MS] [--tls MODE] [--timeout-ms N]\n");
  return 2;
}

int main(int argc, char **argv)
{
  if (argc < 8)
    return usage();
  struct sw_check_spec spec = {.host = argv[1],
                               .port = (uint16_t)atoi(argv[2]),
                               .timeout_ms = 20000,
                               .ehlo_name = "client.example",
                               .tls_mode = SW_TLS_REQUIRE_STARTTLS,
                               .auth = {.user = argv[3], .mech = SW_AUTH_MECH_XOAUTH2}};
  long checks = 1, pause_ms = 0;
  for (int i = 8; i < argc; i++) {
    bool more = i + 1 < argc;
    if (!strcmp(argv[i], "--checks") && more)
      checks = atol(argv[++i]);
    else if (!strcmp(argv[i], "--pause-ms") && more)
      pause_ms = atol(argv[++i]);
    else if (!strcmp(argv[i], "--tls") && more &&
             sw_tls_mode_from_name(argv[i + 1], &spec.tls_mode))
      i++;
    else if (!strcmp(argv[i], "--timeout-ms") && more)
      spec.timeout_ms = (uint32_t)atol(argv[++i]);
    else
      return usage();
  }
  char *secret = read_secret(argv[6]);
  if (!secret) {
    fprintf(stderr, "oauth_check: cannot read the secret file\n");
    return 2;
  }
  struct sw_oauth_client client = {.token_url = argv[4],
                                   .client_id = argv[5],
                                   .client_secret = secret,
                                   .scope = argv[7]};
  spec.oauth = &client;

  struct sw_engine *engine;
  unsigned long win_error = 0;
  if (sw_engine_create(&engine, &win_error) != SW_E_OK) {
    fprintf(stderr, "oauth_check: no engine (error %lu)\n", win_error);
    return 2;
  }
  bool all_ok = true;
  enum sw_error err = SW_E_OK;
  for (long i = 0; i < checks && !err; i++) {
    if (i > 0 && pause_ms > 0)
      Sleep((DWORD)pause_ms);
    struct outcome o = {0};
    err = sw_engine_submit(engine, &spec, on_done, &o);
    if (!err)
      err = sw_engine_run(engine, SW_RUN_UNTIL_IDLE);
    if (!err && !o.done)
      err = SW_E_SYSTEM; /* NEVER: the callback runs before the loop goes idle */
    all_ok = all_ok && o.ok;
  }
  sw_engine_destroy(engine);
  SecureZeroMemory(secret, strlen(secret));
  free(secret);
  if (err) {
    fprintf(stderr, "oauth_check: the engine failed: %s\n", sw_error_text(err));
    return 2;
  }
  return all_ok ? 0 : 1;
}
