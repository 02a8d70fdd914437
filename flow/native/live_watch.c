// Draining a live capture on the event loop: a uv_poll_t watcher on libpcap's fd copies frames into a batch Buffer
// shared with JavaScript and calls back once per batch; libpcap and socket errors (the interface disappeared) are
// reported to JavaScript and stop the watcher, never the process.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "live.h"

// Full batches delivered per wake-up at most, so a flood cannot starve the event loop (the fd stays readable).
#define MAX_BATCHES_PER_WAKE 4

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  live_t *s = (live_t *)user;
  uint32_t caplen = h->caplen < s->snaplen ? h->caplen : s->snaplen;
  uint8_t *rec = s->batch + s->used;
  uint32_t wirelen = h->len < caplen ? caplen : h->len;
  double ts = (double)h->ts.tv_sec * 1000.0 + (double)h->ts.tv_usec / 1000.0;
  memcpy(rec, &caplen, 4);
  memcpy(rec + 4, &wirelen, 4);
  memcpy(rec + 8, &ts, 8);
  memcpy(rec + REC_HEADER, bytes, caplen);
  s->used += live_record_size(caplen);
  s->count++;
}

// Calls callback(count, error) with the batch; error is a string or undefined.
static void deliver(live_t *s, const char *error) {
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_value cb, global, args[2], ret;
  napi_open_handle_scope(env, &scope);
  napi_get_reference_value(env, s->callback, &cb);
  napi_get_global(env, &global);
  napi_create_uint32(env, s->count, &args[0]);
  if (error != NULL) napi_create_string_utf8(env, error, NAPI_AUTO_LENGTH, &args[1]);
  else napi_get_undefined(env, &args[1]);
  if (cb != NULL && napi_make_callback(env, s->async, global, cb, 2, args, &ret) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  s->used = 0;
  s->count = 0;
  napi_close_handle_scope(env, scope);
}

// Drains the handle into batches; returns -1 with `err` filled when libpcap reports an error.
static int drain(live_t *s, char *err) {
  size_t rec = live_record_size(s->snaplen);
  for (int full = 0; full < MAX_BATCHES_PER_WAKE;) {
    int room = (int)((s->batch_len - s->used) / rec);
    if (room == 0) {
      deliver(s, NULL);
      if (s->p == NULL) return 0;
      full++;
      continue;
    }
    int n = pcap_dispatch(s->p, room, on_packet, (u_char *)s);
    if (n < 0) {
      snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(s->p));
      return -1;
    }
    if (n == 0) break;
  }
  return 0;
}

static void on_poll(uv_poll_t *poll, int status, int events) {
  (void)events;
  live_t *s = poll->data;
  char err[PCAP_ERRBUF_SIZE];
  if (s->p == NULL || !s->watching) return;
  int failed = drain(s, err) != 0;
  if (s->p == NULL) return;
  if (!failed && status < 0) {
    // libuv stopped the watcher on POLLERR; libpcap did not report it, so read the socket error here
    int so = 0;
    socklen_t len = sizeof so;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &so, &len) == 0 && so != 0) {
      snprintf(err, sizeof err, "%s", strerror(so));
      failed = 1;
    } else if (uv_poll_start(&s->poll, UV_READABLE, on_poll) != 0) {
      snprintf(err, sizeof err, "cannot watch the capture handle again");
      failed = 1;
    }
  }
  if (s->count > 0) deliver(s, NULL);
  if (s->p == NULL || !failed) return;
  uv_poll_stop(&s->poll);
  s->watching = 0;
  deliver(s, err);
}

// liveWatch(h, batch, callback): drains the handle into `batch` whenever it is readable and calls
// callback(count, error) with the number of records; after an error the watcher stops (liveResume restarts it).
static napi_value js_watch(napi_env env, napi_callback_info info) {
  ARGS(3);
  live_t *s = live_handle_arg(env, argv, argc, 0);
  napi_valuetype t = napi_undefined;
  napi_value name;
  uv_loop_t *loop;
  uint8_t *batch;
  size_t batch_len;
  if (s == NULL || !buffer_arg(env, argv, argc, 1, &batch, &batch_len)) return NULL;
  if (argc < 3 || napi_typeof(env, argv[2], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a callback");
    return NULL;
  }
  if (s->poll_state != POLL_NONE) {
    throw_coded(env, "EBUSY", "the live capture is already watched");
    return NULL;
  }
  if (batch_len < live_record_size(s->snaplen)) {
    throw_coded(env, "EINVAL", "the batch buffer cannot hold one packet");
    return NULL;
  }
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &s->poll, s->fd);
  if (rc == 0) rc = uv_poll_start(&s->poll, UV_READABLE, on_poll);
  if (rc != 0) {
    throw_coded(env, "PCAP_ERROR", uv_strerror(rc));
    return NULL;
  }
  s->poll_state = POLL_ACTIVE;
  s->watching = 1;
  s->batch = batch;
  s->batch_len = batch_len;
  napi_create_reference(env, argv[2], 1, &s->callback);
  napi_create_reference(env, argv[1], 1, &s->batch_ref);
  napi_create_reference(env, argv[0], 1, &s->self);
  napi_create_string_utf8(env, "topoflow:pcap", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &s->async);
  return NULL;
}

// liveResume(h): restarts a watcher an error stopped (the interface went down and came back).
static napi_value js_resume(napi_env env, napi_callback_info info) {
  ARGS(1);
  live_t *s = live_handle_arg(env, argv, argc, 0);
  if (s == NULL || s->poll_state != POLL_ACTIVE || s->watching) return NULL;
  int rc = uv_poll_start(&s->poll, UV_READABLE, on_poll);
  if (rc != 0) throw_coded(env, "PCAP_ERROR", uv_strerror(rc));
  else s->watching = 1;
  return NULL;
}

void live_watch_init(napi_env env, napi_value exports) {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "liveWatch", js_watch }, { "liveResume", js_resume },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
}
