// libpcap addon of the flow package: BPF compilation (bpf.c) and live capture (live.c) on the calling thread.
#include <stdlib.h>
#include "addon.h"

// Throws a JavaScript Error with the given `code` property and message.
void throw_coded(napi_env env, const char *code, const char *message) {
  napi_value c, text, error;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &c);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, c, text, &error);
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

// Reads argument `i` as a string into a malloc'd buffer (the caller frees it); throws and returns NULL otherwise.
char *string_arg(napi_env env, napi_value *argv, size_t argc, size_t i) {
  napi_valuetype t = napi_undefined;
  size_t len = 0;
  if (i >= argc || napi_typeof(env, argv[i], &t) != napi_ok || t != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a string argument");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[i], NULL, 0, &len);
  char *s = malloc(len + 1);
  if (s == NULL) {
    throw_coded(env, "ENOMEM", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[i], s, len + 1, &len);
  return s;
}

// Reads argument `i` as a Buffer; throws a TypeError and returns 0 when it is not one.
int buffer_arg(napi_env env, napi_value *argv, size_t argc, size_t i, uint8_t **data, size_t *len) {
  bool is_buffer = false;
  if (i >= argc || napi_is_buffer(env, argv[i], &is_buffer) != napi_ok || !is_buffer) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer argument");
    return 0;
  }
  napi_get_buffer_info(env, argv[i], (void **)data, len);
  return 1;
}

// Sets obj[name] to a number.
void set_number(napi_env env, napi_value obj, const char *name, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, name, v);
}

static napi_value init(napi_env env, napi_value exports) {
  bpf_init(env, exports);
  live_init(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
