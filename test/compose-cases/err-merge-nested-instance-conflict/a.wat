(component
  (import "demo:nest/api@1.0.0" (instance $api
    (export "sub" (instance
      (export "f" (func (result u32)))))
    (export "top" (func (result u32)))))
  (alias export $api "sub" (instance $sub))
  (alias export $sub "f" (func $f))
  (core func $lf (canon lower (func $f)))
  (core module $m
    (import "" "f" (func (result i32)))
    (func (export "run") (result i32) call 0))
  (core instance $h (export "f" (func $lf)))
  (core instance $i (instantiate $m (with "" (instance $h))))
  (func $run (result u32) (canon lift (core func $i "run")))
  (export "run-a" (func $run)))
