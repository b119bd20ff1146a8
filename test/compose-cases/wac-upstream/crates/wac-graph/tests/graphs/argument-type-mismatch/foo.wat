(component
  (import "a" (instance))
  (type (export "bar") (func))
)
