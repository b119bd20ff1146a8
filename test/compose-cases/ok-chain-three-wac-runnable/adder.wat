;; exports demo:math/add@0.1.0 { add: func(a: s32, b: s32) -> s32 }
(component
  (core module $m (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (func $add (param "a" s32) (param "b" s32) (result s32) (canon lift (core func $i "add")))
  (instance $add-iface (export "add" (func $add)))
  (export "demo:math/add@0.1.0" (instance $add-iface))
)
