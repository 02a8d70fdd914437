// Live capture with libpcap on the calling thread: liveOpen opens and activates the handle synchronously (so the
// caller can do it inside another network namespace and return), a uv_poll_t watcher drains it on the event loop
// into a batch Buffer shared with JavaScript, and interface errors (down, removed) are reported, never fatal.
#define _GNU_SOURCE
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>
#include "addon.h"

// Record header in the batch: caplen u32, wirelen u32, timestamp f64 (epoch ms), then the bytes, padded to 8.
#define REC_HEADER 16
// Full batches delivered per wake-up at most, so a flood cannot starve the event loop (the fd stays readable).
#define MAX_BATCHES_PER_WAKE 4

enum { POLL_NONE, POLL_ACTIVE, POLL_CLOSING };

typedef struct {
  pcap_t *p;
  int fd;
  int poll_state;
  int watching;
  int finalized;
  uv_poll_t poll;
  napi_env env;
  napi_ref callback, self, batch_ref;
  napi_async_context async;
  uint8_t *batch;
  size_t batch_len, used;
  uint32_t count, snaplen;
} live_t;

static size_t record_size(uint32_t caplen) {
  return REC_HEADER + ((caplen + 7u) & ~7u);
}

static void on_poll_closed(uv_handle_t *handle) {
  live_t *s = handle->data;
  s->poll_state = POLL_NONE;
  if (!s->finalized) {
    napi_async_destroy(s->env, s->async);
    napi_delete_reference(s->env, s->callback);
    napi_delete_reference(s->env, s->batch_ref);
    napi_delete_reference(s->env, s->self);
    return;
  }
  free(s);
}

// Stops the watcher and closes the handle; the references go when the poll handle has closed (the handle then
// cannot be collected while a callback of its watcher is still running).
static void close_live(live_t *s) {
  if (s->poll_state == POLL_ACTIVE) {
    uv_poll_stop(&s->poll);
    s->poll_state = POLL_CLOSING;
    uv_close((uv_handle_t *)&s->poll, on_poll_closed);
  }
  s->watching = 0;
  if (s->p != NULL) pcap_close(s->p);
  s->p = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  live_t *s = data;
  s->finalized = 1;
  close_live(s);
  if (s->poll_state == POLL_NONE) free(s);
}

static live_t *handle_arg(napi_env env, napi_value *argv, size_t argc, int allow_closed) {
  napi_valuetype t = napi_undefined;
  void *data = NULL;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external
      || napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a live capture handle");
    return NULL;
  }
  live_t *s = data;
  if (s->p == NULL && !allow_closed) {
    throw_coded(env, "EBADF", "the live capture is closed");
    return NULL;
  }
  return s;
}

static const char *activate_code(int rc) {
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return "ENODEV";
    case PCAP_ERROR_PERM_DENIED: return "EPERM";
    case PCAP_ERROR_IFACE_NOT_UP: return "ENETDOWN";
    default: return "PCAP_ERROR";
  }
}

// Throws libpcap's message for a failed call on `p` (or the status text when libpcap left no message).
static void throw_pcap(napi_env env, const char *code, pcap_t *p, int rc) {
  const char *msg = pcap_geterr(p);
  throw_coded(env, code, msg != NULL && msg[0] != '\0' ? msg : pcap_statustostr(rc));
}

// Applies the settings and activates; 0 on success, else after throwing.
static int activate(napi_env env, pcap_t *p, int32_t snaplen, int32_t promisc, int32_t timeout_ms,
                    int32_t buffer_size, int32_t immediate, const char *filter) {
  int rc = pcap_set_snaplen(p, snaplen);
  if (rc == 0) rc = pcap_set_promisc(p, promisc != 0);
  if (rc == 0) rc = pcap_set_timeout(p, timeout_ms);
  if (rc == 0 && buffer_size > 0) rc = pcap_set_buffer_size(p, buffer_size);
  if (rc == 0) rc = pcap_set_immediate_mode(p, immediate != 0);
  if (rc != 0) {
    throw_pcap(env, "PCAP_ERROR", p, rc);
    return -1;
  }
  rc = pcap_activate(p);
  if (rc < 0) {
    throw_pcap(env, activate_code(rc), p, rc);
    return -1;
  }
  char errbuf[PCAP_ERRBUF_SIZE];
  if (pcap_setnonblock(p, 1, errbuf) != 0) {
    throw_coded(env, "PCAP_ERROR", errbuf);
    return -1;
  }
  if (filter[0] != '\0') {
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
      throw_pcap(env, "PCAP_COMPILE", p, PCAP_ERROR);
      return -1;
    }
    rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
      throw_pcap(env, "PCAP_ERROR", p, rc);
      return -1;
    }
  }
  return 0;
}

