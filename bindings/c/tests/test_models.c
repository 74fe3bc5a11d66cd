/* C test of the models JSON functions: sBG fit on Fader & Hardie (2007)
 * "regular" survivors (published alpha 0.704, beta 1.182), BG/NBD
 * predictions at the Fader, Hardie & Lee (2005) CDNOW parameters (P(alive)
 * of a customer without repeat purchases is exactly 1; E[Y(39) | x=2,
 * t_x=30.43, T=38.86] = 1.226 in Hardie's BG/NBD sheet), a small BG/NBD fit,
 * and the recency > T validation error. */
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

/* Reads the number after `"key":` in a JSON text (first occurrence). */
static double number_after(const char *text, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *at = text ? strstr(text, pattern) : NULL;
  if (at == NULL) return -1e300;
  at += strlen(pattern);
  while (*at == '[' || *at == ' ') at++;
  return strtod(at, NULL);
}

static double absolute(double v) { return v < 0 ? -v : v; }

int main(void) {
  char *response = NULL;

  CHECK(loyalty_call_json("{\"function\":\"sbg_fit\",\"args\":{\"survivors\":"
                          "[1000,631,468,382,326,289,262,241]}}",
                          &response) == LOYALTY_STATUS_OK,
        "sbg fit succeeds");
  CHECK(absolute(number_after(response, "alpha") - 0.704) < 1e-3, "sbg alpha");
  CHECK(absolute(number_after(response, "beta") - 1.182) < 1e-3, "sbg beta");
  CHECK(response != NULL && strstr(response, "\"converged\":true") != NULL, "sbg converged");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"sbg_predict\",\"args\":{\"params\":{\"alpha\":0.7040773340189852,"
                          "\"beta\":1.1820431111502465},\"periods\":3,\"discount_rate\":0.1}}",
                          &response) == LOYALTY_STATUS_OK,
        "sbg predict succeeds");
  /* DEL at d = 0.10 recomputed for Fader & Hardie (2010): 3.6949. */
  CHECK(absolute(number_after(response, "del") - 3.6949084036893476) < 1e-6, "sbg DEL");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"bgnbd_predict\",\"args\":{\"params\":{\"r\":0.243,\"alpha\":4.414,"
                          "\"a\":0.793,\"b\":2.426},\"frequency\":[0,2],\"recency\":[0,30.43],"
                          "\"T\":[38.86,38.86],\"t\":39}}",
                          &response) == LOYALTY_STATUS_OK,
        "bgnbd predict succeeds");
  CHECK(absolute(number_after(response, "probability_alive") - 1.0) < 1e-15, "P(alive) of x = 0 is 1");
  {
    const char *at = response ? strstr(response, "\"expected_purchases\":[") : NULL;
    const char *second = at ? strchr(at, ',') : NULL;
    double e39 = second ? strtod(second + 1, NULL) : -1.0;
    CHECK(absolute(e39 - 1.226) < 1e-3, "E[Y(39)] of the sheet's customer");
  }
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"bgnbd_fit\",\"args\":{\"frequency\":[2,1,0,0,5,3,0,1],"
                          "\"recency\":[30.4,1.7,0,0,35.0,12.0,0,20.0],"
                          "\"T\":[38.9,38.9,38.9,38.9,38.9,38.9,38.9,38.9]}}",
                          &response) == LOYALTY_STATUS_OK,
        "bgnbd fit succeeds");
  CHECK(response != NULL && strstr(response, "\"log_likelihood\":") != NULL, "fit reports log-likelihood");
  CHECK(response != NULL && strstr(response, "\"termination\":") != NULL, "fit reports termination");
  loyalty_string_free(response);

  response = NULL;
  CHECK(loyalty_call_json("{\"function\":\"bgnbd_fit\",\"args\":{\"frequency\":[254,1],"
                          "\"recency\":[97.42857,1],\"T\":[97.28571,5]}}",
                          &response) == LOYALTY_STATUS_INVALID_DATA,
        "recency > T rejected");
  CHECK(response != NULL && strstr(response, "recency > T in rows [0]") != NULL, "error names the row");
  loyalty_string_free(response);

  printf("%d passed, %d failed\n", passed, failures);
  return failures == 0 ? 0 : 1;
}
