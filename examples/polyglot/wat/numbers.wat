;; A component written directly in WAT: exports demo:numbers/numbers@0.1.0 with an
;; iterative Fibonacci and a greatest common divisor, lifted from a core module.
(component
  (core module $impl
    (func (export "fib") (param $n i32) (result i64)
      (local $a i64) (local $b i64) (local $t i64)
      (local.set $b (i64.const 1))
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $t (i64.add (local.get $a) (local.get $b)))
          (local.set $a (local.get $b))
          (local.set $b (local.get $t))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $a))
    (func (export "gcd") (param $a i32) (param $b i32) (result i32)
      (local $t i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $b)))
          (local.set $t (i32.rem_u (local.get $a) (local.get $b)))
          (local.set $a (local.get $b))
          (local.set $b (local.get $t))
          (br $next)))
      (local.get $a)))
  (core instance $i (instantiate $impl))
  (func $fib (param "n" u32) (result u64) (canon lift (core func $i "fib")))
  (func $gcd (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "gcd")))
  (instance $numbers
    (export "fib" (func $fib))
    (export "gcd" (func $gcd)))
  (export "demo:numbers/numbers@0.1.0" (instance $numbers))
)