// liveOpen(device, snaplen, promisc, timeoutMs, bufferSize, filter, immediate): an activated, non-blocking
// handle on `device` of the calling thread's namespace, with `filter` in the kernel.
static napi_value js_open(napi_env env, napi_callback_info info) {
  ARGS(7);
  int32_t snaplen, promisc, timeout_ms, buffer_size, immediate;
  char errbuf[PCAP_ERRBUF_SIZE];
  napi_value result;
  if (!int_arg(env, argv, argc, 1, &snaplen) || !int_arg(env, argv, argc, 2, &promisc)
      || !int_arg(env, argv, argc, 3, &timeout_ms) || !int_arg(env, argv, argc, 4, &buffer_size)
      || !int_arg(env, argv, argc, 6, &immediate)) return NULL;
  if (snaplen <= 0) {
    throw_coded(env, "EINVAL", "snaplen must be positive");
    return NULL;
  }
  char *device = string_arg(env, argv, argc, 0);
  if (device == NULL) return NULL;
  char *filter = string_arg(env, argv, argc, 5);
  if (filter == NULL) {
    free(device);
    return NULL;
  }
  errbuf[0] = '\0';
  pcap_t *p = pcap_create(device, errbuf);
  free(device);
  if (p == NULL) {
    free(filter);
    throw_coded(env, "PCAP_ERROR", errbuf);
    return NULL;
  }
  int rc = activate(env, p, snaplen, promisc, timeout_ms, buffer_size, immediate, filter);
  free(filter);
  live_t *s = rc == 0 ? calloc(1, sizeof *s) : NULL;
  if (s == NULL) {
    if (rc == 0) throw_coded(env, "ENOMEM", "out of memory");
    pcap_close(p);
    return NULL;
  }
  s->p = p;
  s->fd = pcap_get_selectable_fd(p);
  s->snaplen = (uint32_t)pcap_snapshot(p);
  s->env = env;
  s->poll.data = s;
  if (napi_create_external(env, s, finalize, NULL, &result) != napi_ok) {
    pcap_close(p);
    free(s);
    return NULL;
  }
  return result;
}

// liveInfo(h): { linkType, snaplen } of an open handle.
static napi_value js_info(napi_env env, napi_callback_info info) {
  ARGS(1);
  live_t *s = handle_arg(env, argv, argc, 0);
  napi_value result;
  if (s == NULL) return NULL;
  napi_create_object(env, &result);
  set_number(env, result, "linkType", pcap_datalink(s->p));
  set_number(env, result, "snaplen", s->snaplen);
  return result;
}

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
  s->used += record_size(caplen);
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
  size_t rec = record_size(s->snaplen);
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
  live_t *s = handle_arg(env, argv, argc, 0);
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
  if (batch_len < record_size(s->snaplen)) {
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
  live_t *s = handle_arg(env, argv, argc, 0);
  if (s == NULL || s->poll_state != POLL_ACTIVE || s->watching) return NULL;
  int rc = uv_poll_start(&s->poll, UV_READABLE, on_poll);
  if (rc != 0) throw_coded(env, "PCAP_ERROR", uv_strerror(rc));
  else s->watching = 1;
  return NULL;
}

// liveStats(h): libpcap's counters { received, dropped } since the handle opened.
static napi_value js_stats(napi_env env, napi_callback_info info) {
  ARGS(1);
  live_t *s = handle_arg(env, argv, argc, 0);
  struct pcap_stat st;
  napi_value result;
  if (s == NULL) return NULL;
  if (pcap_stats(s->p, &st) != 0) {
    throw_pcap(env, "PCAP_ERROR", s->p, PCAP_ERROR);
    return NULL;
  }
  napi_create_object(env, &result);
  set_number(env, result, "received", st.ps_recv);
  set_number(env, result, "dropped", st.ps_drop);
  return result;
}

// liveClose(h): stops the watcher and closes the handle; idempotent, and safe inside the batch callback.
static napi_value js_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  live_t *s = handle_arg(env, argv, argc, 1);
  if (s != NULL) close_live(s);
  return NULL;
}

void live_init(napi_env env, napi_value exports) {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "liveOpen", js_open }, { "liveInfo", js_info }, { "liveWatch", js_watch }, { "liveResume", js_resume },
    { "liveStats", js_stats }, { "liveClose", js_close },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
  set_number(env, exports, "LIVE_RECORD_HEADER", REC_HEADER);
}
