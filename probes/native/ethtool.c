// ethtool information for the netlink probe (Skydive's `Driver`, `Features` and `Speed`), asked with SIOCETHTOOL
// on the namespace's netlink socket: the ioctl acts on the socket's namespace, so no setns and no extra socket.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "addon.h"

#define ARGS(n)                                              \
  size_t argc = n;                                           \
  napi_value argv[n];                                        \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

// ethtoolDriver(h, ifname): { driver, busInfo } of an interface of the socket's namespace (SIOCETHTOOL works
// on any socket of the namespace), or null when the device is gone or has no driver info.
static napi_value js_ethtool_driver(napi_env env, napi_callback_info info) {
  ARGS(2);
  int fd = nlsock_fd_arg(env, argv, argc);
  char name[IFNAMSIZ + 1];
  size_t len = 0;
  napi_value result, v;
  if (fd < 0) return NULL;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok || len == 0
      || len >= IFNAMSIZ) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected an interface name");
    return NULL;
  }
  struct ethtool_drvinfo drv;
  struct ifreq ifr;
  memset(&drv, 0, sizeof drv);
  memset(&ifr, 0, sizeof ifr);
  drv.cmd = ETHTOOL_GDRVINFO;
  memcpy(ifr.ifr_name, name, len);
  ifr.ifr_data = (void *)&drv;
  if (ioctl(fd, SIOCETHTOOL, &ifr) != 0) {
    if (errno == ENODEV || errno == EOPNOTSUPP || errno == ENOTSUP || errno == ENOTTY) {
      napi_get_null(env, &result);
      return result;
    }
    throw_errno(env, "ioctl(SIOCETHTOOL)", errno);
    return NULL;
  }
  drv.driver[sizeof drv.driver - 1] = 0;
  drv.bus_info[sizeof drv.bus_info - 1] = 0;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, drv.driver, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, result, "driver", v);
  napi_create_string_utf8(env, drv.bus_info, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, result, "busInfo", v);
  return result;
}

// Errors meaning "this device has no such information" (or is gone): the key is just absent.
static int expected_errno(int err) {
  return err == EOPNOTSUPP || err == ENOTSUP || err == ENODEV || err == ENOTTY || err == ENXIO;
}

// One SIOCETHTOOL request; returns 0 or the errno.
static int ethtool_ioctl(int fd, const char *name, size_t len, void *data) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, len);
  ifr.ifr_data = data;
  return ioctl(fd, SIOCETHTOOL, &ifr) == 0 ? 0 : errno;
}

// The active features (ETH_SS_FEATURES names, ETHTOOL_GFEATURES active bits) as a name → bool object in *out;
// returns 0 (with *out NULL when the device has no feature set) or the errno.
static int read_features(napi_env env, int fd, const char *name, size_t len, napi_value *out) {
  *out = NULL;
  struct {
    struct ethtool_sset_info hdr;
    uint32_t data[1];
  } sset;
  memset(&sset, 0, sizeof sset);
  sset.hdr.cmd = ETHTOOL_GSSET_INFO;
  sset.hdr.sset_mask = 1ULL << ETH_SS_FEATURES;
  int err = ethtool_ioctl(fd, name, len, &sset);
  if (err != 0) return err;
  if ((sset.hdr.sset_mask & (1ULL << ETH_SS_FEATURES)) == 0) return 0;
  uint32_t count = sset.hdr.data[0];
  if (count == 0) return 0;
  if (count > 4096) return EOVERFLOW;
  uint32_t words = (count + 31) / 32;
  struct ethtool_gstrings *strings = calloc(1, sizeof *strings + (size_t)count * ETH_GSTRING_LEN);
  struct ethtool_gfeatures *features = calloc(1, sizeof *features + words * sizeof(struct ethtool_get_features_block));
  if (strings == NULL || features == NULL) {
    free(strings);
    free(features);
    return ENOMEM;
  }
  strings->cmd = ETHTOOL_GSTRINGS;
  strings->string_set = ETH_SS_FEATURES;
  strings->len = count;
  features->cmd = ETHTOOL_GFEATURES;
  features->size = words;
  err = ethtool_ioctl(fd, name, len, strings);
  if (err == 0) err = ethtool_ioctl(fd, name, len, features);
  if (err == 0) {
    napi_value map, v;
    char key[ETH_GSTRING_LEN + 1];
    uint32_t n = strings->len < count ? strings->len : count;
    napi_create_object(env, &map);
    for (uint32_t i = 0; i < n; i++) {
      memcpy(key, strings->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
      key[ETH_GSTRING_LEN] = 0;
      if (key[0] == 0) continue;
      napi_get_boolean(env, (features->features[i / 32].active >> (i % 32)) & 1, &v);
      napi_set_named_property(env, map, key, v);
    }
    *out = map;
  }
  free(strings);
  free(features);
  return err;
}

// The link speed in Mb/s (ETHTOOL_GLINKSETTINGS, else the legacy ETHTOOL_GSET); returns 0 or the errno.
static int read_speed(int fd, const char *name, size_t len, uint32_t *speed) {
  struct {
    struct ethtool_link_settings req;
    uint32_t masks[3 * 127];
  } ls;
  memset(&ls, 0, sizeof ls);
  ls.req.cmd = ETHTOOL_GLINKSETTINGS;
  // handshake: the kernel answers a wrong mask size with the negated right one and no data
  int err = ethtool_ioctl(fd, name, len, &ls);
  if (err == 0 && ls.req.link_mode_masks_nwords < 0) {
    int8_t nwords = (int8_t)-ls.req.link_mode_masks_nwords;
    memset(&ls, 0, sizeof ls);
    ls.req.cmd = ETHTOOL_GLINKSETTINGS;
    ls.req.link_mode_masks_nwords = nwords;
    err = ethtool_ioctl(fd, name, len, &ls);
    if (err == 0 && ls.req.link_mode_masks_nwords == nwords) {
      *speed = ls.req.speed;
      return 0;
    }
  }
  if (err != 0 && err != EOPNOTSUPP) return err;
  struct ethtool_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.cmd = ETHTOOL_GSET;
  err = ethtool_ioctl(fd, name, len, &cmd);
  if (err == 0) *speed = ethtool_cmd_speed(&cmd);
  return err;
}

static void set_error(napi_env env, napi_value result, int err) {
  napi_value v;
  const char *errname = strerrorname_np(err);
  napi_create_string_utf8(env, errname != NULL ? errname : "EUNKNOWN", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, result, "error", v);
}

// ethtoolInfo(h, ifname): { features?, speed?, error? } of an interface of the socket's namespace. `features` is
// the kernel feature map (name → active), `speed` the raw Mb/s (0xFFFFFFFF: unknown). Either is absent when the
// device does not report it (EOPNOTSUPP, ENODEV…); any other failure is named by `error` (an errno name).
static napi_value js_ethtool_info(napi_env env, napi_callback_info info) {
  ARGS(2);
  int fd = nlsock_fd_arg(env, argv, argc);
  char name[IFNAMSIZ + 1];
  size_t len = 0;
  napi_value result, map, v;
  if (fd < 0) return NULL;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok || len == 0
      || len >= IFNAMSIZ) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected an interface name");
    return NULL;
  }
  napi_create_object(env, &result);
  int err = read_features(env, fd, name, len, &map);
  if (map != NULL) napi_set_named_property(env, result, "features", map);
  if (err == ENODEV) return result;
  int unexpected = err != 0 && !expected_errno(err) ? err : 0;
  uint32_t speed = 0;
  err = read_speed(fd, name, len, &speed);
  if (err == 0) {
    napi_create_uint32(env, speed, &v);
    napi_set_named_property(env, result, "speed", v);
  } else if (!expected_errno(err) && unexpected == 0) {
    unexpected = err;
  }
  if (unexpected != 0) set_error(env, result, unexpected);
  return result;
}

