#include "check_args.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "sw_utf8.h"

enum opt_id {
  OPT_HOST,
  OPT_PORT,
  OPT_SEND,
  OPT_EXPECT,
  OPT_TIMEOUT,
  OPT_HELO,
  OPT_WARN,
  OPT_CRIT,
  OPT_JSON,
  OPT_VERBOSE,
  OPT_HELP,
  OPT_TLS,
  OPT_INSECURE,
  OPT_CERT_WARN,
  OPT_CERT_CRIT
};

struct opt {
  const char *long_name;
  char short_name; /* 0 if none */
  bool has_value;
  enum opt_id id;
};

/* In enum opt_id order, so that opts[OPT_HOST] is the host option. */
static const struct opt opts[] = {
    {"host", 'H', true, OPT_HOST},
    {"port", 'p', true, OPT_PORT},
    {"send", 's', true, OPT_SEND},
    {"expect", 'e', true, OPT_EXPECT},
    {"timeout-ms", 't', true, OPT_TIMEOUT},
    {"helo", 0, true, OPT_HELO},
    {"warn-ms", 0, true, OPT_WARN},
    {"crit-ms", 0, true, OPT_CRIT},
    {"json", 0, false, OPT_JSON},
    {"verbose", 'v', false, OPT_VERBOSE},
    {"help", 'h', false, OPT_HELP},
    {"tls", 0, true, OPT_TLS},
    {"insecure", 0, false, OPT_INSECURE},
    {"cert-warn-days", 0, true, OPT_CERT_WARN},
    {"cert-crit-days", 0, true, OPT_CERT_CRIT},
};
#define OPT_COUNT (sizeof opts / sizeof opts[0])

/* A check never lasts longer than the longest timeout, so a threshold past
 * it could never be reached and is surely a unit mistake (seconds vs ms). */
#define THRESHOLD_MAX_MS SW_RULE_TIMEOUT_MAX_MS

static const char usage[] =
    "Usage: smtpwatch check HOST [options]\n"
    "\n"
    "Connects to the SMTP server HOST, waits for its greeting, says EHLO, optionally\n"
    "sends one command, and says QUIT. Prints one status line in the Nagios plugin\n"
    "format and exits with 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN).\n"
    "\n"
    "HOST is a DNS name, an IPv4 address, or an IPv6 address (brackets optional).\n"
    "\n"
    "Options:\n"
    "  -p, --port N         TCP port (default 25)\n"
    "  -s, --send CMD       send one SMTP command after EHLO, such as \"NOOP\"\n"
    "  -e, --expect TEXT    the deciding reply (to the command, if one is sent) must\n"
    "                       contain TEXT\n"
    "  -t, --timeout-ms N   time allowed for the whole check, 100 to 300000 ms\n"
    "                       (default 7000)\n"
    "      --helo NAME      name to announce in EHLO: a fully qualified domain\n"
    "                       name, or an address literal such as [192.0.2.1]\n"
    "                       (default: this machine's name)\n"
    "      --warn-ms N      WARNING when the check takes N ms or longer\n"
    "      --crit-ms N      CRITICAL when the check takes N ms or longer\n"
    "      --tls MODE       none (default), starttls (upgrade when the server offers\n"
    "                       it, else go on in plain text), require-starttls (not\n"
    "                       offered is CRITICAL) or implicit (TLS from the first\n"
    "                       byte; the default for port 465)\n"
    "      --insecure       do not validate the certificate's chain and host name\n"
    "                       (its expiry is still checked)\n"
    "      --cert-warn-days N  WARNING when the certificate expires in fewer than\n"
    "                       N days (default 21)\n"
    "      --cert-crit-days N  CRITICAL when it expires in fewer than N days\n"
    "                       (default 7)\n"
    "      --json           print the result as JSON instead of a status line\n"
    "  -v, --verbose        also print the SMTP transcript\n"
    "  -H, --host HOST      the same as the HOST argument\n"
    "  -h, --help           show this help\n"
    "\n"
    "Values follow their option as '--port 587' or '--port=587'.\n";

const char *sw_check_args_usage(void)
{
  return usage;
}

struct parser {
  struct sw_check_args *a;
  struct sw_buf errors; /* ours until the end: --help discards it */
  enum sw_error nomem;  /* sticky: SW_E_NOMEM once memory ran out */
  bool host_given;
  bool tls_given;         /* --tls: else port 465 means implicit TLS */
  const char *tls_option; /* "insecure" or "cert-*-days" if given: need TLS */
};

