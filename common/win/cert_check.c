/* Certificate fields and validation (see the header): the chain is built
 * and the SSL policy applied here; the facts of both go to cert_trust.c,
 * which decides what they mean. */
/* dwUrlRetrievalTimeout and friends; before anything includes wincrypt.h. */
#define CERT_CHAIN_PARA_HAS_EXTRA_FIELDS
#include <winsock2.h>
#include <ws2tcpip.h>

#include <bcrypt.h>

#include "cert_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_trust.h"
#include "clock.h"
#include "sw_buf.h"
#include "sw_macros.h"
#include "sw_utf8.h"
#include "win_text.h"

/* A distinguished name as "CN=..., O=..., C=..." (most specific first) in
 * UTF-8. */
static void name_text(CERT_NAME_BLOB *name, char *out, size_t size)
{
  wchar_t wide[SW_TLS_TEXT_MAX];
  out[0] = '\0';
  DWORD n = CertNameToStrW(X509_ASN_ENCODING, name,
                           CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG, wide,
                           SW_TLS_TEXT_MAX);
  if (n <= 1)
    return;
  if (!sw_utf8_from_wide(wide, out, size)) {
    /* Too long for `out`: cut it, at a character boundary. */
    char *all = sw_utf8_dup(wide);
    if (all) {
      size_t cut = sw_utf8_fit(all, strlen(all), size - 4);
      memcpy(out, all, cut);
      memcpy(out + cut, "...", 4);
    }
    free(all);
  }
}

static enum sw_error append_name(struct sw_buf *b, const char *name)
{
  enum sw_error err = b->len ? sw_buf_append(b, "\n", 1) : SW_E_OK;
  return err ? err : sw_buf_appends(b, name);
}

/* The subjectAltName's DNS names and IP addresses, '\n'-separated. */
static enum sw_error alt_names(PCCERT_CONTEXT cert, char **out)
{
  *out = NULL;
  PCERT_EXTENSION ext = CertFindExtension(
      szOID_SUBJECT_ALT_NAME2, cert->pCertInfo->cExtension, cert->pCertInfo->rgExtension);
  if (!ext)
    return SW_E_OK;
  CERT_ALT_NAME_INFO *alt = NULL;
  DWORD size = 0;
  if (!CryptDecodeObjectEx(X509_ASN_ENCODING, X509_ALTERNATE_NAME, ext->Value.pbData,
                           ext->Value.cbData, CRYPT_DECODE_ALLOC_FLAG, NULL, &alt, &size))
    return SW_E_OK; /* a name we cannot read is one we do not report */
  struct sw_buf b;
  sw_buf_init(&b, 16 * 1024);
  enum sw_error err = SW_E_OK;
  for (DWORD i = 0; i < alt->cAltEntry && !err; i++) {
    const CERT_ALT_NAME_ENTRY *e = &alt->rgAltEntry[i];
    char text[300];
    if (e->dwAltNameChoice == CERT_ALT_NAME_DNS_NAME) {
      if (!sw_utf8_from_wide(e->pwszDNSName, text, sizeof text))
        continue;
    } else if (e->dwAltNameChoice == CERT_ALT_NAME_IP_ADDRESS &&
               (e->IPAddress.cbData == 4 || e->IPAddress.cbData == 16)) {
      if (!InetNtopA(e->IPAddress.cbData == 4 ? AF_INET : AF_INET6, e->IPAddress.pbData,
                     text, sizeof text))
        continue;
    } else {
      continue; /* e-mail addresses, URIs, directory names: not host names */
    }
    err = append_name(&b, text);
  }
  LocalFree(alt);
  if (!err && b.len)
    *out = sw_buf_take(&b);
  sw_buf_free(&b);
  return err;
}

/* The SHA-256 of the DER SubjectPublicKeyInfo in lowercase hex (what
 * HPKP and DANE's SPKI selector hash): the same for every certificate of
 * the same key. Left "" when the key cannot be encoded or hashed. */
static void key_hash(const CERT_PUBLIC_KEY_INFO *spki, char *out, size_t size)
{
  out[0] = '\0';
  BYTE *der = NULL;
  DWORD der_len = 0;
  if (!CryptEncodeObjectEx(X509_ASN_ENCODING, X509_PUBLIC_KEY_INFO, spki,
                           CRYPT_ENCODE_ALLOC_FLAG, NULL, &der, &der_len))
    return;
  BYTE hash[32];
  DWORD hash_len = sizeof hash;
  if (CryptHashCertificate2(BCRYPT_SHA256_ALGORITHM, 0, NULL, der, der_len, hash,
                            &hash_len) &&
      hash_len == sizeof hash && size > 2 * sizeof hash) {
    for (DWORD i = 0; i < hash_len; i++)
      snprintf(out + 2 * i, 3, "%02x", hash[i]);
  }
  LocalFree(der);
}

