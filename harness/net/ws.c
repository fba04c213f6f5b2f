#include "net/ws.h"

#include <errno.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"

enum { WS_CONNECTING, WS_OPEN, WS_CLOSED };

struct bk_ws {
  struct lws_context* ctx;
  struct lws* wsi;
  int state;
  char auth[300];              /* "Api-Key <key>" or "" */
  unsigned char* rx;           /* the message being received */
  size_t rx_n, rx_cap;
  int rx_done, rx_binary;
  int rx_handed;               /* the complete message went to the caller: drop it next */
  unsigned char* tx;           /* LWS_PRE bytes of headroom, then the message */
  size_t tx_n, tx_cap;
  int tx_pending;
  int close_code;
  char text[512];              /* last line of the last text frame (a traceback) */
  char why[256];               /* connection error from lws */
  lws_sorted_usec_list_t sul;  /* wakes the service loop at the deadline */
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

// keep the last non-empty line of a text frame
static void keep_last_line(bk_ws_t* ws, const unsigned char* s, size_t n) {
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) n--;
  size_t b = n;
  while (b && s[b - 1] != '\n') b--;
  size_t len = n - b < sizeof ws->text - 1 ? n - b : sizeof ws->text - 1;
  memcpy(ws->text, s + b, len);
  ws->text[len] = '\0';
}

// append received bytes; a whole message when the final fragment is in
static int receive(bk_ws_t* ws, struct lws* wsi, const void* in, size_t len) {
  if (ws->rx_done) ws->rx_n = ws->rx_done = ws->rx_handed = 0;  // lockstep: the newest wins
  if (ws->rx_n + len > ws->rx_cap) {
    size_t cap = (ws->rx_n + len) * 2;
    unsigned char* p = realloc(ws->rx, cap);
    if (!p) return -1;
    ws->rx = p;
    ws->rx_cap = cap;
  }
  memcpy(ws->rx + ws->rx_n, in, len);
  ws->rx_n += len;
  if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
    ws->rx_binary = lws_frame_is_binary(wsi);
    ws->rx_done = 1;
    if (!ws->rx_binary) keep_last_line(ws, ws->rx, ws->rx_n);
  }
  return 0;
}

static int callback(struct lws* wsi, enum lws_callback_reasons reason, void* user, void* in,
                    size_t len) {
  bk_ws_t* ws = lws_context_user(lws_get_context(wsi));
  switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
      unsigned char** p = in;
      if (ws->auth[0] && lws_add_http_header_by_name(wsi, (const unsigned char*)"authorization:",
                                                     (const unsigned char*)ws->auth,
                                                     (int)strlen(ws->auth), p, *p + len)) {
        return -1;
      }
      break;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED: ws->state = WS_OPEN; break;
    case LWS_CALLBACK_CLIENT_RECEIVE: return receive(ws, wsi, in, len);
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      if (ws->tx_pending) {
        ws->tx_pending = 0;
        if (lws_write(wsi, ws->tx + LWS_PRE, ws->tx_n, LWS_WRITE_BINARY) < (int)ws->tx_n) return -1;
      }
      break;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      if (len >= 2) ws->close_code = ((const unsigned char*)in)[0] << 8 | ((const unsigned char*)in)[1];
      break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      snprintf(ws->why, sizeof ws->why, "%s", in ? (const char*)in : "connection failed");
      ws->state = WS_CLOSED;
      ws->wsi = NULL;
      break;
    case LWS_CALLBACK_CLIENT_CLOSED:
      ws->state = WS_CLOSED;
      ws->wsi = NULL;
      break;
    default: break;
  }
  return 0;
}

static const struct lws_protocols kProtocols[] = {
  {"bokbo", callback, 0, 0, 0, NULL, 0},
  {NULL, NULL, 0, 0, 0, NULL, 0},
};

// no pings, no idle hang-up: the server may block for a long inference
static const lws_retry_bo_t kNoIdle = {NULL, 0, 0, 0, 0, 0};

static void expire(lws_sorted_usec_list_t* sul) { (void)sul; }

// one lws service round that returns by the deadline at the latest: a wake-up is scheduled
// before every round, rounded up a millisecond (lws can wake a hair early and then drop a
// timer due in under a millisecond)
static int service_until(bk_ws_t* ws, double deadline) {
  double left = deadline - now_s();
  if (left <= 0) return -1;
  lws_sul_schedule(ws->ctx, 0, &ws->sul, expire, (lws_usec_t)(left * 1e6) + 1000);
  int rc = lws_service(ws->ctx, 0);
  lws_sul_cancel(&ws->sul);
  return rc < 0 ? -1 : 0;
}

// services the connection until *flag is set, the connection closes or timeout_s passes
static int wait_for(bk_ws_t* ws, const int* flag, double timeout_s) {
  double deadline = now_s() + timeout_s;
  while (!*flag && ws->state != WS_CLOSED && service_until(ws, deadline) == 0) {
  }
  return *flag ? 0 : BK_EIO;
}