static void fail(struct parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void fail(struct parser *p, const char *fmt, ...)
{
  enum sw_error err = SW_E_OK;
  if (p->errors.len)
    err = sw_buf_appends(&p->errors, "\n");
  va_list ap;
  va_start(ap, fmt);
  if (!err)
    err = sw_buf_vprintf(&p->errors, fmt, ap);
  va_end(ap);
  if (err)
    p->nomem = err;
}

/* A user's argument as it may appear in a message: control characters made
 * visible as '?', and cut (at a character boundary) if it is very long. */
struct quoted {
  char text[80];
};

static struct quoted quote(const char *s)
{
  struct quoted q;
  size_t len = strlen(s), i = 0, o = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = sw_utf8_next(s + i, len - i, &cp);
    if (o + n + 4 >= sizeof q.text) {
      memcpy(q.text + o, "...", 3);
      o += 3;
      break;
    }
    if (cp == SW_UTF8_INVALID || sw_utf8_is_control(cp)) {
      q.text[o++] = '?';
    } else {
      memcpy(q.text + o, s + i, n);
      o += n;
    }
    i += n;
  }
  q.text[o] = '\0';
  return q;
}

/* Decimal digits only (no sign, no spaces, no hex); saturates instead of
 * overflowing so that a huge number is reported as out of range. */
static bool parse_number(const char *s, uint64_t *out)
{
  if (!*s)
    return false;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v > UINT32_MAX ? v : v * 10 + (uint64_t)(*s - '0');
  }
  *out = v;
  return true;
}

static void set_string(struct parser *p, char **slot, const char *value)
{
  enum sw_error err = sw_rule_set_string(slot, value);
  if (err)
    p->nomem = err;
}

static void set_threshold(struct parser *p, const char *opt, const char *value, int *out)
{
  uint64_t v;
  if (!parse_number(value, &v))
    fail(p, "--%s: '%s' is not a number of milliseconds.", opt, quote(value).text);
  else if (v > THRESHOLD_MAX_MS)
    fail(p, "--%s: '%s' is out of range: use 0 to %u ms.", opt, quote(value).text,
         THRESHOLD_MAX_MS);
  else
    *out = (int)v;
}

static void apply(struct parser *p, const struct opt *o, const char *value)
{
  struct sw_check_args *a = p->a;
  uint64_t v;
  switch (o->id) {
  case OPT_HOST:
    if (p->host_given) {
      fail(p, "Only one HOST may be given, but '%s' follows '%s'.", quote(value).text,
           quote(a->rule.host ? a->rule.host : "").text);
      return;
    }
    p->host_given = true;
    set_string(p, &a->rule.host, value);
    return;
  case OPT_PORT:
    if (parse_number(value, &v) && v >= 1 && v <= 65535)
      a->rule.port = (uint16_t)v;
    else
      fail(p, "--port: '%s' is not a port number (1-65535).", quote(value).text);
    return;
  case OPT_SEND:
    set_string(p, &a->rule.command, value);
    return;
  case OPT_EXPECT:
    set_string(p, &a->rule.expect, value);
    return;
  case OPT_HELO:
    set_string(p, &a->rule.ehlo_name, value);
    return;
  case OPT_TIMEOUT:
    /* The range is the validator's to judge, with the same words as in the
     * editor; only non-numbers are refused here. */
    if (parse_number(value, &v))
      a->rule.timeout_ms = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    else
      fail(p, "--timeout-ms: '%s' is not a number of milliseconds.", quote(value).text);
    return;
  case OPT_WARN:
    set_threshold(p, o->long_name, value, &a->warn_ms);
    return;
  case OPT_CRIT:
    set_threshold(p, o->long_name, value, &a->crit_ms);
    return;
  case OPT_TLS:
    if (sw_tls_mode_from_name(value, &a->rule.tls_mode))
      p->tls_given = true;
    else
      fail(p,
           "--tls: '%s' is not a TLS mode: use none, starttls, require-starttls or "
           "implicit.",
           quote(value).text);
    return;
  case OPT_INSECURE:
    a->rule.tls_insecure = true;
    p->tls_option = o->long_name;
    return;
  case OPT_CERT_WARN:
  case OPT_CERT_CRIT:
    /* The range is the validator's, as for the timeout. */
    p->tls_option = o->long_name;
    if (parse_number(value, &v))
      *(o->id == OPT_CERT_WARN ? &a->rule.cert_warn_days : &a->rule.cert_crit_days) =
          v > SW_RULE_CERT_DAYS_MAX ? SW_RULE_CERT_DAYS_MAX + 1 : (int)v;
    else
      fail(p, "--%s: '%s' is not a number of days.", o->long_name, quote(value).text);
    return;
  case OPT_JSON:
    a->json = true;
    return;
  case OPT_VERBOSE:
    a->verbose = true;
    return;
  case OPT_HELP:
    a->help = true;
    return;
  }
}

static const struct opt *find_long(const char *name, size_t len)
{
  for (size_t i = 0; i < OPT_COUNT; i++)
    if (strlen(opts[i].long_name) == len && memcmp(opts[i].long_name, name, len) == 0)
      return &opts[i];
  return NULL;
}

static const struct opt *find_short(char c)
{
  for (size_t i = 0; i < OPT_COUNT; i++)
    if (opts[i].short_name && opts[i].short_name == c)
      return &opts[i];
  return NULL;
}

