(component
  (import "a" (func))
  (type (export "bar") (func))
)