// ethtoolFingerprint(h, ifname): a Buffer of uint32 — the feature count, the active feature bits and the speed —
// or null when the name is not valid. Two ioctls, no strings and no objects: a refresh compares it with the
// previous one and reads the feature names (ethtoolInfo) only when something changed.
static napi_value js_ethtool_fingerprint(napi_env env, napi_callback_info info) {
  ARGS(2);
  int fd = nlsock_fd_arg(env, argv, argc);
  char name[IFNAMSIZ + 1];
  size_t len = 0;
  if (fd < 0) return NULL;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok || len == 0
      || len >= IFNAMSIZ) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected an interface name");
    return NULL;
  }
  uint32_t out[2 + 128];
  size_t n = 0;
  struct {
    struct ethtool_sset_info hdr;
    uint32_t data[1];
  } sset;
  memset(&sset, 0, sizeof sset);
  sset.hdr.cmd = ETHTOOL_GSSET_INFO;
  sset.hdr.sset_mask = 1ULL << ETH_SS_FEATURES;
  uint32_t count = 0;
  if (ethtool_ioctl(fd, name, len, &sset) == 0 && (sset.hdr.sset_mask & (1ULL << ETH_SS_FEATURES)) != 0) count = sset.hdr.data[0];
  uint32_t words = count <= 4096 ? (count + 31) / 32 : 0;
  out[n++] = count;
  if (words > 0) {
    struct ethtool_gfeatures *f = calloc(1, sizeof *f + words * sizeof(struct ethtool_get_features_block));
    if (f != NULL) {
      f->cmd = ETHTOOL_GFEATURES;
      f->size = words;
      if (ethtool_ioctl(fd, name, len, f) == 0) {
        for (uint32_t i = 0; i < words && n < 1 + 128; i++) out[n++] = f->features[i].active;
      }
      free(f);
    }
  }
  uint32_t speed = 0;
  out[n++] = read_speed(fd, name, len, &speed) == 0 ? speed : 0xFFFFFFFEu;
  napi_value buf;
  void *data = NULL;
  napi_create_buffer_copy(env, n * sizeof(uint32_t), out, &data, &buf);
  return buf;
}

void ethtool_init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "ethtoolDriver", NAPI_AUTO_LENGTH, js_ethtool_driver, NULL, &fn);
  napi_set_named_property(env, exports, "ethtoolDriver", fn);
  napi_create_function(env, "ethtoolInfo", NAPI_AUTO_LENGTH, js_ethtool_info, NULL, &fn);
  napi_set_named_property(env, exports, "ethtoolInfo", fn);
  napi_create_function(env, "ethtoolFingerprint", NAPI_AUTO_LENGTH, js_ethtool_fingerprint, NULL, &fn);
  napi_set_named_property(env, exports, "ethtoolFingerprint", fn);
}
