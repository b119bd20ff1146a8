// Hostile socket guest: a C command that calls wasi:sockets@0.2.10 directly, through canonical-ABI imports lowered
// by hand (no bindings generator), as an attacker would. argv: <attack> <a.b.c.d> <port>; every step prints
// "STEP <name>: ok" or "STEP <name>: err <error-code>" so the test can see what the host allowed. Attacks:
//   connect <a.b.c.d> <port>        TCP connect (and send a byte); prints CONNECTED
//   udp-send <a.b.c.d> <port>       UDP datagram, once via stream(none) + send(remote-address), once via
//                                   stream(remote) + send(none); prints SENT <n>
//   listen <a.b.c.d> <port>         TCP bind + listen; prints LISTENING
//   udp-bind <a.b.c.d> <port>       UDP bind; prints BOUND
// Handles (own/borrow) are i32; enums are i32 params and u8 in memory; a result with more than one flat value comes
// back through a return area whose address is the last parameter (CanonicalABI.md, "Flattening").
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define IO_POLL "wasi:io/poll@0.2.10"
#define IO_STREAMS "wasi:io/streams@0.2.10"
#define NETWORK "wasi:sockets/network@0.2.10"
#define TCP "wasi:sockets/tcp@0.2.10"
#define UDP "wasi:sockets/udp@0.2.10"

// ip-socket-address flattens to a discriminant plus the join of its cases: ipv4 (port, 4 × u8) is 5 i32,
// ipv6 (port, flow-info, 8 × u16, scope-id) is 11 i32, so 12 i32 in all. Only ipv4 is used here.
#define ADDR_PARAMS int32_t disc, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, int32_t a6, \
                    int32_t a7, int32_t a8, int32_t a9, int32_t a10

// wasi:io
IMPORT(IO_POLL, "[method]pollable.block") extern void pollable_block(int32_t self);
IMPORT(IO_POLL, "[resource-drop]pollable") extern void pollable_drop(int32_t self);
// blocking-write-and-flush(self, list<u8>) -> result<_, stream-error>: stream-error has a handle payload, so the
// result is (u8 disc @0, payload @4).
IMPORT(IO_STREAMS, "[method]output-stream.blocking-write-and-flush")
extern void output_write_flush(int32_t self, const uint8_t *ptr, int32_t len, void *ret);

// wasi:sockets/network, instance-network
IMPORT("wasi:sockets/instance-network@0.2.10", "instance-network") extern int32_t instance_network(void);

// wasi:sockets/tcp-create-socket, tcp. result<own, error-code>: u8 disc @0, handle or u8 error @4.
// result<_, error-code>: u8 disc @0, u8 error @1.
IMPORT("wasi:sockets/tcp-create-socket@0.2.10", "create-tcp-socket") extern void create_tcp_socket(int32_t family, void *ret);
IMPORT(TCP, "[method]tcp-socket.start-bind") extern void tcp_start_bind(int32_t self, int32_t net, ADDR_PARAMS, void *ret);
IMPORT(TCP, "[method]tcp-socket.finish-bind") extern void tcp_finish_bind(int32_t self, void *ret);
IMPORT(TCP, "[method]tcp-socket.start-connect") extern void tcp_start_connect(int32_t self, int32_t net, ADDR_PARAMS, void *ret);
// result<tuple<input-stream, output-stream>, error-code>: u8 disc @0, input @4, output @8 (or u8 error @4).
IMPORT(TCP, "[method]tcp-socket.finish-connect") extern void tcp_finish_connect(int32_t self, void *ret);
IMPORT(TCP, "[method]tcp-socket.start-listen") extern void tcp_start_listen(int32_t self, void *ret);
IMPORT(TCP, "[method]tcp-socket.finish-listen") extern void tcp_finish_listen(int32_t self, void *ret);
IMPORT(TCP, "[method]tcp-socket.subscribe") extern int32_t tcp_subscribe(int32_t self);

