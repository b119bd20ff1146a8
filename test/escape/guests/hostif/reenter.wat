;; A victim of re-entrance. `go()` marks itself busy and calls its sibling `messenger` (test/hostif/guests), whose
;; `ping.request` asks a subject this component subscribes to. If the host hands that request to this component's
;; `handle-message` while `go` is still on the stack, the instance is re-entered (the component model forbids it: a C
;; or Rust guest's shadow stack would be overwritten). `handle-message` records it; `go` returns 1 if it happened,
;; 0 if not, and 2 plus the handler count as the positive control after `go` returned (see `handled`).
(component
  (import "wasmcloud:messaging/types@0.2.0" (instance $types
    (type $bm (record (field "subject" string) (field "body" (list u8)) (field "reply-to" (option string))))
    (export "broker-message" (type (eq $bm)))
  ))
  (alias export $types "broker-message" (type $broker-message))
  (import "weld:hostif-test/ping@0.1.0" (instance $ping
    (export "request" (func (param "subject" string) (param "body" string) (param "timeout-ms" u32) (result (result string (error string)))))
  ))
  (core module $mem
    (memory (export "memory") 1)
    (data (i32.const 0) "re.enterx")
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $at) (local.get 3)))
      (local.get $at)))
  (core instance $mem (instantiate $mem))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $request (canon lower (func $ping "request") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core module $m
    (import "mem" "memory" (memory 1))
    (import "ping" "request" (func $request (param i32 i32 i32 i32 i32 i32)))
    (global $busy (mut i32) (i32.const 0))
    (global $reentered (mut i32) (i32.const 0))
    (global $handled (mut i32) (i32.const 0))
    (func (export "go") (result i32)
      (global.set $busy (i32.const 1))
      (call $request (i32.const 0) (i32.const 8) (i32.const 8) (i32.const 1) (i32.const 500) (i32.const 64))
      (global.set $busy (i32.const 0))
      (global.get $reentered))
    (func (export "handled") (result i32) (global.get $handled))
    ;; handle-message(subject, body, reply-to) -> result<_, string>: ok, after noting whether `go` is on the stack
    (func (export "handle") (param i32 i32 i32 i32 i32 i32 i32) (result i32)
      (global.set $handled (i32.add (global.get $handled) (i32.const 1)))
      (if (global.get $busy) (then (global.set $reentered (i32.const 1))))
      (i32.store8 (i32.const 128) (i32.const 0))
      (i32.const 128))
  )
  (core instance $i (instantiate $m
    (with "mem" (instance (export "memory" (memory $memory))))
    (with "ping" (instance (export "request" (func $request))))))
  (func $go (result u32) (canon lift (core func $i "go")))
  (func $handled (result u32) (canon lift (core func $i "handled")))
  (func $handle (param "msg" $broker-message) (result (result (error string)))
    (canon lift (core func $i "handle") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (instance $api (export "go" (func $go)) (export "handled" (func $handled)))
  (export "escape:hostif/victim-api" (instance $api))
  (instance $handler (export "handle-message" (func $handle)))
  (export "wasmcloud:messaging/handler@0.2.0" (instance $handler))
)