/* The curve of an EC key, named as NIST and RFC 8422 name it. */
static const char *curve_name(const CRYPT_OBJID_BLOB *params)
{
  LPSTR *oid = NULL;
  DWORD size = 0;
  const char *name = NULL;
  if (!CryptDecodeObjectEx(X509_ASN_ENCODING, X509_OBJECT_IDENTIFIER, params->pbData,
                           params->cbData, CRYPT_DECODE_ALLOC_FLAG, NULL, &oid, &size))
    return NULL;
  if (strcmp(*oid, szOID_ECC_CURVE_P256) == 0)
    name = "P-256";
  else if (strcmp(*oid, szOID_ECC_CURVE_P384) == 0)
    name = "P-384";
  else if (strcmp(*oid, szOID_ECC_CURVE_P521) == 0)
    name = "P-521";
  LocalFree(oid);
  return name;
}

/* "RSA 2048", "ECDSA P-256", "Ed25519", or the algorithm's OID and size
 * for one we do not name. */
static void key_type(const CERT_PUBLIC_KEY_INFO *spki, char *out, size_t size)
{
  const char *alg = spki->Algorithm.pszObjId ? spki->Algorithm.pszObjId : "";
  DWORD bits = CertGetPublicKeyLength(X509_ASN_ENCODING, (PCERT_PUBLIC_KEY_INFO)spki);
  const char *curve = NULL;
  if (strcmp(alg, szOID_RSA_RSA) == 0)
    snprintf(out, size, "RSA %lu", (unsigned long)bits);
  else if (strcmp(alg, szOID_ECC_PUBLIC_KEY) == 0 &&
           (curve = curve_name(&spki->Algorithm.Parameters)) != NULL)
    snprintf(out, size, "ECDSA %s", curve);
  else if (strcmp(alg, szOID_ECC_PUBLIC_KEY) == 0)
    snprintf(out, size, "ECDSA %lu", (unsigned long)bits);
  else if (strcmp(alg, "1.3.101.112") == 0) /* RFC 8410 */
    snprintf(out, size, "Ed25519");
  else if (bits)
    snprintf(out, size, "%s %lu", alg, (unsigned long)bits);
  else
    snprintf(out, size, "%s", alg);
}

enum sw_error sw_cert_describe(PCCERT_CONTEXT cert, struct sw_tls_info *info)
{
  name_text(&cert->pCertInfo->Subject, info->subject, sizeof info->subject);
  name_text(&cert->pCertInfo->Issuer, info->issuer, sizeof info->issuer);
  key_hash(&cert->pCertInfo->SubjectPublicKeyInfo, info->key_sha256,
           sizeof info->key_sha256);
  key_type(&cert->pCertInfo->SubjectPublicKeyInfo, info->key_type, sizeof info->key_type);
  info->not_after = sw_clock_unix_us(&cert->pCertInfo->NotAfter) / 1000000;
  return alt_names(cert, &info->sans);
}

/* Whether the server sent `c` (its certificates are in `sent`), or one
 * with the same subject and key: a cross-signed twin of an intermediate
 * completes the chain alike, and Windows may prefer the one it has. */
static bool server_sent(HCERTSTORE sent, PCCERT_CONTEXT c)
{
  PCCERT_CONTEXT other = NULL;
  while ((other = CertEnumCertificatesInStore(sent, other)) != NULL) {
    if (CertCompareCertificateName(X509_ASN_ENCODING, &other->pCertInfo->Subject,
                                   &c->pCertInfo->Subject) &&
        CertComparePublicKeyInfo(X509_ASN_ENCODING,
                                 &other->pCertInfo->SubjectPublicKeyInfo,
                                 &c->pCertInfo->SubjectPublicKeyInfo)) {
      CertFreeCertificateContext(other);
      return true;
    }
  }
  return false;
}

