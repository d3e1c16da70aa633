/* probe_tool: the round trip's portable pieces from a shell, for the
 * real-server rig's test (tests/integration/test_mailbox_rig.py):
 *   probe_tool build RULE NONCE FROM TO ID_DOMAIN UNIX_TIME +HHMM
 *       writes the probe (common/mailbox/probe_message.c) to stdout
 *   probe_tool hops            reads a header block on stdin; one line a
 *       hop, oldest first: "from=F by=B with=W time=T delay=D"
 *       (W with spaces as '_'; T Unix seconds or '-'; D "N s",
 *       "clock_skew" or '?')
 *   probe_tool auth-results    reads a header block on stdin; prints
 *       "authserv-id=ID spf=V dkim=V dmarc=V" of its topmost
 *       Authentication-Results:, or exits 1 if there is none
 * Exit status 0, 1 for bad input (with a sentence on stderr), 2 for usage. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_results.h"
#include "probe_message.h"
#include "received_hops.h"
#include "sw_buf.h"

#define INPUT_LIMIT (1024 * 1024)

static int usage(void)
{
  fputs("usage: probe_tool build RULE NONCE FROM TO ID_DOMAIN UNIX_TIME +HHMM\n"
        "       probe_tool hops < HEADER\n"
        "       probe_tool auth-results < HEADER\n",
        stderr);
  return 2;
}

/* "+0100" / "-0530" into minutes east of UTC. */
static int parse_offset(const char *s, int *minutes)
{
  if (strlen(s) != 5 || (s[0] != '+' && s[0] != '-'))
    return 0;
  for (int i = 1; i < 5; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  int hhmm = atoi(s + 1);
  *minutes = (s[0] == '-' ? -1 : 1) * (hhmm / 100 * 60 + hhmm % 100);
  return 1;
}

static int build(char **argv)
{
  struct sw_probe_message p = {.rule = argv[0],
                               .nonce = argv[1],
                               .from = argv[2],
                               .to = argv[3],
                               .id_domain = argv[4]};
  char *end;
  p.date = strtoll(argv[5], &end, 10);
  if (*end || !parse_offset(argv[6], &p.utc_offset_min))
    return usage();
  struct sw_buf out;
  char why[256];
  sw_buf_init(&out, 0);
  enum sw_error err = sw_probe_message_write(&p, &out, why, sizeof why);
  if (err)
    fprintf(stderr, "probe_tool: %s\n",
            err == SW_E_INVALID_ARGUMENT ? why : sw_error_text(err));
  else
    fwrite(out.data, 1, out.len, stdout);
  sw_buf_free(&out);
  return err ? 1 : 0;
}

/* All of stdin, up to INPUT_LIMIT. */
static int read_input(struct sw_buf *in)
{
  char chunk[4096];
  size_t n;
  sw_buf_init(in, INPUT_LIMIT);
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (sw_buf_append(in, chunk, n))
      return 0;
  return 1;
}

static void print_word(const char *s)
{
  if (!*s)
    s = "-";
  for (; *s; s++)
    putchar(*s == ' ' ? '_' : *s);
}

static int hops(void)
{
  struct sw_buf in;
  static struct sw_received_hops h;
  if (!read_input(&in) || sw_received_hops_parse(in.data, in.len, &h)) {
    sw_buf_free(&in);
    fputs("probe_tool: out of memory\n", stderr);
    return 1;
  }
  for (size_t i = 0; i < h.count; i++) {
    char delay[32];
    sw_received_hop_delay_text(&h.hop[i], delay, sizeof delay);
    fputs("from=", stdout);
    print_word(h.hop[i].from);
    fputs(" by=", stdout);
    print_word(h.hop[i].by);
    fputs(" with=", stdout);
    print_word(h.hop[i].with);
    if (h.hop[i].has_time)
      printf(" time=%" PRId64, h.hop[i].time);
    else
      fputs(" time=-", stdout);
    fputs(" delay=", stdout);
    print_word(delay);
    putchar('\n');
  }
  sw_buf_free(&in);
  return 0;
}

static int auth_results(void)
{
  struct sw_buf in;
  struct sw_auth_results ar;
  enum sw_error err = SW_E_OK;
  int ok = read_input(&in) && sw_auth_results_find(in.data, in.len, NULL, &ar, &err);
  sw_buf_free(&in);
  if (!ok) {
    fputs("probe_tool: no Authentication-Results: that parses\n", stderr);
    return 1;
  }
  printf("authserv-id=%s spf=%s dkim=%s dmarc=%s\n",
         ar.authserv_id[0] ? ar.authserv_id : "-", sw_auth_verdict_name(ar.spf),
         sw_auth_verdict_name(ar.dkim), sw_auth_verdict_name(ar.dmarc));
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 9 && strcmp(argv[1], "build") == 0)
    return build(argv + 2);
  if (argc == 2 && strcmp(argv[1], "hops") == 0)
    return hops();
  if (argc == 2 && strcmp(argv[1], "auth-results") == 0)
    return auth_results();
  return usage();
}
