/* C test of the value functions of the JSON entry point.
 * Expected values: Gupta & Lehmann (2003) margin multiple r/(1+i-r) = 4.5 at
 * r = 0.9, i = 0.1 (end of period) and 5.5 with margins at the start;
 * retention elasticity (1+i)/(1+i-r) = 3.6667 at r = 0.8, i = 0.1; Fader &
 * Hardie (2010) DEL 3.6948 and DERL(n=1) 2.9642 at alpha 0.7041, beta 1.1820,
 * d = 0.1; Pfeifer & Carraway (2000) Markov value 318.421 from "active". */
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

/* Calls the JSON entry point and parses the number that starts the response
 * (or the first number after '['). Returns NAN on failure. */
static double call_number(const char *request, int *status, size_t skip_numbers) {
  char *response = NULL;
  *status = loyalty_call_json(request, &response);
  double value = NAN;
  if (*status == LOYALTY_STATUS_OK && response != NULL) {
    const char *p = response;
    if (*p == '[') {
      p++;
    }
    for (size_t i = 0; i < skip_numbers && p != NULL; i++) {
      p = strchr(p, ',');
      if (p != NULL) {
        p++;
      }
    }
    if (p != NULL) {
      value = strtod(p, NULL);
    }
  }
  loyalty_string_free(response);
  return value;
}

int main(void) {
  int status = -1;
  double v;

  v = call_number("{\"function\":\"clv\",\"args\":{\"margin\":1,\"retention\":0.9,\"discount_rate\":0.1}}", &status, 0);
  CHECK(status == LOYALTY_STATUS_OK, "clv succeeds");
  CHECK(fabs(v - 4.5) < 1e-9, "clv end of period is 4.5");

  v = call_number("{\"function\":\"clv\",\"args\":{\"margin\":1,\"retention\":0.9,\"discount_rate\":0.1,"
                  "\"timing\":\"start\"}}",
                  &status, 0);
  CHECK(fabs(v - 5.5) < 1e-9, "clv start of period is 5.5");

  v = call_number("{\"function\":\"clv\",\"args\":{\"margin\":1,\"sbg\":{\"alpha\":0.7041,\"beta\":1.182},"
                  "\"discount_rate\":0.1,\"timing\":\"start\"}}",
                  &status, 0);
  CHECK(fabs(v - 3.6948) < 2e-3, "clv under sBG at the start is DEL");

  v = call_number("{\"function\":\"retention_elasticity\",\"args\":{\"retention\":0.8,\"discount_rate\":0.1}}",
                  &status, 0);
  CHECK(fabs(v - 3.6667) < 1e-4, "retention elasticity");

  v = call_number("{\"function\":\"sbg_del\",\"args\":{\"alpha\":0.7041,\"beta\":1.182,\"discount_rate\":0.1}}",
                  &status, 0);
  CHECK(fabs(v - 3.6948) < 2e-3, "sbg_del");

  v = call_number("{\"function\":\"sbg_derl\",\"args\":{\"alpha\":0.7041,\"beta\":1.182,\"discount_rate\":0.1,"
                  "\"renewals\":0}}",
                  &status, 0);
  CHECK(fabs(v - 2.9642) < 2e-3, "sbg_derl n=1");

  v = call_number("{\"function\":\"markov_value\",\"args\":{\"transition\":[[0.7,0.3,0.0],[0.2,0.0,0.8],"
                  "[0.0,0.0,1.0]],\"reward\":[100,0,0],\"discount_rate\":0.1}}",
                  &status, 0);
  CHECK(status == LOYALTY_STATUS_OK, "markov_value succeeds");
  CHECK(fabs(v - 318.421) < 1e-3, "markov value of the active state");

  char *response = NULL;
  status = loyalty_call_json("{\"function\":\"clv\",\"args\":{\"margin\":1,\"retention\":1.0,\"discount_rate\":0.1}}",
                             &response);
  CHECK(status == LOYALTY_STATUS_INVALID_PARAMETER, "retention of 1 rejected");
  CHECK(response != NULL && strstr(response, "retention") != NULL, "error names retention");
  loyalty_string_free(response);

  response = NULL;
  status = loyalty_call_json("{\"function\":\"markov_value\",\"args\":{\"transition\":[[0.5,0.5]],\"reward\":[1],"
                             "\"discount_rate\":0.1}}",
                             &response);
  CHECK(status == LOYALTY_STATUS_LENGTH_MISMATCH, "non-square matrix rejected");
  loyalty_string_free(response);

  printf("%d passed, %d failed\n", passed, failures);
  return failures == 0 ? 0 : 1;
}