/* The facts of the built chain for sw_cert_trust_judge, and its verdict. */
static enum sw_outcome judge_chain(PCCERT_CHAIN_CONTEXT chain, PCCERT_CONTEXT cert,
                                   const char *host, const char *names,
                                   unsigned long policy_error, char *detail, size_t size,
                                   unsigned long *error)
{
  const CERT_SIMPLE_CHAIN *simple = chain->cChain ? chain->rgpChain[0] : NULL;
  size_t count = simple ? simple->cElement : 0;
  struct element_names {
    char subject[SW_TLS_TEXT_MAX], issuer[SW_TLS_TEXT_MAX];
  } *text = calloc(count ? count : 1, sizeof *text);
  struct sw_cert_trust_element *el = calloc(count ? count : 1, sizeof *el);
  if (!text || !el) {
    free(text);
    free(el);
    snprintf(detail, size, "out of memory while judging the certificate chain");
    return SW_OUTCOME_INTERNAL_ERROR;
  }
  for (size_t i = 0; i < count; i++) {
    PCCERT_CONTEXT c = simple->rgpElement[i]->pCertContext;
    name_text(&c->pCertInfo->Subject, text[i].subject, sizeof text[i].subject);
    name_text(&c->pCertInfo->Issuer, text[i].issuer, sizeof text[i].issuer);
    el[i].subject = text[i].subject;
    el[i].issuer = text[i].issuer;
    el[i].errors = simple->rgpElement[i]->TrustStatus.dwErrorStatus;
    el[i].self_signed = CertCompareCertificateName(
        X509_ASN_ENCODING, &c->pCertInfo->Subject, &c->pCertInfo->Issuer);
    el[i].sent = i == 0 || server_sent(cert->hCertStore, c);
  }
  struct sw_cert_trust_facts f = {
      .chain_errors = chain->TrustStatus.dwErrorStatus |
                      (simple ? simple->TrustStatus.dwErrorStatus : 0),
      .elements = el,
      .count = count,
      .policy_error = policy_error,
      .host = host,
      .names = names,
  };
  enum sw_outcome o = sw_cert_trust_judge(&f, detail, size, error);
  free(el);
  free(text);
  return o;
}

struct sw_cert_chain_params sw_cert_chain_params(uint32_t budget_ms, bool revocation)
{
  if (budget_ms == 0)
    budget_ms = 1;
  uint32_t t = budget_ms / SW_CERT_URL_SHARE_DIVISOR;
  if (t < SW_CERT_URL_FLOOR_MS)
    t = SW_CERT_URL_FLOOR_MS;
  if (t > SW_CERT_URL_CEILING_MS)
    t = SW_CERT_URL_CEILING_MS;
  if (t > budget_ms)
    t = budget_ms;
  struct sw_cert_chain_params p = {.url_timeout_ms = t, .flags = 0};
  if (revocation)
    p.flags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT |
              CERT_CHAIN_REVOCATION_ACCUMULATIVE_TIMEOUT;
  return p;
}

static sw_cert_chain_observer_fn chain_observer;
static void *chain_observer_ctx;

void sw_cert_set_chain_observer(sw_cert_chain_observer_fn fn, void *ctx)
{
  chain_observer = fn;
  chain_observer_ctx = ctx;
}

/* Builds the chain and applies the SSL policy; the policy's error (0: good)
 * in *policy_error, the chain in *chain (free it). False if either call
 * failed outright (GetLastError in *policy_error). `budget_ms`: what is
 * left of the check. */
static bool verify(PCCERT_CONTEXT cert, wchar_t *host, uint32_t budget_ms,
                   bool revocation, bool ignore_name, PCCERT_CHAIN_CONTEXT *chain,
                   unsigned long *policy_error)
{
  static const LPSTR server_auth[] = {szOID_PKIX_KP_SERVER_AUTH};
  struct sw_cert_chain_params p = sw_cert_chain_params(budget_ms, revocation);
  CERT_CHAIN_PARA para;
  memset(&para, 0, sizeof para);
  para.cbSize = sizeof para;
  para.RequestedUsage.dwType = USAGE_MATCH_TYPE_OR;
  para.RequestedUsage.Usage.cUsageIdentifier = 1;
  para.RequestedUsage.Usage.rgpszUsageIdentifier = (LPSTR *)server_auth;
  /* The server's intermediates are in cert->hCertStore (Schannel puts
   * them there); missing ones and revocation data may be fetched, within
   * a share of the check's budget. A revocation fetch that runs out
   * leaves the status unknown, which is no verdict. */
  para.dwUrlRetrievalTimeout = p.url_timeout_ms;
  *chain = NULL;
  if (chain_observer)
    chain_observer(chain_observer_ctx, &para, p.flags);
  if (!CertGetCertificateChain(NULL, cert, NULL, cert->hCertStore, &para, p.flags, NULL,
                               chain)) {
    *policy_error = GetLastError();
    return false;
  }
  SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl;
  memset(&ssl, 0, sizeof ssl);
  ssl.cbSize = sizeof ssl;
  ssl.dwAuthType = AUTHTYPE_SERVER;
  ssl.pwszServerName = host;
  if (ignore_name)
    ssl.fdwChecks = 0x00001000; /* SECURITY_FLAG_IGNORE_CERT_CN_INVALID (wininet.h) */
  CERT_CHAIN_POLICY_PARA policy;
  memset(&policy, 0, sizeof policy);
  policy.cbSize = sizeof policy;
  /* A CA without reachable revocation data is common; a revoked
   * certificate is still reported. */
  policy.dwFlags = CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS;
  policy.pvExtraPolicyPara = &ssl;
  CERT_CHAIN_POLICY_STATUS status;
  memset(&status, 0, sizeof status);
  status.cbSize = sizeof status;
  if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, *chain, &policy,
                                        &status)) {
    *policy_error = GetLastError();
    return false;
  }
  *policy_error = status.dwError;
  return true;
}

