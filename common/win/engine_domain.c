/* A mail domain's check on the engine (issue 18, docs/domain-checks.md).
 * One job per check, all on the loop, never blocking it:
 *
 *  1. the MX records of the domain (engine_dns.h, the spec's DNS server or
 *     the system's); with none, the domain's own A/AAAA (RFC 5321 5.1); a
 *     null MX (RFC 7505) or no name at all ends the job there. With
 *     mta_sts, at the same time: TXT _mta-sts.DOMAIN, TXT _smtp._tls.DOMAIN
 *     (TLS-RPT) and the policy (engine_https.h);
 *  2. A and AAAA of every MX host (and, with dane, TLSA at _25._tcp.HOST);
 *  3. an SMTP check of every MX host on every address, all at once: the
 *     address literal as host and the MX name as tls_name, STARTTLS at
 *     least, the certificate validated for the MX name;
 *  4. once nothing is outstanding: MTA-STS judged per MX host
 *     (mta_sts.h), TLSA matched against each presented chain
 *     (tlsa_match.h), and the verdict over the matrix (domain_report.h).
 * One time budget, the spec's timeout, covers all of it. The job counts
 * what it waits for (`pending`); each callback starts what follows before
 * it lets go of its own count, so the count reaches zero only at the end. */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_results.h"
#include "clock.h"
#include "domain_report.h"
#include "engine_dns.h"
#include "engine_https.h"
#include "host_text.h"
#include "mta_sts.h"
#include "tls_rpt.h"
#include "tlsa_match.h"
#include "win_digest.h"

#define MX_HOSTS_MAX 16   /* MX hosts checked; more are left out, and said so */
#define HOST_ADDRS_MAX 8  /* addresses of one family of one host */
#define TLSA_MAX 8        /* TLSA records kept of one host */
#define TLSA_DATA_MAX 512 /* octets of one record's data (a SHA-512 is 64) */

struct domain_job;

/* A DNS query of the job: its callback's context. */
struct query {
  struct domain_job *job;
  size_t host; /* the MX host it is about (A, AAAA, TLSA) */
};

struct tlsa_copy {
  uint8_t usage, selector, matching;
  size_t len;
  uint8_t data[TLSA_DATA_MAX];
};

struct mx_host {
  char name[SW_DOMAIN_TEXT_MAX];
  uint16_t preference;
  struct query q_a, q_aaaa, q_tlsa;
  uint8_t v4[HOST_ADDRS_MAX][4], v6[HOST_ADDRS_MAX][16];
  size_t n4, n6;
  char addr_error[SW_DETAIL_MAX]; /* why a lookup gave no address */
  bool tlsa_answered, tlsa_ad, tlsa_failed;
  size_t ntlsa;
  struct tlsa_copy *tlsa; /* ntlsa records, owned */
};

/* A check of one entry of the report: its callback's context. */
struct entry_check {
  struct domain_job *job;
  size_t index;
};

struct domain_job {
  struct sw_engine *e;
  sw_check_done_fn done;
  void *ctx;
  struct sw_check_spec spec; /* strings in `strings` */
  char *strings;
  int64_t start_us, deadline_us;
  int pending; /* DNS queries, the policy fetch and checks not yet answered */
  int addr_pending;
  bool cancelled;
  char mx_detail[SW_DETAIL_MAX]; /* why the MX lookup failed */
  struct sw_domain_report *report;
  size_t nhosts, hosts_left_out;
  struct mx_host hosts[MX_HOSTS_MAX];
  struct query q_mx, q_sts, q_rpt;
  /* MTA-STS: the TXT record's id, the policy, what went wrong. */
  bool sts_txt, sts_policy;
  char sts_why[SW_DOMAIN_NOTE_MAX]; /* why there is no policy to judge by */
  struct sw_mta_sts_policy policy;
  struct sw_check_result *results; /* one per report entry */
  struct entry_check *checks;
};

