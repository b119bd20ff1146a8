;; Imports the sibling `counter`'s test:counter/counter but declares functions counter never exported, named after
;; what every JavaScript object has (`to-string`, `has-own-property`, `value-of`): the link must not hand the host's own
;; JavaScript to the guest. `make-one` (which counter does export) is the positive control.
(component
  (import "test:counter/counter@0.1.0" (instance $c
    (export "counter" (type $counter (sub resource)))
    (export "make" (func (param "start" s32) (result (own $counter))))
    (export "to-string" (func (result string)))
    (export "has-own-property" (func (param "name" string) (result bool)))
  ))
  (alias export $c "counter" (type $counter))
  (core module $mem
    (memory (export "memory") 1)
    (data (i32.const 0) "make")
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $at) (local.get 3)))
      (local.get $at)))
  (core instance $mem (instantiate $mem))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $make (canon lower (func $c "make")))
  (core func $to-string (canon lower (func $c "to-string") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $has-own (canon lower (func $c "has-own-property") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $drop (canon resource.drop $counter))
  (core module $m
    (import "mem" "memory" (memory 1))
    (import "c" "make" (func $make (param i32) (result i32)))
    (import "c" "to-string" (func $to-string (param i32)))
    (import "c" "has-own" (func $has-own (param i32 i32) (result i32)))
    (import "c" "drop" (func $drop (param i32)))
    (func (export "make-one") (result i32) (call $drop (call $make (i32.const 1))) (i32.const 1))
    ;; the length of what to-string returned
    (func (export "to-string-len") (result i32) (call $to-string (i32.const 64)) (i32.load (i32.const 68)))
    (func (export "has-make") (result i32) (call $has-own (i32.const 0) (i32.const 4)))
  )
  (core instance $i (instantiate $m
    (with "mem" (instance (export "memory" (memory $memory))))
    (with "c" (instance (export "make" (func $make)) (export "to-string" (func $to-string)) (export "has-own" (func $has-own)) (export "drop" (func $drop))))))
  (func $make-one (result u32) (canon lift (core func $i "make-one")))
  (func $to-string-len (result u32) (canon lift (core func $i "to-string-len")))
  (func $has-make (result bool) (canon lift (core func $i "has-make")))
  (instance $api (export "make-one" (func $make-one)) (export "to-string-len" (func $to-string-len)) (export "has-make" (func $has-make)))
  (export "escape:hostif/overreach" (instance $api))
)
