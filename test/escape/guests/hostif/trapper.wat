;; A sibling that traps mid-call: `boom(0)` hits `unreachable`; `boom(n)` for n > 0 returns n (the positive control).
(component
  (core module $m
    (func (export "boom") (param $n i32) (result i32)
      (if (i32.eqz (local.get $n)) (then unreachable))
      (local.get $n)))
  (core instance $i (instantiate $m))
  (func $boom (param "n" u32) (result u32) (canon lift (core func $i "boom")))
  (instance $victim (export "boom" (func $boom)))
  (export "escape:hostif/victim" (instance $victim))
)