static uint32_t remaining_ms(const struct domain_job *j)
{
  int64_t left = (j->deadline_us - sw_clock_now_us()) / 1000;
  return left <= 0 ? 0 : left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

static void finish(struct domain_job *j);

/* Lets go of one count; the last one ends the job. */
static void release(struct domain_job *j)
{
  if (--j->pending == 0)
    finish(j);
}

/* Starts a query of `type` for `name`; its callback gets `q`. False when
 * it could not start (the reason in why[size]). */
static bool ask(struct domain_job *j, const char *name, enum sw_dns_type type,
                sw_engine_dns_fn fn, struct query *q, char *why, size_t size)
{
  uint32_t left = remaining_ms(j);
  struct sw_engine_dns_spec s = {.name = name,
                                 .type = type,
                                 .server = j->spec.dns_server,
                                 .timeout_ms = left < SW_ENGINE_DNS_DEFAULT_TIMEOUT_MS
                                                   ? (left ? left : 1)
                                                   : SW_ENGINE_DNS_DEFAULT_TIMEOUT_MS};
  q->job = j;
  if (sw_engine_dns_query(j->e, &s, fn, q, NULL, why, size) != SW_E_OK)
    return false;
  j->pending++;
  return true;
}

/* What a query that gave no records says, into out[size]. */
static void query_sentence(const struct sw_engine_dns_result *r, char *out, size_t size)
{
  if (r->status != SW_ENGINE_DNS_ANSWERED)
    snprintf(out, size, "%s", r->error);
  else
    sw_dns_answer_sentence(r->answer, r->query, out, size);
}

/* ---- step 2: addresses and TLSA of each MX host ----------------------------- */

static void start_checks(struct domain_job *j);

static void on_address(void *ctx, const struct sw_engine_dns_result *r)
{
  struct query *q = ctx;
  struct domain_job *j = q->job;
  struct mx_host *h = &j->hosts[q->host];
  bool v6 = r->query->type == SW_DNS_AAAA;
  if (r->status == SW_ENGINE_DNS_CANCELLED)
    j->cancelled = true;
  else if (r->status == SW_ENGINE_DNS_ANSWERED &&
           r->answer->result == SW_DNS_RESULT_RECORDS) {
    for (size_t i = 0; i < r->answer->nrecords; i++) {
      const struct sw_dns_record *rec = &r->answer->records[i];
      if (v6 && h->n6 < HOST_ADDRS_MAX)
        memcpy(h->v6[h->n6++], rec->aaaa, 16);
      else if (!v6 && h->n4 < HOST_ADDRS_MAX)
        memcpy(h->v4[h->n4++], rec->a, 4);
    }
  } else if (!h->addr_error[0] || r->status != SW_ENGINE_DNS_ANSWERED ||
             r->answer->result == SW_DNS_RESULT_FAILED) {
    query_sentence(r, h->addr_error, sizeof h->addr_error); /* a failure says most */
  }
  if (--j->addr_pending == 0 && !j->cancelled)
    start_checks(j);
  release(j);
}

static void on_tlsa(void *ctx, const struct sw_engine_dns_result *r)
{
  struct query *q = ctx;
  struct domain_job *j = q->job;
  struct mx_host *h = &j->hosts[q->host];
  if (r->status == SW_ENGINE_DNS_CANCELLED) {
    j->cancelled = true;
  } else if (r->status != SW_ENGINE_DNS_ANSWERED ||
             r->answer->result == SW_DNS_RESULT_FAILED) {
    h->tlsa_failed = true;
  } else {
    h->tlsa_answered = true;
    h->tlsa_ad = r->answer->ad;
    size_t n = r->answer->nrecords < TLSA_MAX ? r->answer->nrecords : TLSA_MAX;
    h->tlsa = n ? calloc(n, sizeof *h->tlsa) : NULL;
    for (size_t i = 0; h->tlsa && i < n; i++) {
      const struct sw_dns_record *rec = &r->answer->records[i];
      size_t len;
      const uint8_t *data = sw_dns_record_data(r->answer, rec, &len);
      struct tlsa_copy *t = &h->tlsa[h->ntlsa];
      if (!data || len > TLSA_DATA_MAX)
        continue; /* longer than any digest: kept out, the rest still count */
      t->usage = rec->tlsa.usage;
      t->selector = rec->tlsa.selector;
      t->matching = rec->tlsa.matching_type;
      t->len = len;
      memcpy(t->data, data, len);
      h->ntlsa++;
    }
    h->tlsa_failed = n > 0 && !h->tlsa;
  }
  if (--j->addr_pending == 0 && !j->cancelled)
    start_checks(j);
  release(j);
}

/* Queries A, AAAA (and TLSA) of every host; false if none could start. */
static void ask_hosts(struct domain_job *j)
{
  char why[SW_ENGINE_DNS_ERROR_MAX];
  for (size_t i = 0; i < j->nhosts; i++) {
    struct mx_host *h = &j->hosts[i];
    h->q_a.host = h->q_aaaa.host = h->q_tlsa.host = i;
    enum sw_ip_family fam = j->spec.ip_family;
    if (fam != SW_IP_V6 &&
        ask(j, h->name, SW_DNS_A, on_address, &h->q_a, why, sizeof why))
      j->addr_pending++;
    else if (fam != SW_IP_V6)
      snprintf(h->addr_error, sizeof h->addr_error, "%s", why);
    if (fam != SW_IP_V4 &&
        ask(j, h->name, SW_DNS_AAAA, on_address, &h->q_aaaa, why, sizeof why))
      j->addr_pending++;
    else if (fam != SW_IP_V4)
      snprintf(h->addr_error, sizeof h->addr_error, "%s", why);
    char tlsa_name[SW_DOMAIN_TEXT_MAX + 16];
    snprintf(tlsa_name, sizeof tlsa_name, "_25._tcp.%s", h->name);
    /* The checks wait for TLSA too: with records, a DANE-EE host's
     * certificate is judged by them (tls_trust_advisory). */
    if (j->spec.dane &&
        ask(j, tlsa_name, SW_DNS_TLSA, on_tlsa, &h->q_tlsa, why, sizeof why))
      j->addr_pending++;
    else if (j->spec.dane)
      h->tlsa_failed = true;
  }
  if (j->addr_pending == 0)
    start_checks(j); /* no query could start: every host says why */
}

/* ---- step 1: MX ------------------------------------------------------------ */

static void add_host(struct domain_job *j, const char *name, uint16_t preference)
{
  if (j->nhosts == MX_HOSTS_MAX) {
    j->hosts_left_out++;
    return;
  }
  /* In preference order, as senders try them; equal ones as answered. */
  size_t at = j->nhosts;
  while (at > 0 && j->hosts[at - 1].preference > preference)
    at--;
  memmove(&j->hosts[at + 1], &j->hosts[at], (j->nhosts - at) * sizeof j->hosts[0]);
  memset(&j->hosts[at], 0, sizeof j->hosts[0]);
  snprintf(j->hosts[at].name, sizeof j->hosts[at].name, "%s", name);
  j->hosts[at].preference = preference;
  j->nhosts++;
}

static void on_mx(void *ctx, const struct sw_engine_dns_result *r)
{
  struct domain_job *j = ((struct query *)ctx)->job;
  struct sw_domain_report *d = j->report;
  const struct sw_dns_answer *a = r->answer;
  if (r->status == SW_ENGINE_DNS_CANCELLED) {
    j->cancelled = true;
  } else if (r->status != SW_ENGINE_DNS_ANSWERED || a->result == SW_DNS_RESULT_FAILED) {
    d->source = SW_DOMAIN_DNS_FAILED;
    query_sentence(r, j->mx_detail, sizeof j->mx_detail);
  } else if (a->result == SW_DNS_RESULT_NXDOMAIN) {
    d->source = SW_DOMAIN_NONE;
    query_sentence(r, j->mx_detail, sizeof j->mx_detail);
  } else if (a->null_mx) {
    d->mx_authenticated = a->ad;
    d->source = SW_DOMAIN_NULL_MX;
  } else {
    d->mx_authenticated = a->ad;
    for (size_t i = 0; i < a->nrecords; i++) {
      const char *name = sw_dns_record_name(a, &a->records[i]);
      if (*name) /* a "." among real MX records is no host (RFC 7505 3) */
        add_host(j, name, a->records[i].mx_preference);
    }
    if (j->nhosts == 0) { /* no MX: the domain itself (RFC 5321 5.1) */
      d->source = SW_DOMAIN_FALLBACK;
      add_host(j, j->spec.domain, 0);
    }
    ask_hosts(j);
  }
  release(j);
}

/* ---- MTA-STS and TLS-RPT ---------------------------------------------------- */

/* The TXT records of an answer, borrowed from it. */
static size_t txt_records(const struct sw_engine_dns_result *r, struct sw_txt_record *out,
                          size_t max)
{
  if (r->status != SW_ENGINE_DNS_ANSWERED || r->answer->result != SW_DNS_RESULT_RECORDS)
    return 0;
  size_t n = 0;
  for (size_t i = 0; i < r->answer->nrecords && n < max; i++) {
    size_t len;
    const uint8_t *t = sw_dns_record_data(r->answer, &r->answer->records[i], &len);
    if (t)
      out[n++] = (struct sw_txt_record){(const char *)t, len};
  }
  return n;
}

static void fetch_policy(struct domain_job *j);

static void on_sts_txt(void *ctx, const struct sw_engine_dns_result *r)
{
  struct domain_job *j = ((struct query *)ctx)->job;
  struct sw_txt_record recs[SW_DNS_RECORDS_MAX];
  size_t n = txt_records(r, recs, SW_COUNTOF(recs));
  struct sw_mta_sts_txt txt;
  char why[SW_DOMAIN_NOTE_MAX];
  if (r->status == SW_ENGINE_DNS_CANCELLED)
    j->cancelled = true;
  else if (r->status != SW_ENGINE_DNS_ANSWERED)
    snprintf(j->sts_why, sizeof j->sts_why, "the MTA-STS lookup failed: %s", r->error);
  else if (sw_mta_sts_txt_read(recs, n, &txt, why, sizeof why) == SW_TXT_OK) {
    j->sts_txt = true;
    snprintf(j->report->sts_id, sizeof j->report->sts_id, "%s", txt.id);
    fetch_policy(j); /* as a sender does: the file only once the record says so */
  } else {
    snprintf(j->sts_why, sizeof j->sts_why, "no MTA-STS policy: %s", why);
  }
  release(j);
}

static void on_rpt_txt(void *ctx, const struct sw_engine_dns_result *r)
{
  struct domain_job *j = ((struct query *)ctx)->job;
  struct sw_txt_record recs[SW_DNS_RECORDS_MAX];
  size_t n = txt_records(r, recs, SW_COUNTOF(recs));
  struct sw_tls_rpt rpt;
  char why[256];
  if (r->status == SW_ENGINE_DNS_CANCELLED)
    j->cancelled = true;
  else if (sw_tls_rpt_read(recs, n, &rpt, why, sizeof why) == SW_TXT_OK) {
    char *out = j->report->tls_rpt;
    size_t size = sizeof j->report->tls_rpt, pos = 0;
    for (size_t i = 0; i < rpt.rua_count && pos + 1 < size; i++) {
      int w = snprintf(out + pos, size - pos, "%s%s", i ? ", " : "", rpt.rua[i]);
      pos += w > 0 ? (size_t)w : 0;
    }
  }
  release(j);
}

static void on_policy(void *ctx, const struct sw_https_get_result *r)
{
  struct domain_job *j = ctx;
  char why[SW_MTA_STS_SENTENCE_MAX];
  if (r->outcome == SW_HTTPS_CANCELLED)
    j->cancelled = true;
  else if (r->outcome != SW_HTTPS_OK)
    snprintf(j->sts_why, sizeof j->sts_why, "the MTA-STS policy could not be fetched: %s",
             r->detail);
  else if (sw_mta_sts_policy_read(r->body, r->body_len, &j->policy, why, sizeof why))
    j->sts_policy = true;
  else
    snprintf(j->sts_why, sizeof j->sts_why, "%s: %s", r->url, why);
  release(j);
}

/* The policy's TXT record and TLS-RPT, alongside the MX. */
static void ask_mta_sts(struct domain_job *j)
{
  char name[SW_DOMAIN_TEXT_MAX + 16], why[SW_ENGINE_DNS_ERROR_MAX];
  snprintf(name, sizeof name, "_mta-sts.%s", j->spec.domain);
  if (!ask(j, name, SW_DNS_TXT, on_sts_txt, &j->q_sts, why, sizeof why))
    snprintf(j->sts_why, sizeof j->sts_why, "no MTA-STS lookup: %s", why);
  snprintf(name, sizeof name, "_smtp._tls.%s", j->spec.domain);
  (void)ask(j, name, SW_DNS_TXT, on_rpt_txt, &j->q_rpt, why, sizeof why);
}

/* The policy file at https://mta-sts.DOMAIN/ (RFC 8461 3.3). */
static void fetch_policy(struct domain_job *j)
{
  char why[SW_ENGINE_DNS_ERROR_MAX];
  struct sw_https_get_spec get;
  char host[SW_DOMAIN_TEXT_MAX + 16];
  if (!sw_https_get_spec_mta_sts(&get, j->spec.domain, host, sizeof host, why,
                                 sizeof why))
    return;
  get.dns_server = j->spec.dns_server;
  get.port = j->spec.mta_sts_port;
  get.timeout_ms = remaining_ms(j) ? remaining_ms(j) : 1;
  if (sw_engine_https_get(j->e, &get, on_policy, j, why, sizeof why) == SW_E_OK)
    j->pending++;
  else
    snprintf(j->sts_why, sizeof j->sts_why, "the MTA-STS policy could not be fetched: %s",
             why);
}

/* ---- step 3: a check of every MX host on every address ----------------------- */

static void on_check(void *ctx, struct sw_check_result *r)
{
  struct entry_check *ec = ctx;
  struct domain_job *j = ec->job;
  struct sw_domain_address *a = &j->report->items[ec->index];
  if (r->outcome == SW_OUTCOME_CANCELLED)
    j->cancelled = true;
  a->outcome = r->outcome;
  snprintf(a->detail, sizeof a->detail, "%s", r->detail);
  a->total_us = r->total_us;
  a->starttls = r->tls.used;
  a->cert_valid = r->tls.verified;
  sw_check_result_move(&j->results[ec->index], r);
  release(j);
}

/* One entry of the report for host h at `literal` (NULL: the host has no
 * address, with its reason). */
static struct sw_domain_address *add_entry(struct domain_job *j, const struct mx_host *h,
                                           const char *literal)
{
  struct sw_domain_address *a = sw_domain_report_add(j->report, h->name, h->preference);
  if (!a)
    return NULL;
  if (literal)
    sw_host_format_endpoint(literal, j->spec.port, a->peer, sizeof a->peer);
  else {
    a->outcome = SW_OUTCOME_RESOLVE_FAILED;
    snprintf(a->detail, sizeof a->detail, "%s",
             h->addr_error[0] ? h->addr_error : "the MX host has no address");
  }
  return a;
}

/* Starts the check of entry i, whose host is h at `literal`. */
static void check_entry(struct domain_job *j, size_t i, const struct mx_host *h,
                        const char *literal)
{
  struct sw_check_spec s = j->spec;
  s.host = literal;
  s.tls_name = h->name;
  s.domain = NULL;
  s.all_addresses = false;
  s.ip_family = SW_IP_ANY;
  if (s.tls_mode == SW_TLS_NONE)
    s.tls_mode = SW_TLS_STARTTLS; /* as senders do, and MTA-STS asks */
  s.want_chain = j->spec.dane;
  s.tls_trust_advisory = j->spec.dane && h->ntlsa > 0; /* DANE-EE needs no CA */
  s.timeout_ms = remaining_ms(j);
  struct sw_domain_address *a = &j->report->items[i];
  j->checks[i] = (struct entry_check){j, i};
  if (s.timeout_ms == 0) {
    a->outcome = SW_OUTCOME_TIMEOUT;
    snprintf(a->detail, sizeof a->detail, "no time was left for this address");
    return;
  }
  j->pending++; /* before: a check may end inside sw_engine_submit */
  enum sw_error err = sw_engine_submit(j->e, &s, on_check, &j->checks[i]);
  if (err) {
    j->pending--;
    a = &j->report->items[i];
    a->outcome = SW_OUTCOME_INTERNAL_ERROR;
    snprintf(a->detail, sizeof a->detail, "the check could not start: %s",
             sw_error_text(err));
  }
}

static void start_checks(struct domain_job *j)
{
  size_t addrs = 0;
  for (size_t i = 0; i < j->nhosts; i++)
    addrs += (j->hosts[i].n4 + j->hosts[i].n6) ? j->hosts[i].n4 + j->hosts[i].n6 : 1;
  if (j->report->source == SW_DOMAIN_FALLBACK && j->hosts[0].n4 + j->hosts[0].n6 == 0) {
    j->report->source = SW_DOMAIN_NONE; /* no MX, and no address either */
    snprintf(j->mx_detail, sizeof j->mx_detail, "%s", j->hosts[0].addr_error);
    return;
  }
  j->results = calloc(addrs, sizeof *j->results);
  j->checks = calloc(addrs, sizeof *j->checks);
  if (!j->results || !j->checks) {
    snprintf(j->mx_detail, sizeof j->mx_detail, "out of memory");
    return;
  }
  for (size_t i = 0; i < addrs; i++)
    sw_check_result_init(&j->results[i]);
  for (size_t i = 0; i < j->nhosts; i++) {
    const struct mx_host *h = &j->hosts[i];
    char text[64];
    if (h->n4 + h->n6 == 0)
      add_entry(j, h, NULL);
    for (size_t k = 0; k < h->n4 + h->n6; k++) {
      const uint8_t *addr = k < h->n4 ? h->v4[k] : h->v6[k - h->n4];
      if (!inet_ntop(k < h->n4 ? AF_INET : AF_INET6, addr, text, sizeof text))
        continue;
      if (add_entry(j, h, text))
        check_entry(j, j->report->count - 1, h, text);
    }
  }
}

/* ---- step 4: the verdict ---------------------------------------------------- */

/* Each MX host by the domain's MTA-STS policy (RFC 8461 4), when it has
 * one: the TXT record and a policy file that could be read. */
static void judge_mta_sts(struct domain_job *j)
{
  struct sw_domain_report *d = j->report;
  if (!j->sts_txt || !j->sts_policy) {
    if (j->sts_txt) /* a policy announced but unreadable: senders have none */
      snprintf(d->sts_note, sizeof d->sts_note, "%s", j->sts_why);
    else
      snprintf(d->sts_note, sizeof d->sts_note, "%s",
               j->sts_why[0] ? j->sts_why : "no MTA-STS policy");
    return;
  }
  snprintf(d->sts_mode, sizeof d->sts_mode, "%s", sw_mta_sts_mode_name(j->policy.mode));
  for (size_t i = 0; i < d->count; i++) {
    struct sw_domain_address *a = &d->items[i];
    struct sw_mta_sts_mx_seen seen = {a->mx, a->starttls, a->cert_valid};
    struct sw_mta_sts_verdict v;
    sw_mta_sts_judge_mx(&j->policy, &seen, &v);
    a->sts_checked = true;
    a->sts_level = v.level == SW_MTA_STS_MX_ERROR     ? 2
                   : v.level == SW_MTA_STS_MX_WARNING ? 1
                                                      : 0;
    if (a->sts_level && !d->sts_note[0])
      snprintf(d->sts_note, sizeof d->sts_note, "%s", v.sentence);
  }
  if (!d->sts_note[0])
    snprintf(d->sts_note, sizeof d->sts_note,
             "every MX host meets the MTA-STS policy (mode %s, id %s)", d->sts_mode,
             d->sts_id);
}

/* Entry i's TLSA records (those of its host) against the chain its check
 * kept (RFC 7672 3). */
static void judge_dane(struct domain_job *j, size_t i, const struct mx_host *h)
{
  struct sw_domain_address *a = &j->report->items[i];
  const struct sw_cert_chain *chain = j->results[i].chain;
  if (h->tlsa_failed) {
    a->dane = SW_DANE_LOOKUP_FAILED;
    return;
  }
  if (!h->tlsa_answered || h->ntlsa == 0) {
    a->dane = SW_DANE_NO_RECORDS;
    return;
  }
  if (!chain) {
    a->dane = SW_DANE_NO_CHAIN;
    return;
  }
  struct sw_tlsa_record recs[TLSA_MAX];
  for (size_t k = 0; k < h->ntlsa; k++)
    recs[k] =
        (struct sw_tlsa_record){h->tlsa[k].usage, h->tlsa[k].selector,
                                h->tlsa[k].matching, h->tlsa[k].data, h->tlsa[k].len};
  struct sw_tlsa_result t;
  sw_tlsa_match(recs, h->ntlsa, chain->certs, chain->count, h->tlsa_ad, sw_win_digest,
                NULL, &t);
  /* A DANE-TA match needs the chain's signatures and the name checked: the
   * TLS layer's validation (RFC 7672 3.1.2). */
  bool chain_checked = j->results[i].cert_judged &&
                       (j->results[i].cert_outcome == SW_OUTCOME_OK ||
                        j->results[i].cert_outcome == SW_OUTCOME_CERT_CHAIN_INCOMPLETE);
  if (t.verdict == SW_TLSA_NO_USABLE)
    a->dane = SW_DANE_NO_RECORDS;
  else if (!h->tlsa_ad)
    a->dane = SW_DANE_UNAUTHENTICATED;
  else if (t.verdict == SW_TLSA_MATCHED && sw_tlsa_validated(&t, chain_checked))
    a->dane = SW_DANE_MATCHED;
  else
    a->dane = SW_DANE_MISMATCH;
  if ((a->dane == SW_DANE_MISMATCH || a->dane == SW_DANE_UNAUTHENTICATED) &&
      !j->report->dane_note[0])
    snprintf(j->report->dane_note, sizeof j->report->dane_note, "%s: %s", a->mx,
             t.sentence);
}

/* The host of report entry i. */
static const struct mx_host *entry_host(const struct domain_job *j, size_t i)
{
  for (size_t k = 0; k < j->nhosts; k++)
    if (!strcmp(j->hosts[k].name, j->report->items[i].mx))
      return &j->hosts[k];
  return NULL;
}

/* The sentence of the domain's outcome into r->detail. */
static void domain_detail(const struct domain_job *j, struct sw_check_result *r)
{
  const struct sw_domain_report *d = r->domain;
  switch (r->outcome) {
  case SW_OUTCOME_MTA_STS_VIOLATION:
    snprintf(r->detail, sizeof r->detail, "%s", d->sts_note);
    break;
  case SW_OUTCOME_DANE_MISMATCH:
  case SW_OUTCOME_DANE_UNAUTHENTICATED:
    snprintf(r->detail, sizeof r->detail, "%s", d->dane_note);
    break;
  case SW_OUTCOME_RESOLVE_FAILED:
  case SW_OUTCOME_NO_MAIL_HOST:
    snprintf(r->detail, sizeof r->detail, "%s", j->mx_detail);
    break;
  case SW_OUTCOME_NULL_MX:
    r->detail[0] = '\0';
    break;
  default:
    break; /* the deciding address's own words */
  }
}

/* Frees the job; results[0..n) are the report's entries' (n: how many the
 * report had). */
static void job_free(struct domain_job *j, size_t n)
{
  for (size_t i = 0; j->results && i < n; i++)
    sw_check_result_free(&j->results[i]);
  for (size_t i = 0; i < j->nhosts; i++)
    free(j->hosts[i].tlsa);
  free(j->results);
  free(j->checks);
  sw_domain_report_free(j->report);
  free(j->strings);
  free(j);
}

static void finish(struct domain_job *j)
{
  struct sw_domain_report *d = j->report;
  size_t n = d->count;
  struct sw_check_result r;
  sw_check_result_init(&r);
  if (j->spec.mta_sts)
    judge_mta_sts(j);
  for (size_t i = 0; j->results && i < n; i++) {
    const struct mx_host *h = entry_host(j, i);
    if (j->spec.dane && h)
      judge_dane(j, i, h);
    struct sw_check_result *ri = &j->results[i];
    if (ri->outcome == SW_OUTCOME_INTERNAL_ERROR) { /* no check ran: its reason */
      ri->outcome = d->items[i].outcome;
      snprintf(ri->detail, sizeof ri->detail, "%s", d->items[i].detail);
      snprintf(ri->peer, sizeof ri->peer, "%s", d->items[i].peer);
    }
  }
  if (j->results && n > 0) /* the deciding address speaks for the rest */
    sw_check_result_move(&r, &j->results[sw_check_results_worst(j->results, n)]);
  if (j->hosts_left_out)
    snprintf(d->dane_note + strlen(d->dane_note),
             sizeof d->dane_note - strlen(d->dane_note),
             "%s%u MX hosts past the first %d were not checked",
             d->dane_note[0] ? "; " : "", (unsigned)j->hosts_left_out, MX_HOSTS_MAX);
  r.domain = d; /* the result's now: the callback may move it out */
  j->report = NULL;
  sw_domain_report_judge(&r);
  domain_detail(j, &r);
  if (j->cancelled)
    r.outcome = SW_OUTCOME_CANCELLED;
  r.total_us = sw_clock_now_us() - j->start_us;
  j->done(j->ctx, &r);
  sw_check_result_free(&r);
  job_free(j, n);
}

/* Copies the spec's strings into one allocation of the job's. */
static bool copy_strings(struct domain_job *j, const struct sw_check_spec *spec)
{
  const char *src[5] = {spec->domain, spec->dns_server, spec->command, spec->expect,
                        spec->ehlo_name};
  const char **dst[5] = {&j->spec.domain, &j->spec.dns_server, &j->spec.command,
                         &j->spec.expect, &j->spec.ehlo_name};
  size_t total = 0;
  for (int i = 0; i < 5; i++)
    total += (src[i] ? strlen(src[i]) : 0) + 1;
  char *p = j->strings = malloc(total);
  if (!p)
    return false;
  for (int i = 0; i < 5; i++) {
    size_t len = src[i] ? strlen(src[i]) : 0;
    memcpy(p, src[i] ? src[i] : "", len + 1);
    *dst[i] = p;
    p += len + 1;
  }
  /* "example.com." and "example.com" are the same domain */
  size_t dl = strlen(j->spec.domain);
  if (dl > 1 && j->spec.domain[dl - 1] == '.')
    ((char *)j->spec.domain)[dl - 1] = '\0';
  return true;
}

enum sw_error sw__domain_submit(struct sw_engine *e, const struct sw_check_spec *spec,
                                sw_check_done_fn done, void *ctx)
{
  struct domain_job *j = calloc(1, sizeof *j);
  if (!j)
    return SW_E_NOMEM;
  j->e = e;
  j->done = done;
  j->ctx = ctx;
  j->spec = *spec;
  if (!copy_strings(j, spec) ||
      !(j->report = sw_domain_report_new(j->spec.domain, spec->min_ok))) {
    job_free(j, 0);
    return SW_E_NOMEM;
  }
  j->start_us = sw_clock_now_us();
  j->deadline_us =
      j->start_us +
      (int64_t)(spec->timeout_ms ? spec->timeout_ms : SW_RULE_DEFAULT_TIMEOUT_MS) * 1000;
  char why[SW_ENGINE_DNS_ERROR_MAX];
  snprintf(j->report->dns_server, sizeof j->report->dns_server, "%s",
           spec->dns_server && *spec->dns_server ? spec->dns_server
                                                 : "the system's DNS servers");
  j->pending = 1; /* ours, until everything is asked */
  if (!ask(j, j->spec.domain, SW_DNS_MX, on_mx, &j->q_mx, why, sizeof why)) {
    job_free(j, 0);
    return SW_E_INVALID_ARGUMENT;
  }
  if (spec->mta_sts)
    ask_mta_sts(j);
  release(j); /* never the last: the MX query is still out */
  return SW_E_OK;
}