/* Whether `host` is an address literal listed among the certificate's
 * names (InetNtop's canonical form on both sides). Wine's SSL policy only
 * matches DNS names; RFC 6125 lets an iPAddress entry name the server. */
static bool ip_listed(const char *host, const char *names)
{
  unsigned char addr[16];
  char canon[INET6_ADDRSTRLEN];
  int family = strchr(host, ':') ? AF_INET6 : AF_INET;
  if (!names || InetPtonA(family, host, addr) != 1 ||
      !InetNtopA(family, addr, canon, sizeof canon))
    return false;
  size_t n = strlen(canon);
  for (const char *p = names; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len == n && memcmp(p, canon, n) == 0)
      return true;
    p += len + (nl ? 1 : 0);
  }
  return false;
}

/* What is left of `timeout_ms` since `start` (GetTickCount64), at least 1:
 * a late round still gives its verdict, the check's own timer decides. */
static uint32_t budget_left(uint32_t timeout_ms, ULONGLONG start)
{
  ULONGLONG spent = GetTickCount64() - start;
  return spent < timeout_ms ? (uint32_t)(timeout_ms - spent) : 1;
}

enum sw_outcome sw_cert_validate(PCCERT_CONTEXT cert, const char *host, const char *names,
                                 uint32_t timeout_ms, char *detail, size_t size,
                                 unsigned long *error)
{
  *error = 0;
  detail[0] = '\0';
  wchar_t whost[300];
  if (!sw_wide_from_utf8(host, whost, SW_COUNTOF(whost))) {
    snprintf(detail, size, "the host name cannot be compared with the certificate");
    *error = GetLastError();
    return SW_OUTCOME_CERT_NAME_MISMATCH;
  }
  PCCERT_CHAIN_CONTEXT chain;
  unsigned long code;
  bool revocation = true, ignore_name = false;
  ULONGLONG start = GetTickCount64();
  bool ok = verify(cert, whost, timeout_ms, revocation, ignore_name, &chain, &code);
  for (int round = 0; ok && round < 2; round++) {
    if (revocation && sw_cert_trust_revocation_unknown(code)) {
      /* The ignore flags should have covered this, and do on Windows; Wine's
       * policy reports it anyway, and would hide any other problem behind
       * it. Judge the chain once more without revocation. */
      revocation = false;
    } else if (code == (unsigned long)CERT_E_CN_NO_MATCH && ip_listed(host, names)) {
      /* The address is named: what else is there to say about the chain? */
      ignore_name = true;
    } else {
      break;
    }
    CertFreeCertificateChain(chain);
    ok = verify(cert, whost, budget_left(timeout_ms, start), revocation, ignore_name,
                &chain, &code);
  }
  enum sw_outcome outcome;
  if (!ok) {
    char why[300];
    sw_cert_error_text(code, why, sizeof why);
    snprintf(detail, size, "the certificate chain could not be checked: %s", why);
    outcome = SW_OUTCOME_CERT_UNTRUSTED;
    *error = code;
  } else {
    /* A revocation status still unknown is no verdict: the judge says so. */
    outcome = judge_chain(chain, cert, host, names, code, detail, size, error);
  }
  if (chain)
    CertFreeCertificateChain(chain);
  return outcome;
}
