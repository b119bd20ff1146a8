(component
  (import "foo" (func))
  (type (export "bar") (func))
)
