// Helpers shared by the addon's source files.
#ifndef TOPOFLOW_ADDON_H
#define TOPOFLOW_ADDON_H
#include <stdint.h>
#include <node_api.h>

// Throws a JavaScript Error whose `code` is the errno name and `errno` its number.
void throw_errno(napi_env env, const char *syscall, int err);
// Reads argument `i` as an int32; throws a TypeError and returns 0 when it is not a number.
int int_arg(napi_env env, napi_value *argv, size_t argc, size_t i, int32_t *out);
// Adds the netlink socket functions (nlsock.c) to the exports.
void nlsock_init(napi_env env, napi_value exports);
// The fd of a netlink socket handle argument (argv[0]); -1 after throwing when it is not an open handle.
int nlsock_fd_arg(napi_env env, napi_value *argv, size_t argc);
// Adds ethtoolDriver and ethtoolInfo (ethtool.c) to the exports.
void ethtool_init(napi_env env, napi_value exports);
#endif
