// Helpers shared by the libpcap addon's source files.
#ifndef TOPOFLOW_PCAP_ADDON_H
#define TOPOFLOW_PCAP_ADDON_H
#include <stdint.h>
#include <node_api.h>

#define ARGS(n)                                              \
  size_t argc = n;                                           \
  napi_value argv[n];                                        \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

// Throws a JavaScript Error with the given `code` property and message.
void throw_coded(napi_env env, const char *code, const char *message);
// Reads argument `i` as an int32; throws a TypeError and returns 0 when it is not a number.
int int_arg(napi_env env, napi_value *argv, size_t argc, size_t i, int32_t *out);
// Reads argument `i` as a string into a malloc'd buffer (the caller frees it); throws and returns NULL otherwise.
char *string_arg(napi_env env, napi_value *argv, size_t argc, size_t i);
// Reads argument `i` as a Buffer; throws a TypeError and returns 0 when it is not one.
int buffer_arg(napi_env env, napi_value *argv, size_t argc, size_t i, uint8_t **data, size_t *len);
// Sets obj[name] to a number.
void set_number(napi_env env, napi_value obj, const char *name, double value);
// Adds the BPF functions (bpf.c) to the exports.
void bpf_init(napi_env env, napi_value exports);
// Adds the live capture functions (live.c) to the exports.
void live_init(napi_env env, napi_value exports);
#endif