/* Handles argv[*i], an option; may consume the next word as its value. */
static void parse_option(struct parser *p, int argc, char **argv, int *i)
{
  const char *arg = argv[*i];
  const struct opt *o;
  const char *value = NULL;
  if (arg[1] == '-') {
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
    o = find_long(name, name_len);
    if (!o) {
      fail(p, "Unknown option '--%s'.", quote(name).text);
      return;
    }
    if (eq && !o->has_value) {
      fail(p, "--%s does not take a value.", o->long_name);
      return;
    }
    if (eq)
      value = eq + 1;
  } else {
    o = find_short(arg[1]);
    if (!o || (arg[2] && !o->has_value)) {
      fail(p, "Unknown option '%s'.", quote(arg).text);
      return;
    }
    if (arg[2])
      value = arg + 2;
  }
  if (o->has_value && !value) {
    if (*i + 1 >= argc) {
      fail(p, "--%s needs a value.", o->long_name);
      return;
    }
    value = argv[++*i];
  }
  apply(p, o, value);
}

void sw_check_args_free(struct sw_check_args *args)
{
  sw_rule_free(&args->rule);
}

/* The words a user typed to set a field, for messages about it. */
static const char *field_option(enum sw_rule_field f)
{
  switch (f) {
  case SW_RULE_FIELD_HOST:
    return "HOST";
  case SW_RULE_FIELD_PORT:
    return "--port";
  case SW_RULE_FIELD_COMMAND:
    return "--send";
  case SW_RULE_FIELD_EXPECT:
    return "--expect";
  case SW_RULE_FIELD_TIMEOUT_MS:
    return "--timeout-ms";
  case SW_RULE_FIELD_EHLO_NAME:
    return "--helo";
  case SW_RULE_FIELD_TLS_MODE:
    return "--tls";
  case SW_RULE_FIELD_TLS_INSECURE:
    return "--insecure";
  case SW_RULE_FIELD_CERT_WARN_DAYS:
    return "--cert-warn-days";
  case SW_RULE_FIELD_CERT_CRIT_DAYS:
    return "--cert-crit-days";
  default:
    return sw_rule_field_name(f); /* not settable from the command line */
  }
}

static void check_whole(struct parser *p)
{
  struct sw_check_args *a = p->a;
  if (!p->host_given)
    fail(p, "HOST is missing: name the SMTP server to check, as in "
            "'smtpwatch check mail.example.com'.");
  if (a->warn_ms >= 0 && a->crit_ms >= 0 && a->warn_ms > a->crit_ms)
    fail(p, "--warn-ms (%d) must not be greater than --crit-ms (%d).", a->warn_ms,
         a->crit_ms);
  /* RFC 8314: port 465 is submission over implicit TLS; a plain check of it
   * would only ever time out waiting for a greeting. */
  if (!p->tls_given && a->rule.port == 465)
    a->rule.tls_mode = SW_TLS_IMPLICIT;
  if (p->tls_option && a->rule.tls_mode == SW_TLS_NONE)
    fail(p,
         "--%s is about the server's certificate, but TLS is off: add --tls starttls, "
         "require-starttls or implicit.",
         p->tls_option);
  set_string(p, &a->rule.name, a->rule.host);
  struct sw_rule_problems problems;
  sw_rule_validate(&a->rule, &problems);
  for (size_t k = 0; k < problems.count; k++) {
    const struct sw_rule_problem *pr = &problems.items[k];
    /* The name is only a copy of HOST here, and a missing HOST was reported
     * above in words that fit the command line. */
    if (pr->field == SW_RULE_FIELD_NAME ||
        (pr->field == SW_RULE_FIELD_HOST && !p->host_given))
      continue;
    fail(p, "%s: %s", field_option(pr->field), pr->message);
  }
}

enum sw_error sw_check_args_parse(struct sw_check_args *args, int argc, char **argv,
                                  struct sw_buf *errors)
{
  memset(args, 0, sizeof *args);
  sw_rule_init_defaults(&args->rule);
  args->warn_ms = args->crit_ms = -1;

  struct parser p = {.a = args};
  sw_buf_init(&p.errors, 0);
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!options_done && strcmp(arg, "--") == 0)
      options_done = true;
    else if (!options_done && arg[0] == '-' && arg[1] != '\0')
      parse_option(&p, argc, argv, &i);
    else
      apply(&p, &opts[OPT_HOST], arg);
  }
  if (args->help) {
    sw_buf_free(&p.errors);
    return p.nomem;
  }
  check_whole(&p);
  enum sw_error err = p.nomem;
  if (!err && p.errors.len) {
    err = sw_buf_append(errors, p.errors.data, p.errors.len);
    if (!err)
      err = SW_E_INVALID_ARGUMENT;
  }
  sw_buf_free(&p.errors);
  return err;
}
