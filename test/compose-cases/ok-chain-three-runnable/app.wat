;; imports demo:math/double@0.1.0, exports run: func(x: s32) -> s32 as double(x) + 1
(component
  (import "demo:math/double@0.1.0" (instance $double (export "double" (func (param "x" s32) (result s32)))))
  (core func $double (canon lower (func $double "double")))
  (core module $m
    (import "host" "double" (func $double (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) local.get 0 call $double i32.const 1 i32.add))
  (core instance $host (export "double" (func $double)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func $run (param "x" s32) (result s32) (canon lift (core func $i "run")))
  (export "run" (func $run))
)
