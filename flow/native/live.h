// State of a live capture handle, shared by live.c (open, stats, close) and live_watch.c (draining on the loop).
#ifndef TOPOFLOW_PCAP_LIVE_H
#define TOPOFLOW_PCAP_LIVE_H
#include <pcap/pcap.h>
#include <uv.h>
#include "addon.h"

// Record header in the batch: caplen u32, wirelen u32, timestamp f64 (epoch ms), then the bytes, padded to 8.
#define REC_HEADER 16

enum { POLL_NONE, POLL_ACTIVE, POLL_CLOSING };

typedef struct {
  pcap_t *p;
  int fd;
  int poll_state;
  int watching;
  int finalized;
  uv_poll_t poll;
  napi_env env;
  napi_ref callback, self, batch_ref;
  napi_async_context async;
  uint8_t *batch;
  size_t batch_len, used;
  uint32_t count, snaplen;
} live_t;

// Bytes a record of `caplen` captured bytes takes in the batch.
static inline size_t live_record_size(uint32_t caplen) {
  return REC_HEADER + ((caplen + 7u) & ~7u);
}

// Throws libpcap's message for a failed call on `p` (or the status text when libpcap left no message).
void live_throw_pcap(napi_env env, const char *code, pcap_t *p, int rc);
// The live handle argument argv[0]; NULL after throwing (EBADF when closed, unless allow_closed).
live_t *live_handle_arg(napi_env env, napi_value *argv, size_t argc, int allow_closed);
// Adds liveWatch and liveResume (live_watch.c) to the exports.
void live_watch_init(napi_env env, napi_value exports);
#endif
