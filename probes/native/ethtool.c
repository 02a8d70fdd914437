// ethtool driver information for the netlink probe (Skydive's `Driver`), asked on the namespace's netlink socket.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
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

void ethtool_init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "ethtoolDriver", NAPI_AUTO_LENGTH, js_ethtool_driver, NULL, &fn);
  napi_set_named_property(env, exports, "ethtoolDriver", fn);
}
