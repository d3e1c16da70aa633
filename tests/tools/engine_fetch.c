/* engine_fetch: the engine's pieces for issue 18's domain checks from a
 * shell, for test_engine_fetch.py:
 *
 *   engine_fetch policy DOMAIN [--dns-server ADDR[:PORT]] [--port N]
 *                [--timeout-ms N]
 *       fetches DOMAIN's MTA-STS policy (sw_engine_https_get) and prints
 *       "key=value" lines: outcome, http_status, content_type, location,
 *       verified, cert_outcome, peer, body_len, detail; then "body:" and
 *       the body as it came.
 *   engine_fetch chain HOST PORT [--tls starttls|implicit] [--insecure]
 *                [--advisory] [--no-chain] [--timeout-ms N]
 *       one SMTP check with want_chain (unless --no-chain) and, with
 *       --advisory, tls_trust_advisory; prints outcome, detail, verified,
 *       cert_judged, cert_outcome, cert_detail, chain (the count, or
 *       "none"), chain_truncated, then "cert I HEX" for each certificate's
 *       DER.
 *
 * Exit status 0 when it ran (whatever the outcome), 2 on bad arguments or
 * an engine that could not start. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_https.h"

static int usage(void)
{
  fputs("usage: engine_fetch policy DOMAIN [--dns-server S] [--port N] [--timeout-ms N]\n"
        "       engine_fetch chain HOST PORT [--tls starttls|implicit] [--insecure]\n"
        "                    [--advisory] [--no-chain] [--timeout-ms N]\n",
        stderr);
  return 2;
}

static void on_policy(void *ctx, const struct sw_https_get_result *r)
{
  (void)ctx;
  printf("outcome=%s\nhttp_status=%d\ncontent_type=%s\nlocation=%s\nverified=%d\n"
         "cert_outcome=%s\npeer=%s\nurl=%s\nbody_len=%zu\ndetail=%s\n",
         sw_https_outcome_name(r->outcome), r->http_status, r->content_type, r->location,
         r->tls->verified ? 1 : 0, sw_outcome_name(r->cert_outcome), r->peer, r->url,
         r->body_len, r->detail);
  fputs("body:\n", stdout);
  if (r->body)
    fwrite(r->body, 1, r->body_len, stdout);
  fflush(stdout);
}

static void on_check(void *ctx, struct sw_check_result *r)
{
  (void)ctx;
  printf("outcome=%s\ndetail=%s\nverified=%d\ncert_judged=%d\ncert_outcome=%s\n"
         "cert_detail=%s\n",
         sw_outcome_name(r->outcome), r->detail, r->tls.verified ? 1 : 0,
         r->cert_judged ? 1 : 0, sw_outcome_name(r->cert_outcome), r->cert_detail);
  if (!r->chain) {
    printf("chain=none\n");
  } else {
    printf("chain=%zu\nchain_truncated=%d\n", r->chain->count,
           r->chain->truncated ? 1 : 0);
    for (size_t i = 0; i < r->chain->count; i++) {
      printf("cert %zu ", i);
      for (size_t k = 0; k < r->chain->certs[i].len; k++)
        printf("%02x", r->chain->certs[i].der[k]);
      printf("\n");
    }
  }
  fflush(stdout);
}

/* "--name VALUE" at argv[*i]: VALUE, moving past it; NULL if not this one. */
static const char *option(int argc, char **argv, int *i, const char *name)
{
  if (strcmp(argv[*i], name) != 0 || *i + 1 >= argc)
    return NULL;
  *i += 1;
  return argv[*i];
}

static int policy(struct sw_engine *e, int argc, char **argv)
{
  struct sw_https_get_spec spec = {0};
  char host[300], why[300];
  if (!sw_https_get_spec_mta_sts(&spec, argv[2], host, sizeof host, why, sizeof why)) {
    fprintf(stderr, "engine_fetch: %s\n", why);
    return 2;
  }
  for (int i = 3; i < argc; i++) {
    const char *v;
    if ((v = option(argc, argv, &i, "--dns-server")) != NULL)
      spec.dns_server = v;
    else if ((v = option(argc, argv, &i, "--port")) != NULL)
      spec.port = (uint16_t)atoi(v);
    else if ((v = option(argc, argv, &i, "--timeout-ms")) != NULL)
      spec.timeout_ms = (uint32_t)atoi(v);
    else
      return usage();
  }
  if (sw_engine_https_get(e, &spec, on_policy, NULL, why, sizeof why) != SW_E_OK) {
    fprintf(stderr, "engine_fetch: %s\n", why);
    return 2;
  }
  return 0;
}

static int chain(struct sw_engine *e, int argc, char **argv)
{
  if (argc < 4)
    return usage();
  struct sw_check_spec spec = {.host = argv[2],
                               .port = (uint16_t)atoi(argv[3]),
                               .tls_mode = SW_TLS_STARTTLS,
                               .timeout_ms = 10000,
                               .want_chain = true};
  for (int i = 4; i < argc; i++) {
    const char *v;
    if ((v = option(argc, argv, &i, "--tls")) != NULL)
      spec.tls_mode = strcmp(v, "implicit") == 0 ? SW_TLS_IMPLICIT : SW_TLS_STARTTLS;
    else if ((v = option(argc, argv, &i, "--timeout-ms")) != NULL)
      spec.timeout_ms = (uint32_t)atoi(v);
    else if (strcmp(argv[i], "--insecure") == 0)
      spec.tls_insecure = true;
    else if (strcmp(argv[i], "--advisory") == 0)
      spec.tls_trust_advisory = true;
    else if (strcmp(argv[i], "--no-chain") == 0)
      spec.want_chain = false;
    else
      return usage();
  }
  if (sw_engine_submit(e, &spec, on_check, NULL) != SW_E_OK) {
    fputs("engine_fetch: the check could not be submitted\n", stderr);
    return 2;
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 3)
    return usage();
  struct sw_engine *e = NULL;
  unsigned long win_error = 0;
  if (sw_engine_create(&e, &win_error) != SW_E_OK) {
    fprintf(stderr, "engine_fetch: no engine (error %lu)\n", win_error);
    return 2;
  }
  int rc = strcmp(argv[1], "policy") == 0  ? policy(e, argc, argv)
           : strcmp(argv[1], "chain") == 0 ? chain(e, argc, argv)
                                           : usage();
  if (rc == 0)
    sw_engine_run(e, SW_RUN_UNTIL_IDLE);
  sw_engine_destroy(e);
  return rc;
}
