/* C test of the key-driver JSON functions.
 * Expected values: for outcome correlations 0.5 and 0.3 and a driver
 * correlation of 0.2, R2 = (0.25 + 0.09 - 2 * 0.5 * 0.3 * 0.2) / (1 - 0.04)
 * = 0.291666..., and LMG = (0.225833..., 0.065833...) by averaging each
 * driver's gain over the two orderings. The Shapley table is the worked
 * example of displayr.com/shapley-value-regression/ (A = 0.3). The non-PSD
 * matrix comes from pairwise deletion (GitHub dominance-analysis/
 * dominance-analysis#19); numpy eigvalsh gives its smallest eigenvalue as
 * -0.2358. */
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
  char *response = NULL;

  CHECK(loyalty_call_json("{\"function\":\"key_drivers_from_matrix\",\"args\":{"
                          "\"matrix\":[[1,0.5,0.3],[0.5,1,0.2],[0.3,0.2,1]],\"n\":200,"
                          "\"names\":[\"nps\",\"speed\",\"price\"]}}",
                          &response) == LOYALTY_STATUS_OK,
        "key drivers from a correlation matrix");
  CHECK(response != NULL, "response returned");
  if (response != NULL) {
    CHECK(strstr(response, "\"value\":0.2916666666") != NULL, "full-model R2");
    CHECK(strstr(response, "\"value\":0.2258333333") != NULL, "LMG of speed");
    CHECK(strstr(response, "\"value\":0.0658333333") != NULL, "LMG of price");
    CHECK(strstr(response, "\"drivers\":[\"speed\",\"price\"]") != NULL, "driver names");
  }
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"key_drivers_from_matrix\",\"args\":{"
                          "\"matrix\":[[1,0.8,0.8],[0.8,1,-0.2],[0.8,-0.2,1]],\"n\":100}}",
                          &response) == LOYALTY_STATUS_NOT_POSITIVE_SEMIDEFINITE,
        "non-PSD matrix rejected");
  CHECK(strstr(loyalty_last_error_message(), "-2.357") != NULL, "message names the smallest eigenvalue");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"shapley_values\",\"args\":{\"p\":3,"
                          "\"values\":[0,0.4,0.2,0.4,0.1,0.5,0.3,0.5]}}",
                          &response) == LOYALTY_STATUS_OK,
        "Shapley values of a table");
  CHECK(response != NULL, "response returned");
  if (response != NULL) {
    double a = 0.0;
    CHECK(sscanf(response, "[%lf,", &a) == 1, "Shapley values parse");
    CHECK(fabs(a - 0.3) < 1e-12, "Shapley value of A");
  }
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"key_drivers\",\"args\":{\"names\":[\"y\",\"flat\"],"
                          "\"columns\":[[1,2,3,4],[5,5,5,5]]}}",
                          &response) == LOYALTY_STATUS_DEGENERATE,
        "constant driver rejected");
  CHECK(strstr(loyalty_last_error_message(), "flat") != NULL, "message names the driver");
  loyalty_string_free(response);

  printf("%d passed, %d failed\n", passed, failures);
  return failures == 0 ? 0 : 1;
}
