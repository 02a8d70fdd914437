{
  "targets": [
    {
      "target_name": "topoflow_netns",
      "sources": ["netns.c", "nlsock.c", "ethtool.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
