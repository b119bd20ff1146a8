(component
  (import "foo" (instance
    (export "baz" (func))
  ))
)
