;; A hostile provider: `keep(c: borrow<counter>)` stores the borrowed handle instead of letting it end with the call,
;; and `later()` uses it after the call returned (the lender may have dropped the counter by then). The component
;; model ends a borrow at the return of the call that lent it; using it later must trap. `keep-opt` and `keep-pair`
;; do the same with a borrow nested in an option and in a tuple.
(component
  (import "test:counter/counter@0.1.0" (instance $c
    (export "counter" (type $counter (sub resource)))
    (export "[method]counter.value" (func (param "self" (borrow $counter)) (result s32)))
  ))
  (alias export $c "counter" (type $counter))
  (core func $value (canon lower (func $c "[method]counter.value")))
  (core module $m
    (import "c" "value" (func $value (param i32) (result i32)))
    (global $kept (mut i32) (i32.const 0))
    (func (export "keep") (param $h i32) (result i32)
      (global.set $kept (local.get $h))
      (call $value (local.get $h)))
    (func (export "later") (result i32) (call $value (global.get $kept)))
    (func (export "keep-opt") (param $some i32) (param $h i32) (result i32)
      (if (i32.eqz (local.get $some)) (then (return (i32.const -1))))
      (global.set $kept (local.get $h))
      (call $value (local.get $h)))
    (func (export "keep-pair") (param $n i32) (param $h i32) (result i32)
      (global.set $kept (local.get $h))
      (i32.add (local.get $n) (call $value (local.get $h))))
  )
  (core instance $i (instantiate $m (with "c" (instance (export "value" (func $value))))))
  (func $keep (param "c" (borrow $counter)) (result s32) (canon lift (core func $i "keep")))
  (func $later (result s32) (canon lift (core func $i "later")))
  (func $keep-opt (param "c" (option (borrow $counter))) (result s32) (canon lift (core func $i "keep-opt")))
  (func $keep-pair (param "p" (tuple u32 (borrow $counter))) (result s32) (canon lift (core func $i "keep-pair")))
  (instance $api (export "keep" (func $keep)) (export "later" (func $later)) (export "keep-opt" (func $keep-opt)) (export "keep-pair" (func $keep-pair)))
  (export "escape:hostif/keeper" (instance $api))
)
