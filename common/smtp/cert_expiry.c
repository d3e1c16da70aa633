/* Certificate expiry: days left and the verdict against the thresholds. */
#include "cert_expiry.h"

int sw_cert_days_left(int64_t not_after, int64_t now_s)
{
  int64_t days = sw_floor_div(not_after - now_s, SW_SECONDS_PER_DAY);
  if (days > 1000000)
    return 1000000; /* certificates "valid until 9999" stay printable */
  if (days < -1000000)
    return -1000000;
  return (int)days;
}

enum sw_outcome sw_cert_expiry_outcome(int64_t not_after, int64_t now_s, int warn_days)
{
  if (now_s > not_after)
    return SW_OUTCOME_CERT_EXPIRED;
  if (warn_days > 0 && not_after - now_s < (int64_t)warn_days * SW_SECONDS_PER_DAY)
    return SW_OUTCOME_CERT_EXPIRING;
  return SW_OUTCOME_OK;
}

bool sw_cert_expiry_is_critical(const struct sw_tls_info *tls)
{
  return tls->days_left < tls->crit_days;
}
