/* C test of the separation functions of the JSON entry point: quadrants
 * (counts by hand: of 8 members 2 fall in each quadrant) and construct
 * validity (HTMT of two 2-item blocks = 0.960430798440608, from numpy's
 * corrcoef with the formula mean|r_ab| / sqrt(|r_a1a2| |r_b1b2|)). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Number that follows `key` in `json`, or NAN when the key is absent. */
static double number_after(const char *json, const char *key) {
  const char *at = json ? strstr(json, key) : NULL;
  if (at == NULL) {
    return NAN;
  }
  return strtod(at + strlen(key), NULL);
}

/* The "value" of the estimate object under `key`. The JSON entry writes
 * object keys in sorted order, so the first "value" after `key` is that
 * estimate's own. */
static double estimate_value(const char *json, const char *key) {
  const char *at = json ? strstr(json, key) : NULL;
  return at == NULL ? NAN : number_after(at, "\"value\":");
}

int main(void) {
  char *response = NULL;

  CHECK(loyalty_call_json("{\"function\":\"loyalty_quadrants\",\"args\":{"
                          "\"satisfaction\":[9,10,9,5,4,3,10,2],"
                          "\"loyalty\":[9,3,10,9,2,1,4,9],"
                          "\"satisfied_min\":9,\"loyal_min\":9,\"satisfaction_scale\":[1,10]}}",
                          &response) == LOYALTY_STATUS_OK,
        "quadrants succeed");
  CHECK(number_after(response, "\"loyalists\":") == 2.0, "two loyalists");
  CHECK(number_after(response, "\"mercenaries\":") == 2.0, "two mercenaries");
  CHECK(number_after(response, "\"hostages\":") == 2.0, "two hostages");
  CHECK(number_after(response, "\"defectors\":") == 2.0, "two defectors");
  CHECK(fabs(estimate_value(response, "\"satisfied_defector_rate\":") - 0.5) < 1e-12,
        "satisfied defector rate is one half");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"loyalty_quadrants\",\"args\":{"
                          "\"satisfaction\":[9,6.5],\"loyalty\":[1,2],"
                          "\"satisfied_min\":9,\"loyal_min\":9,\"satisfaction_scale\":[1,10]}}",
                          &response) == LOYALTY_STATUS_OUT_OF_RANGE,
        "fractional satisfaction rejected");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"loyalty_quadrants\",\"args\":{"
                          "\"satisfaction\":[9,8],\"loyalty\":[1],"
                          "\"satisfied_min\":9,\"loyal_min\":9}}",
                          &response) == LOYALTY_STATUS_LENGTH_MISMATCH,
        "mismatched lengths rejected");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"construct_validity\",\"args\":{"
                          "\"data\":{\"a1\":[1,2,3,4,5,6,7,8],\"a2\":[2,1,4,3,6,5,8,7],"
                          "\"b1\":[1,3,2,5,4,7,8,6],\"b2\":[2,2,3,3,5,8,6,7]},"
                          "\"constructs\":[{\"name\":\"A\",\"items\":[\"a1\",\"a2\"]},"
                          "{\"name\":\"B\",\"items\":[\"b1\",\"b2\"]}],"
                          "\"bootstrap\":100,\"seed\":1}}",
                          &response) == LOYALTY_STATUS_OK,
        "construct validity succeeds");
  CHECK(fabs(estimate_value(response, "\"htmt\":") - 0.960430798440608) < 1e-9,
        "HTMT matches numpy");
  CHECK(response != NULL && strstr(response, "\"not_distinct\":[{\"a\":\"A\",\"b\":\"B\"") != NULL,
        "A and B flagged as not distinct");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"construct_validity\",\"args\":{"
                          "\"data\":{\"a1\":[1,2,3],\"a2\":[5,5,5],\"b1\":[1,3,2]},"
                          "\"constructs\":{\"A\":[\"a1\",\"a2\"],\"B\":[\"b1\"]},"
                          "\"bootstrap\":100}}",
                          &response) == LOYALTY_STATUS_DEGENERATE,
        "zero-variance item rejected");
  CHECK(strstr(loyalty_last_error_message(), "a2") != NULL, "message names the item");
  loyalty_string_free(response);

  printf("%d passed, %d failed\n", passed, failures);
  return failures == 0 ? 0 : 1;
}
