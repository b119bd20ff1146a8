;; A hostile wasi:keyvalue guest: `flood(count, mib)` grows its own linear memory by `mib` MiB and stores that many
;; bytes under `count` distinct keys of bucket "flood", stopping at the first refused set; it returns how many sets
;; the host accepted. Its own memory stays small (under --max-memory), so any growth is the host's.
(component
  (import "wasi:keyvalue/store@0.2.0-draft" (instance $store
    (export "bucket" (type $bucket (sub resource)))
    (type $error (variant (case "no-such-store") (case "access-denied") (case "other" string)))
    (export "error" (type $err (eq $error)))
    (export "[method]bucket.set" (func (param "self" (borrow $bucket)) (param "key" string) (param "value" (list u8)) (result (result (error $err)))))
    (export "open" (func (param "identifier" string) (result (result (own $bucket) (error $err)))))
  ))
  (alias export $store "bucket" (type $bucket))
  (core module $mem
    (memory (export "memory") 2)
    (data (i32.const 0) "flood")
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $at) (local.get 3)))
      (local.get $at)))
  (core instance $mem (instantiate $mem))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $open (canon lower (func $store "open") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $set (canon lower (func $store "[method]bucket.set") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $drop (canon resource.drop $bucket))
  (core module $m
    (import "mem" "memory" (memory 1))
    (import "kv" "open" (func $open (param i32 i32 i32)))
    (import "kv" "set" (func $set (param i32 i32 i32 i32 i32 i32)))
    (import "kv" "drop" (func $drop (param i32)))
    ;; key at 16..19 ("k" + 3 letters), return areas at 32 and 64; values from 128 KiB on
    (func (export "flood") (param $count i32) (param $mib i32) (result i32)
      (local $i i32) (local $bucket i32) (local $len i32)
      (local.set $len (i32.mul (local.get $mib) (i32.const 1048576)))
      (if (i32.lt_s (memory.grow (i32.mul (local.get $mib) (i32.const 16))) (i32.const 0)) (then (return (i32.const -1))))
      (call $open (i32.const 0) (i32.const 5) (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then (return (i32.const -2))))
      (local.set $bucket (i32.load (i32.const 36)))
      (i32.store8 (i32.const 16) (i32.const 107))
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (i32.store8 (i32.const 17) (i32.add (i32.const 97) (i32.rem_u (i32.div_u (local.get $i) (i32.const 676)) (i32.const 26))))
          (i32.store8 (i32.const 18) (i32.add (i32.const 97) (i32.rem_u (i32.div_u (local.get $i) (i32.const 26)) (i32.const 26))))
          (i32.store8 (i32.const 19) (i32.add (i32.const 97) (i32.rem_u (local.get $i) (i32.const 26))))
          ;; a different first byte each time, so no two values are the same
          (i32.store (i32.const 131072) (local.get $i))
          (call $set (local.get $bucket) (i32.const 16) (i32.const 4) (i32.const 131072) (local.get $len) (i32.const 64))
          (br_if $done (i32.load8_u (i32.const 64)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (call $drop (local.get $bucket))
      (local.get $i))
  )
  (core instance $i (instantiate $m
    (with "mem" (instance (export "memory" (memory $memory))))
    (with "kv" (instance (export "open" (func $open)) (export "set" (func $set)) (export "drop" (func $drop))))))
  (func $flood (param "count" u32) (param "mib" u32) (result s32) (canon lift (core func $i "flood")))
  (instance $api (export "flood" (func $flood)))
  (export "escape:hostif/kv-flood" (instance $api))
)
