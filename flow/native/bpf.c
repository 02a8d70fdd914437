// BPF with libpcap's own compiler: compile a filter expression for a link type into a classic BPF program
// (returned as bytes, 8 per instruction: code u16 LE, jt u8, jf u8, k u32 LE), and run a program on a packet
// with libpcap's interpreter so tests can compare the JavaScript interpreter against it.
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include "addon.h"

#define INSN_SIZE 8

// bpfCompile(expression, linkType, snaplen, optimize): the program as a Buffer; throws an Error with code
// PCAP_COMPILE and libpcap's message when the expression does not compile for that link type.
static napi_value js_compile(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t link_type, snaplen, optimize;
  struct bpf_program prog;
  napi_value result;
  uint8_t *out;
  char *expr = string_arg(env, argv, argc, 0);
  if (expr == NULL) return NULL;
  if (!int_arg(env, argv, argc, 1, &link_type) || !int_arg(env, argv, argc, 2, &snaplen)
      || !int_arg(env, argv, argc, 3, &optimize)) {
    free(expr);
    return NULL;
  }
  pcap_t *p = pcap_open_dead(link_type, snaplen);
  if (p == NULL) {
    free(expr);
    throw_coded(env, "PCAP_COMPILE", "cannot open a libpcap handle for this link type");
    return NULL;
  }
  if (pcap_compile(p, &prog, expr, optimize != 0, PCAP_NETMASK_UNKNOWN) != 0) {
    throw_coded(env, "PCAP_COMPILE", pcap_geterr(p));
    pcap_close(p);
    free(expr);
    return NULL;
  }
  free(expr);
  pcap_close(p);
  if (napi_create_buffer(env, (size_t)prog.bf_len * INSN_SIZE, (void **)&out, &result) != napi_ok) {
    pcap_freecode(&prog);
    return NULL;
  }
  for (u_int i = 0; i < prog.bf_len; i++) {
    const struct bpf_insn *in = &prog.bf_insns[i];
    uint8_t *o = out + (size_t)i * INSN_SIZE;
    o[0] = in->code & 0xff;
    o[1] = in->code >> 8;
    o[2] = in->jt;
    o[3] = in->jf;
    o[4] = in->k & 0xff;
    o[5] = (in->k >> 8) & 0xff;
    o[6] = (in->k >> 16) & 0xff;
    o[7] = in->k >> 24;
  }
  pcap_freecode(&prog);
  return result;
}

// Decodes a program Buffer into libpcap's structure; throws and returns 0 when its size is not a multiple of 8.
static int program_arg(napi_env env, napi_value *argv, size_t argc, struct bpf_program *prog) {
  uint8_t *data;
  size_t len;
  if (!buffer_arg(env, argv, argc, 0, &data, &len)) return 0;
  if (len == 0 || len % INSN_SIZE != 0) {
    throw_coded(env, "EINVAL", "a BPF program is a non-empty multiple of 8 bytes");
    return 0;
  }
  prog->bf_len = (u_int)(len / INSN_SIZE);
  prog->bf_insns = calloc(prog->bf_len, sizeof(struct bpf_insn));
  if (prog->bf_insns == NULL) {
    throw_coded(env, "ENOMEM", "out of memory");
    return 0;
  }
  for (u_int i = 0; i < prog->bf_len; i++) {
    const uint8_t *o = data + (size_t)i * INSN_SIZE;
    prog->bf_insns[i].code = (u_short)(o[0] | (o[1] << 8));
    prog->bf_insns[i].jt = o[2];
    prog->bf_insns[i].jf = o[3];
    prog->bf_insns[i].k = (bpf_u_int32)o[4] | ((bpf_u_int32)o[5] << 8) | ((bpf_u_int32)o[6] << 16)
      | ((bpf_u_int32)o[7] << 24);
  }
  return 1;
}

// bpfValidate(program): libpcap's verdict on a program (true when bpf_validate accepts it).
static napi_value js_validate(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct bpf_program prog;
  napi_value result;
  if (!program_arg(env, argv, argc, &prog)) return NULL;
  napi_get_boolean(env, bpf_validate(prog.bf_insns, (int)prog.bf_len) != 0, &result);
  free(prog.bf_insns);
  return result;
}

// bpfOfflineFilter(program, packet, caplen, wirelen): what libpcap's interpreter returns for the packet (0 =
// rejected); throws when bpf_validate refuses the program.
static napi_value js_offline_filter(napi_env env, napi_callback_info info) {
  ARGS(4);
  struct bpf_program prog;
  struct pcap_pkthdr hdr;
  uint8_t *data;
  size_t len;
  int32_t caplen, wirelen;
  napi_value result;
  if (!program_arg(env, argv, argc, &prog)) return NULL;
  if (!buffer_arg(env, argv, argc, 1, &data, &len) || !int_arg(env, argv, argc, 2, &caplen)
      || !int_arg(env, argv, argc, 3, &wirelen)) {
    free(prog.bf_insns);
    return NULL;
  }
  if (caplen < 0 || (size_t)caplen > len || wirelen < caplen) {
    free(prog.bf_insns);
    throw_coded(env, "EINVAL", "caplen must fit the buffer and not exceed wirelen");
    return NULL;
  }
  if (!bpf_validate(prog.bf_insns, (int)prog.bf_len)) {
    free(prog.bf_insns);
    throw_coded(env, "EINVAL", "libpcap refuses this BPF program");
    return NULL;
  }
  memset(&hdr, 0, sizeof hdr);
  hdr.caplen = (bpf_u_int32)caplen;
  hdr.len = (bpf_u_int32)wirelen;
  int r = pcap_offline_filter(&prog, &hdr, data);
  free(prog.bf_insns);
  napi_create_uint32(env, (uint32_t)r, &result);
  return result;
}

void bpf_init(napi_env env, napi_value exports) {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "bpfCompile", js_compile }, { "bpfValidate", js_validate }, { "bpfOfflineFilter", js_offline_filter },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
}