// wasi:sockets/udp-create-socket, udp
IMPORT("wasi:sockets/udp-create-socket@0.2.10", "create-udp-socket") extern void create_udp_socket(int32_t family, void *ret);
IMPORT(UDP, "[method]udp-socket.start-bind") extern void udp_start_bind(int32_t self, int32_t net, ADDR_PARAMS, void *ret);
IMPORT(UDP, "[method]udp-socket.finish-bind") extern void udp_finish_bind(int32_t self, void *ret);
// stream(self, option<ip-socket-address>): the option is a discriminant plus the address's 12 flat values.
// result<tuple<incoming-datagram-stream, outgoing-datagram-stream>, error-code>: u8 disc @0, handles @4, @8.
IMPORT(UDP, "[method]udp-socket.stream") extern void udp_stream(int32_t self, int32_t some, ADDR_PARAMS, void *ret);
IMPORT(UDP, "[method]udp-socket.subscribe") extern int32_t udp_subscribe(int32_t self);
// check-send / send -> result<u64, error-code>: u8 disc @0, u64 (or u8 error) @8.
IMPORT(UDP, "[method]outgoing-datagram-stream.check-send") extern void udp_check_send(int32_t self, void *ret);
IMPORT(UDP, "[method]outgoing-datagram-stream.send") extern void udp_send(int32_t self, const void *ptr, int32_t len, void *ret);
IMPORT(UDP, "[method]outgoing-datagram-stream.subscribe") extern int32_t udp_out_subscribe(int32_t self);
IMPORT(UDP, "[resource-drop]incoming-datagram-stream") extern void udp_in_drop(int32_t self);
IMPORT(UDP, "[resource-drop]outgoing-datagram-stream") extern void udp_out_drop(int32_t self);

// wasi:sockets/network error-code, in WIT order (the enum's index is its discriminant).
static const char *const ERROR_CODES[] = {
  "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
  "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
  "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused", "connection-reset",
  "connection-aborted", "datagram-too-large", "name-unresolvable", "temporary-resolver-failure",
  "permanent-resolver-failure",
};
enum { WOULD_BLOCK = 8 };
enum { FAMILY_IPV4 = 0 };

static const char *code_name(uint8_t code) {
  return code < sizeof ERROR_CODES / sizeof ERROR_CODES[0] ? ERROR_CODES[code] : "?";
}

// Return areas, aligned for the largest payload (u64).
static _Alignas(8) uint8_t ret[16];

/** An ipv4 address: the 5 flat values of ipv4-socket-address (port, a, b, c, d), the rest zero. */
struct ip4 { int32_t port, a, b, c, d; };
#define IP4_ARGS(x) 0, (x).port, (x).a, (x).b, (x).c, (x).d, 0, 0, 0, 0, 0, 0

static struct ip4 parse_ip4(const char *ip, const char *port) {
  struct ip4 r = {atoi(port), 0, 0, 0, 0};
  unsigned a, b, c, d;
  if (sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a > 255 || b > 255 || c > 255 || d > 255) {
    printf("FAILED bad address %s\n", ip);
    exit(0);
  }
  r.a = (int32_t)a, r.b = (int32_t)b, r.c = (int32_t)c, r.d = (int32_t)d;
  return r;
}

/** Prints the step; stops the attack (exit 0, as the JS guest did) when it failed. ret[0] is the result's disc. */
static void step(const char *name, uint8_t code_offset) {
  if (ret[0] == 0) {
    printf("STEP %s: ok\n", name);
    return;
  }
  printf("STEP %s: err %s\n", name, code_name(ret[code_offset]));
  printf("FAILED stopped at %s\n", name);
  exit(0);
}

/** Calls finish(self) until it stops answering would-block, blocking on the socket's pollable in between. */
static void finish(const char *name, int32_t self, void (*fn)(int32_t, void *), int32_t (*subscribe)(int32_t), uint8_t code_offset) {
  for (int i = 0; i < 1000; i++) {
    fn(self, ret);
    if (ret[0] == 0 || ret[code_offset] != WOULD_BLOCK) break;
    int32_t p = subscribe(self);
    pollable_block(p);
    pollable_drop(p);
  }
  step(name, code_offset);
}

static int32_t handle_at(int offset) {
  int32_t h;
  memcpy(&h, ret + offset, 4);
  return h;
}

static uint64_t u64_at(int offset) {
  uint64_t v;
  memcpy(&v, ret + offset, 8);
  return v;
}

/** outgoing-datagram { data: list<u8> @0, remote-address: option<ip-socket-address> @8 }: size 44, align 4.
 *  option: u8 disc @0, payload @4; ip-socket-address: u8 disc @0, payload @4; ipv4-socket-address:
 *  port u16 @0, address (4 × u8) @2. */
struct __attribute__((aligned(4))) outgoing_datagram { uint8_t bytes[44]; };

static void datagram(struct outgoing_datagram *dg, const uint8_t *data, int32_t len, const struct ip4 *remote) {
  memset(dg, 0, sizeof *dg);
  int32_t ptr = (int32_t)(uintptr_t)data;
  memcpy(dg->bytes + 0, &ptr, 4);
  memcpy(dg->bytes + 4, &len, 4);
  if (!remote) return; // option none: disc 0
  dg->bytes[8] = 1;     // option some
  dg->bytes[12] = 0;    // ip-socket-address ipv4
  uint16_t port = (uint16_t)remote->port;
  memcpy(dg->bytes + 16, &port, 2);
  dg->bytes[18] = (uint8_t)remote->a, dg->bytes[19] = (uint8_t)remote->b;
  dg->bytes[20] = (uint8_t)remote->c, dg->bytes[21] = (uint8_t)remote->d;
}

