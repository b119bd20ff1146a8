;; A hostile wasmcloud:messaging guest: `flood(count, mib)` grows its memory by `mib` MiB and publishes it `count`
;; times on subject "flood.x" in one call, without ever yielding; it returns how many publishes the host accepted.
;; A subscriber in the same process gets each message only after the call: whatever the host queues until then is
;; host memory outside --max-memory.
(component
  (import "wasmcloud:messaging/types@0.2.0" (instance $types
    (type $bm (record (field "subject" string) (field "body" (list u8)) (field "reply-to" (option string))))
    (export "broker-message" (type (eq $bm)))
  ))
  (alias export $types "broker-message" (type $broker-message))
  (import "wasmcloud:messaging/consumer@0.2.0" (instance $consumer
    (alias outer 1 $broker-message (type $bm0))
    (export "broker-message" (type $bm (eq $bm0)))
    (export "publish" (func (param "msg" $bm) (result (result (error string)))))
  ))
  (core module $mem
    (memory (export "memory") 2)
    (data (i32.const 0) "flood.x")
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $at) (local.get 3)))
      (local.get $at)))
  (core instance $mem (instantiate $mem))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $publish (canon lower (func $consumer "publish") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core module $m
    (import "mem" "memory" (memory 1))
    (import "m" "publish" (func $publish (param i32 i32 i32 i32 i32 i32 i32 i32)))
    (func (export "flood") (param $count i32) (param $mib i32) (result i32)
      (local $i i32)
      (if (i32.lt_s (memory.grow (i32.mul (local.get $mib) (i32.const 16))) (i32.const 0)) (then (return (i32.const -1))))
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (i32.store (i32.const 131072) (local.get $i))
          (call $publish (i32.const 0) (i32.const 7) (i32.const 131072) (i32.mul (local.get $mib) (i32.const 1048576)) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64))
          (br_if $done (i32.load8_u (i32.const 64)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (local.get $i))
  )
  (core instance $i (instantiate $m
    (with "mem" (instance (export "memory" (memory $memory))))
    (with "m" (instance (export "publish" (func $publish))))))
  (func $flood (param "count" u32) (param "mib" u32) (result s32) (canon lift (core func $i "flood")))
  (instance $api (export "flood" (func $flood)))
  (export "escape:hostif/pub-flood" (instance $api))
)
