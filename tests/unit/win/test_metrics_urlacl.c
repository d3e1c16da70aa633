/* The metrics URL's reservation (service/svc_urlacl.c): the prefix it
 * reserves, and its SDDL evaluated for every kind of caller. Wine 8's
 * HttpSetServiceConfiguration and HttpQueryServiceConfiguration are stubs
 * (the first stores nothing and says it did, the second finds nothing),
 * so the descriptor is evaluated here as Windows' access check would, and
 * the read-back on a real Windows is docs/windows-verification.md's. */
#include <windows.h>
#include <sddl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "access_eval.h"
#include "sd_fixture.h"
#include "service_sid.h"
#include "svc_urlacl.h"

/* http.sys' rights, each its own bit: only GENERIC_EXECUTE (register)
 * and GENERIC_WRITE (delegate) mean anything for a reservation. */
static const GENERIC_MAPPING url_mapping = {0x1, 0x2, 0x4, 0x7};
#define REGISTER 0x4

/* The reservation --install-config makes on Windows, where the service
 * has its own SID. */
static void reservation_sddl(wchar_t *out, size_t cap)
{
  PSID sid = NULL;
  LPWSTR text = NULL;
  assert_int_equal(sw_service_sid(L"SmtpWatch", &sid), SW_E_OK);
  assert_true(ConvertSidToStringSidW(sid, &text));
  assert_int_equal(sw_svc_urlacl_sddl(text, out, cap), 0);
  LocalFree(text);
  LocalFree(sid);
}

static void only_the_service_may_register(void **state)
{
  (void)state;
  wchar_t sddl[256];
  reservation_sddl(sddl, 256);
  PSECURITY_DESCRIPTOR sd = sd_of(sddl);
  for (int p = 0; p < SW_PRINCIPAL_COUNT; p++) {
    struct sw_token_model m;
    assert_int_equal(sw_token_model_of((enum sw_principal)p, NULL, &m), SW_E_OK);
    ACCESS_MASK a = sw_access_granted(sd, &m, &url_mapping);
    ACCESS_MASK want = p == SW_PRINCIPAL_SERVICE ? REGISTER : 0;
    if (a != want)
      fail_msg("%s gets 0x%lx from %ls, not 0x%lx",
               sw_principal_name((enum sw_principal)p), (unsigned long)a, sddl,
               (unsigned long)want);
  }
  LocalFree(sd);
}

static void the_sddl_names_the_trustee_alone(void **state)
{
  (void)state;
  wchar_t sddl[64];
  assert_int_equal(sw_svc_urlacl_sddl(L"LS", sddl, 64), 0);
  assert_true(wcscmp(sddl, L"D:(A;;GX;;;LS)") == 0);
  assert_int_equal(sw_svc_urlacl_sddl(L"LS", sddl, 8), ERROR_INSUFFICIENT_BUFFER);
}

static void the_prefix_is_the_ports_root(void **state)
{
  (void)state;
  wchar_t prefix[128];
  char why[256];
  assert_true(sw_svc_urlacl_prefix(L"http://127.0.0.1:9465/metrics", prefix, 128, why,
                                   sizeof why));
  assert_true(wcscmp(prefix, L"http://127.0.0.1:9465/") == 0);
  assert_false(
      sw_svc_urlacl_prefix(L"https://+:9465/metrics", prefix, 128, why, sizeof why));
  assert_non_null(strstr(why, "certificate binding"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(only_the_service_may_register),
      cmocka_unit_test(the_sddl_names_the_trustee_alone),
      cmocka_unit_test(the_prefix_is_the_ports_root),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
