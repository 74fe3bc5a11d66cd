/* C test of the retention JSON functions.
 * Expected values: economics.json kaplan_meier_small (median 10, agreed by
 * statsmodels and lifelines 0.30.3); peer-faults.json late entrant after
 * the risk set emptied (lifelines PR #1075: S stays 0, no NaN); R
 * survdiff on the aml data (lifelines 0.30.3 logrank_test statistic
 * 3.3963886989776024 on 1 df). */
/* serde_json writes object keys in alphabetical order. */
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

  CHECK(loyalty_call_json("{\"function\":\"kaplan_meier\",\"args\":{\"durations\":[3,5,6,7,8,10,12,12],"
                          "\"events\":[1,0,1,1,0,1,1,0]}}",
                          &response) == LOYALTY_STATUS_OK,
        "kaplan_meier succeeds");
  CHECK(response != NULL && strstr(response, "\"q\":0.5,\"time\":10.0") != NULL, "median is 10");
  CHECK(response != NULL && strstr(response, "{\"at_risk\":8,\"censored\":0,") != NULL,
        "first row at risk 8");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"kaplan_meier\",\"args\":{\"durations\":[1,2,10],"
                          "\"events\":[true,true,true],\"entry\":[0,0,5]}}",
                          &response) == LOYALTY_STATUS_OK,
        "late entrant succeeds");
  CHECK(response != NULL &&
            strstr(response, "\"events\":1,\"se\":0.0,\"survival\":0.0,\"time\":10.0}") != NULL,
        "late entrant row: S stays 0");
  CHECK(response != NULL && strstr(response, "NaN") == NULL, "no NaN");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"kaplan_meier\",\"args\":{\"durations\":[2,3],\"entry\":[2,0]}}",
                          &response) == LOYALTY_STATUS_INVALID_DATA,
        "entry >= duration rejected");
  CHECK(response != NULL && strstr(response, "entry >= duration") != NULL, "error names the rule");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"log_rank\",\"args\":{"
                          "\"durations\":[9,13,13,18,23,28,31,34,45,48,161,5,5,8,8,12,16,23,27,30,33,43,45],"
                          "\"events\":[1,1,0,1,1,0,1,1,0,1,0,1,1,1,1,1,0,1,1,1,1,1,1],"
                          "\"groups\":[\"M\",\"M\",\"M\",\"M\",\"M\",\"M\",\"M\",\"M\",\"M\",\"M\",\"M\","
                          "\"N\",\"N\",\"N\",\"N\",\"N\",\"N\",\"N\",\"N\",\"N\",\"N\",\"N\",\"N\"]}}",
                          &response) == LOYALTY_STATUS_OK,
        "log_rank succeeds");
  CHECK(response != NULL && strstr(response, "\"statistic\":3.39638869") != NULL, "aml statistic");
  CHECK(response != NULL && strstr(response, "\"df\":1") != NULL, "one degree of freedom");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"log_rank\",\"args\":{\"durations\":[1,2],\"groups\":[\"a\",\"a\"]}}",
                          &response) == LOYALTY_STATUS_EMPTY,
        "single group rejected");
  loyalty_string_free(response);

  printf("%d passed, %d failed\n", passed, failures);
  return failures == 0 ? 0 : 1;
}
