/* The two Schannel credential structures, field by field: the
 * SCH_CREDENTIALS path (Windows 10 1809 and later) and the SCHANNEL_CRED
 * fallback (Server 2016, older Windows 10) must ask Schannel for the same
 * thing, or the same weak server passes on one Windows and fails on
 * another. Wine negotiates alike with either, so the structures are what
 * is tested; docs/windows-verification.md item 9 has the handshake. */
#include "tls_cred_build.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Filled over garbage: a builder must set every field, not rely on the
 * caller's memset. */
static void build_both(SCH_CREDENTIALS *modern, SCHANNEL_CRED *legacy)
{
  memset(modern, 0xA5, sizeof *modern);
  memset(legacy, 0xA5, sizeof *legacy);
  sw_tls_cred_build_modern(modern);
  sw_tls_cred_build_legacy(legacy);
}

static void test_versions_are_each_structures_own(void **state)
{
  (void)state;
  SCH_CREDENTIALS m;
  SCHANNEL_CRED l;
  build_both(&m, &l);
  assert_int_equal(m.dwVersion, SCH_CREDENTIALS_VERSION);
  assert_int_equal(l.dwVersion, SCHANNEL_CRED_VERSION);
}

static void test_same_flags_on_both_paths(void **state)
{
  (void)state;
  SCH_CREDENTIALS m;
  SCHANNEL_CRED l;
  build_both(&m, &l);
  assert_int_equal(m.dwFlags, l.dwFlags);
  /* Each flag named, so that dropping one from the shared set fails here
   * and not on a customer's Server 2016. */
  static const struct {
    DWORD flag;
    const char *name;
  } wanted[] = {
      {SCH_USE_STRONG_CRYPTO, "SCH_USE_STRONG_CRYPTO"},
      {SCH_CRED_NO_DEFAULT_CREDS, "SCH_CRED_NO_DEFAULT_CREDS"},
      {SCH_CRED_MANUAL_CRED_VALIDATION, "SCH_CRED_MANUAL_CRED_VALIDATION"},
  };
  for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
    if (!(m.dwFlags & wanted[i].flag))
      fail_msg("SCH_CREDENTIALS lacks %s", wanted[i].name);
    if (!(l.dwFlags & wanted[i].flag))
      fail_msg("SCHANNEL_CRED lacks %s", wanted[i].name);
  }
  /* Nothing else: automatic validation would trust what Wine's Schannel
   * trusts (anything), and would double the chain work on Windows. */
  assert_int_equal(m.dwFlags, SCH_USE_STRONG_CRYPTO | SCH_CRED_NO_DEFAULT_CREDS |
                                  SCH_CRED_MANUAL_CRED_VALIDATION);
  assert_int_equal(m.dwFlags & SCH_CRED_AUTO_CRED_VALIDATION, 0);
  assert_int_equal(m.dwFlags & SCH_CRED_USE_DEFAULT_CREDS, 0);
}

static void test_protocols_are_the_systems_on_both_paths(void **state)
{
  (void)state;
  SCH_CREDENTIALS m;
  SCHANNEL_CRED l;
  build_both(&m, &l);
  /* SCHANNEL_CRED names the versions it enables, SCH_CREDENTIALS those
   * its TLS_PARAMETERS disable: none on either, so TLS 1.2 and 1.3 are
   * whatever the system's SCHANNEL\Protocols allows, on both. */
  assert_int_equal(l.grbitEnabledProtocols, 0);
  assert_int_equal(m.cTlsParameters, 0);
  assert_null(m.pTlsParameters);
  /* No algorithm list and no cipher strengths: the system's, as on the
   * SCH_CREDENTIALS path, which has no such fields. */
  assert_int_equal(l.cSupportedAlgs, 0);
  assert_null(l.palgSupportedAlgs);
  assert_int_equal(l.dwMinimumCipherStrength, 0);
  assert_int_equal(l.dwMaximumCipherStrength, 0);
}

/* The fields the two structures share besides version and flags. */
struct shared_fields {
  DWORD creds, mappers, format, lifespan;
  const void *certs, *root, *mapper_list;
};

static void test_no_client_certificate_on_both_paths(void **state)
{
  (void)state;
  SCH_CREDENTIALS m;
  SCHANNEL_CRED l;
  build_both(&m, &l);
  struct shared_fields f[2] = {
      {m.cCreds, m.cMappers, m.dwCredFormat, m.dwSessionLifespan, m.paCred, m.hRootStore,
       m.aphMappers},
      {l.cCreds, l.cMappers, l.dwCredFormat, l.dwSessionLifespan, l.paCred, l.hRootStore,
       l.aphMappers},
  };
  /* No certificate to offer, no root store or mappers (server side only),
   * the default format and the system's session cache lifetime. */
  static const struct shared_fields none = {0};
  for (int i = 0; i < 2; i++)
    if (memcmp(&f[i], &none, sizeof none) != 0)
      fail_msg("%s: a certificate, store, mapper, format or lifespan is set",
               i ? "SCHANNEL_CRED" : "SCH_CREDENTIALS");
}

static void test_schannel_takes_both(void **state)
{
  (void)state;
  /* The structures as built are what AcquireCredentialsHandleW gets; it
   * must accept each (Wine does; Windows item 9 of the verification). */
  SCH_CREDENTIALS m;
  SCHANNEL_CRED l;
  build_both(&m, &l);
  void *auth[2] = {&m, &l};
  for (int i = 0; i < 2; i++) {
    CredHandle h;
    TimeStamp expiry;
    SECURITY_STATUS st =
        AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND,
                                  NULL, auth[i], NULL, NULL, &h, &expiry);
    if (st != SEC_E_OK)
      fail_msg("%s refused: 0x%08lX", i ? "SCHANNEL_CRED" : "SCH_CREDENTIALS",
               (unsigned long)st);
    FreeCredentialsHandle(&h);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_versions_are_each_structures_own),
      cmocka_unit_test(test_same_flags_on_both_paths),
      cmocka_unit_test(test_protocols_are_the_systems_on_both_paths),
      cmocka_unit_test(test_no_client_certificate_on_both_paths),
      cmocka_unit_test(test_schannel_takes_both),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
