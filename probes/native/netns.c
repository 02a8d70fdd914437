// Native namespace helper for the probes: setns(2) and netlink sockets on the calling thread, synchronously,
// so the main thread can enter a namespace, open a socket and come back within one JavaScript call.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "addon.h"

// Throws a JavaScript Error whose `code` is the errno name (EPERM, EINVAL…) and `errno` its number.
void throw_errno(napi_env env, const char *syscall, int err) {
  char msg[160];
  const char *name = strerrorname_np(err);
  snprintf(msg, sizeof msg, "%s failed: %s", syscall, strerror(err));
  napi_value code, text, error, num, sys;
  napi_create_string_utf8(env, name != NULL ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_create_int32(env, err, &num);
  napi_set_named_property(env, error, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, error, "syscall", sys);
  napi_throw(env, error);
}

// Reads argument `i` as an int32; throws a TypeError and returns 0 when it is not a number.
int int_arg(napi_env env, napi_value *argv, size_t argc, size_t i, int32_t *out) {
  napi_valuetype t = napi_undefined;
  if (i >= argc || napi_typeof(env, argv[i], &t) != napi_ok || t != napi_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a number argument");
    return 0;
  }
  napi_get_value_int32(env, argv[i], out);
  return 1;
}

// setns(fd, nstype): moves the calling thread into the namespace referred to by fd.
static napi_value js_setns(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, nstype;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!int_arg(env, argv, argc, 0, &fd) || !int_arg(env, argv, argc, 1, &nstype)) return NULL;
  if (setns(fd, nstype) != 0) throw_errno(env, "setns", errno);
  return NULL;
}

// netlinkSocket(protocol, nonBlocking): a close-on-exec AF_NETLINK raw socket in the calling thread's
// network namespace; returns its fd.
static napi_value js_netlink_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  int32_t protocol;
  bool non_blocking = false;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!int_arg(env, argv, argc, 0, &protocol)) return NULL;
  if (argc > 1) napi_get_value_bool(env, argv[1], &non_blocking);
  int type = SOCK_RAW | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0);
  int fd = socket(AF_NETLINK, type, protocol);
  if (fd < 0) {
    throw_errno(env, "socket", errno);
    return NULL;
  }
  napi_create_int32(env, fd, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, value;
  napi_create_function(env, "setns", NAPI_AUTO_LENGTH, js_setns, NULL, &fn);
  napi_set_named_property(env, exports, "setns", fn);
  napi_create_function(env, "netlinkSocket", NAPI_AUTO_LENGTH, js_netlink_socket, NULL, &fn);
  napi_set_named_property(env, exports, "netlinkSocket", fn);
  nlsock_init(env, exports);
  ethtool_init(env, exports);
  napi_create_int32(env, CLONE_NEWNET, &value);
  napi_set_named_property(env, exports, "CLONE_NEWNET", value);
  napi_create_int32(env, NETLINK_ROUTE, &value);
  napi_set_named_property(env, exports, "NETLINK_ROUTE", value);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
