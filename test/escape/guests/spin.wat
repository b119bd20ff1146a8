;; A component whose exported function never returns: `weld test --timeout` must kill the call.
(component
  (core module $m
    (func (export "spin") (loop $l (br $l)))
  )
  (core instance $i (instantiate $m))
  (func $spin (canon lift (core func $i "spin")))
  (instance $spinner (export "spin" (func $spin)))
  (export "escape:spin/spinner" (instance $spinner))
)
