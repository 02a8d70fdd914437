// Non-blocking netlink socket I/O for the netlink probe: a handle owns one socket fd, a uv_poll_t watcher
// calls JavaScript when it is readable (no thread pool), and recv/send never block. A closed handle throws
// EBADF instead of touching a reused fd number.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>
#include "addon.h"

// Receive buffer: larger than the biggest message the kernel sends to a reader this size (32 KiB dumps).
#define RECV_CAP (64 * 1024)

enum { POLL_NONE, POLL_ACTIVE, POLL_CLOSING };

typedef struct {
  int fd;
  int poll_state;
  int finalized;
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_ref self;
  napi_async_context async;
} nlsock_t;

// One receive buffer per thread, not per socket: a watched namespace then costs a fd and a small struct.
static __thread uint8_t recv_buf[RECV_CAP];

static void on_poll_closed(uv_handle_t *handle) {
  nlsock_t *s = handle->data;
  s->poll_state = POLL_NONE;
  if (s->finalized) free(s);
}

// Stops the watcher and drops the references it held; the poll handle is freed asynchronously.
static void unwatch(nlsock_t *s) {
  if (s->poll_state != POLL_ACTIVE) return;
  uv_poll_stop(&s->poll);
  s->poll_state = POLL_CLOSING;
  uv_close((uv_handle_t *)&s->poll, on_poll_closed);
  napi_async_destroy(s->env, s->async);
  napi_delete_reference(s->env, s->callback);
  napi_delete_reference(s->env, s->self);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  nlsock_t *s = data;
  if (s->poll_state == POLL_ACTIVE) {
    // only at environment teardown: a watching handle is kept alive by its own reference
    uv_poll_stop(&s->poll);
    s->poll_state = POLL_CLOSING;
    uv_close((uv_handle_t *)&s->poll, on_poll_closed);
  }
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  s->finalized = 1;
  if (s->poll_state == POLL_NONE) free(s);
}

// Reads the handle argument; throws (EBADF when closed, unless allow_closed) and returns NULL on error.
static nlsock_t *handle_arg(napi_env env, napi_value *argv, size_t argc, int allow_closed) {
  napi_valuetype t = napi_undefined;
  void *data = NULL;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external
      || napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a netlink socket handle");
    return NULL;
  }
  nlsock_t *s = data;
  if (s->fd < 0 && !allow_closed) {
    throw_errno(env, "netlink", EBADF);
    return NULL;
  }
  return s;
}

#define ARGS(n)                                              \
  size_t argc = n;                                           \
  napi_value argv[n];                                        \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

// nlAttach(fd): wraps an AF_NETLINK fd in a handle that owns it from now on.
static napi_value js_attach(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  napi_value result;
  if (!int_arg(env, argv, argc, 0, &fd)) return NULL;
  if (fd < 0) {
    throw_errno(env, "nlAttach", EBADF);
    return NULL;
  }
  nlsock_t *s = calloc(1, sizeof *s);
  if (s == NULL) {
    throw_errno(env, "nlAttach", ENOMEM);
    return NULL;
  }
  s->fd = fd;
  s->env = env;
  s->poll.data = s;
  if (napi_create_external(env, s, finalize, NULL, &result) != napi_ok) {
    free(s);
    return NULL;
  }
  return result;
}

// nlBind(h, groups): binds to a kernel-assigned port id with the legacy multicast group mask.
static napi_value js_bind(napi_env env, napi_callback_info info) {
  ARGS(2);
  nlsock_t *s = handle_arg(env, argv, argc, 0);
  int32_t groups;
  if (s == NULL || !int_arg(env, argv, argc, 1, &groups)) return NULL;
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = (uint32_t)groups };
  if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) != 0) throw_errno(env, "bind", errno);
  return NULL;
}

// nlSetsockopt(h, level, name, value): an int socket option (NETLINK_ADD_MEMBERSHIP, SO_RCVBUF…).
static napi_value js_setsockopt(napi_env env, napi_callback_info info) {
  ARGS(4);
  nlsock_t *s = handle_arg(env, argv, argc, 0);
  int32_t level, name, value;
  if (s == NULL || !int_arg(env, argv, argc, 1, &level) || !int_arg(env, argv, argc, 2, &name)
      || !int_arg(env, argv, argc, 3, &value)) return NULL;
  int v = value;
  if (setsockopt(s->fd, level, name, &v, sizeof v) != 0) throw_errno(env, "setsockopt", errno);
  return NULL;
}

// nlSend(h, buffer): sends one request to the kernel; returns the bytes sent, or null when it would block.
static napi_value js_send(napi_env env, napi_callback_info info) {
  ARGS(2);
  nlsock_t *s = handle_arg(env, argv, argc, 0);
  bool is_buffer = false;
  void *data = NULL;
  size_t len = 0;
  napi_value result;
  if (s == NULL) return NULL;
  if (argc < 2 || napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
    return NULL;
  }
  napi_get_buffer_info(env, argv[1], &data, &len);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  ssize_t n = sendto(s->fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      napi_get_null(env, &result);
      return result;
    }
    throw_errno(env, "sendto", errno);
    return NULL;
  }
  napi_create_int64(env, n, &result);
  return result;
}

