{
  "targets": [
    {
      "target_name": "topoflow_pcap",
      "sources": ["addon.c", "bpf.c", "live.c", "live_watch.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-lpcap"]
    }
  ]
}
