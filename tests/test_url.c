/* policy server addresses: parsing, defaults, and a key that is never shown in full */
#include <criterion/criterion.h>
#include <string.h>

#include "net/url.h"

static char err[256];

Test(url, parses_key_host_port_path) {
  bk_url_t u;
  cr_assert_eq(bk_url_parse("ws://s3cr3t@gpu-7.cluster:8123/v1", &u, err, sizeof err), 0, "%s", err);
  cr_expect_str_eq(u.scheme, "ws");
  cr_expect_str_eq(u.key, "s3cr3t");
  cr_expect_str_eq(u.host, "gpu-7.cluster");
  cr_expect_eq(u.port, 8123);
  cr_expect_str_eq(u.path, "/v1");
  char shown[300];
  bk_url_redacted(&u, shown, sizeof shown);
  cr_expect_str_eq(shown, "ws://s3***@gpu-7.cluster:8123/v1");
}

Test(url, defaults_port_and_path) {
  bk_url_t u;
  cr_assert_eq(bk_url_parse("ws://localhost", &u, err, sizeof err), 0);
  cr_expect_eq(u.port, 8000);
  cr_expect_str_eq(u.path, "/");
  cr_assert_eq(bk_url_parse("http://10.0.0.2:8777", &u, err, sizeof err), 0);
  cr_expect_eq(u.port, 8777);
  char shown[300];
  bk_url_redacted(&u, shown, sizeof shown);
  cr_expect_str_eq(shown, "http://10.0.0.2:8777");
}

Test(url, rejects_bad_addresses_without_quoting_the_key) {
  bk_url_t u;
  cr_expect_lt(bk_url_parse("localhost:8000", &u, err, sizeof err), 0);
  cr_expect_lt(bk_url_parse("ftp://host", &u, err, sizeof err), 0);
  cr_expect_lt(bk_url_parse("ws://topsecret@host:99999", &u, err, sizeof err), 0);
  cr_expect(strstr(err, "topsecret") == NULL, "%s", err);
  cr_expect_lt(bk_url_parse("ws://topsecret@:80", &u, err, sizeof err), 0);
  cr_expect(strstr(err, "topsecret") == NULL, "%s", err);
}