// nlRecv(h): the next datagram from the kernel as a Buffer (cut at 64 KiB), or null when none is queued.
// Datagrams from other senders than the kernel are dropped.
static napi_value js_recv(napi_env env, napi_callback_info info) {
  ARGS(1);
  nlsock_t *s = handle_arg(env, argv, argc, 0);
  napi_value result;
  if (s == NULL) return NULL;
  for (;;) {
    struct sockaddr_nl from;
    socklen_t fromlen = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t n = recvfrom(s->fd, recv_buf, RECV_CAP, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        napi_get_null(env, &result);
        return result;
      }
      throw_errno(env, "recvfrom", errno);
      return NULL;
    }
    if (from.nl_pid != 0) continue;
    size_t len = (size_t)n > RECV_CAP ? RECV_CAP : (size_t)n;
    if (napi_create_buffer_copy(env, len, recv_buf, NULL, &result) != napi_ok) return NULL;
    return result;
  }
}

static void on_poll(uv_poll_t *poll, int status, int events) {
  (void)events;
  nlsock_t *s = poll->data;
  if (s->poll_state != POLL_ACTIVE) return;
  if (status < 0 && s->fd >= 0 && fcntl(s->fd, F_GETFD) != -1 && uv_poll_start(poll, UV_READABLE, on_poll) == 0) {
    // libuv reports POLLERR (a netlink overrun sets it) as UV_EBADF and stops the watcher: re-arm it and let
    // JavaScript read the pending error (ENOBUFS) with nlRecv
    status = 0;
  }
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_value cb, global, arg, ret;
  napi_open_handle_scope(env, &scope);
  napi_get_reference_value(env, s->callback, &cb);
  napi_get_global(env, &global);
  napi_create_int32(env, status, &arg);
  if (cb != NULL && napi_make_callback(env, s->async, global, cb, 1, &arg, &ret) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

// nlWatch(h, callback): calls callback(status) on the event loop whenever the socket is readable
// (status < 0 is a libuv error). One watcher per handle; watching again replaces the callback.
static napi_value js_watch(napi_env env, napi_callback_info info) {
  ARGS(2);
  nlsock_t *s = handle_arg(env, argv, argc, 0);
  napi_valuetype t = napi_undefined;
  napi_value name;
  uv_loop_t *loop;
  if (s == NULL) return NULL;
  if (argc < 2 || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a callback");
    return NULL;
  }
  if (s->poll_state == POLL_ACTIVE) {
    napi_delete_reference(env, s->callback);
    napi_create_reference(env, argv[1], 1, &s->callback);
    return NULL;
  }
  if (s->poll_state == POLL_CLOSING) {
    // the previous watcher's poll handle is still closing; it is free again on the next loop turn
    throw_errno(env, "nlWatch", EBUSY);
    return NULL;
  }
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &s->poll, s->fd);
  if (rc == 0) rc = uv_poll_start(&s->poll, UV_READABLE, on_poll);
  if (rc != 0) {
    throw_errno(env, "uv_poll", -rc);
    return NULL;
  }
  s->poll_state = POLL_ACTIVE;
  napi_create_reference(env, argv[1], 1, &s->callback);
  napi_create_reference(env, argv[0], 1, &s->self);
  napi_create_string_utf8(env, "topoflow:netlink", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &s->async);
  return NULL;
}

// nlUnwatch(h): stops the watcher; harmless when not watching or closed.
static napi_value js_unwatch(napi_env env, napi_callback_info info) {
  ARGS(1);
  nlsock_t *s = handle_arg(env, argv, argc, 1);
  if (s != NULL) unwatch(s);
  return NULL;
}

// nlClose(h): stops the watcher and closes the fd; idempotent.
static napi_value js_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  nlsock_t *s = handle_arg(env, argv, argc, 1);
  if (s == NULL) return NULL;
  unwatch(s);
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  return NULL;
}

// Reads the handle argument of a function defined in another file: its open fd, or -1 (and a thrown error).
int nlsock_fd_arg(napi_env env, napi_value *argv, size_t argc) {
  nlsock_t *s = handle_arg(env, argv, argc, 0);
  return s == NULL ? -1 : s->fd;
}

static void set_int(napi_env env, napi_value obj, const char *name, int value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, obj, name, v);
}

void nlsock_init(napi_env env, napi_value exports) {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "nlAttach", js_attach }, { "nlBind", js_bind }, { "nlSetsockopt", js_setsockopt },
    { "nlSend", js_send }, { "nlRecv", js_recv }, { "nlWatch", js_watch }, { "nlUnwatch", js_unwatch },
    { "nlClose", js_close },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
  set_int(env, exports, "SOL_NETLINK", SOL_NETLINK);
  set_int(env, exports, "SOL_SOCKET", SOL_SOCKET);
  set_int(env, exports, "SO_RCVBUF", SO_RCVBUF);
  set_int(env, exports, "NETLINK_ADD_MEMBERSHIP", NETLINK_ADD_MEMBERSHIP);
  set_int(env, exports, "NETLINK_DROP_MEMBERSHIP", NETLINK_DROP_MEMBERSHIP);
  set_int(env, exports, "NETLINK_GET_STRICT_CHK", NETLINK_GET_STRICT_CHK);
  set_int(env, exports, "NETLINK_EXT_ACK", NETLINK_EXT_ACK);
}
