(component
  (import "foo" (instance
    (export "baz" (instance))
  ))
)
