/* send_mail: one alert mail through the check engine, as the service's
 * e-mail notifier will send it: the message made by mail_message.c
 * (sw_mail_message_write, then sw_mail_data_payload for DATA), the engine's
 * dialogue with AUTH and the envelope, the relay's answer. For the tests
 * (test_send_mail.py reads what the SMTP server received).
 *
 *   send_mail HOST PORT FROM TO[,TO...] SUBJECT ID BODY_FILE
 *             [--tls none|starttls|require-starttls|implicit] [--insecure]
 *             [--auth-user USER [--auth-mech plain|login|cram-md5]]
 *             [--allow-plaintext-auth] [--body-repeat N] [--timeout-ms N]
 *
 * Arguments are taken as UTF-16 and used as UTF-8, as the service has them.
 * The password comes from the environment variable SEND_MAIL_PASSWORD,
 * never from the command line. Prints the result as JSON (result_json.h)
 * and then "accepted=yes" or "accepted=no"; exit status 0 when the relay
 * accepted the mail, 1 when not, 2 on bad arguments or setup errors. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "mail_message.h"
#include "result_json.h"
#include "win_text.h"

#define MAX_TO 16

struct outcome {
  bool done, accepted;
};

static void on_done(void *ctx, struct sw_check_result *r)
{
  struct outcome *o = ctx;
  struct sw_buf json;
  sw_buf_init(&json, 0);
  enum sw_nagios_status status = sw_nagios_status(r, -1, -1);
  if (sw_result_to_json(r, "relay", 0, status, &json) == SW_E_OK)
    printf("%s\n", sw_buf_str(&json));
  sw_buf_free(&json);
  o->done = true;
  o->accepted = r->message_accepted;
  printf("accepted=%s\n", r->message_accepted ? "yes" : "no");
}

/* The whole file, NUL-terminated, repeated `times` times; NULL if unread. */
static char *read_body(const char *path, long times)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  struct sw_buf one, all;
  sw_buf_init(&one, 0);
  sw_buf_init(&all, 0);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    sw_buf_append(&one, chunk, n);
  fclose(f);
  for (long i = 0; i < times; i++)
    sw_buf_append(&all, one.data ? one.data : "", one.len);
  sw_buf_free(&one);
  sw_buf_append(&all, "", 0);
  return all.data ? sw_buf_take(&all) : calloc(1, 1);
}

static int usage(void)
{
  fprintf(stderr, "usage: send_mail HOST PORT FROM TO[,TO...] SUBJECT ID BODY_FILE "
                  "[--tls MODE] [--insecure] [--auth-user USER] [--auth-mech MECH] "
                  "[--allow-plaintext-auth] [--body-repeat N] [--timeout-ms N]\n");
  return 2;
}

static int run(int argc, char **argv)
{
  if (argc < 8)
    return usage();
  struct sw_check_spec spec = {.host = argv[1],
                               .port = (uint16_t)atoi(argv[2]),
                               .timeout_ms = 20000,
                               .ehlo_name = "client.example"};
  long repeat = 1;
  for (int i = 8; i < argc; i++) {
    bool more = i + 1 < argc;
    if (!strcmp(argv[i], "--tls") && more &&
        sw_tls_mode_from_name(argv[i + 1], &spec.tls_mode))
      i++;
    else if (!strcmp(argv[i], "--insecure"))
      spec.tls_insecure = true;
    else if (!strcmp(argv[i], "--auth-user") && more)
      spec.auth.user = argv[++i];
    else if (!strcmp(argv[i], "--auth-mech") && more &&
             sw_auth_mech_from_name(argv[i + 1], &spec.auth.mech))
      i++;
    else if (!strcmp(argv[i], "--allow-plaintext-auth"))
      spec.auth.allow_plaintext = true;
    else if (!strcmp(argv[i], "--body-repeat") && more)
      repeat = atol(argv[++i]);
    else if (!strcmp(argv[i], "--timeout-ms") && more)
      spec.timeout_ms = (uint32_t)atol(argv[++i]);
    else
      return usage();
  }
  spec.auth.password = getenv("SEND_MAIL_PASSWORD");

  const char *to[MAX_TO];
  size_t to_count = 0;
  for (char *t = strtok(argv[4], ","); t && to_count < MAX_TO; t = strtok(NULL, ","))
    to[to_count++] = t;
  char *body = read_body(argv[7], repeat);
  if (!body) {
    fprintf(stderr, "send_mail: cannot read %s\n", argv[7]);
    return 2;
  }
  struct sw_mail_message m = {.from = argv[3],
                              .to = to,
                              .to_count = to_count,
                              .subject = argv[5],
                              .body = body,
                              .id = argv[6],
                              .host = "client.example",
                              .date = 1800000000};
  struct sw_buf text, payload;
  sw_buf_init(&text, 0);
  sw_buf_init(&payload, 0);
  if (sw_mail_message_write(&m, &text) != SW_E_OK ||
      sw_mail_data_payload(text.data, text.len, &payload) != SW_E_OK) {
    fprintf(stderr, "send_mail: the message could not be made\n");
    return 2;
  }
  spec.mail = (struct sw_dialogue_mail){.from = argv[3],
                                        .to = to,
                                        .to_count = to_count,
                                        .message = payload.data,
                                        .message_len = payload.len};

  struct sw_engine *engine;
  unsigned long win_error = 0;
  if (sw_engine_create(&engine, &win_error) != SW_E_OK) {
    fprintf(stderr, "send_mail: no engine (error %lu)\n", win_error);
    return 2;
  }
  struct outcome o = {0};
  enum sw_error err = sw_engine_submit(engine, &spec, on_done, &o);
  if (!err)
    err = sw_engine_run(engine, SW_RUN_UNTIL_IDLE);
  sw_engine_destroy(engine);
  sw_buf_free(&text);
  sw_buf_free(&payload);
  free(body);
  if (err || !o.done) {
    fprintf(stderr, "send_mail: the engine failed: %s\n", sw_error_text(err));
    return 2;
  }
  return o.accepted ? 0 : 1;
}

/* The UTF-16 command line as UTF-8 (a subject keeps every character). */
int wmain(int argc, wchar_t **wargv)
{
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  if (!argv)
    return 2;
  for (int i = 0; i < argc; i++)
    if (!(argv[i] = sw_utf8_dup(wargv[i])))
      return 2;
  return run(argc, argv);
}
