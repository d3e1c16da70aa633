/* A mail domain's check: its matrix, verdict and text (domain_report.h). */
#include "domain_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_macros.h"
#include "sw_names.h"

static const char *const source_names[] = {SW_DOMAIN_SOURCE_MAP(SW_X_2)};
static const char *const dane_names[] = {SW_DANE_STATE_MAP(SW_X_2)};

const char *sw_domain_source_name(enum sw_domain_source s)
{
  return SW_TABLE_AT(source_names, s, "unknown");
}

const char *sw_dane_state_name(enum sw_dane_state s)
{
  return SW_TABLE_AT(dane_names, s, "unknown");
}

struct sw_domain_report *sw_domain_report_new(const char *domain, uint32_t min_ok)
{
  struct sw_domain_report *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  snprintf(d->domain, sizeof d->domain, "%s", domain ? domain : "");
  d->min_ok = min_ok;
  d->source = SW_DOMAIN_MX;
  return d;
}

void sw_domain_report_free(struct sw_domain_report *d)
{
  if (!d)
    return;
  free(d->items);
  free(d);
}

struct sw_domain_address *sw_domain_report_add(struct sw_domain_report *d, const char *mx,
                                               uint16_t preference)
{
  if (d->count >= SW_DOMAIN_ADDRESSES_MAX)
    return NULL;
  struct sw_domain_address *items = realloc(d->items, (d->count + 1) * sizeof *items);
  if (!items)
    return NULL;
  d->items = items;
  struct sw_domain_address *a = &items[d->count++];
  memset(a, 0, sizeof *a);
  snprintf(a->mx, sizeof a->mx, "%s", mx ? mx : "");
  a->preference = preference;
  a->outcome = SW_OUTCOME_INTERNAL_ERROR;
  return a;
}

size_t sw_domain_report_answered(const struct sw_domain_report *d)
{
  size_t n = 0;
  for (size_t i = 0; i < d->count; i++)
    n += sw_outcome_answered(d->items[i].outcome);
  return n;
}

/* Nagios statuses, as nagios_report.h numbers them (this layer does not
 * include it: it includes us). */
enum { ST_OK = 0, ST_WARNING = 1, ST_CRITICAL = 2, ST_UNKNOWN = 3 };

/* How bad a finding is, for "the worst decides": CRITICAL > UNKNOWN >
 * WARNING > OK, as address_results.h ranks them. */
static int rank(int status)
{
  static const int ranks[] = {
      [ST_OK] = 0, [ST_WARNING] = 1, [ST_UNKNOWN] = 2, [ST_CRITICAL] = 3};
  return ranks[status];
}

/* The worst MTA-STS level of the entries (0 none, 1 testing, 2 enforce). */
static int sts_level(const struct sw_domain_report *d)
{
  int level = 0;
  for (size_t i = 0; i < d->count; i++)
    if (d->items[i].sts_checked && d->items[i].sts_level > level)
      level = d->items[i].sts_level;
  return level;
}

static bool any_dane(const struct sw_domain_report *d, enum sw_dane_state s)
{
  for (size_t i = 0; i < d->count; i++)
    if (d->items[i].dane == s)
      return true;
  return false;
}

bool sw_domain_outcome_status(const struct sw_check_result *r, int *out)
{
  switch (r->outcome) {
  case SW_OUTCOME_MX_PARTLY_UNREACHABLE:
  case SW_OUTCOME_DANE_UNAUTHENTICATED:
    *out = ST_WARNING;
    return true;
  case SW_OUTCOME_MTA_STS_VIOLATION:
    *out = r->domain && sts_level(r->domain) < 2 ? ST_WARNING : ST_CRITICAL;
    return true;
  case SW_OUTCOME_MX_UNREACHABLE:
  case SW_OUTCOME_DANE_MISMATCH:
  case SW_OUTCOME_NULL_MX:
  case SW_OUTCOME_NO_MAIL_HOST:
    *out = ST_CRITICAL;
    return true;
  default:
    return false;
  }
}

/* A candidate verdict: kept if worse than the one so far. */
struct pick {
  enum sw_outcome outcome;
  int status;
  bool set;
};

static void consider(struct pick *p, enum sw_outcome o, int status)
{
  if (!p->set || rank(status) > rank(p->status))
    *p = (struct pick){o, status, true};
}

