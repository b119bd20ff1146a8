;; Declares host-interface functions no plugin implements but every JavaScript object or class has: `to-string` in
;; wasi:config/store (Object.prototype.toString) and `[static]bucket.to-string` in wasi:keyvalue/store
;; (Function.prototype.toString: the source of the host's class). The host must refuse them, not run its own JS.
(component
  (import "wasi:config/store@0.2.0-rc.1" (instance $config
    (export "to-string" (func (result string)))
  ))
  (import "wasi:keyvalue/store@0.2.0-draft" (instance $store
    (export "bucket" (type $bucket (sub resource)))
    (export "[static]bucket.to-string" (func (result string)))
  ))
  (core module $mem
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $at) (local.get 3)))
      (local.get $at)))
  (core instance $mem (instantiate $mem))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $cfg (canon lower (func $config "to-string") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $src (canon lower (func $store "[static]bucket.to-string") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core module $m
    (import "mem" "memory" (memory 1))
    (import "h" "cfg" (func $cfg (param i32)))
    (import "h" "src" (func $src (param i32)))
    (func (export "config-to-string") (result i32) (call $cfg (i32.const 64)) (i32.const 64))
    (func (export "bucket-source") (result i32) (call $src (i32.const 64)) (i32.const 64))
  )
  (core instance $i (instantiate $m
    (with "mem" (instance (export "memory" (memory $memory))))
    (with "h" (instance (export "cfg" (func $cfg)) (export "src" (func $src))))))
  (func $config-to-string (result string) (canon lift (core func $i "config-to-string") (memory $memory) string-encoding=utf8))
  (func $bucket-source (result string) (canon lift (core func $i "bucket-source") (memory $memory) string-encoding=utf8))
  (instance $api (export "config-to-string" (func $config-to-string)) (export "bucket-source" (func $bucket-source)))
  (export "escape:hostif/protoleak" (instance $api))
)
