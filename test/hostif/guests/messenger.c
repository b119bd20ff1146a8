// wasmcloud:messaging in C with the canonical ABI glue written by hand (CanonicalABI.md: flattening, return
// areas, cabi_realloc, post-return), so the messaging benchmark can measure the host rather than a JS engine.
// handle-message answers a message that has a reply-to with `pong:<body>`; ping-bench.bench requests in a loop.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define CONSUMER "wasmcloud:messaging/consumer@0.2.0"

EXPORT("cabi_realloc")
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  (void)align;
  if (new_size == 0) return (void *)align;
  void *ret = realloc(ptr, new_size);
  if (!ret) abort();
  return ret;
}

static void free_arg(void *ptr, size_t len) {
  if (len > 0) free(ptr);
}

// request(subject: string, body: list<u8>, timeout-ms: u32) -> result<broker-message, string>
// Return area: u8 disc @0; ok: subject @4/@8, body @12/@16, reply-to option: u8 @20, ptr @24, len @28; err: string @4/@8.
IMPORT(CONSUMER, "request")
extern void consumer_request(const char *subject, int32_t subject_len, const uint8_t *body, int32_t body_len, int32_t timeout_ms, uint8_t *ret);
// publish(msg: broker-message) -> result<_, string>: the record flattens to subject, body, option<string> (7 values).
// Return area: u8 disc @0, err string @4/@8.
IMPORT(CONSUMER, "publish")
extern void consumer_publish(const char *subject, int32_t subject_len, const uint8_t *body, int32_t body_len, int32_t has_reply, const char *reply,
                             int32_t reply_len, uint8_t *ret);

static uint32_t u32_at(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static _Alignas(8) uint8_t RET_AREA[16];

// result<_, string> or result<u32, string> as an error: u8 disc @0, string @4/@8 (the string is ours; post-return frees it).
static uint8_t *fail(const char *msg) {
  size_t len = strlen(msg);
  char *copy = malloc(len ? len : 1);
  memcpy(copy, msg, len);
  RET_AREA[0] = 1;
  put_u32(RET_AREA + 4, (uint32_t)(uintptr_t)copy);
  put_u32(RET_AREA + 8, (uint32_t)len);
  return RET_AREA;
}

static void free_result_string(uint8_t *area) {
  if (area[0] == 1) free_arg((void *)(uintptr_t)u32_at(area + 4), u32_at(area + 8));
}

// handle-message(msg: broker-message) -> result<_, string>
EXPORT("wasmcloud:messaging/handler@0.2.0#handle-message")
uint8_t *handle_message(char *subject, int32_t subject_len, uint8_t *body, int32_t body_len, int32_t has_reply, char *reply, int32_t reply_len) {
  uint8_t *result = RET_AREA;
  result[0] = 0;
  if (has_reply) {
    size_t n = 5 + (size_t)body_len;
    uint8_t *out = malloc(n);
    memcpy(out, "pong:", 5);
    memcpy(out + 5, body, (size_t)body_len);
    _Alignas(4) uint8_t ret[12];
    consumer_publish(reply, reply_len, out, (int32_t)n, 0, 0, 0, ret);
    free(out);
    if (ret[0] != 0) {
      free_result_string(ret);
      result = fail("publishing the reply failed");
    }
    free_arg(reply, (size_t)reply_len);
  }
  free_arg(subject, (size_t)subject_len);
  free_arg(body, (size_t)body_len);
  return result;
}

EXPORT("cabi_post_wasmcloud:messaging/handler@0.2.0#handle-message")
void handle_message_post(uint8_t *area) { free_result_string(area); }

// bench(subject: string, count: u32) -> result<u32, string>: u8 disc @0, u32 @4 (or string @4/@8).
EXPORT("weld:hostif-test/ping-bench@0.1.0#bench")
uint8_t *bench(char *subject, int32_t subject_len, int32_t count) {
  uint32_t ok = 0;
  char body[16];
  char expect[32];
  for (int32_t i = 0; i < count; i++) {
    int body_len = 0;
    uint32_t v = (uint32_t)i;
    char digits[16];
    do {
      digits[body_len++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    for (int k = 0; k < body_len; k++) body[k] = digits[body_len - 1 - k];
    memcpy(expect, "pong:", 5);
    memcpy(expect + 5, body, (size_t)body_len);
    _Alignas(4) uint8_t ret[32];
    consumer_request(subject, subject_len, (const uint8_t *)body, body_len, 5000, ret);
    if (ret[0] != 0) {
      free_result_string(ret);
      free_arg(subject, (size_t)subject_len);
      return fail("a request failed");
    }
    uint8_t *reply = (uint8_t *)(uintptr_t)u32_at(ret + 12);
    uint32_t reply_len = u32_at(ret + 16);
    if (reply_len == (uint32_t)body_len + 5 && memcmp(reply, expect, reply_len) == 0) ok++;
    free_arg((void *)(uintptr_t)u32_at(ret + 4), u32_at(ret + 8));
    free_arg(reply, reply_len);
    if (ret[20]) free_arg((void *)(uintptr_t)u32_at(ret + 24), u32_at(ret + 28));
  }
  free_arg(subject, (size_t)subject_len);
  RET_AREA[0] = 0;
  put_u32(RET_AREA + 4, ok);
  return RET_AREA;
}

EXPORT("cabi_post_weld:hostif-test/ping-bench@0.1.0#bench")
void bench_post(uint8_t *area) { free_result_string(area); }