/* The status of an address's own outcome, without time thresholds. */
static int address_status(enum sw_outcome o)
{
  if (o == SW_OUTCOME_OK)
    return ST_OK;
  if (sw_outcome_answered(o))
    return ST_WARNING; /* a certificate warning, banner mismatch... */
  return o == SW_OUTCOME_CANCELLED || o == SW_OUTCOME_INTERNAL_ERROR ? ST_UNKNOWN
                                                                     : ST_CRITICAL;
}

void sw_domain_report_judge(struct sw_check_result *r)
{
  const struct sw_domain_report *d = r->domain;
  if (NEVER(!d))
    return;
  switch (d->source) {
  case SW_DOMAIN_NULL_MX:
    r->outcome = SW_OUTCOME_NULL_MX;
    return;
  case SW_DOMAIN_NONE:
    r->outcome = SW_OUTCOME_NO_MAIL_HOST;
    return;
  case SW_DOMAIN_DNS_FAILED:
    r->outcome = SW_OUTCOME_RESOLVE_FAILED;
    return;
  default:
    break;
  }
  size_t answered = sw_domain_report_answered(d);
  size_t need = d->min_ok ? d->min_ok : d->count;
  struct pick p = {0};
  if (answered < need || d->count == 0)
    consider(&p, SW_OUTCOME_MX_UNREACHABLE, ST_CRITICAL);
  else if (answered < d->count)
    consider(&p, SW_OUTCOME_MX_PARTLY_UNREACHABLE, ST_WARNING);
  int sts = sts_level(d);
  if (sts > 0)
    consider(&p, SW_OUTCOME_MTA_STS_VIOLATION, sts == 2 ? ST_CRITICAL : ST_WARNING);
  if (any_dane(d, SW_DANE_MISMATCH))
    consider(&p, SW_OUTCOME_DANE_MISMATCH, ST_CRITICAL);
  if (any_dane(d, SW_DANE_UNAUTHENTICATED))
    consider(&p, SW_OUTCOME_DANE_UNAUTHENTICATED, ST_WARNING);
  /* An address that answered with a warning (its certificate expires
   * soon) speaks for the domain when nothing worse was found. */
  for (size_t i = 0; i < d->count; i++)
    if (sw_outcome_answered(d->items[i].outcome))
      consider(&p, d->items[i].outcome, address_status(d->items[i].outcome));
  r->outcome = p.set ? p.outcome : SW_OUTCOME_MX_UNREACHABLE;
}

void sw_domain_report_summary(const struct sw_domain_report *d, char *out, size_t size)
{
  if (size == 0)
    return;
  struct sw_buf b;
  sw_buf_init(&b, size);
  enum sw_error err = SW_E_OK; /* a cut sentence is still worth showing */
  size_t answered = sw_domain_report_answered(d);
  switch (d->source) {
  case SW_DOMAIN_NULL_MX:
    sw_buf_printf_sticky(&b, &err, "%s publishes a null MX (MX 0 .): it accepts no mail",
                         d->domain);
    break;
  case SW_DOMAIN_NONE:
    sw_buf_printf_sticky(&b, &err, "%s has no MX record and no address", d->domain);
    break;
  case SW_DOMAIN_DNS_FAILED:
    sw_buf_printf_sticky(&b, &err, "the MX lookup of %s failed", d->domain);
    break;
  default:
    sw_buf_printf_sticky(&b, &err, "%s: %u of %u %s address%s OK", d->domain,
                         (unsigned)answered, (unsigned)d->count,
                         d->source == SW_DOMAIN_FALLBACK ? "fallback (no MX)" : "MX",
                         d->count == 1 ? "" : "es");
    if (d->min_ok)
      sw_buf_printf_sticky(&b, &err, " (at least %u must be)", (unsigned)d->min_ok);
    else
      sw_buf_printf_sticky(&b, &err, " (all must be)");
    for (size_t i = 0; i < d->count; i++) {
      const struct sw_domain_address *a = &d->items[i];
      if (!sw_outcome_answered(a->outcome))
        sw_buf_printf_sticky(&b, &err, "; %s %s %s", a->mx,
                             a->peer[0] ? a->peer : "(no address)",
                             sw_outcome_name(a->outcome));
    }
    break;
  }
  snprintf(out, size, "%s", sw_buf_str(&b));
  sw_buf_free(&b);
}

