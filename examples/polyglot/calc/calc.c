// demo:calc/calc@0.1.0 implemented in C with the canonical ABI glue written by hand
// (component-model CanonicalABI.md: flattening, retptr areas, cabi_realloc, post-return).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

// The host allocates argument strings/lists through this; ownership passes to us.
EXPORT("cabi_realloc")
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  (void)align; // malloc's 16-byte alignment covers every canonical ABI alignment
  if (new_size == 0) return (void *)align; // never dereferenced; see free_arg
  void *ret = realloc(ptr, new_size);
  if (!ret) abort();
  return ret;
}

// Return area shared by functions whose flattened results exceed one core value.
static _Alignas(8) uint8_t RET_AREA[16];

EXPORT("demo:calc/calc@0.1.0#add")
int32_t calc_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

// Hosts pass empty strings and lists without allocating (jco uses ptr=1), so only non-empty ones are ours to free.
static void free_arg(void *ptr, size_t len) {
  if (len > 0) free(ptr);
}

static char *copy_string(const char *s, size_t len) {
  char *out = malloc(len ? len : 1);
  if (!out) abort();
  memcpy(out, s, len);
  return out;
}

// result<f64, string>: tag u8 at 0, payload at 8 (f64, or ptr/len pair).
EXPORT("demo:calc/calc@0.1.0#divide")
uint8_t *calc_divide(double a, double b) {
  if (b == 0.0) {
    static const char msg[] = "division by zero";
    RET_AREA[0] = 1;
    uint32_t ptr = (uint32_t)(uintptr_t)copy_string(msg, sizeof msg - 1);
    uint32_t len = sizeof msg - 1;
    memcpy(RET_AREA + 8, &ptr, 4);
    memcpy(RET_AREA + 12, &len, 4);
  } else {
    double q = a / b;
    RET_AREA[0] = 0;
    memcpy(RET_AREA + 8, &q, 8);
  }
  return RET_AREA;
}

EXPORT("cabi_post_demo:calc/calc@0.1.0#divide")
void calc_divide_post(uint8_t *ret) {
  if (ret[0] == 1) {
    uint32_t ptr;
    memcpy(&ptr, ret + 8, 4);
    free((void *)(uintptr_t)ptr);
  }
}

EXPORT("demo:calc/calc@0.1.0#greet")
uint8_t *calc_greet(char *name, size_t name_len) {
  static const char prefix[] = "Hello, ";
  size_t plen = sizeof prefix - 1;
  size_t len = plen + name_len + 1;
  char *out = malloc(len);
  if (!out) abort();
  memcpy(out, prefix, plen);
  memcpy(out + plen, name, name_len);
  out[len - 1] = '!';
  free_arg(name, name_len);
  uint32_t ptr = (uint32_t)(uintptr_t)out, ulen = (uint32_t)len;
  memcpy(RET_AREA, &ptr, 4);
  memcpy(RET_AREA + 4, &ulen, 4);
  return RET_AREA;
}

EXPORT("cabi_post_demo:calc/calc@0.1.0#greet")
void calc_greet_post(uint8_t *ret) {
  uint32_t ptr;
  memcpy(&ptr, ret, 4);
  free((void *)(uintptr_t)ptr);
}

EXPORT("demo:calc/calc@0.1.0#sum")
double calc_sum(double *values, size_t len) {
  double total = 0;
  for (size_t i = 0; i < len; i++) total += values[i];
  free_arg(values, len);
  return total;
}