bk_ws_t* bk_ws_connect(const bk_url_t* u, double timeout_s, char* err, int err_sz) {
  lws_set_log_level(0, NULL);
  bk_ws_t* ws = calloc(1, sizeof *ws);
  if (!ws) return NULL;
  if (u->key[0]) snprintf(ws->auth, sizeof ws->auth, "Api-Key %s", u->key);
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.user = ws;
  info.gid = info.uid = -1;
  info.timeout_secs = (unsigned)(timeout_s > 1 ? timeout_s : 1);
  info.connect_timeout_secs = info.timeout_secs;
  info.retry_and_idle_policy = &kNoIdle;
  info.options = LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
  ws->ctx = lws_create_context(&info);
  if (!ws->ctx) {
    bk_fail(err, err_sz, BK_EIO, "websocket: cannot create a context");
    bk_ws_close(ws);
    return NULL;
  }
  struct lws_client_connect_info ci;
  memset(&ci, 0, sizeof ci);
  ci.context = ws->ctx;
  ci.address = u->host;
  ci.port = u->port;
  ci.path = u->path;
  ci.host = u->host;
  ci.origin = u->host;
  ci.ietf_version_or_minus_one = -1;
  ci.retry_and_idle_policy = &kNoIdle;
  ci.pwsi = &ws->wsi;
  int open = 0;
  if (!lws_client_connect_via_info(&ci) && !ws->wsi) ws->state = WS_CLOSED;
  double deadline = now_s() + timeout_s;
  while (ws->state == WS_CONNECTING && service_until(ws, deadline) == 0) {
  }
  open = ws->state == WS_OPEN;
  if (!open) {
    bk_fail(err, err_sz, BK_EIO, "cannot connect to %s:%d: %s", u->host, u->port,
            ws->why[0] ? ws->why : "timed out");
    bk_ws_close(ws);
    return NULL;
  }
  return ws;
}

int bk_ws_send(bk_ws_t* ws, const void* data, size_t n, double timeout_s, char* err, int err_sz) {
  if (ws->state != WS_OPEN) return bk_fail(err, err_sz, BK_EIO, "server closed the connection");
  if (LWS_PRE + n > ws->tx_cap) {
    unsigned char* p = realloc(ws->tx, LWS_PRE + n);
    if (!p) return bk_fail(err, err_sz, BK_ENOMEM, "websocket: out of memory");
    ws->tx = p;
    ws->tx_cap = LWS_PRE + n;
  }
  memcpy(ws->tx + LWS_PRE, data, n);
  ws->tx_n = n;
  ws->tx_pending = 1;
  lws_callback_on_writable(ws->wsi);
  int sent = 0;
  // sent once the callback took it and lws has no partial write left over
  double deadline = now_s() + timeout_s;
  while (ws->state == WS_OPEN) {
    if (!ws->tx_pending && !lws_send_pipe_choked(ws->wsi)) {
      sent = 1;
      break;
    }
    if (service_until(ws, deadline)) break;
  }
  if (sent) return 0;
  if (ws->state == WS_OPEN) return bk_fail(err, err_sz, BK_EIO, "send timed out after %g s", timeout_s);
  return bk_fail(err, err_sz, BK_EIO, "server closed the connection");
}

int bk_ws_recv(bk_ws_t* ws, const unsigned char** data, size_t* n, int* binary,
               double timeout_s, char* err, int err_sz) {
  // a message that came in with an earlier one (the metadata with the handshake) waits
  if (ws->rx_handed) ws->rx_n = ws->rx_done = ws->rx_handed = 0;
  if (ws->rx_done || (ws->state == WS_OPEN && wait_for(ws, &ws->rx_done, timeout_s) == 0)) {
    // a text frame is the server's traceback (openpi closes with 1011 after it)
    ws->rx_handed = 1;
    if (!ws->rx_binary) return bk_fail(err, err_sz, BK_EIO, "server error: %s", ws->text);
    *data = ws->rx;
    *n = ws->rx_n;
    *binary = ws->rx_binary;
    return 0;
  }
  if (ws->state == WS_OPEN) return bk_fail(err, err_sz, BK_EIO, "no reply within %g s", timeout_s);
  if (ws->text[0]) {
    return bk_fail(err, err_sz, BK_EIO, "server error: %s", ws->text);
  }
  if (ws->close_code) return bk_fail(err, err_sz, BK_EIO, "server closed the connection (code %d)", ws->close_code);
  return bk_fail(err, err_sz, BK_EIO, "server closed the connection");
}

void bk_ws_close(bk_ws_t* ws) {
  if (!ws) return;
  if (ws->ctx) lws_context_destroy(ws->ctx);
  free(ws->rx);
  free(ws->tx);
  free(ws);
}

// one GET /healthz: 1 for a 200 answer, 0 for another answer, -1 when nothing answers
static int healthz_once(const bk_url_t* u, char* why, int why_sz) {
  char port[16];
  snprintf(port, sizeof port, "%d", u->port);
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(u->host, port, &hints, &ai);
  if (rc) {
    snprintf(why, (size_t)why_sz, "%s", gai_strerror(rc));
    return -1;
  }
  int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  int got = -1;
  if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
    char req[512], buf[64] = "";
    int n = snprintf(req, sizeof req, "GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", u->host);
    struct pollfd pfd = {fd, POLLIN, 0};
    if (send(fd, req, (size_t)n, MSG_NOSIGNAL) == n && poll(&pfd, 1, 2000) == 1) {
      ssize_t r = recv(fd, buf, sizeof buf - 1, 0);
      buf[r > 0 ? r : 0] = '\0';
      got = strncmp(buf, "HTTP/1.1 200", 12) == 0 || strncmp(buf, "HTTP/1.0 200", 12) == 0;
      snprintf(why, (size_t)why_sz, "answered '%.*s'", (int)strcspn(buf, "\r\n"), buf);
    } else {
      snprintf(why, (size_t)why_sz, "no answer to GET /healthz");
    }
  } else {
    snprintf(why, (size_t)why_sz, "%s", strerror(errno));
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(ai);
  return got;
}

int bk_ws_healthz(const bk_url_t* u, double timeout_s, char* err, int err_sz) {
  char why[128] = "";
  double t0 = now_s();
  for (;;) {
    if (healthz_once(u, why, sizeof why) == 1) return 0;
    if (now_s() - t0 + 1.0 > timeout_s) break;
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
  }
  return bk_fail(err, err_sz, BK_EIO, "no policy server at %s:%d after %g s (%s)", u->host,
                 u->port, timeout_s, why);
}