enum sw_error sw_domain_report_lines(const struct sw_domain_report *d, struct sw_buf *out)
{
  static const char *const sts_words[] = {"MTA-STS ok", "MTA-STS violation (testing)",
                                          "MTA-STS violation (enforce)"};
  enum sw_error err = SW_E_OK;
  for (size_t i = 0; i < d->count; i++) {
    const struct sw_domain_address *a = &d->items[i];
    sw_buf_printf_sticky(out, &err, "  %5u %-28s %-22s %s", (unsigned)a->preference,
                         a->mx, a->peer[0] ? a->peer : "(no address)",
                         sw_outcome_name(a->outcome));
    if (a->starttls)
      sw_buf_printf_sticky(out, &err, ", STARTTLS, certificate %s",
                           a->cert_valid ? "valid" : "not valid");
    if (a->sts_checked && (unsigned)a->sts_level < SW_COUNTOF(sts_words))
      sw_buf_printf_sticky(out, &err, ", %s", sts_words[a->sts_level]);
    if (a->dane != SW_DANE_NOT_CHECKED)
      sw_buf_printf_sticky(out, &err, ", DANE %s", sw_dane_state_name(a->dane));
    if (a->detail[0] && !sw_outcome_answered(a->outcome))
      sw_buf_printf_sticky(out, &err, ": %s", a->detail);
    sw_buf_printf_sticky(out, &err, "\n");
  }
  if (d->sts_mode[0] || d->sts_note[0])
    sw_buf_printf_sticky(out, &err, "  MTA-STS: %s%s%s%s%s\n",
                         d->sts_mode[0] ? d->sts_mode : "", d->sts_id[0] ? ", id " : "",
                         d->sts_id, d->sts_mode[0] || d->sts_id[0] ? ": " : "",
                         d->sts_note);
  if (d->tls_rpt[0])
    sw_buf_printf_sticky(out, &err, "  TLS-RPT: reports to %s\n", d->tls_rpt);
  if (d->dane_note[0])
    sw_buf_printf_sticky(out, &err, "  DANE: %s\n", d->dane_note);
  sw_buf_printf_sticky(out, &err, "  MX answer %s DNSSEC-authenticated (asked: %s)\n",
                       d->mx_authenticated ? "was" : "was not", d->dns_server);
  return err;
}

/* ---- text form -------------------------------------------------------------- */

/* A text member without the characters the form uses to separate. */
static enum sw_error put_clean(struct sw_buf *out, const char *s)
{
  enum sw_error err = SW_E_OK;
  for (; *s && !err; s++) {
    char c = *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s;
    err = sw_buf_append(out, &c, 1);
  }
  return err;
}

static enum sw_error put_line(struct sw_buf *out, const char *key, const char *value)
{
  enum sw_error err = sw_buf_append(out, key, strlen(key));
  if (!err)
    err = sw_buf_append(out, "\t", 1);
  if (!err)
    err = put_clean(out, value);
  if (!err)
    err = sw_buf_append(out, "\n", 1);
  return err;
}

enum sw_error sw_domain_report_format(const struct sw_domain_report *d,
                                      struct sw_buf *out)
{
  char num[32];
  snprintf(num, sizeof num, "%" PRIu32, d->min_ok);
  enum sw_error err = put_line(out, "domain", d->domain);
  err = err ? err : put_line(out, "source", sw_domain_source_name(d->source));
  err = err ? err : put_line(out, "min_ok", num);
  err = err ? err : put_line(out, "mx_authenticated", d->mx_authenticated ? "1" : "0");
  err = err ? err : put_line(out, "dns_server", d->dns_server);
  err = err ? err : put_line(out, "sts_mode", d->sts_mode);
  err = err ? err : put_line(out, "sts_id", d->sts_id);
  err = err ? err : put_line(out, "sts_note", d->sts_note);
  err = err ? err : put_line(out, "tls_rpt", d->tls_rpt);
  err = err ? err : put_line(out, "dane_note", d->dane_note);
  for (size_t i = 0; i < d->count && !err; i++) {
    const struct sw_domain_address *a = &d->items[i];
    char fields[128];
    snprintf(fields, sizeof fields, "%u\t%s\t%s\t%" PRId64 "\t%d\t%d\t%d\t%d\t%s",
             (unsigned)a->preference, a->peer[0] ? a->peer : "-",
             sw_outcome_name(a->outcome), a->total_us, a->starttls, a->cert_valid,
             a->sts_checked, a->sts_level, sw_dane_state_name(a->dane));
    err = sw_buf_append(out, "address\t", 8);
    err = err ? err : put_clean(out, a->mx);
    err = err ? err : sw_buf_append(out, "\t", 1);
    err = err ? err : sw_buf_append(out, fields, strlen(fields));
    err = err ? err : put_line(out, "", a->detail); /* "\t" detail "\n" */
  }
  return err;
}