/** check-send, then send one datagram of one byte; returns how many the host says it sent. */
static uint64_t send_one(const char *name, int32_t out, const struct ip4 *remote) {
  static const uint8_t bang[1] = {0x21};
  static struct outgoing_datagram dg;
  int32_t p = udp_out_subscribe(out);
  pollable_block(p);
  pollable_drop(p);
  udp_check_send(out, ret);
  if (ret[0] != 0) {
    printf("STEP %s: err %s\n", name, code_name(ret[8]));
    return 0;
  }
  datagram(&dg, bang, 1, remote);
  udp_send(out, &dg, 1, ret);
  if (ret[0] != 0) {
    printf("STEP %s: err %s\n", name, code_name(ret[8]));
    return 0;
  }
  printf("STEP %s: ok\n", name);
  return u64_at(8);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    printf("FAILED usage: connect|udp-send|listen|udp-bind <a.b.c.d> <port>\n");
    return 0;
  }
  const char *attack = argv[1];
  struct ip4 addr = parse_ip4(argv[2], argv[3]);
  int32_t net = instance_network();
  printf("STEP instance-network: ok\n");

  if (!strcmp(attack, "connect")) {
    create_tcp_socket(FAMILY_IPV4, ret);
    step("create-tcp", 4);
    int32_t s = handle_at(4);
    tcp_start_connect(s, net, IP4_ARGS(addr), ret);
    step("start-connect", 1);
    finish("finish-connect", s, tcp_finish_connect, tcp_subscribe, 4);
    int32_t output = handle_at(8);
    static const uint8_t bang[1] = {0x21};
    output_write_flush(output, bang, 1, ret);
    if (ret[0] != 0) printf("STEP write: err stream-error\n");
    else printf("STEP write: ok\n");
    printf("CONNECTED\n");
  } else if (!strcmp(attack, "udp-send")) {
    create_udp_socket(FAMILY_IPV4, ret);
    step("create-udp", 4);
    int32_t s = handle_at(4);
    struct ip4 any = {0, 0, 0, 0, 0};
    udp_start_bind(s, net, IP4_ARGS(any), ret);
    step("start-bind", 1);
    finish("finish-bind", s, udp_finish_bind, udp_subscribe, 1);
    uint64_t sent = 0;
    // Unconnected: stream(none), then send with the remote address in the datagram.
    udp_stream(s, 0, IP4_ARGS(any), ret);
    if (ret[0] != 0) printf("STEP stream-unconnected: err %s\n", code_name(ret[4]));
    else {
      printf("STEP stream-unconnected: ok\n");
      int32_t in = handle_at(4), out = handle_at(8);
      sent += send_one("send-to", out, &addr);
      // The previous streams must be dropped before stream() is called again.
      udp_out_drop(out);
      udp_in_drop(in);
    }
    // Connected: stream(remote), then send without an address.
    udp_stream(s, 1, IP4_ARGS(addr), ret);
    if (ret[0] != 0) printf("STEP stream-connected: err %s\n", code_name(ret[4]));
    else {
      printf("STEP stream-connected: ok\n");
      sent += send_one("send", handle_at(8), NULL);
    }
    printf("SENT %llu\n", (unsigned long long)sent);
  } else if (!strcmp(attack, "listen")) {
    create_tcp_socket(FAMILY_IPV4, ret);
    step("create-tcp", 4);
    int32_t s = handle_at(4);
    tcp_start_bind(s, net, IP4_ARGS(addr), ret);
    step("start-bind", 1);
    finish("finish-bind", s, tcp_finish_bind, tcp_subscribe, 1);
    tcp_start_listen(s, ret);
    step("start-listen", 1);
    finish("finish-listen", s, tcp_finish_listen, tcp_subscribe, 1);
    printf("LISTENING\n");
  } else if (!strcmp(attack, "udp-bind")) {
    create_udp_socket(FAMILY_IPV4, ret);
    step("create-udp", 4);
    int32_t s = handle_at(4);
    udp_start_bind(s, net, IP4_ARGS(addr), ret);
    step("start-bind", 1);
    finish("finish-bind", s, udp_finish_bind, udp_subscribe, 1);
    printf("BOUND\n");
  } else {
    printf("FAILED unknown attack %s\n", attack);
  }
  return 0;
}
