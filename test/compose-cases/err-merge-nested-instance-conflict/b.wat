(component
  (import "demo:nest/api@1.2.0" (instance $api
    (export "sub" (instance
      (export "f" (func (param "x" u32) (result u32)))))
    (export "extra" (func))))
  (alias export $api "sub" (instance $sub))
  (alias export $sub "f" (func $g))
  (core func $lg (canon lower (func $g)))
  (core module $m
    (import "" "g" (func (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) local.get 0 call 0))
  (core instance $h (export "g" (func $lg)))
  (core instance $i (instantiate $m (with "" (instance $h))))
  (func $run (param "x" u32) (result u32) (canon lift (core func $i "run")))
  (export "run-b" (func $run)))