/* Splits line[0..len) at tabs into at most `max` fields (NUL-terminated in
 * `copy`); returns how many. */
static size_t split(char *copy, size_t max, char **fields)
{
  size_t n = 0;
  char *p = copy;
  while (n < max) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab)
      break;
    *tab = '\0';
    p = tab + 1;
  }
  return n;
}

static bool text_field(char *dst, size_t size, const char *src)
{
  if (strlen(src) >= size)
    return false;
  memcpy(dst, src, strlen(src) + 1);
  return true;
}

static bool read_address(struct sw_domain_report *d, char **f, size_t n)
{
  if (n != 12)
    return false;
  struct sw_domain_address *a = sw_domain_report_add(d, f[1], (uint16_t)atoi(f[2]));
  if (!a)
    return false;
  int dane = sw_name_index(dane_names, SW_COUNTOF(dane_names), f[10]);
  if (!sw_outcome_from_name(f[4], &a->outcome) || dane < 0)
    return false;
  a->dane = (enum sw_dane_state)dane;
  a->total_us = strtoll(f[5], NULL, 10);
  a->starttls = f[6][0] == '1';
  a->cert_valid = f[7][0] == '1';
  a->sts_checked = f[8][0] == '1';
  a->sts_level = atoi(f[9]);
  return (strcmp(f[3], "-") == 0 || text_field(a->peer, sizeof a->peer, f[3])) &&
         text_field(a->detail, sizeof a->detail, f[11]);
}

/* One "key\tvalue" line of the domain's facts. */
static bool read_fact(struct sw_domain_report *d, const char *key, const char *v)
{
  if (!strcmp(key, "domain"))
    return text_field(d->domain, sizeof d->domain, v);
  if (!strcmp(key, "source")) {
    int i = sw_name_index(source_names, SW_COUNTOF(source_names), v);
    d->source = (enum sw_domain_source)(i < 0 ? 0 : i);
    return i >= 0;
  }
  if (!strcmp(key, "min_ok")) {
    d->min_ok = (uint32_t)strtoul(v, NULL, 10);
    return true;
  }
  if (!strcmp(key, "mx_authenticated")) {
    d->mx_authenticated = v[0] == '1';
    return true;
  }
  if (!strcmp(key, "dns_server"))
    return text_field(d->dns_server, sizeof d->dns_server, v);
  if (!strcmp(key, "sts_mode"))
    return text_field(d->sts_mode, sizeof d->sts_mode, v);
  if (!strcmp(key, "sts_id"))
    return text_field(d->sts_id, sizeof d->sts_id, v);
  if (!strcmp(key, "sts_note"))
    return text_field(d->sts_note, sizeof d->sts_note, v);
  if (!strcmp(key, "tls_rpt"))
    return text_field(d->tls_rpt, sizeof d->tls_rpt, v);
  if (!strcmp(key, "dane_note"))
    return text_field(d->dane_note, sizeof d->dane_note, v);
  return true; /* a newer build's fact */
}

enum sw_error sw_domain_report_parse(const char *text, size_t len,
                                     struct sw_domain_report **out)
{
  *out = NULL;
  struct sw_domain_report *d = sw_domain_report_new("", 0);
  char *copy = malloc(len + 1);
  if (!d || !copy) {
    free(copy);
    sw_domain_report_free(d);
    return SW_E_NOMEM;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  bool ok = memchr(copy, '\0', len) == NULL;
  for (char *line = copy; ok && *line;) {
    char *nl = strchr(line, '\n');
    if (!nl) {
      ok = false;
      break;
    }
    *nl = '\0';
    char *f[12];
    size_t n = split(line, SW_COUNTOF(f), f);
    ok = !strcmp(f[0], "address") ? read_address(d, f, n)
                                  : n == 2 && read_fact(d, f[0], f[1]);
    line = nl + 1;
  }
  free(copy);
  if (!ok) {
    sw_domain_report_free(d);
    return SW_E_INVALID_ARGUMENT;
  }
  *out = d;
  return SW_E_OK;
}
