// Live capture with libpcap on the calling thread: liveOpen opens and activates the handle synchronously (so the
// caller can do it inside another network namespace and return); live_watch.c drains it on the event loop.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "live.h"

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

// The handle argument (see live.h).
live_t *live_handle_arg(napi_env env, napi_value *argv, size_t argc, int allow_closed) {
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

// libpcap's message as an Error with `code` (see live.h).
void live_throw_pcap(napi_env env, const char *code, pcap_t *p, int rc) {
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
    live_throw_pcap(env, "PCAP_ERROR", p, rc);
    return -1;
  }
  rc = pcap_activate(p);
  if (rc < 0) {
    live_throw_pcap(env, activate_code(rc), p, rc);
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
      live_throw_pcap(env, "PCAP_COMPILE", p, PCAP_ERROR);
      return -1;
    }
    rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
      live_throw_pcap(env, "PCAP_ERROR", p, rc);
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
  live_t *s = live_handle_arg(env, argv, argc, 0);
  napi_value result;
  if (s == NULL) return NULL;
  napi_create_object(env, &result);
  set_number(env, result, "linkType", pcap_datalink(s->p));
  set_number(env, result, "snaplen", s->snaplen);
  return result;
}

// liveStats(h): libpcap's counters { received, dropped } since the handle opened.
static napi_value js_stats(napi_env env, napi_callback_info info) {
  ARGS(1);
  live_t *s = live_handle_arg(env, argv, argc, 0);
  struct pcap_stat st;
  napi_value result;
  if (s == NULL) return NULL;
  if (pcap_stats(s->p, &st) != 0) {
    live_throw_pcap(env, "PCAP_ERROR", s->p, PCAP_ERROR);
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
  live_t *s = live_handle_arg(env, argv, argc, 1);
  if (s != NULL) close_live(s);
  return NULL;
}

void live_init(napi_env env, napi_value exports) {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "liveOpen", js_open }, { "liveInfo", js_info }, { "liveStats", js_stats }, { "liveClose", js_close },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
  set_number(env, exports, "LIVE_RECORD_HEADER", REC_HEADER);
  live_watch_init(env, exports);
}
