;; imports demo:math/add@0.1.0, exports demo:math/double@0.1.0 { double: func(x: s32) -> s32 } as add(x, x)
(component
  (import "demo:math/add@0.1.0" (instance $add (export "add" (func (param "a" s32) (param "b" s32) (result s32)))))
  (core func $add (canon lower (func $add "add")))
  (core module $m
    (import "host" "add" (func $add (param i32 i32) (result i32)))
    (func (export "double") (param i32) (result i32) local.get 0 local.get 0 call $add))
  (core instance $host (export "add" (func $add)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (func $double (param "x" s32) (result s32) (canon lift (core func $i "double")))
  (instance $double-iface (export "double" (func $double)))
  (export "demo:math/double@0.1.0" (instance $double-iface))
)
