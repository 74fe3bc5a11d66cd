/* C test of the loyalty ABI: NPS from counts and scores, errors, JSON entry.
 * Expected values: Cross Validated answer 18609 (100/60/40 promoters,
 * passives, detractors: NPS 30, Wald SE 5.5227 points) and Rocks (2016)
 * adjusted Wald for 10 promoters (centre 76.92, upper bound clipped to 100). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "loyalty.h"

static int failures = 0;
static int passed = 0;

#define CHECK(cond, what)                                        \
  do {                                                           \
    if (cond) {                                                  \
      passed++;                                                  \
    } else {                                                     \
      failures++;                                                \
      fprintf(stderr, "FAIL %s (line %d)\n", what, __LINE__);    \
    }                                                            \
  } while (0)

int main(void) {
  LoyaltyEstimate est;

  CHECK(loyalty_nps_from_counts(40, 60, 100, LOYALTY_NPS_METHOD_WALD, 0.95, 0, &est) == LOYALTY_STATUS_OK,
        "wald from counts succeeds");
  CHECK(fabs(est.value - 30.0) < 1e-9, "wald value is 30");
  CHECK(fabs(est.se - 5.522680508593631) < 1e-9, "wald se");
  CHECK(strcmp(est.method, "wald") == 0, "method name");

  CHECK(loyalty_nps_from_counts(0, 0, 10, LOYALTY_NPS_METHOD_ADJUSTED_WALD, 0.95, 0, &est) == LOYALTY_STATUS_OK,
        "adjusted wald succeeds");
  CHECK(fabs(est.value - 76.92307692307692) < 1e-9, "adjusted centre");
  CHECK(est.ci_high == 100.0, "upper bound clamped to 100");
  CHECK(fabs(est.ci_low - 47.5035515447902) < 1e-6, "adjusted lower bound");

  double scores[] = {0, 7, 7, 9, 9, 9};
  CHECK(loyalty_nps(scores, 6, 0, 10, LOYALTY_NPS_METHOD_WALD, 0.95, 0, &est) == LOYALTY_STATUS_OK, "scores");
  CHECK(fabs(est.value - 100.0 / 3.0) < 1e-9, "NPS of scores");

  unsigned char bytes[] = {10, 10, 3, 8};
  CHECK(loyalty_nps_u8(bytes, 4, 0, 10, LOYALTY_NPS_METHOD_WALD, 0.95, 0, &est) == LOYALTY_STATUS_OK, "bytes");
  CHECK(fabs(est.value - 25.0) < 1e-9, "NPS of bytes");

  double bad[] = {9, 6.5};
  CHECK(loyalty_nps(bad, 2, 0, 10, LOYALTY_NPS_METHOD_WALD, 0.95, 0, &est) == LOYALTY_STATUS_OUT_OF_RANGE,
        "fractional score rejected");
  CHECK(strstr(loyalty_last_error_message(), "scores[1]") != NULL, "message names the position");

  CHECK(loyalty_nps_from_counts(0, 0, 0, LOYALTY_NPS_METHOD_WALD, 0.95, 0, &est) == LOYALTY_STATUS_EMPTY,
        "empty counts rejected");
  CHECK(loyalty_nps_from_counts(1, 1, 1, 42, 0.95, 0, &est) == LOYALTY_STATUS_INVALID_PARAMETER,
        "unknown method rejected");
  CHECK(loyalty_nps_from_counts(1, 1, 1, LOYALTY_NPS_METHOD_WALD, 0.95, 0, NULL) == LOYALTY_STATUS_NULL_POINTER,
        "NULL out rejected");
  CHECK(loyalty_nps(NULL, 3, 0, 10, LOYALTY_NPS_METHOD_WALD, 0.95, 0, &est) == LOYALTY_STATUS_NULL_POINTER,
        "NULL scores rejected");

  char *response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"nps_from_counts\",\"args\":{\"detractors\":40,\"passives\":60,"
                          "\"promoters\":100,\"method\":\"wald\"}}",
                          &response) == LOYALTY_STATUS_OK,
        "json call succeeds");
  CHECK(response != NULL && strstr(response, "\"value\":30.0") != NULL, "json value");
  loyalty_string_free(response);

  response = NULL;
  /* A misspelt argument name is rejected, not replaced by its default. */
  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"nps_from_counts\",\"args\":{\"detractors\":40,\"passives\":60,"
                          "\"promoters\":100,\"methd\":\"wald\"}}",
                          &response) == LOYALTY_STATUS_INVALID_PARAMETER,
        "unknown argument rejected");
  CHECK(response != NULL, "unknown argument has an error body");
  CHECK(response != NULL && strstr(response, "methd") != NULL, "unknown argument named");
  loyalty_string_free(response);

  CHECK(loyalty_call_json("{not json", &response) == LOYALTY_STATUS_PARSE, "bad json rejected");
  CHECK(response != NULL && strstr(response, "\"error\"") != NULL, "json error body");
  loyalty_string_free(response);

  printf("%d passed, %d failed\n", passed, failures);
  return failures == 0 ? 0 : 1;
}
