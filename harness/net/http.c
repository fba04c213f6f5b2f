#include "net/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

struct bk_http {
  CURL* curl;
  struct curl_slist* headers;
  bk_url_t url;
  char* rx;
  size_t rx_n, rx_cap;
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static size_t on_data(char* p, size_t size, size_t nmemb, void* arg) {
  bk_http_t* h = arg;
  size_t n = size * nmemb;
  if (h->rx_n + n + 1 > h->rx_cap) {
    size_t cap = (h->rx_n + n + 1) * 2;
    char* q = realloc(h->rx, cap);
    if (!q) return 0;
    h->rx = q;
    h->rx_cap = cap;
  }
  memcpy(h->rx + h->rx_n, p, n);
  h->rx_n += n;
  h->rx[h->rx_n] = '\0';
  return n;
}

bk_http_t* bk_http_create(const bk_url_t* u, char* err, int err_sz) {
  pthread_once(&g_once, global_init);
  bk_http_t* h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->url = *u;
  h->curl = curl_easy_init();
  char auth[300];
  h->headers = curl_slist_append(NULL, "Content-Type: application/json");
  h->headers = curl_slist_append(h->headers, "Expect:");
  if (u->key[0]) {
    snprintf(auth, sizeof auth, "Authorization: Api-Key %s", u->key);
    h->headers = curl_slist_append(h->headers, auth);
  }
  if (!h->curl || !h->headers) {
    bk_fail(err, err_sz, BK_ENOMEM, "curl: cannot start");
    bk_http_free(h);
    return NULL;
  }
  curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
  curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
  curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h->curl, CURLOPT_PROXY, "");
  return h;
}

int bk_http_post(bk_http_t* h, const char* path, const char* body, size_t n, double timeout_s,
                 const char** reply, char* err, int err_sz) {
  char url[700];
  snprintf(url, sizeof url, "http://%s:%d%s", h->url.host, h->url.port, path);
  h->rx_n = 0;
  if (h->rx) h->rx[0] = '\0';
  curl_easy_setopt(h->curl, CURLOPT_URL, url);
  curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
  curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)(timeout_s * 1000));
  curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout_s * 1000));
  CURLcode rc = curl_easy_perform(h->curl);
  if (rc == CURLE_OPERATION_TIMEDOUT) return bk_fail(err, err_sz, BK_EIO, "no reply within %g s", timeout_s);
  if (rc != CURLE_OK) {
    return bk_fail(err, err_sz, BK_EIO, "%s:%d: %s", h->url.host, h->url.port, curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return bk_fail(err, err_sz, BK_EIO, "server answered HTTP %ld", status);
  *reply = h->rx ? h->rx : "";
  return 0;
}

void bk_http_free(bk_http_t* h) {
  if (!h) return;
  if (h->curl) curl_easy_cleanup(h->curl);
  curl_slist_free_all(h->headers);
  free(h->rx);
  free(h);
}
