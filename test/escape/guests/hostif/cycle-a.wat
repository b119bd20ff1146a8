;; Half of a cycle (with cycle-b.wat): a.down(n) calls b.down(n + 1), which calls a.down again. The plan must refuse it.
(component
  (import "escape:hostif/b" (instance $b (export "down" (func (param "n" u32) (result u32)))))
  (core func $down-b (canon lower (func $b "down")))
  (core module $m
    (import "b" "down" (func $down (param i32) (result i32)))
    (func (export "down") (param $n i32) (result i32) (call $down (i32.add (local.get $n) (i32.const 1)))))
  (core instance $i (instantiate $m (with "b" (instance (export "down" (func $down-b))))))
  (func $down (param "n" u32) (result u32) (canon lift (core func $i "down")))
  (instance $a (export "down" (func $down)))
  (export "escape:hostif/a" (instance $a))
)
